//! The flags' value parsers, for every sub-command: whole numbers in a range, numbers with a
//! rule, points, domains and sizes. Each kind has one wording of its error, so a bound said in
//! `--help` and the message for breaking it cannot drift apart between sub-commands.

use std::ffi::OsStr;
use std::str::FromStr;

use clap::builder::TypedValueParser;
use clap::{Arg, Command, Error};

use super::MAX_STEPS;
use crate::figure::MAX_SIDE;
use crate::scene::ViewMode;
use crate::sim::net::census::MAX_STARTS;
use crate::sim::net::spectrum::{MAX_LANCZOS, MAX_PROBES};
use crate::sim::run::basins::MAX_GRID;
use crate::sim::run::cloud::MAX_CLOUD;
use crate::sim::{Domain, Point};

/// The most points a built-in data set is drawn with.
pub const MAX_POINTS: usize = 10_000;

/// The most training steps a network takes.
pub const MAX_TRAIN_STEPS: usize = 1_000_000;

/// A whole number of `what` ("points", "Lanczos steps") from `lo` to `hi`; as a flag's
/// `value_parser` it gives clap's usual "invalid value" error with this wording.
#[derive(Clone, Copy, Debug)]
pub struct Count {
    pub lo: usize,
    pub hi: usize,
    pub what: &'static str,
}

impl Count {
    /// Parses `s`.
    pub fn parse(self, s: &str) -> Result<usize, String> {
        let Count { lo, hi, what } = self;
        match s.trim().parse::<i128>() {
            Ok(n) if (lo as i128..=hi as i128).contains(&n) => Ok(n as usize),
            Ok(n) if n < 0 => Err(format!("the number of {what} cannot be negative (got {n})")),
            Ok(n) if lo == 0 => Err(format!("at most {hi} {what} (got {n})")),
            Ok(n) => Err(format!("from {lo} to {hi} {what} (got {n})")),
            Err(_) => Err(format!("'{s}' is not a whole number of {what}")),
        }
    }
}

/// A number that `ok` accepts; `rule` says which ones do ("the span must be a number > 0").
#[derive(Clone, Copy, Debug)]
pub struct NumberRule<T> {
    pub ok: fn(T) -> bool,
    pub rule: &'static str,
}

impl<T: FromStr + Copy> NumberRule<T> {
    /// Parses `s`.
    pub fn parse(self, s: &str) -> Result<T, String> {
        match s.trim().parse::<T>() {
            Ok(v) if (self.ok)(v) => Ok(v),
            Ok(_) => Err(format!("{} (got '{}')", self.rule, s.trim())),
            Err(_) => Err(format!("'{s}' is not a number")),
        }
    }
}

impl TypedValueParser for Count {
    type Value = usize;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<usize, Error> {
        let count = *self;
        (move |s: &str| count.parse(s)).parse_ref(cmd, arg, value)
    }
}

impl<T: FromStr + Copy + Send + Sync + 'static> TypedValueParser for NumberRule<T> {
    type Value = T;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<T, Error> {
        let rule = *self;
        (move |s: &str| rule.parse(s)).parse_ref(cmd, arg, value)
    }
}

// The bounds of every count a flag takes.
pub const STEPS: Count = Count { lo: 0, hi: MAX_STEPS, what: "steps" };
pub const TRAIN_STEPS: Count = Count { lo: 0, hi: MAX_TRAIN_STEPS, what: "training steps" };
pub const POINTS: Count = Count { lo: 1, hi: MAX_POINTS, what: "points" };
pub const STARTS: Count = Count { lo: 1, hi: MAX_STARTS, what: "starts" };
pub const GRID: Count = Count { lo: 1, hi: MAX_GRID, what: "cells a side" };
pub const SIDE: Count = Count { lo: 2, hi: 1024, what: "points a side" };
pub const CLOUD: Count = Count { lo: 1, hi: MAX_CLOUD, what: "runs per optimizer" };
pub const LANCZOS: Count = Count { lo: 1, hi: MAX_LANCZOS, what: "Lanczos steps" };
pub const PROBES: Count = Count { lo: 1, hi: MAX_PROBES, what: "probes" };

// The rules of every number a flag takes.
pub const NOISE: NumberRule<f64> = NumberRule {
    ok: |v| v.is_finite() && v >= 0.0,
    rule: "the noise must be a finite number ≥ 0",
};
pub const WEIGHT_DECAY: NumberRule<f64> = NumberRule {
    ok: |v| v.is_finite() && v >= 0.0,
    rule: "the weight decay must be a finite number ≥ 0",
};
pub const SPAN: NumberRule<f64> =
    NumberRule { ok: |v| v > 0.0 && v <= 1e6, rule: "the span must be a number > 0, at most 1e6" };
