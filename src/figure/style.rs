//! Colours and names every figure painter and the app share: a leaf module, importing nothing
//! of the painters.

use crate::scene::Rgb;
use crate::sim::CriticalKind;

/// The colours of critical-point markers (as in the app): minimum, maximum, saddle, degenerate.
pub fn critical_style(kind: CriticalKind) -> (Rgb, &'static str) {
    match kind {
        CriticalKind::Min => (Rgb([80, 220, 120]), "minimum"),
        CriticalKind::Max => (Rgb([240, 90, 90]), "maximum"),
        CriticalKind::Saddle => (Rgb([255, 200, 60]), "saddle"),
        CriticalKind::Degenerate => (Rgb([200, 200, 200]), "degenerate"),
    }
}

/// The shape of a marker, the same in every painter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A disc.
    Circle,
    /// A triangle, apex up.
    Triangle,
    /// A square on its corner.
    Diamond,
    /// A square.
    Square,
}

/// The marker of a critical point: circle (minimum), triangle (maximum), diamond (saddle),
/// square (degenerate).
pub fn critical_marker(kind: CriticalKind) -> Marker {
    match kind {
        CriticalKind::Min => Marker::Circle,
        CriticalKind::Max => Marker::Triangle,
        CriticalKind::Saddle => Marker::Diamond,
        CriticalKind::Degenerate => Marker::Square,
    }
}
