//! A surface sampled on a cell-centred grid, and the exact pixel ↔ coordinate mapping.

use crate::sim::{Domain, DomainError, Point, Surface};

use super::{par_row_bands_on, threads_for};

/// The most samples a [`Field`] may hold (2²⁶, half a gigabyte of `f64`).
pub const MAX_SAMPLES: usize = 1 << 26;

/// Below this many samples a field is sampled on the calling thread alone.
const PARALLEL_MIN_SAMPLES: usize = 16 * 1024;

/// Why a [`Field`] cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FieldError {
    /// A grid needs at least one sample each way.
    #[error("a field needs at least 1 × 1 samples, got {nx} × {ny}")]
    Empty {
        /// Samples along x.
        nx: usize,
        /// Samples along y.
        ny: usize,
    },
    /// More samples than [`MAX_SAMPLES`].
    #[error("a field of {nx} × {ny} samples is too large (at most {max} samples)", max = MAX_SAMPLES)]
    TooLarge {
        /// Samples along x.
        nx: usize,
        /// Samples along y.
        ny: usize,
    },
    /// The values given do not fill the grid.
    #[error("a field of {nx} × {ny} samples needs {} values, got {got}", nx * ny)]
    WrongLength {
        /// Samples along x.
        nx: usize,
        /// Samples along y.
        ny: usize,
        /// How many values were given.
        got: usize,
    },
    /// The domain is not a finite, non-empty rectangle.
    #[error("bad field domain: {0}")]
    Domain(#[from] DomainError),
}

/// A surface sampled on an `nx × ny` cell-centred grid over a domain.
///
/// The domain is cut into `nx × ny` equal cells (pixels); sample `(i, j)` is f at the centre of
/// cell `(i, j)`, [`Field::point`]`(i, j) = (x_min + (i + ½)·Δx, y_min + (j + ½)·Δy)` with
/// `Δx = width / nx`, `Δy = height / ny`. Values are row-major with `j = 0` the bottom row
/// (`y_min`); index `j·nx + i`. Non-finite values are stored as NaN, and [`Field::range`] is the
/// minimum and maximum of the finite ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    domain: Domain,
    nx: usize,
    ny: usize,
    values: Vec<f64>,
    range: Option<(f64, f64)>,
}

impl Field {
    /// Samples `surface` at the `nx × ny` cell centres of `domain`.
    ///
    /// Bands of rows are sampled in parallel on the calling rayon pool; the result does
    /// not depend on the number of threads. Non-finite values become NaN.
    ///
    /// # Errors
    /// [`FieldError`] when `nx` or `ny` is 0, the grid has more than [`MAX_SAMPLES`] samples, or
    /// the domain's bounds are not finite and increasing.
    pub fn sample<S: Surface + Sync + ?Sized>(
        surface: &S,
        domain: Domain,
        nx: usize,
        ny: usize,
    ) -> Result<Self, FieldError> {
        let threads = threads_for(nx.saturating_mul(ny), PARALLEL_MIN_SAMPLES);
        Self::sample_with_threads(surface, domain, nx, ny, threads)
    }

    /// [`Field::sample`] in bands of rows on `threads` threads (at least one; more than the
    /// machine has is allowed), whatever the size of the grid. The samples are the same for
    /// every count; [`Field::sample`] takes the machine's cores, or one thread for a small grid.
    /// A test holds one thread against several with this.
    ///
    /// # Errors
    /// As [`Field::sample`].
    pub fn sample_with_threads<S: Surface + Sync + ?Sized>(
        surface: &S,
        domain: Domain,
        nx: usize,
        ny: usize,
        threads: usize,
    ) -> Result<Self, FieldError> {
        let (len, xs) = Self::check_with_columns(domain, nx, ny)?;
        let mut values = vec![0.0; len];
        // A surface sampled on a lattice of the whole grid is given the whole grid (its knots
        // are computed in parallel by the surface itself): bands would each have knots of
        // their own.
        let threads = if surface.grid_stride(nx, ny) > 1 { 1 } else { threads };
        let ranges = par_row_bands_on(threads, &mut values, nx, |first_row, band| {
            let ys: Vec<f64> = (0..band.len() / nx)
                .map(|r| centre(domain.y_min, domain.height(), ny, first_row + r))
                .collect();
            surface.sample_grid(&xs, &ys, band);
            let mut range = Range::EMPTY;
            for v in band.iter_mut() {
                *v = range.add(*v);
            }
            range
        });
        let range = ranges.into_iter().fold(Range::EMPTY, Range::merge).get();
        Ok(Self { domain, nx, ny, values, range })
    }

