//! The animation painter: an animated GIF of the trajectories growing step by step over the
//! still figure (encoded by [`super::gif`]).

use std::io::Write;

use resvg::tiny_skia::Pixmap;

use super::gif::{GifFrames, GifWriter, check_request};
use super::raster::{base, draw_cloud, draw_svg};
use super::svg::{Layers, to_svg};
use super::{Figure, FigureError};
use crate::scene::Rgb;

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

pub use super::gif::MAX_FRAMES;

/// Writes the animation of `fig` as a looping GIF to `out`; returns the number of frames.
///
/// The still layers (heatmap, contours, axes, legend) are painted once; each frame adds the
/// trajectories up to its step.
///
/// # Errors
/// [`FigureError::Paint`] for a GIF larger than 65 535 pixels a side, no frames or more than
/// [`MAX_FRAMES`], or a frame rate outside 0.1 to 100; [`FigureError::Io`] if writing fails.
pub fn to_gif<W: Write>(fig: &Figure, anim: &Animation, out: W) -> Result<usize, FigureError> {
    let mut gif = GifSteps::new(fig, anim, out)?;
    while !gif.advance(fig, usize::MAX)? {}
    let count = gif.count();
    gif.finish()?;
    Ok(count)
}

/// An animation's GIF written a few frames at a time: [`to_gif`] cut into frames (a frame is a
/// few tens of milliseconds in the browser), so that where there are no threads it is written
/// between frames of the page. The same bytes however it is cut.
pub struct GifSteps<W: Write> {
    steps: Vec<usize>,
    still: Pixmap,
    writer: GifWriter<W>,
}

impl<W: Write> GifSteps<W> {
    /// Paints the still layers and the last frame, learns the palette, writes the header.
    ///
    /// # Errors
    /// As [`to_gif`].
    pub fn new(fig: &Figure, anim: &Animation, out: W) -> Result<Self, FigureError> {
        check_request(anim.frames, anim.fps)?;
        let mut still = base(fig)?;
        draw_svg(&mut still, &to_svg(fig, None, Layers::STILL)?, fig.sheet.density)?;
        let steps = anim.steps(fig.last_step());
        let keys: Vec<Rgb> = fig.sheet.tracks.iter().map(|t| t.color).collect();
        let frames = GifFrames {
            size: (still.width(), still.height()),
            count: steps.len(),
            fps: anim.fps,
            keys: &keys,
            hold_last: true,
            still: Some(&still),
        };
        let last = frame(fig, &still, steps[steps.len() - 1])?;
        let writer = GifWriter::new(out, &frames, last)?;
        Ok(Self { steps, still, writer })
    }

    /// How many frames the GIF has.
    pub fn count(&self) -> usize {
        self.steps.len()
    }

    /// Frames written so far.
    pub fn written(&self) -> usize {
        self.writer.next()
    }

    /// Paints and writes at most `units` more frames (at least one) of `fig` (the figure it was
    /// made for); whether every frame is written.
    ///
    /// # Errors
    /// As [`to_gif`].
    pub fn advance(&mut self, fig: &Figure, units: usize) -> Result<bool, FigureError> {
        for _ in 0..units.max(1) {
            let (steps, still) = (&self.steps, &self.still);
            if self.writer.write_next(|i| frame(fig, still, steps[i]))? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Ends the GIF; what it was written to.
    ///
    /// # Errors
    /// [`FigureError::Io`] if writing fails.
    pub fn finish(self) -> Result<W, FigureError> {
        self.writer.finish()
    }
}

/// The frame at `step`: the trajectories up to it (and the cloud there) over the still layers.
fn frame(fig: &Figure, still: &Pixmap, step: usize) -> Result<Pixmap, FigureError> {
    let mut pixmap = still.clone();
    draw_svg(&mut pixmap, &to_svg(fig, Some(step), Layers::TRACKS)?, fig.sheet.density)?;
    draw_cloud(&mut pixmap, fig, step);
    Ok(pixmap)
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
