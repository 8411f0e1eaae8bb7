//! The raster painter: the heatmap's pixels copied straight into a pixmap, then the figure's SVG
//! (everything but the heatmap) drawn over them by resvg. Text uses the Ubuntu font egui ships,
//! loaded from memory, so the output is the same on every machine, with or without fonts
//! installed, display or GPU.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

use super::svg::{Layers, to_svg};
use super::{Figure, FigureError};

/// The fonts of every figure: egui's Ubuntu Light, as sans-serif.
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
        let family = db
            .faces()
            .next()
            .and_then(|face| face.families.first())
            .map_or_else(|| "Ubuntu".to_owned(), |(name, _)| name.clone());
        db.set_sans_serif_family(family.clone());
        usvg::Options { font_family: family, fontdb: Arc::new(db), ..usvg::Options::default() }
    })
}

/// A white pixmap of the figure's device size with the heatmap in its frame: what every frame of
/// a figure starts from.
///
/// # Errors
/// [`FigureError::Size`] if the pixmap cannot be allocated.
pub fn base(fig: &Figure) -> Result<Pixmap, FigureError> {
    let d = f64::from(fig.sheet.density);
    let (w, h) = device_size(fig);
    let mut pixmap = Pixmap::new(w, h).ok_or(FigureError::Size {
        width: fig.sheet.width,
        height: fig.sheet.height,
        density: fig.sheet.density,
    })?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    if let Some(heatmap) = &fig.heatmap {
        let x0 = (fig.sheet.frame.x * d).round() as usize;
        let y0 = (fig.sheet.frame.y * d).round() as usize;
        let stride = w as usize * 4;
        let data = pixmap.data_mut();
        for (row, src) in heatmap.rgba.chunks_exact(heatmap.nx * 4).enumerate() {
            let y = y0 + row;
            if y >= h as usize {
                break;
            }
            let cols = heatmap.nx.min((w as usize).saturating_sub(x0));
            let dst = &mut data[y * stride + x0 * 4..y * stride + (x0 + cols) * 4];
            for (d, s) in dst.chunks_exact_mut(4).zip(src.chunks_exact(4)) {
                // Opaque pixels replace the white; a NaN (transparent) leaves it.
                if s[3] == 255 {
                    d.copy_from_slice(s);
                }
            }
        }
    }
    Ok(pixmap)
}

/// The figure's size in device pixels.
pub fn device_size(fig: &Figure) -> (u32, u32) {
    let d = f64::from(fig.sheet.density);
    (
        (f64::from(fig.sheet.width) * d).round() as u32,
        (f64::from(fig.sheet.height) * d).round() as u32,
    )
}

/// Draws an SVG of the figure (in logical pixels) over `pixmap` at the figure's density.
///
/// # Errors
/// [`FigureError::Paint`] if the SVG does not parse (an internal error).
pub fn draw_svg(pixmap: &mut Pixmap, svg: &str, density: f32) -> Result<(), FigureError> {
    let tree =
        usvg::Tree::from_str(svg, options()).map_err(|e| FigureError::Paint(e.to_string()))?;
    resvg::render(&tree, Transform::from_scale(density, density), &mut pixmap.as_mut());
    Ok(())
}

/// The figure with trajectories up to `step` (all for `None`), as pixels.
///
/// # Errors
/// As [`base`] and [`draw_svg`].
pub fn render(fig: &Figure, step: Option<usize>) -> Result<Pixmap, FigureError> {
    let mut pixmap = base(fig)?;
    draw_svg(&mut pixmap, &to_svg(fig, step, Layers::OVER_HEATMAP)?, fig.sheet.density)?;
    draw_cloud(&mut pixmap, fig, step.unwrap_or(usize::MAX));
    Ok(pixmap)
}

