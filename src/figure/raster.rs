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
    let d = f64::from(fig.density);
    let (w, h) = device_size(fig);
    let mut pixmap = Pixmap::new(w, h).ok_or(FigureError::Size {
        width: fig.width,
        height: fig.height,
        density: fig.density,
    })?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    if let Some(heatmap) = &fig.heatmap {
        let x0 = (fig.frame.x * d).round() as usize;
        let y0 = (fig.frame.y * d).round() as usize;
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
    let d = f64::from(fig.density);
    ((f64::from(fig.width) * d).round() as u32, (f64::from(fig.height) * d).round() as u32)
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
    draw_svg(&mut pixmap, &to_svg(fig, step, Layers::OVER_HEATMAP)?, fig.density)?;
    Ok(pixmap)
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
