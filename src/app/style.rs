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
