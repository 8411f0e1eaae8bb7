//! The rectangle of the plane a surface is looked at over.

use std::fmt;

use crate::sim::Point;

/// A rectangle of the plane, `[x_min, x_max] × [y_min, y_max]`, with `x_min < x_max` and
/// `y_min < y_max`, all finite.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "[f64; 4]", into = "[f64; 4]")]
pub struct Domain {
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

/// Why four numbers do not make a [`Domain`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DomainError {
    #[error("domain bounds must be finite numbers, got {0:?}")]
    NotFinite([f64; 4]),
    #[error("domain is empty or inverted: x from {0} to {1} (the first bound must be smaller)")]
    InvertedX(f64, f64),
    #[error("domain is empty or inverted: y from {0} to {1} (the first bound must be smaller)")]
    InvertedY(f64, f64),
    #[error(
        "domain is too large: x from {} to {}, y from {} to {} (its width and height must be \
         finite, at most {MAX_EXTENT:e})",
        .0[0], .0[1], .0[2], .0[3]
    )]
    TooLarge([f64; 4]),
    #[error(
        "domain is too small: x from {} to {}, y from {} to {} (a width or height below \
         {MIN_EXTENT_RELATIVE:e} of its centre cannot be told apart in float64)",
        .0[0], .0[1], .0[2], .0[3]
    )]
    TooSmall([f64; 4]),
}

/// The widest a domain may be: twice this still fits in a float64, so nothing derived from
/// the width (margins, ticks, pixel sizes) overflows.
pub const MAX_EXTENT: f64 = 1e150;

/// The narrowest a domain may be, relative to the size of its coordinates: below it the grid's
/// sample points would collapse onto the same floats.
pub const MIN_EXTENT_RELATIVE: f64 = 1e-12;

impl Domain {
    /// A checked domain: finite bounds, each interval non-empty.
    pub fn new(x_min: f64, x_max: f64, y_min: f64, y_max: f64) -> Result<Self, DomainError> {
        let all = [x_min, x_max, y_min, y_max];
        if all.iter().any(|v| !v.is_finite()) {
            return Err(DomainError::NotFinite(all));
        }
        if x_min >= x_max {
            return Err(DomainError::InvertedX(x_min, x_max));
        }
        if y_min >= y_max {
            return Err(DomainError::InvertedY(y_min, y_max));
        }
        let d = Self { x_min, x_max, y_min, y_max };
        d.check_extent()?;
        Ok(d)
    }

    /// Whether the width and height are representable and distinguishable (see
    /// [`MAX_EXTENT`], [`MIN_EXTENT_RELATIVE`]).
    pub fn check_extent(&self) -> Result<(), DomainError> {
        let all = [self.x_min, self.x_max, self.y_min, self.y_max];
        if all.iter().any(|v| !v.is_finite()) {
            return Err(DomainError::NotFinite(all));
        }
        let (w, h) = (self.x_max - self.x_min, self.y_max - self.y_min);
        if !(w.is_finite() && h.is_finite() && w <= MAX_EXTENT && h <= MAX_EXTENT)
            || all.iter().any(|v| v.abs() > MAX_EXTENT)
        {
            return Err(DomainError::TooLarge(all));
        }
        let scale_x = self.x_min.abs().max(self.x_max.abs()).max(1e-300);
        let scale_y = self.y_min.abs().max(self.y_max.abs()).max(1e-300);
        if w < MIN_EXTENT_RELATIVE * scale_x || h < MIN_EXTENT_RELATIVE * scale_y {
            return Err(DomainError::TooSmall(all));
        }
        Ok(())
    }

    /// Width of the x interval.
    pub fn width(&self) -> f64 {
        self.x_max - self.x_min
    }

    /// Height of the y interval.
    pub fn height(&self) -> f64 {
        self.y_max - self.y_min
    }

    /// Whether `p` lies in the closed rectangle.
    pub fn contains(&self, p: Point) -> bool {
        (self.x_min..=self.x_max).contains(&p.x) && (self.y_min..=self.y_max).contains(&p.y)
    }

    /// The point at fractions `(u, v)` of the rectangle, `(0, 0)` being `(x_min, y_min)`.
    pub fn lerp(&self, u: f64, v: f64) -> Point {
        Point::new(self.x_min + u * self.width(), self.y_min + v * self.height())
    }
}

impl TryFrom<[f64; 4]> for Domain {
    type Error = DomainError;
    fn try_from(v: [f64; 4]) -> Result<Self, DomainError> {
        Domain::new(v[0], v[1], v[2], v[3])
    }
}

impl From<Domain> for [f64; 4] {
    fn from(d: Domain) -> Self {
        [d.x_min, d.x_max, d.y_min, d.y_max]
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}] × [{}, {}]", self.x_min, self.x_max, self.y_min, self.y_max)
    }
}