/// Blends the figure's cloud at `step` into `pixmap`: each run an anti-aliased dot with a dark
/// rim, its last positions fainter and smaller behind it, clipped to the plot frame and kept
/// off the legend. Direct pixel blending: tens of thousands of dots cost milliseconds, where as
/// SVG circles they would cost the rasteriser a path each.
pub fn draw_cloud(pixmap: &mut Pixmap, fig: &Figure, step: usize) {
    let Some(cloud) = &fig.sheet.cloud else { return };
    let d = f64::from(fig.sheet.density);
    let (w, h) = (pixmap.width() as i64, pixmap.height() as i64);
    let f = &fig.sheet.frame;
    let mut clip = [f.x * d, f.y * d, (f.x + f.w) * d, (f.y + f.h) * d];
    clip[2] = clip[2].min(w as f64);
    clip[3] = clip[3].min(h as f64);
    let legend = super::svg::legend_box(fig)
        .map(|([x, y, lw, lh], _)| [x * d, y * d, (x + lw) * d, (y + lh) * d]);
    let frames: Vec<_> = cloud.at(step).collect();
    let data = pixmap.data_mut();
    for (age, members) in frames.iter().enumerate().rev() {
        let head = age == 0;
        let (r, alpha) = if head { (2.4 * d, 1.0) } else { (1.5 * d, 0.45 / age as f64) };
        for (color, points) in members.iter().rev() {
            for &p in points {
                let (x, y) = fig.to_px(p);
                let (x, y) = (x * d, y * d);
                if !(x >= clip[0] && x < clip[2] && y >= clip[1] && y < clip[3]) {
                    continue;
                }
                if legend.is_some_and(|l| x >= l[0] && x < l[2] && y >= l[1] && y < l[3]) {
                    continue;
                }
                if head {
                    blend_disc(data, w, h, clip, x, y, r + 0.9 * d, [0, 0, 0], 0.65);
                }
                blend_disc(data, w, h, clip, x, y, r, color.0, alpha);
            }
        }
    }
}

/// Blends a disc of radius `r` (device pixels) centred at (cx, cy) into premultiplied RGBA
/// `data` of a `w × h` pixmap, anti-aliased over one pixel, within `clip`.
#[allow(clippy::too_many_arguments)] // one pixel loop, its inputs spelled out
fn blend_disc(
    data: &mut [u8],
    w: i64,
    h: i64,
    clip: [f64; 4],
    cx: f64,
    cy: f64,
    r: f64,
    rgb: [u8; 3],
    alpha: f64,
) {
    let x0 = ((cx - r - 1.0).floor() as i64).max(clip[0] as i64).max(0);
    let x1 = ((cx + r + 1.0).ceil() as i64).min(clip[2].ceil() as i64).min(w);
    let y0 = ((cy - r - 1.0).floor() as i64).max(clip[1] as i64).max(0);
    let y1 = ((cy + r + 1.0).ceil() as i64).min(clip[3].ceil() as i64).min(h);
    for py in y0..y1 {
        for px in x0..x1 {
            let dist = ((px as f64 + 0.5 - cx).powi(2) + (py as f64 + 0.5 - cy).powi(2)).sqrt();
            let coverage = (r + 0.5 - dist).clamp(0.0, 1.0) * alpha;
            if coverage <= 0.0 {
                continue;
            }
            let i = ((py * w + px) * 4) as usize;
            let a = coverage;
            for (c, &src) in data[i..i + 3].iter_mut().zip(&rgb) {
                *c = (f64::from(src) * a + f64::from(*c) * (1.0 - a)).round() as u8;
            }
            data[i + 3] = (255.0 * a + f64::from(data[i + 3]) * (1.0 - a)).round() as u8;
        }
    }
}

/// The figure as a PNG file's bytes.
///
/// # Errors
/// As [`render`], and [`FigureError::Paint`] if encoding fails.
pub fn to_png(fig: &Figure, step: Option<usize>) -> Result<Vec<u8>, FigureError> {
    png_bytes(&render(fig, step)?)
}

/// A pixmap as a PNG file's bytes (straight alpha, as PNG wants).
///
/// # Errors
/// [`FigureError::Paint`] if encoding fails.
pub fn png_bytes(pixmap: &Pixmap) -> Result<Vec<u8>, FigureError> {
    let mut rgba = pixmap.data().to_vec();
    for px in rgba.chunks_exact_mut(4) {
        let a = px[3];
        if a != 255 && a != 0 {
            for c in &mut px[..3] {
                *c = ((u16::from(*c) * 255 + u16::from(a) / 2) / u16::from(a)).min(255) as u8;
            }
        }
    }
    encode_rgba_png(&rgba, pixmap.width(), pixmap.height())
}

pub use super::png::encode_rgba_png;

/// An SVG document (any, e.g. one [`to_svg`] wrote) rasterised at `scale`: how the tests and the
/// README look at an exported SVG.
///
/// # Errors
/// [`FigureError::Paint`] if it does not parse or is empty.
pub fn rasterize_svg(svg: &str, scale: f32) -> Result<Pixmap, FigureError> {
    let tree =
        usvg::Tree::from_str(svg, options()).map_err(|e| FigureError::Paint(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| FigureError::Paint("the SVG has no size".to_owned()))?;
    let mut pixmap = Pixmap::new(size.width(), size.height())
        .ok_or_else(|| FigureError::Paint("the SVG is too large".to_owned()))?;
    resvg::render(&tree, Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    Ok(pixmap)
}
