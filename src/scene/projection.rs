//! How a scene is seen: the 2-D map, the 3-D surface or both, and the 3-D camera's angles
//! (SPEC §4, §5). Settings only: the rasteriser that draws them is `figure::view3d`.
//!
//! The camera looks at the box's centre from the direction `(cos e·cos a, cos e·sin a, sin e)`:
//! azimuth `a = 0°` is the `+x` side, `90°` the `+y` side, elevation `e = 90°` straight down.

/// Which projection a scene is seen in (SPEC §5): the 2-D map, the 3-D surface, or both side by
/// side, and the 3-D camera's angles.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Projection {
    /// Map, surface or both.
    pub mode: ViewMode,
    /// The 3-D camera's azimuth in degrees (0: seen from +x, 90: from +y).
    pub azimuth: f64,
    /// The 3-D camera's elevation in degrees (90: from straight above).
    pub elevation: f64,
}

impl Default for Projection {
    /// The map, with the 3-D camera at matplotlib's default angles (azimuth −60°, elevation 30°).
    fn default() -> Self {
        Self { mode: ViewMode::Map, azimuth: DEFAULT_AZIMUTH, elevation: DEFAULT_ELEVATION }
    }
}

impl Projection {
    /// The 3-D camera this projection describes, at zoom 1.
    pub fn camera(&self) -> Camera {
        Camera { azimuth: self.azimuth, elevation: self.elevation, zoom: 1.0 }
    }

    /// Why the angles are unusable, if they are: (field, message).
    pub fn check(&self) -> Result<(), (String, String)> {
        if !self.azimuth.is_finite() {
            return Err(("view.projection.azimuth".into(), "must be a finite number".into()));
        }
        if !(self.elevation.is_finite() && (-90.0..=90.0).contains(&self.elevation)) {
            return Err((
                "view.projection.elevation".into(),
                format!("must be from -90 to 90 degrees, got {}", self.elevation),
            ));
        }
        Ok(())
    }
}

/// What the central area shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ViewMode {
    /// The 2-D map (heatmap and contours) only.
    #[default]
    #[serde(rename = "2d")]
    Map,
    /// The 3-D surface only.
    #[serde(rename = "3d")]
    Surface,
    /// Both, side by side.
    #[serde(rename = "both")]
    Both,
}

/// Matplotlib's default azimuth, degrees.
pub const DEFAULT_AZIMUTH: f64 = -60.0;
/// Matplotlib's default elevation, degrees.
pub const DEFAULT_ELEVATION: f64 = 30.0;

/// A camera on a sphere around the box's centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Degrees; 0 looks from +x, 90 from +y.
    pub azimuth: f64,
    /// Degrees from −90 (from below) to 90 (from above).
    pub elevation: f64,
    /// Magnification: 1 fits the box, 2 shows it twice as large.
    pub zoom: f64,
}

impl Default for Camera {
    fn default() -> Self {
        Self { azimuth: DEFAULT_AZIMUTH, elevation: DEFAULT_ELEVATION, zoom: 1.0 }
    }
}

impl Camera {
    /// The camera at `azimuth` and `elevation` (degrees), zoom 1.
    pub fn new(azimuth: f64, elevation: f64) -> Self {
        Self { azimuth, elevation, zoom: 1.0 }
    }

    /// The unit vector from the centre towards the camera:
    /// `(cos e·cos a, cos e·sin a, sin e)`.
    pub fn direction(&self) -> [f64; 3] {
        let (a, e) = (self.azimuth.to_radians(), self.elevation.to_radians());
        [e.cos() * a.cos(), e.cos() * a.sin(), e.sin()]
    }

    /// Turns the camera by `d_azimuth` and `d_elevation` degrees: the azimuth wraps to
    /// `(−180, 180]`, the elevation stops at ±90.
    pub fn orbit(&mut self, d_azimuth: f64, d_elevation: f64) {
        if d_azimuth.is_finite() {
            let mut a = (self.azimuth + d_azimuth) % 360.0;
            if a > 180.0 {
                a -= 360.0;
            } else if a <= -180.0 {
                a += 360.0;
            }
            self.azimuth = a;
        }
        if d_elevation.is_finite() {
            self.elevation = (self.elevation + d_elevation).clamp(-90.0, 90.0);
        }
    }

    /// The cache key: the angles and zoom, bit for bit.
    pub(crate) fn key(&self) -> [u64; 3] {
        [self.azimuth.to_bits(), self.elevation.to_bits(), self.zoom.to_bits()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orbit_wraps_the_azimuth_and_stops_the_elevation() {
        let mut c = Camera::new(170.0, 80.0);
        c.orbit(20.0, 20.0);
        assert!((c.azimuth - -170.0).abs() < 1e-9);
        assert_eq!(c.elevation, 90.0);
        c.orbit(-30.0, -200.0);
        assert!((c.azimuth - 160.0).abs() < 1e-9);
        assert_eq!(c.elevation, -90.0);
    }
}
