//! Colour maps, the colour scale (linear or logarithmic), and colouring a field into RGBA bytes.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use super::{Field, par_row_bands_on, threads_for};

/// Entries in each colour map's lookup table.
pub const LUT_SIZE: usize = 256;

/// The colour of a sample where f is undefined (NaN): transparent, so the background shows.
pub const NAN_RGBA: [u8; 4] = [0, 0, 0, 0];

/// How many decades above the minimum the logarithmic [`ColorScale`] spreads over the colour
/// map: its offset is `δ = (max − min) / 10^LOG_DECADES`. Five, as the classic plots of
/// rosenbrock (levels from 0.1 to 3000) and beale (1 to 10⁵) use.
pub const LOG_DECADES: i32 = 5;

/// `10^LOG_DECADES`, the range over `δ`.
const LOG_SPAN: f64 = 1e5;

/// Below this many pixels a field is coloured on the calling thread alone.
const PARALLEL_MIN_BYTES: usize = 4 * 16 * 1024;

/// A perceptually uniform colour map, low values first (from the `colorous` crate, after
/// matplotlib's and Google's).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Colormap {
    /// Dark blue through green to yellow; colour-blind safe, prints in grey. The default.
    #[default]
    Viridis,
    /// Black through purple to pale yellow.
    Magma,
    /// Blue to yellow, designed for colour-vision deficiency.
    Cividis,
    /// A brighter rainbow (dark blue, cyan, green, yellow, red); not for grey print.
    Turbo,
    /// Black through red to pale yellow.
    Inferno,
    /// Blue through magenta to yellow.
    Plasma,
}

/// A name that is not one of [`Colormap::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown colour map {0:?}: expected one of viridis, magma, cividis, turbo, inferno, plasma"
)]
pub struct UnknownColormap(pub String);

impl Colormap {
    /// Every colour map, the default first.
    pub const ALL: [Colormap; 6] = [
        Colormap::Viridis,
        Colormap::Magma,
        Colormap::Cividis,
        Colormap::Turbo,
        Colormap::Inferno,
        Colormap::Plasma,
    ];

    /// The kebab-case name used in scenes and on the command line, e.g. `"viridis"`.
    pub fn name(self) -> &'static str {
        match self {
            Colormap::Viridis => "viridis",
            Colormap::Magma => "magma",
            Colormap::Cividis => "cividis",
            Colormap::Turbo => "turbo",
            Colormap::Inferno => "inferno",
            Colormap::Plasma => "plasma",
        }
    }

    /// The continuous gradient behind the map.
    fn gradient(self) -> colorous::Gradient {
        match self {
            Colormap::Viridis => colorous::VIRIDIS,
            Colormap::Magma => colorous::MAGMA,
            Colormap::Cividis => colorous::CIVIDIS,
            Colormap::Turbo => colorous::TURBO,
            Colormap::Inferno => colorous::INFERNO,
            Colormap::Plasma => colorous::PLASMA,
        }
    }

    /// The map's lookup table: entry `k` is the opaque colour at `k / (LUT_SIZE − 1)`. Built for
    /// every map on first use, once per process.
    pub fn lut(self) -> &'static [[u8; 4]; LUT_SIZE] {
        static LUTS: OnceLock<[[[u8; 4]; LUT_SIZE]; 6]> = OnceLock::new();
        let luts = LUTS.get_or_init(|| {
            Colormap::ALL.map(|map| {
                let gradient = map.gradient();
                std::array::from_fn(|k| {
                    let [r, g, b] = gradient.eval_rational(k, LUT_SIZE).into_array();
                    [r, g, b, 255]
                })
            })
        });
        &luts[self as usize]
    }

    /// The colour at position `t` of the map (clamped to `[0, 1]`), from the lookup table;
    /// [`NAN_RGBA`] for NaN.
    pub fn rgba(self, t: f64) -> [u8; 4] {
        if t.is_nan() { NAN_RGBA } else { self.lut()[lut_index(t * (LUT_SIZE - 1) as f64)] }
    }
}

impl fmt::Display for Colormap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Colormap {
    type Err = UnknownColormap;

    /// A map by its [`Colormap::name`], ignoring case and surrounding spaces.
    fn from_str(s: &str) -> Result<Self, UnknownColormap> {
        let wanted = s.trim();
        Colormap::ALL
            .into_iter()
            .find(|map| map.name().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownColormap(s.to_owned()))
    }
}