pub const FLAT: NumberRule<f64> =
    NumberRule { ok: |v| (0.0..1.0).contains(&v), rule: "the flat band ε is a number in [0, 1)" };
pub const DENSITY: NumberRule<f32> =
    NumberRule { ok: |v| (0.25..=4.0).contains(&v), rule: "the density must be from 0.25 to 4" };
pub const AZIMUTH: NumberRule<f64> =
    NumberRule { ok: f64::is_finite, rule: "the azimuth must be a finite angle in degrees" };
pub const ELEVATION: NumberRule<f64> = NumberRule {
    ok: |v| (-90.0..=90.0).contains(&v),
    rule: "the elevation must be from -90 to 90 degrees",
};

/// The projection: `2d` (the map) or `3d` (the surface in perspective).
pub fn view_mode(s: &str) -> Result<ViewMode, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "2d" => Ok(ViewMode::Map),
        "3d" => Ok(ViewMode::Surface),
        _ => Err(format!("expected 2d or 3d, got '{s}'")),
    }
}

/// `X,Y` into a finite point.
pub fn point(s: &str) -> Result<Point, String> {
    let v = numbers(s, 2, "X,Y")?;
    Ok(Point::new(v[0], v[1]))
}

/// `X0,X1,Y0,Y1` into a domain.
pub fn domain(s: &str) -> Result<Domain, String> {
    let v = numbers(s, 4, "X0,X1,Y0,Y1")?;
    Domain::new(v[0], v[1], v[2], v[3]).map_err(|e| e.to_string())
}

/// `n` finite numbers separated by commas, shaped like `shape`.
fn numbers(s: &str, n: usize, shape: &str) -> Result<Vec<f64>, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if parts.len() != n {
        return Err(format!("expected {n} numbers {shape}, got {} in '{s}'", parts.len()));
    }
    parts
        .iter()
        .map(|p| match p.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(format!("'{p}' is not a finite number (in '{s}')")),
            Err(_) if p.is_empty() => {
                Err(format!("a number is missing in '{s}' (expected {shape})"))
            }
            Err(_) => Err(format!("'{p}' is not a number (in '{s}')")),
        })
        .collect()
}

/// `WxH` in pixels, each side 160 to [`MAX_SIDE`].
pub fn size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT in pixels, like 1200x900, got '{s}'"))?;
    let side = |t: &str| {
        Count { lo: 160, hi: MAX_SIDE as usize, what: "pixels" }
            .parse(t)
            .map(|v| v as u32)
            .map_err(|e| format!("{e} (in '{s}')"))
    };
    Ok((side(w)?, side(h)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_say_the_bound_they_break() {
        let probes = Count { lo: 1, hi: 10, what: "probes" };
        let steps = Count { lo: 0, hi: 10, what: "steps" };
        assert_eq!(probes.parse("7"), Ok(7));
        assert_eq!(probes.parse(" 10 "), Ok(10));
        assert_eq!(probes.parse("0").unwrap_err(), "from 1 to 10 probes (got 0)");
        assert_eq!(steps.parse("11").unwrap_err(), "at most 10 steps (got 11)");
        assert!(steps.parse("-3").unwrap_err().contains("cannot be negative"));
        assert_eq!(steps.parse("x").unwrap_err(), "'x' is not a whole number of steps");
        // Larger than any usize: still a message, not a wrap-around.
        assert!(steps.parse("99999999999999999999999").is_err());
    }

    #[test]
    fn numbers_keep_to_their_rule() {
        assert_eq!(NOISE.parse("0.5"), Ok(0.5));
        assert!(NOISE.parse("-1").unwrap_err().starts_with("the noise must be"));
        assert!(WEIGHT_DECAY.parse("inf").unwrap_err().starts_with("the weight decay must be"));
        assert!(NOISE.parse("NaN").is_err());
        assert_eq!(ELEVATION.parse("-90"), Ok(-90.0));
        assert!(ELEVATION.parse("91").is_err());
        assert!(AZIMUTH.parse("inf").is_err());
        assert_eq!(FLAT.parse("0"), Ok(0.0));
        assert!(FLAT.parse("1").is_err());
        assert_eq!(SPAN.parse("abc").unwrap_err(), "'abc' is not a number");
    }

    #[test]
    fn sizes_points_and_domains() {
        assert_eq!(size("1200x900"), Ok((1200, 900)));
        assert_eq!(size("640×480"), Ok((640, 480)));
        assert!(size("100x900").unwrap_err().contains("from 160 to"));
        assert!(size("1200").is_err());
        assert_eq!(point("-1.5, 2"), Ok(Point::new(-1.5, 2.0)));
        assert!(point("1,").unwrap_err().contains("missing"));
        assert!(point("1,inf").unwrap_err().contains("finite"));
        assert!(domain("1,0,0,1").is_err());
    }
}
