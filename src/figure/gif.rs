//! The GIF encoder every animation shares (the 2-D runs growing, the 3-D runs growing, the 3-D
//! camera orbiting): one palette, learnt from the last frame (which holds every colour the
//! animation shows) and a swatch of every track and marker colour, serves every frame, so
//! colours do not flicker; the frames come from a closure.

use std::collections::HashMap;
use std::io::Write;

use color_quant::NeuQuant;
use resvg::tiny_skia::Pixmap;

use super::FigureError;
use super::svg::critical_style;
use crate::scene::Rgb;
use crate::sim::CriticalKind;

/// The most frames one GIF may hold.
pub const MAX_FRAMES: usize = 2000;

/// What to encode besides the frames themselves.
#[derive(Clone, Copy, Debug)]
pub struct GifFrames<'a> {
    /// Frame size in device pixels.
    pub size: (u32, u32),
    /// Frames to encode.
    pub count: usize,
    /// Frames per second.
    pub fps: f64,
    /// Colours a few pixels wide (heads, legend keys) that must keep a palette entry of their
    /// own: the tracks' (the critical points' markers are added).
    pub keys: &'a [Rgb],
    /// Hold the last frame longer, so the end state can be read before the loop.
    pub hold_last: bool,
    /// Pixels most frames share (the still layers), indexed once; `None` when frames share
    /// little (an orbit).
    pub still: Option<&'a Pixmap>,
}

/// Checks an animation's request: 1 to [`MAX_FRAMES`] frames at 0.1 to 100 frames per second.
///
/// # Errors
/// [`FigureError::Paint`] saying which is out of range.
pub fn check_request(frames: usize, fps: f64) -> Result<(), FigureError> {
    if !(fps.is_finite() && (0.1..=100.0).contains(&fps)) {
        return Err(FigureError::Paint(format!(
            "frame rate must be from 0.1 to 100 frames per second, got {fps}"
        )));
    }
    if frames == 0 || frames > MAX_FRAMES {
        return Err(FigureError::Paint(format!(
            "frames must be from 1 to {MAX_FRAMES}, got {frames}"
        )));
    }
    Ok(())
}

/// Writes the looping GIF of `frames.count` frames, frame `i` painted by `frame(i)` (opaque, so
/// premultiplied RGBA is plain RGBA); returns the number of frames. [`GifWriter`] run whole.
///
/// # Errors
/// [`FigureError::Paint`] for a GIF larger than 65 535 pixels a side, what `frame` returns, and
/// [`FigureError::Io`] if writing fails.
pub fn encode<W: Write>(
    out: W,
    frames: &GifFrames<'_>,
    mut frame: impl FnMut(usize) -> Result<Pixmap, FigureError>,
) -> Result<usize, FigureError> {
    let count = frames.count.max(1);
    let last = frame(count - 1)?;
    let palette = Palette::learn(&last, frames.keys);
    let mut writer = GifWriter::new(out, frames, last, palette)?;
    while !writer.write_next(&mut frame)? {}
    writer.finish()?;
    Ok(count)
}

fn io(e: gif::EncodingError) -> FigureError {
    FigureError::Io { path: "GIF".to_owned(), message: e.to_string() }
}

/// The 256 colours every frame of a GIF is drawn in.
pub struct Palette(NeuQuant);

impl Palette {
    /// The palette learnt from the `last` frame (which holds every colour the animation
    /// shows; from an even share of its pixels, at most about 2¹⁸, when it is larger) plus a
    /// swatch of every key colour and critical-point marker colour, so that colours a few
    /// pixels wide keep their own palette entry.
    pub fn learn(last: &Pixmap, keys: &[Rgb]) -> Self {
        Self(palette(last, keys))
    }
}