    /// A field from values already computed, row-major from the bottom row (`y_min`) up, laid
    /// out as [`Field::sample`] lays them. Non-finite values become NaN.
    ///
    /// # Errors
    /// As [`Field::sample`], and [`FieldError::WrongLength`] when `values.len() != nx·ny`.
    pub fn from_values(
        domain: Domain,
        nx: usize,
        ny: usize,
        mut values: Vec<f64>,
    ) -> Result<Self, FieldError> {
        let len = Self::check(domain, nx, ny)?;
        if values.len() != len {
            return Err(FieldError::WrongLength { nx, ny, got: values.len() });
        }
        let mut range = Range::EMPTY;
        for v in &mut values {
            *v = range.add(*v);
        }
        Ok(Self { domain, nx, ny, values, range: range.get() })
    }

    /// [`Field::check`], and the x of every column's centre.
    pub(crate) fn check_with_columns(
        domain: Domain,
        nx: usize,
        ny: usize,
    ) -> Result<(usize, Vec<f64>), FieldError> {
        let len = Self::check(domain, nx, ny)?;
        Ok((len, (0..nx).map(|i| centre(domain.x_min, domain.width(), nx, i)).collect()))
    }

    /// Checks the grid and domain, returning the number of samples.
    fn check(domain: Domain, nx: usize, ny: usize) -> Result<usize, FieldError> {
        Domain::new(domain.x_min, domain.x_max, domain.y_min, domain.y_max)?;
        if nx == 0 || ny == 0 {
            return Err(FieldError::Empty { nx, ny });
        }
        match nx.checked_mul(ny) {
            Some(len) if len <= MAX_SAMPLES => Ok(len),
            _ => Err(FieldError::TooLarge { nx, ny }),
        }
    }

    /// The rectangle sampled.
    pub fn domain(&self) -> Domain {
        self.domain
    }

    /// Samples along x (columns, image width).
    pub fn nx(&self) -> usize {
        self.nx
    }

    /// Samples along y (rows, image height).
    pub fn ny(&self) -> usize {
        self.ny
    }

    /// Width of a cell, `(x_max − x_min) / nx`.
    pub fn dx(&self) -> f64 {
        self.domain.width() / self.nx as f64
    }

    /// Height of a cell, `(y_max − y_min) / ny`.
    pub fn dy(&self) -> f64 {
        self.domain.height() / self.ny as f64
    }

    /// All samples, row-major, bottom row (`y_min`) first: sample `(i, j)` at `j·nx + i`.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Row `j` (`j = 0` at the bottom), or `None` past the top.
    pub fn row(&self, j: usize) -> Option<&[f64]> {
        (j < self.ny).then(|| &self.values[j * self.nx..(j + 1) * self.nx])
    }

    /// Sample `(i, j)` (NaN where f is undefined), or `None` outside the grid.
    pub fn get(&self, i: usize, j: usize) -> Option<f64> {
        (i < self.nx && j < self.ny).then(|| self.values[j * self.nx + i])
    }

    /// `(min, max)` of the finite samples, or `None` when every sample is NaN.
    pub fn range(&self) -> Option<(f64, f64)> {
        self.range
    }

    /// The x coordinate of column `i`'s cell centre, `x_min + (i + ½)·width / nx`.
    #[inline]
    pub fn x(&self, i: usize) -> f64 {
        centre(self.domain.x_min, self.domain.width(), self.nx, i)
    }

    /// The y coordinate of row `j`'s cell centre, `y_min + (j + ½)·height / ny` (`j = 0` at the
    /// bottom).
    #[inline]
    pub fn y(&self, j: usize) -> f64 {
        centre(self.domain.y_min, self.domain.height(), self.ny, j)
    }

    /// The point sample `(i, j)` was taken at: the centre of cell `(i, j)`.
    pub fn point(&self, i: usize, j: usize) -> Point {
        Point::new(self.x(i), self.y(j))
    }

    /// The inverse of [`Field::point`] on the whole plane: the fractional grid indices `(i, j)`
    /// of `p` (cell centres at whole numbers, the domain's edges at −½ and `n − ½`).
    pub fn grid_coords(&self, p: Point) -> (f64, f64) {
        (
            (p.x - self.domain.x_min) * self.nx as f64 / self.domain.width() - 0.5,
            (p.y - self.domain.y_min) * self.ny as f64 / self.domain.height() - 0.5,
        )
    }

    /// The cell `(i, j)` containing `p`, or `None` outside the (closed) domain. A point on the
    /// border between two cells belongs to the upper one, except on the domain's top or right
    /// edge.
    pub fn cell_at(&self, p: Point) -> Option<(usize, usize)> {
        if !self.domain.contains(p) {
            return None;
        }
        let (u, v) = self.grid_coords(p);
        let i = ((u + 0.5).floor().max(0.0) as usize).min(self.nx - 1);
        let j = ((v + 0.5).floor().max(0.0) as usize).min(self.ny - 1);
        Some((i, j))
    }

