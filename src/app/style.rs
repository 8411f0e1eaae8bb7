//! Colours, strokes and arrows every painter of the app shares: a leaf module, importing no
//! panel, so that the plot and the teaching panels do not import each other for them.

use egui::{Color32, Stroke};
use egui_plot::{Line, PlotPoints, PlotUi};

use crate::scene::Rgb;
use crate::sim::Point;

/// The screen colour of a scene colour.
pub fn color(rgb: Rgb) -> Color32 {
    let [r, g, b] = rgb.0;
    Color32::from_rgb(r, g, b)
}

/// A scene colour as ink on the theme's panels (legend, curves, labels): itself on the dark
/// theme; on the light theme, a colour too pale to read on white (contrast under 4.5 : 1, the
/// WCAG text threshold: Newton's white, GD's light grey) is darkened, hue kept, until it reads.
/// The one place where the light theme's dark counterparts are chosen.
pub fn ink(rgb: Rgb, dark_mode: bool) -> Color32 {
    if dark_mode {
        return color(rgb);
    }
    let linear = rgb.0.map(|c| srgb_to_linear(f64::from(c) / 255.0));
    let luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
    // Contrast with white, 1.05 / (L + 0.05) ≥ 4.5, is L ≤ 1.05 / 4.5 − 0.05.
    let most = 1.05 / 4.5 - 0.05;
    if luminance <= most {
        return color(rgb);
    }
    let k = most / luminance;
    let [r, g, b] = linear.map(|c| (linear_to_srgb(c * k) * 255.0).floor() as u8);
    Color32::from_rgb(r, g, b)
}

fn srgb_to_linear(c: f64) -> f64 {
    if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
}

fn linear_to_srgb(c: f64) -> f64 {
    if c <= 0.003_130_8 { 12.92 * c } else { 1.055 * c.powf(1.0 / 2.4) - 0.055 }
}

/// Colour of a saddle's escape direction (negative curvature: the way down and out).
pub const ESCAPE: Color32 = Color32::from_rgb(0xff, 0x6a, 0x3d);

/// Colour of a saddle's attracting direction (positive curvature: the way in).
pub const ATTRACT: Color32 = Color32::from_rgb(0x4d, 0xd0, 0xe1);

/// An arrow from `from` to `to` in plot coordinates, drawn with a shaft `width` pixels wide and
/// a head of fixed screen size (`px`: data units per pixel, x and y).
pub fn arrow(
    pui: &mut PlotUi,
    name: &str,
    from: Point,
    to: Point,
    color: Color32,
    width: f32,
    px: [f64; 2],
) {
    let d = to - from;
    // Work in pixels so the head keeps its shape whatever the zoom.
    let (dx, dy) = (d.x / px[0].max(f64::MIN_POSITIVE), d.y / px[1].max(f64::MIN_POSITIVE));
    let len = dx.hypot(dy);
    if !(len.is_finite() && len > 0.5) {
        return;
    }
    let head = (3.5 * f64::from(width) + 4.0).min(0.5 * len);
    let (ux, uy) = (dx / len, dy / len);
    let wing = |sign: f64| {
        let (c, s) = (0.5f64.cos(), sign * 0.5f64.sin());
        let (wx, wy) = (-(ux * c - uy * s) * head, -(ux * s + uy * c) * head);
        [to.x + wx * px[0], to.y + wy * px[1]]
    };
    pui.line(
        Line::new(name, PlotPoints::Owned(vec![[from.x, from.y].into(), [to.x, to.y].into()]))
            .color(color)
            .width(width)
            .allow_hover(false),
    );
    pui.line(
        Line::new(name, vec![wing(1.0), [to.x, to.y], wing(-1.0)])
            .color(color)
            .width(width)
            .allow_hover(false),
    );
}

/// A stroke for contour lines.
pub fn contour_stroke() -> Stroke {
    Stroke::new(1.0, Color32::from_white_alpha(110))
}
/// Sets the look: dark, large text for a projector.
pub fn setup_style(ctx: &egui::Context) {
    use egui::{FontFamily, FontId, TextStyle};
    // Hack (egui's monospace font) covers the arrows and maths symbols (∇ ‖ → ●) that
    // Ubuntu-Light lacks: make it the proportional family's first fallback.
    let mut fonts = egui::FontDefinitions::default();
    if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
        family.insert(1.min(family.len()), "Hack".to_owned());
    }
    ctx.set_fonts(fonts);
    ctx.set_visuals(egui::Visuals::dark());
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(24.0)),
            (TextStyle::Body, FontId::proportional(16.0)),
            (TextStyle::Monospace, FontId::monospace(15.0)),
            (TextStyle::Button, FontId::proportional(16.0)),
            (TextStyle::Small, FontId::proportional(13.0)),
        ]
        .into();
        style.spacing.slider_width = 150.0;
        style.spacing.interact_size.y = 22.0;
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::optim::OptimizerKind;

    /// WCAG contrast of a screen colour with white.
    fn contrast_on_white(c: Color32) -> f64 {
        let l = [c.r(), c.g(), c.b()].map(|v| srgb_to_linear(f64::from(v) / 255.0));
        1.05 / (0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2] + 0.05)
    }

    #[test]
    fn every_optimizer_reads_on_the_light_theme_and_dark_ones_keep_their_colour() {
        for kind in OptimizerKind::ALL {
            let rgb = Rgb(kind.about().colour);
            let light = ink(rgb, false);
            assert!(contrast_on_white(light) >= 4.5, "{kind:?}: {light:?}");
            assert_eq!(ink(rgb, true), color(rgb), "the dark theme keeps {kind:?}'s colour");
            if contrast_on_white(color(rgb)) >= 4.5 {
                assert_eq!(light, color(rgb), "{kind:?} already reads on white");
            }
        }
        // Newton's white becomes a mid grey, not black: still itself, a neutral.
        let white = ink(Rgb([255, 255, 255]), false);
        assert!(white.r() == white.g() && white.g() == white.b() && white.r() > 90, "{white:?}");
    }
}
