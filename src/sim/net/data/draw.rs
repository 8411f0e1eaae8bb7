//! Drawing the built-in data sets from a seed: one function per shape of data.

use std::f64::consts::{PI, TAU};
use std::ops::Range;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// The random draws of one data set: ChaCha8 from the seed, a unit normal, and the noise's
/// standard deviation. The order of the draws is part of the data set: the same seed gives
/// the same rows on every machine.
pub(super) struct Draw {
    rng: ChaCha8Rng,
    normal: Normal<f64>,
    noise: f64,
}

impl Draw {
    /// Draws from `seed` with Gaussian `noise` (0 when not a positive finite number).
    pub(super) fn new(noise: f64, seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            normal: Normal::new(0.0, 1.0).expect("unit normal"),
            noise: if noise.is_finite() && noise > 0.0 { noise } else { 0.0 },
        }
    }

    /// One draw of the noise.
    fn gauss(&mut self) -> f64 {
        self.noise * self.normal.sample(&mut self.rng)
    }

    /// `n` rows `(t, target(t) + noise, 0)`, t uniform in `range`.
    pub(super) fn regression(
        &mut self,
        n: usize,
        range: Range<f64>,
        target: impl Fn(f64) -> f64,
    ) -> Vec<[f64; 3]> {
        (0..n)
            .map(|_| {
                let t = self.rng.random_range(range.clone());
                [t, target(t) + self.gauss(), 0.0]
            })
            .collect()
    }

    /// Two clusters around ±(1, 0.5), the first half labelled 1; `separable` ones (spread 0.4)
    /// keep a margin from the line a + b = 0 through the origin, overlapping ones spread 0.9.
    pub(super) fn clusters(&mut self, n: usize, separable: bool) -> Vec<[f64; 3]> {
        let spread = if separable { 0.4 } else { 0.9 };
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            let label = if i < n / 2 { 1.0 } else { 0.0 };
            let sign = if label == 1.0 { 1.0 } else { -1.0 };
            loop {
                let a = sign * 1.0 + spread * self.normal.sample(&mut self.rng);
                let b = sign * 0.5 + spread * self.normal.sample(&mut self.rng);
                if !separable || sign * (a + b) > 0.2 {
                    rows.push([a, b, label]);
                    break;
                }
            }
        }
        rows
    }

    /// Two interleaving half circles (scikit-learn's `make_moons`).
    pub(super) fn moons(&mut self, n: usize) -> Vec<[f64; 3]> {
        let half = n / 2;
        let outer = n - half;
        let mut rows = Vec::with_capacity(n);
        for i in 0..outer {
            let t = PI * i as f64 / (outer.max(2) - 1) as f64;
            rows.push([t.cos() + self.gauss(), t.sin() + self.gauss(), 0.0]);
        }
        for i in 0..half {
            let t = PI * i as f64 / (half.max(2) - 1) as f64;
            rows.push([1.0 - t.cos() + self.gauss(), 0.5 - t.sin() + self.gauss(), 1.0]);
        }
        rows
    }

    /// A circle inside a circle (`make_circles`, factor 0.5).
    pub(super) fn circles(&mut self, n: usize) -> Vec<[f64; 3]> {
        let half = n / 2;
        let mut rows = Vec::with_capacity(n);
        for (count, radius, label) in [(n - half, 1.0, 0.0), (half, 0.5, 1.0)] {
            for i in 0..count {
                let t = TAU * i as f64 / count.max(1) as f64;
                rows.push([
                    radius * t.cos() + self.gauss(),
                    radius * t.sin() + self.gauss(),
                    label,
                ]);
            }
        }
        rows
    }

    /// Uniform in [−1, 1]², label 1 where x1·x2 > 0, then noise.
    pub(super) fn xor(&mut self, n: usize) -> Vec<[f64; 3]> {
        (0..n)
            .map(|_| {
                let x1: f64 = self.rng.random_range(-1.0..1.0);
                let x2: f64 = self.rng.random_range(-1.0..1.0);
                let label = if x1 * x2 > 0.0 { 1.0 } else { 0.0 };
                [x1 + self.gauss(), x2 + self.gauss(), label]
            })
            .collect()
    }

    /// Two interleaved spirals, 1.75 turns each.
    pub(super) fn spirals(&mut self, n: usize) -> Vec<[f64; 3]> {
        let half = n / 2;
        let mut rows = Vec::with_capacity(n);
        for (count, phase, label) in [(n - half, 0.0, 0.0), (half, PI, 1.0)] {
            for i in 0..count {
                let s = i as f64 / count.max(1) as f64;
                let r = 0.1 + 0.9 * s;
                let t = 1.75 * TAU * s + phase;
                rows.push([r * t.cos() + self.gauss(), r * t.sin() + self.gauss(), label]);
            }
        }
        rows
    }
}

/// The rows with t standardised: mean 0, standard deviation 1 (left as they are when empty).
pub(super) fn standardise(mut rows: Vec<[f64; 3]>) -> Vec<[f64; 3]> {
    let n = rows.len();
    if n > 0 {
        let mean = rows.iter().map(|r| r[0]).sum::<f64>() / n as f64;
        let var = rows.iter().map(|r| (r[0] - mean).powi(2)).sum::<f64>() / n as f64;
        let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
        for r in &mut rows {
            r[0] = (r[0] - mean) / sd;
        }
    }
    rows
}