/// A GIF being written a frame at a time: [`encode`] cut into frames, so that where there are
/// no threads (the browser) an animation is written between frames of the page. The same
/// bytes however it is cut.
pub struct GifWriter<W: Write> {
    encoder: gif::Encoder<W>,
    quant: NeuQuant,
    indexer: Indexer,
    size: (u16, u16),
    delay: u16,
    hold_last: bool,
    count: usize,
    /// The next frame to write.
    next: usize,
    /// The last frame, painted first (the palette is learnt from it).
    last: Option<Pixmap>,
    /// The next frame, painted or indexed ahead of its writing ([`GifWriter::next_piece`]).
    ahead: Option<Ahead>,
}

/// How far the next frame is made.
enum Ahead {
    Painted(Pixmap),
    Indexed(Vec<u8>),
}

/// The error of a frame painted twice (cannot happen: a frame is painted once).
fn spent() -> FigureError {
    FigureError::Paint("a GIF frame was asked for twice".into())
}

impl<W: Write> GifWriter<W> {
    /// Writes the GIF's header with `palette` (learnt from the `last` frame), and indexes the
    /// still layers.
    ///
    /// # Errors
    /// As [`encode`].
    pub fn new(
        out: W,
        frames: &GifFrames<'_>,
        last: Pixmap,
        palette: Palette,
    ) -> Result<Self, FigureError> {
        let (w, h) = frames.size;
        let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
            return Err(FigureError::Paint(format!(
                "a GIF is at most 65535 pixels a side, not {w}×{h}"
            )));
        };
        let Palette(quant) = palette;
        let mut encoder = gif::Encoder::new(out, w16, h16, &quant.color_map_rgb()).map_err(io)?;
        encoder.set_repeat(gif::Repeat::Infinite).map_err(io)?;
        let indexer = Indexer::new(&quant, frames.still);
        Ok(Self {
            encoder,
            quant,
            indexer,
            size: (w16, h16),
            delay: (100.0 / frames.fps).round().clamp(1.0, 65535.0) as u16,
            hold_last: frames.hold_last,
            count: frames.count.max(1),
            next: 0,
            last: Some(last),
            ahead: None,
        })
    }

    /// The frame [`write_next`](Self::write_next) writes.
    pub fn next(&self) -> usize {
        self.next
    }

    /// Writes the next frame, painted by `frame(i)` (the last one was painted already);
    /// whether every frame is written.
    ///
    /// # Errors
    /// What `frame` returns; [`FigureError::Io`] if writing fails.
    pub fn write_next(
        &mut self,
        frame: impl FnOnce(usize) -> Result<Pixmap, FigureError>,
    ) -> Result<bool, FigureError> {
        let mut frame = Some(frame);
        loop {
            let paint = |i| frame.take().map_or_else(|| Err(spent()), |f| f(i));
            let (done, wrote) = self.next_piece(paint)?;
            if wrote || done {
                return Ok(done);
            }
        }
    }

    /// One piece of writing the next frame: painting it with `frame(i)` (the last one was
    /// painted already), indexing its pixels to the palette, or encoding it — at twice the size
    /// each is tens of milliseconds, where there are no threads three pieces of work between
    /// frames of the page. Whether every frame is written, and whether this piece wrote one.
    ///
    /// # Errors
    /// What `frame` returns; [`FigureError::Io`] if writing fails.
    pub fn next_piece(
        &mut self,
        frame: impl FnOnce(usize) -> Result<Pixmap, FigureError>,
    ) -> Result<(bool, bool), FigureError> {
        let i = self.next;
        if i >= self.count {
            return Ok((true, false));
        }
        let is_last = i + 1 == self.count;
        match self.ahead.take() {
            None if is_last && self.last.is_some() => {
                let last = self.last.as_ref().map(|p| self.indexer.index(&self.quant, p));
                self.ahead = last.map(Ahead::Indexed);
            }
            None => self.ahead = Some(Ahead::Painted(frame(i)?)),
            Some(Ahead::Painted(pixmap)) => {
                self.ahead = Some(Ahead::Indexed(self.indexer.index(&self.quant, &pixmap)));
            }
            Some(Ahead::Indexed(buffer)) => {
                let delay = if is_last && self.hold_last {
                    self.delay.saturating_mul(3).max(150)
                } else {
                    self.delay
                };
                let frame = gif::Frame {
                    width: self.size.0,
                    height: self.size.1,
                    delay,
                    buffer: std::borrow::Cow::Owned(buffer),
                    ..gif::Frame::default()
                };
                self.encoder.write_frame(&frame).map_err(io)?;
                self.next += 1;
                return Ok((self.next == self.count, true));
            }
        }
        Ok((false, false))
    }

    /// Ends the GIF; what it was written to.
    ///
    /// # Errors
    /// [`FigureError::Io`] if writing fails.
    pub fn finish(self) -> Result<W, FigureError> {
        self.encoder.into_inner().map_err(io)
    }
}

