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