/// The nearest table index to `scaled` (a position times `LUT_SIZE − 1`), clamped to the table;
/// NaN gives 0.
#[inline]
fn lut_index(scaled: f64) -> usize {
    // `as` saturates: negatives and NaN give 0.
    ((scaled + 0.5) as usize).min(LUT_SIZE - 1)
}

/// How values map to positions `t ∈ [0, 1]` along a colour map.
///
/// - Linear: `t = (v − min) / (max − min)`.
/// - Logarithmic (`log`): `t = ln(1 + (v − min)/δ) / ln(1 + (max − min)/δ)` with
///   `δ = (max − min) / 10^LOG_DECADES`. Values within δ of the minimum are spread linearly, and
///   each of the [`LOG_DECADES`] decades above gets about the same share of the colours, so a
///   valley floor (rosenbrock's, beale's: values below 1 next to walls of 10⁴) stays visible.
///   Unlike `ln(v)` it needs no positive values, and unlike a fixed offset it looks the same for
///   `a·f + b`.
///
/// Values outside `[min, max]` are clamped. A scale with `min == max`, or a bound that is not
/// finite, is *flat*: every finite value sits at `t = ½`. NaN has no position.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColorScale {
    /// The value at `t = 0`.
    pub min: f64,
    /// The value at `t = 1`.
    pub max: f64,
    /// Logarithmic rather than linear.
    pub log: bool,
}

impl ColorScale {
    /// The scale from `min` to `max`, linear or logarithmic.
    pub fn new(min: f64, max: f64, log: bool) -> Self {
        Self { min, max, log }
    }

    /// The scale over a field's finite range ([`Field::range`]); flat when every sample is NaN.
    pub fn for_field(field: &Field, log: bool) -> Self {
        let (min, max) = field.range().unwrap_or((f64::NAN, f64::NAN));
        Self { min, max, log }
    }

    /// Whether the scale has no extent (equal or non-finite bounds): every value at `t = ½`.
    pub fn is_flat(&self) -> bool {
        !(self.min.is_finite() && self.max.is_finite() && self.max > self.min)
    }

    /// The offset δ of the logarithmic scale, `(max − min) / 10^LOG_DECADES` (0 when flat).
    pub fn delta(&self) -> f64 {
        if self.is_flat() { 0.0 } else { 2.0 * self.half_range() / LOG_SPAN }
    }

    /// `(max − min) / 2`, computed without overflow for any finite bounds.
    fn half_range(&self) -> f64 {
        0.5 * self.max - 0.5 * self.min
    }

    /// The position `t ∈ [0, 1]` of `v` on the scale, by the formulas of [`ColorScale`]; `None`
    /// for NaN.
    pub fn position(&self, v: f64) -> Option<f64> {
        if v.is_nan() {
            return None;
        }
        if self.is_flat() {
            return Some(0.5);
        }
        // The fraction of the range, in halves so that no finite bounds overflow.
        let s = ((0.5 * v - 0.5 * self.min) / self.half_range()).clamp(0.0, 1.0);
        Some(if self.log { (s * LOG_SPAN).ln_1p() / LOG_SPAN.ln_1p() } else { s })
    }

    /// The value at position `t` (clamped to `[0, 1]`): the inverse of
    /// [`ColorScale::position`]. The midpoint of the bounds when flat, NaN for a NaN `t`.
    pub fn value_at(&self, t: f64) -> f64 {
        if self.is_flat() {
            return 0.5 * self.min + 0.5 * self.max;
        }
        let t = t.clamp(0.0, 1.0);
        let s = if self.log { (t * LOG_SPAN.ln_1p()).exp_m1() / LOG_SPAN } else { t };
        if s >= 1.0 {
            self.max
        } else {
            // Two halves, so that no finite bounds overflow.
            let step = s * self.half_range();
            self.min + step + step
        }
    }

    /// `count` contour levels evenly spaced in this scale, strictly inside `(min, max)`: the
    /// values at `t = k / (count + 1)` for `k = 1..=count`, so a logarithmic scale gets
    /// log-spaced levels. Increasing, without duplicates; empty when the scale is flat.
    pub fn levels(&self, count: usize) -> Vec<f64> {
        if self.is_flat() {
            return Vec::new();
        }
        let mut levels: Vec<f64> = (1..=count)
            .map(|k| self.value_at(k as f64 / (count + 1) as f64))
            .filter(|&v| v > self.min && v < self.max)
            .collect();
        levels.dedup();
        levels
    }
}

