//! PNG encoding: the leaf every painter shares (the SVG painter embeds the heatmap as a PNG,
//! the raster painter writes its pixmaps, the app its screenshots).

use super::FigureError;

/// RGBA bytes (straight alpha) as a PNG file, with fast compression: a figure's heatmap is
/// smooth, and the slow default deflate would take longer than drawing the whole figure.
///
/// # Errors
/// [`FigureError::Paint`] if the sizes disagree or encoding fails.
pub fn encode_rgba_png(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, FigureError> {
    let paint = |e: png::EncodingError| FigureError::Paint(e.to_string());
    let mut out = Vec::with_capacity(rgba.len() / 4);
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().map_err(paint)?;
        writer.write_image_data(rgba).map_err(paint)?;
        writer.finish().map_err(paint)?;
    }
    Ok(out)
}