/// Pixels the palette is learnt from, at most about (an even share of a larger frame's).
const PALETTE_PIXELS: usize = 1 << 18;

/// The palette learnt from `last` plus a swatch of every key colour and critical-point marker
/// colour, so that colours a few pixels wide keep their own palette entry. A frame of more than
/// [`PALETTE_PIXELS`] is sampled every k-th pixel of every k-th row (learning from every pixel
/// of a 2× figure took half a second in the browser, a piece of work that cannot be cut).
fn palette(last: &Pixmap, keys: &[Rgb]) -> NeuQuant {
    let (w, h) = (last.width() as usize, last.height() as usize);
    let k = (((w * h) as f64 / PALETTE_PIXELS as f64).sqrt().ceil() as usize).max(1);
    let mut sample = if k == 1 {
        last.data().to_vec()
    } else {
        let data = last.data();
        let mut sample = Vec::with_capacity(4 * w.div_ceil(k) * h.div_ceil(k));
        for y in (0..h).step_by(k) {
            for x in (0..w).step_by(k) {
                sample.extend_from_slice(&data[4 * (y * w + x)..4 * (y * w + x) + 4]);
            }
        }
        sample
    };
    let swatch = (sample.len() / 4 / 200).max(64);
    let markers =
        [CriticalKind::Min, CriticalKind::Max, CriticalKind::Saddle, CriticalKind::Degenerate]
            .map(|k| critical_style(k).0);
    for &Rgb([r, g, b]) in keys.iter().chain(&markers) {
        for _ in 0..swatch {
            sample.extend_from_slice(&[r, g, b, 255]);
        }
    }
    NeuQuant::new(10, 256, &sample)
}

/// Pixels to palette indices: the still layer's indexed once and reused where a frame keeps
/// them; otherwise each colour looked up once.
struct Indexer {
    still: Option<(Vec<u8>, Vec<u8>)>,
    cache: HashMap<[u8; 4], u8>,
}

impl Indexer {
    fn new(quant: &NeuQuant, still: Option<&Pixmap>) -> Self {
        let still = still.map(|p| {
            let index = p.data().chunks_exact(4).map(|p| quant.index_of(p) as u8).collect();
            (p.data().to_vec(), index)
        });
        Self { still, cache: HashMap::new() }
    }

    fn index(&mut self, quant: &NeuQuant, pixmap: &Pixmap) -> Vec<u8> {
        match &self.still {
            Some((pixels, still_index)) => {
                let mut index = still_index.clone();
                let frame = pixmap.data().chunks_exact(4);
                for ((ix, p), q) in index.iter_mut().zip(frame).zip(pixels.chunks_exact(4)) {
                    if p != q {
                        *ix = quant.index_of(p) as u8;
                    }
                }
                index
            }
            None => pixmap
                .data()
                .chunks_exact(4)
                .map(|p| {
                    let key = [p[0], p[1], p[2], p[3]];
                    *self.cache.entry(key).or_insert_with(|| quant.index_of(p) as u8)
                })
                .collect(),
        }
    }
}
