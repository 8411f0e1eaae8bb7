//! The animation painter: an animated GIF of the trajectories growing step by step over the
//! still figure. The still layers (heatmap, contours, axes, legend) are painted once; each frame
//! adds the trajectories up to its step. One palette, learnt from the last frame (which holds
//! every colour the animation shows), serves every frame, so colours do not flicker.

use std::io::Write;

use color_quant::NeuQuant;

use super::raster::{base, draw_cloud, draw_svg};
use super::svg::{Layers, critical_style, to_svg};
use super::{Figure, FigureError};
use crate::scene::Rgb;
use crate::sim::CriticalKind;

/// What to animate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Animation {
    /// First step shown.
    pub from: usize,
    /// Last step shown (clamped to the figure's last step).
    pub to: usize,
    /// At most this many frames, evenly spaced in steps from `from` to `to`.
    pub frames: usize,
    /// Frames per second.
    pub fps: f64,
}

impl Animation {
    /// Every step of the figure in at most `frames` frames at `fps`.
    pub fn whole(fig: &Figure, frames: usize, fps: f64) -> Self {
        Self { from: 0, to: fig.last_step(), frames, fps }
    }

    /// The step each frame shows: `frames` steps evenly spaced from `from` to `to` (both
    /// included), without repeats; fewer when the range has fewer steps.
    pub fn steps(&self, last_step: usize) -> Vec<usize> {
        let to = self.to.min(last_step);
        let from = self.from.min(to);
        let span = to - from;
        let n = self.frames.clamp(1, span + 1);
        if n == 1 {
            return vec![to];
        }
        let mut steps: Vec<usize> = (0..n)
            .map(|i| from + ((i as f64) * span as f64 / (n - 1) as f64).round() as usize)
            .collect();
        steps.dedup();
        steps
    }
}

/// The most frames one GIF may hold.
pub const MAX_FRAMES: usize = 2000;

/// Writes the animation of `fig` as a looping GIF to `out`; returns the number of frames.
///
/// # Errors
/// [`FigureError::Paint`] for a GIF larger than 65 535 pixels a side, no frames or more than
/// [`MAX_FRAMES`], or a frame rate outside 0.1 to 100; [`FigureError::Io`] if writing fails.
pub fn to_gif<W: Write>(fig: &Figure, anim: &Animation, out: W) -> Result<usize, FigureError> {
    if !(anim.fps.is_finite() && (0.1..=100.0).contains(&anim.fps)) {
        return Err(FigureError::Paint(format!(
            "frame rate must be from 0.1 to 100 frames per second, got {}",
            anim.fps
        )));
    }
    if anim.frames == 0 || anim.frames > MAX_FRAMES {
        return Err(FigureError::Paint(format!(
            "frames must be from 1 to {MAX_FRAMES}, got {}",
            anim.frames
        )));
    }
    let io =
        |e: gif::EncodingError| FigureError::Io { path: "GIF".to_owned(), message: e.to_string() };
    let mut still = base(fig)?;
    draw_svg(&mut still, &to_svg(fig, None, Layers::STILL)?, fig.density)?;
    let (w, h) = (still.width(), still.height());
    let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
        return Err(FigureError::Paint(format!(
            "a GIF is at most 65535 pixels a side, not {w}×{h}"
        )));
    };
    let frame_at = |step: usize| -> Result<resvg::tiny_skia::Pixmap, FigureError> {
        let mut pixmap = still.clone();
        draw_svg(&mut pixmap, &to_svg(fig, Some(step), Layers::TRACKS)?, fig.density)?;
        draw_cloud(&mut pixmap, fig, step);
        Ok(pixmap)
    };
    let steps = anim.steps(fig.last_step());
    let last = frame_at(*steps.last().unwrap_or(&0))?;
    // The frames are opaque (a white background), so premultiplied RGBA is plain RGBA.
    // The learning sample: the last frame, plus a swatch of every track and marker colour, so
    // that colours a few pixels wide (heads, markers, legend keys) keep their own palette entry.
    let mut sample = last.data().to_vec();
    let swatch = (sample.len() / 4 / 200).max(64);
    let keys = fig.tracks.iter().map(|t| t.color).chain(
        [CriticalKind::Min, CriticalKind::Max, CriticalKind::Saddle, CriticalKind::Degenerate]
            .map(|k| critical_style(k).0),
    );
    for Rgb([r, g, b]) in keys {
        for _ in 0..swatch {
            sample.extend_from_slice(&[r, g, b, 255]);
        }
    }
    let quant = NeuQuant::new(10, 256, &sample);
    let palette = quant.color_map_rgb();
    // Most pixels of every frame are the still layer's: index them once.
    let still_pixels = still.data();
    let still_index: Vec<u8> =
        still_pixels.chunks_exact(4).map(|p| quant.index_of(p) as u8).collect();

    let mut encoder = gif::Encoder::new(out, w16, h16, &palette).map_err(io)?;
    encoder.set_repeat(gif::Repeat::Infinite).map_err(io)?;
    let delay = (100.0 / anim.fps).round().clamp(1.0, 65535.0) as u16;
    for (i, &step) in steps.iter().enumerate() {
        let drawn;
        let pixmap = if i + 1 == steps.len() {
            &last
        } else {
            drawn = frame_at(step)?;
            &drawn
        };
        let mut index = still_index.clone();
        for ((ix, p), q) in
            index.iter_mut().zip(pixmap.data().chunks_exact(4)).zip(still_pixels.chunks_exact(4))
        {
            if p != q {
                *ix = quant.index_of(p) as u8;
            }
        }
        // Hold the last frame a little longer, so the end state can be read before the loop.
        let delay = if i + 1 == steps.len() { delay.saturating_mul(3).max(150) } else { delay };
        let frame = gif::Frame {
            width: w16,
            height: h16,
            delay,
            buffer: std::borrow::Cow::Owned(index),
            ..gif::Frame::default()
        };
        encoder.write_frame(&frame).map_err(io)?;
    }
    Ok(steps.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anim(from: usize, to: usize, frames: usize) -> Animation {
        Animation { from, to, frames, fps: 20.0 }
    }

    #[test]
    fn frame_steps_are_evenly_spaced_and_include_both_ends() {
        assert_eq!(anim(0, 300, 4).steps(300), vec![0, 100, 200, 300]);
        assert_eq!(anim(0, 10, 100).steps(10), (0..=10).collect::<Vec<_>>());
        assert_eq!(anim(5, 1000, 3).steps(20), vec![5, 13, 20], "clamped to the last step");
        assert_eq!(anim(50, 10, 3).steps(100), vec![10], "an empty range shows its end");
        assert_eq!(anim(0, 0, 5).steps(0), vec![0]);
    }
}