/// Colours `field` with `colormap` through `scale`: `nx × ny` RGBA pixels (4 bytes each,
/// non-premultiplied, opaque), row-major in image order — the first row is the top of the
/// domain (`y_max`), pixel `(column, row)` shows sample `(column, ny − 1 − row)` (see
/// [`Field::pixel_center`]). NaN samples are [`NAN_RGBA`].
///
/// Each value is placed by [`ColorScale::position`] and looked up in [`Colormap::lut`]; rows are
/// coloured in parallel.
pub fn colorize(field: &Field, colormap: Colormap, scale: &ColorScale) -> Vec<u8> {
    let mut rgba = Vec::new();
    colorize_into(field, colormap, scale, &mut rgba);
    rgba
}

/// [`colorize`] into a buffer that is reused (resized to `4·nx·ny` bytes), to spare an
/// allocation per frame.
pub fn colorize_into(field: &Field, colormap: Colormap, scale: &ColorScale, rgba: &mut Vec<u8>) {
    let (nx, ny) = (field.nx(), field.ny());
    rgba.resize(4 * nx * ny, 0);
    let lut = colormap.lut();
    let mapping = Mapping::new(scale);
    par_row_bands_on(
        threads_for(rgba.len(), PARALLEL_MIN_BYTES),
        rgba,
        4 * nx,
        |first_row, band| {
            for (r, out_row) in band.chunks_exact_mut(4 * nx).enumerate() {
                let j = ny - 1 - (first_row + r);
                let row = &field.values()[j * nx..(j + 1) * nx];
                for (out, &v) in out_row.chunks_exact_mut(4).zip(row) {
                    out.copy_from_slice(&mapping.rgba(v, lut));
                }
            }
        },
    );
}

/// A [`ColorScale`] with its constants worked out, mapping values straight to table indices.
#[derive(Clone, Copy)]
enum Mapping {
    /// Every finite value at the middle entry.
    Flat,
    /// `index = (v/2 − min/2) · k` (`k = (LUT_SIZE − 1) / half range`).
    Linear { half_min: f64, k: f64 },
    /// `index = LOG_INDEX[1 + (v/2 − min/2) · a]` (`a = 10^LOG_DECADES / half range`), see
    /// [`log_index`].
    Log { half_min: f64, a: f64 },
}

impl Mapping {
    fn new(scale: &ColorScale) -> Self {
        if scale.is_flat() {
            return Mapping::Flat;
        }
        let half_min = 0.5 * scale.min;
        if scale.log {
            Mapping::Log { half_min, a: LOG_SPAN / scale.half_range() }
        } else {
            Mapping::Linear { half_min, k: (LUT_SIZE - 1) as f64 / scale.half_range() }
        }
    }

    /// The table index of `v`, which is not NaN.
    #[inline]
    fn index(self, v: f64) -> usize {
        match self {
            Mapping::Flat => LUT_SIZE / 2,
            Mapping::Linear { half_min, k } => lut_index((0.5 * v - half_min) * k),
            Mapping::Log { half_min, a } => log_index((0.5 * v - half_min) * a),
        }
    }

    #[inline]
    fn rgba(self, v: f64, lut: &[[u8; 4]; LUT_SIZE]) -> [u8; 4] {
        if v.is_nan() { NAN_RGBA } else { lut[self.index(v)] }
    }
}

/// Mantissa bits of `w` that [`log_index`] looks at.
const LOG_MANTISSA_BITS: u32 = 10;

/// Binary exponents of `w ∈ [1, 1 + 10^LOG_DECADES]`: 0 to 16.
const LOG_EXPONENTS: usize = 17;

