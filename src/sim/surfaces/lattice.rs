//! A grid computed exactly only on a coarser lattice of its points, and filled in between by
//! cubic Hermite interpolation: how a surface whose every value is expensive (a network slice:
//! a forward pass over the data set a point) draws a heatmap the size of a window.
//!
//! The lattice belongs to the whole grid — every `stride`-th column and row, and the last — so
//! a heatmap sampled a band of rows at a time ([`crate::field::LayerSteps`], the browser) asks
//! for exactly the same exact points as one sampled whole, and interpolates the same values.

/// The knots of an `nx × ny` grid at a stride: the columns and rows that are computed exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lattice {
    columns: Vec<usize>,
    rows: Vec<usize>,
}

impl Lattice {
    /// Every `stride`-th column and row of an `nx × ny` grid, from the first, and the last.
    pub fn new(nx: usize, ny: usize, stride: usize) -> Self {
        let knots = |n: usize| -> Vec<usize> {
            let mut v: Vec<usize> = (0..n).step_by(stride.max(1)).collect();
            if n > 0 && v.last() != Some(&(n - 1)) {
                v.push(n - 1);
            }
            v
        };
        Self { columns: knots(nx), rows: knots(ny) }
    }

    /// The indices of the exact columns, ascending.
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// The indices of the exact rows, ascending.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// The coordinates of the exact columns among `xs`.
    pub fn knots_x(&self, xs: &[f64]) -> Vec<f64> {
        self.columns.iter().map(|&i| xs[i]).collect()
    }

    /// The coordinates of the exact rows among `ys`.
    pub fn knots_y(&self, ys: &[f64]) -> Vec<f64> {
        self.rows.iter().map(|&j| ys[j]).collect()
    }

    /// The whole grid `xs × ys` (row by row into `out`) from the exact values at the knots
    /// (`coarse`, row by row over `knots_x(xs) × knots_y(ys)`): along x for each exact row,
    /// then along y for each column. At a knot the value is the exact one.
    ///
    /// # Panics
    /// If the lengths do not match the lattice.
    pub fn fill(&self, coarse: &[f64], xs: &[f64], ys: &[f64], out: &mut [f64]) {
        assert_eq!(out.len(), xs.len() * ys.len(), "grid output of the wrong length");
        assert_eq!(coarse.len(), self.columns.len() * self.rows.len(), "knots of the wrong count");
        if xs.is_empty() || ys.is_empty() {
            return;
        }
        let (cx, cy) = (self.knots_x(xs), self.knots_y(ys));
        let mut rows = vec![0.0; xs.len() * cy.len()];
        for (row, c) in rows.chunks_exact_mut(xs.len()).zip(coarse.chunks_exact(cx.len())) {
            hermite(&cx, c, xs, |i, v| row[i] = v);
        }
        let mut column = vec![0.0; cy.len()];
        for i in 0..xs.len() {
            for (j, c) in column.iter_mut().enumerate() {
                *c = rows[j * xs.len() + i];
            }
            hermite(&cy, &column, ys, |j, v| out[j * xs.len() + i] = v);
        }
    }
}

/// Cubic Hermite interpolation of the values `v` at the ascending knots `t` (tangents from
/// centred differences, one-sided at the ends), at each of `at`; `put(i, value)` receives them.
fn hermite(t: &[f64], v: &[f64], at: &[f64], mut put: impl FnMut(usize, f64)) {
    let n = t.len();
    if n < 2 {
        for i in 0..at.len() {
            put(i, v.first().copied().unwrap_or(f64::NAN));
        }
        return;
    }
    let slope = |a: usize, b: usize| (v[b] - v[a]) / (t[b] - t[a]);
    let tangent = |i: usize| match i {
        0 => slope(0, 1),
        i if i == n - 1 => slope(n - 2, n - 1),
        i => slope(i - 1, i + 1),
    };
    let mut seg = 0;
    for (i, &x) in at.iter().enumerate() {
        while seg + 2 < n && x > t[seg + 1] {
            seg += 1;
        }
        let h = t[seg + 1] - t[seg];
        let s = ((x - t[seg]) / h).clamp(0.0, 1.0);
        let (s2, s3) = (s * s, s * s * s);
        let value = (2.0 * s3 - 3.0 * s2 + 1.0) * v[seg]
            + (s3 - 2.0 * s2 + s) * h * tangent(seg)
            + (-2.0 * s3 + 3.0 * s2) * v[seg + 1]
            + (s3 - s2) * h * tangent(seg + 1);
        // At a knot the value is the exact one.
        put(
            i,
            if s == 0.0 {
                v[seg]
            } else if s == 1.0 {
                v[seg + 1]
            } else {
                value
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_knots_are_every_stride_th_point_and_the_last() {
        let lattice = Lattice::new(10, 7, 4);
        assert_eq!(lattice.columns(), [0, 4, 8, 9]);
        assert_eq!(lattice.rows(), [0, 4, 6]);
        assert_eq!(Lattice::new(9, 1, 4).columns(), [0, 4, 8]);
        assert_eq!(Lattice::new(0, 3, 4).columns(), [] as [usize; 0]);
    }

    #[test]
    fn a_quadratic_is_reproduced_between_the_knots_and_the_knots_are_exact() {
        // Hermite interpolation with centred-difference tangents on even knots is exact for a
        // quadratic away from the end segments; the knots carry the exact values.
        let f = |x: f64, y: f64| 0.5 * x * x - 0.25 * y * y + x * y;
        let xs: Vec<f64> = (0..41).map(|i| -2.0 + 0.1 * f64::from(i)).collect();
        let ys: Vec<f64> = (0..21).map(|j| -1.0 + 0.1 * f64::from(j)).collect();
        let lattice = Lattice::new(xs.len(), ys.len(), 5);
        let (cx, cy) = (lattice.knots_x(&xs), lattice.knots_y(&ys));
        let coarse: Vec<f64> = cy.iter().flat_map(|&y| cx.iter().map(move |&x| f(x, y))).collect();
        let mut out = vec![0.0; xs.len() * ys.len()];
        lattice.fill(&coarse, &xs, &ys, &mut out);
        for (j, &y) in ys.iter().enumerate() {
            for (i, &x) in xs.iter().enumerate() {
                let got = out[j * xs.len() + i];
                let inner = |k: usize, n: usize| k > 5 && k < n - 6;
                if lattice.columns().contains(&i) && lattice.rows().contains(&j) {
                    assert_eq!(got, f(x, y), "a knot keeps its exact value");
                } else if inner(i, xs.len()) && inner(j, ys.len()) {
                    assert!((got - f(x, y)).abs() < 1e-12, "({x}, {y}): {got} vs {}", f(x, y));
                } else {
                    // The end segments' tangents are one-sided.
                    assert!((got - f(x, y)).abs() < 0.05, "({x}, {y}): {got} vs {}", f(x, y));
                }
            }
        }
    }
}