    /// The centre of image pixel `(column, row)` of [`colorize`](super::colorize)'s picture, whose
    /// row 0 is at the top (`y_max`): the point of sample `(column, ny − 1 − row)`.
    pub fn pixel_center(&self, column: usize, row: usize) -> Point {
        self.point(column, self.ny - 1 - row.min(self.ny - 1))
    }

    /// The image pixel `(column, row)` (row 0 at the top) containing `p`, or `None` outside the
    /// domain; the inverse of [`Field::pixel_center`].
    pub fn pixel_at(&self, p: Point) -> Option<(usize, usize)> {
        self.cell_at(p).map(|(i, j)| (i, self.ny - 1 - j))
    }
}

/// The centre of cell `i` of `n` equal cells cutting `[start, start + length]`. The one formula
/// both the sampling and the mapping use, so they agree to the last bit.
#[inline]
pub(crate) fn centre(start: f64, length: f64, n: usize, i: usize) -> f64 {
    start + (i as f64 + 0.5) * length / n as f64
}

/// A running minimum and maximum of finite values.
#[derive(Clone, Copy)]
struct Range {
    min: f64,
    max: f64,
}

impl Range {
    const EMPTY: Range = Range { min: f64::INFINITY, max: f64::NEG_INFINITY };

    /// Takes `v` into the range if finite; returns `v`, or NaN when it is not finite.
    #[inline]
    fn add(&mut self, v: f64) -> f64 {
        if v.is_finite() {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
            v
        } else {
            f64::NAN
        }
    }

    fn merge(self, other: Range) -> Range {
        Range { min: self.min.min(other.min), max: self.max.max(other.max) }
    }

    fn get(self) -> Option<(f64, f64)> {
        (self.min <= self.max).then_some((self.min, self.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Builtin;

    fn square() -> Domain {
        Domain::new(-1.0, 1.0, -2.0, 2.0).unwrap()
    }

    #[test]
    fn cell_centres_are_exact() {
        let f = Field::from_values(square(), 4, 2, vec![0.0; 8]).unwrap();
        assert_eq!(f.point(0, 0), Point::new(-0.75, -1.0));
        assert_eq!(f.point(3, 1), Point::new(0.75, 1.0));
        assert_eq!(f.pixel_center(0, 0), Point::new(-0.75, 1.0));
        assert_eq!(f.grid_coords(Point::new(-1.0, -2.0)), (-0.5, -0.5));
        assert_eq!(f.cell_at(Point::new(1.0, 2.0)), Some((3, 1)));
        assert_eq!(f.cell_at(Point::new(-1.0, -2.0)), Some((0, 0)));
        assert_eq!(f.cell_at(Point::new(1.01, 0.0)), None);
    }

    #[test]
    fn threads_do_not_change_the_samples() {
        let d = Builtin::Bowls.domain();
        let f = Field::sample(&Builtin::Bowls, d, 301, 257).unwrap();
        // The whole grid on this thread alone, through the same sampler.
        let xs: Vec<f64> = (0..301).map(|i| f.point(i, 0).x).collect();
        let ys: Vec<f64> = (0..257).map(|j| f.point(0, j).y).collect();
        let mut one_thread = vec![0.0; 301 * 257];
        Builtin::Bowls.sample_grid(&xs, &ys, &mut one_thread);
        for j in 0..257 {
            for i in 0..301 {
                let v = f.get(i, j).unwrap();
                assert_eq!(v, one_thread[j * 301 + i], "sample ({i}, {j})");
                assert!((v - Builtin::Bowls.value(f.point(i, j))).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn non_finite_values_are_nan_and_out_of_the_range() {
        let f =
            Field::from_values(square(), 2, 2, vec![1.0, f64::INFINITY, f64::NAN, -3.0]).unwrap();
        assert!(f.get(1, 0).unwrap().is_nan());
        assert_eq!(f.range(), Some((-3.0, 1.0)));
        let all_nan = Field::from_values(square(), 1, 1, vec![f64::NEG_INFINITY]).unwrap();
        assert_eq!(all_nan.range(), None);
    }

    #[test]
    fn bad_grids_are_errors() {
        assert_eq!(
            Field::from_values(square(), 0, 3, vec![]),
            Err(FieldError::Empty { nx: 0, ny: 3 })
        );
        assert!(matches!(
            Field::sample(&Builtin::Saddle, square(), 1 << 14, 1 << 13),
            Err(FieldError::TooLarge { .. })
        ));
        assert!(matches!(
            Field::from_values(square(), 2, 2, vec![0.0; 3]),
            Err(FieldError::WrongLength { got: 3, .. })
        ));
        let inverted = Domain { x_min: 1.0, x_max: -1.0, y_min: 0.0, y_max: 1.0 };
        assert!(matches!(
            Field::sample(&Builtin::Saddle, inverted, 2, 2),
            Err(FieldError::Domain(_))
        ));
    }
}