/// The table index of `u = (v − min)/δ`, i.e. the nearest entry to
/// `ln(1 + u) / ln(1 + 10^LOG_DECADES) · (LUT_SIZE − 1)`, without computing a logarithm.
///
/// `w = 1 + u` is cut into buckets by its binary exponent and its first [`LOG_MANTISSA_BITS`]
/// mantissa bits (each bucket spans a factor of at most `1 + 2⁻¹⁰` in `w`, a fiftieth of a table
/// entry), and a table built once holds the entry for each bucket's middle. A per-pixel `ln`
/// made the logarithmic scale ten times slower than the linear one.
#[inline]
fn log_index(u: f64) -> usize {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let per_exponent = 1usize << LOG_MANTISSA_BITS;
        let k = (LUT_SIZE - 1) as f64 / LOG_SPAN.ln_1p();
        (0..LOG_EXPONENTS * per_exponent)
            .map(|b| {
                let (e, m) = (b / per_exponent, b % per_exponent);
                let middle = (m as f64 + 0.5) / per_exponent as f64;
                let ln_w = e as f64 * std::f64::consts::LN_2 + middle.ln_1p();
                lut_index(ln_w * k) as u8
            })
            .collect()
    });
    // Clamped to [0, 10^LOG_DECADES]; NaN (not expected) becomes 0.
    let w = 1.0 + u.clamp(0.0, LOG_SPAN);
    let w = if w.is_nan() { 1.0 } else { w };
    let bits = w.to_bits();
    let exponent = ((bits >> 52) as usize).saturating_sub(1023).min(LOG_EXPONENTS - 1);
    let mantissa = ((bits >> (52 - LOG_MANTISSA_BITS)) as usize) & ((1 << LOG_MANTISSA_BITS) - 1);
    usize::from(table[(exponent << LOG_MANTISSA_BITS) | mantissa])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for map in Colormap::ALL {
            assert_eq!(map.name().parse::<Colormap>(), Ok(map));
            let json = serde_json::to_string(&map).unwrap();
            assert_eq!(json, format!("\"{}\"", map.name()));
            assert_eq!(serde_json::from_str::<Colormap>(&json).unwrap(), map);
        }
        assert_eq!(" Turbo ".parse::<Colormap>(), Ok(Colormap::Turbo));
        assert!("jet".parse::<Colormap>().unwrap_err().to_string().contains("viridis"));
        assert_eq!(Colormap::default(), Colormap::Viridis);
    }

    #[test]
    fn mapping_agrees_with_position() {
        for log in [false, true] {
            let scale = ColorScale::new(-3.0, 2500.0, log);
            let mapping = Mapping::new(&scale);
            let mut off = 0;
            for k in 0..=100_000 {
                let v = -10.0 + 2600.0 * (k as f64 / 100_000.0).powi(4);
                let exact = scale.position(v).unwrap() * (LUT_SIZE - 1) as f64;
                let index = mapping.index(v);
                // The log table may round the other way within a fiftieth of an entry.
                let tolerance = if log { 0.52 } else { 0.5 + 1e-9 };
                assert!((index as f64 - exact).abs() <= tolerance, "v = {v}: {index} vs {exact}");
                off += usize::from(index != lut_index(exact));
            }
            assert!(off <= 2_000, "{off} of 100 001 values one entry off");
            assert_eq!(mapping.index(-3.0), 0);
            assert_eq!(mapping.index(2500.0), LUT_SIZE - 1);
            assert_eq!(mapping.index(1e300), LUT_SIZE - 1);
            assert_eq!(mapping.index(f64::NEG_INFINITY), 0);
        }
    }

    #[test]
    fn value_at_inverts_position() {
        for log in [false, true] {
            let scale = ColorScale::new(-1.0, 1e4, log);
            for k in 0..=20 {
                let t = k as f64 / 20.0;
                let back = scale.position(scale.value_at(t)).unwrap();
                assert!((back - t).abs() < 1e-9, "t = {t}, back = {back}");
            }
        }
    }

    #[test]
    fn flat_and_huge_scales() {
        let flat = ColorScale::new(2.0, 2.0, true);
        assert_eq!(flat.position(2.0), Some(0.5));
        assert!(flat.levels(10).is_empty());
        let inf = ColorScale::new(0.0, f64::INFINITY, false);
        assert_eq!(inf.position(1.0), Some(0.5));
        let huge = ColorScale::new(-f64::MAX, f64::MAX, false);
        assert_eq!(huge.position(0.0), Some(0.5));
        assert_eq!(huge.position(f64::MAX), Some(1.0));
        assert_eq!(huge.levels(3).len(), 3);
    }
}
