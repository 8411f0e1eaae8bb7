//! The animation painter: an animated GIF of the trajectories growing step by step over the
//! still figure (encoded by [`super::gif`]).

use std::io::Write;

use resvg::tiny_skia::Pixmap;

use super::gif::{GifFrames, GifWriter, Palette, check_request};
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

/// An animation's GIF written a piece at a time: [`to_gif`] cut into pieces of work (the still
/// layers, the last frame, the palette, the header, then each frame painted, indexed and
/// encoded: tens of milliseconds each natively, up to ten times that in the browser), so that where there are no threads it is written between frames of the
/// page. The same bytes however it is cut.
pub struct GifSteps<W: Write> {
    steps: Vec<usize>,
    fps: f64,
    phase: GifPhase<W>,
}

/// Where a GIF being written is.
enum GifPhase<W: Write> {
    /// Nothing painted yet.
    Start(W),
    /// The still layers painted.
    Still(W, Pixmap),
    /// The last frame painted (the palette is learnt from it).
    Last(W, Pixmap, Pixmap),
    /// The palette learnt.
    Palette(W, Pixmap, Pixmap, Box<Palette>),
    /// The header written: the frames.
    Frames(Pixmap, Box<GifWriter<W>>),
    /// Handed over (or failed).
    Taken,
}

impl<W: Write> GifSteps<W> {
    /// The GIF of `anim` of `fig`, to `out`: checks the request, paints nothing yet.
    ///
    /// # Errors
    /// As [`to_gif`].
    pub fn new(fig: &Figure, anim: &Animation, out: W) -> Result<Self, FigureError> {
        check_request(anim.frames, anim.fps)?;
        let steps = anim.steps(fig.last_step());
        Ok(Self { steps, fps: anim.fps, phase: GifPhase::Start(out) })
    }

    /// How many frames the GIF has.
    pub fn count(&self) -> usize {
        self.steps.len()
    }

    /// Frames written so far.
    pub fn written(&self) -> usize {
        match &self.phase {
            GifPhase::Frames(_, writer) => writer.next(),
            _ => 0,
        }
    }

    /// Does at most `units` more pieces of work (at least one) on `fig` (the figure it was
    /// made for); whether every frame is written.
    ///
    /// # Errors
    /// As [`to_gif`].
    pub fn advance(&mut self, fig: &Figure, units: usize) -> Result<bool, FigureError> {
        for _ in 0..units.max(1) {
            let last = self.steps[self.steps.len() - 1];
            self.phase = match std::mem::replace(&mut self.phase, GifPhase::Taken) {
                GifPhase::Start(out) => {
                    let mut still = base(fig)?;
                    draw_svg(&mut still, &to_svg(fig, None, Layers::STILL)?, fig.sheet.density)?;
                    GifPhase::Still(out, still)
                }
                GifPhase::Still(out, still) => {
                    let last = frame(fig, &still, last)?;
                    GifPhase::Last(out, still, last)
                }
                GifPhase::Last(out, still, last) => {
                    let palette = Palette::learn(&last, &self.keys(fig));
                    GifPhase::Palette(out, still, last, Box::new(palette))
                }
                GifPhase::Palette(out, still, last, palette) => {
                    let keys = self.keys(fig);
                    let frames = GifFrames {
                        size: (still.width(), still.height()),
                        count: self.steps.len(),
                        fps: self.fps,
                        keys: &keys,
                        hold_last: true,
                        still: Some(&still),
                    };
                    let writer = GifWriter::new(out, &frames, last, *palette)?;
                    GifPhase::Frames(still, Box::new(writer))
                }
                GifPhase::Frames(still, mut writer) => {
                    let steps = &self.steps;
                    let (done, _) = writer.next_piece(|i| frame(fig, &still, steps[i]))?;
                    self.phase = GifPhase::Frames(still, writer);
                    if done {
                        return Ok(true);
                    }
                    continue;
                }
                GifPhase::Taken => {
                    return Err(FigureError::Paint("the GIF was already handed over".into()));
                }
            };
        }
        Ok(false)
    }

    /// The colours a few pixels wide that keep a palette entry of their own: the tracks'.
    fn keys(&self, fig: &Figure) -> Vec<Rgb> {
        fig.sheet.tracks.iter().map(|t| t.color).collect()
    }

    /// Ends the GIF once every frame is written; what it was written to.
    ///
    /// # Errors
    /// [`FigureError::Io`] if writing fails; [`FigureError::Paint`] before every frame is
    /// written.
    pub fn finish(self) -> Result<W, FigureError> {
        match self.phase {
            GifPhase::Frames(_, writer) if writer.next() == self.steps.len() => writer.finish(),
            _ => Err(FigureError::Paint("the GIF is not written yet".into())),
        }
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
