//! The eigendecomposition of a symmetric matrix, resumable: a saddle-free Newton step needs all
//! of |H| for a network's n × n Hessian, O(n³) work that in the browser (one thread) must run
//! between frames.
//!
//! Householder reduction to tridiagonal form, the accumulation of its transformations, then the
//! implicit QL method with Wilkinson shifts: EISPACK's `tred2` and `tql2` (Bowdler, Martin,
//! Reinsch and Wilkinson, *Handbook for Automatic Computation* II, 1971) as published in JAMA's
//! public-domain `EigenvalueDecomposition`. Each of the three passes is a loop of n iterations
//! of O(n²) work; [`EigenSteps::advance`] runs as many as it is given and resumes
//! where it stopped, so the result is the same, bit for bit, however the work is cut. Only
//! `+ − × ÷` and `sqrt` are used (no libm call), so the browser computes the same bits as the
//! desktop.

/// A symmetric eigendecomposition under way; see the module's documentation.
#[derive(Clone, Debug)]
pub struct EigenSteps {
    n: usize,
    /// n × n, column-major (a symmetric matrix is the same either way), where the
    /// transformations are accumulated; at the end column i is eigenvector i. Column-major
    /// makes the inner loops run along memory.
    v: Vec<f64>,
    d: Vec<f64>,
    e: Vec<f64>,
    pass: Pass,
    /// The QL pass's accumulated shift and its negligibility scale.
    shift: f64,
    scale: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pass {
    /// Householder reduction, row i (from n − 1 down to 1).
    Reduce(usize),
    /// Accumulating the transformations, column i (0 to n − 2).
    Accumulate(usize),
    /// The QL iteration for eigenvalue l (0 to n − 1).
    Ql(usize),
    Done,
}

/// What went wrong: a QL iteration that did not converge (only for non-finite entries, which
/// [`EigenSteps::new`] refuses, or a pathological matrix).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoConvergence;

/// QL iterations allowed for one eigenvalue (EISPACK allows 30; two or three are usual).
const MAX_QL_ITERATIONS: usize = 60;

impl EigenSteps {
    /// The decomposition of the symmetric n × n matrix `a` (either order: it is symmetric),
    /// not started; `None` when an entry is not finite or `a` is not n × n.
    pub fn new(a: Vec<f64>, n: usize) -> Option<Self> {
        if a.len() != n * n || a.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut d = vec![0.0; n];
        if n > 0 {
            d.copy_from_slice(&a[(n - 1) * n..]);
        }
        let pass = match n {
            0 => Pass::Done,
            1 => Pass::Accumulate(0),
            _ => Pass::Reduce(n - 1),
        };
        Some(Self { n, v: a, d, e: vec![0.0; n], pass, shift: 0.0, scale: 0.0 })
    }

    /// Runs at most `iterations` more iterations (at least one); `Ok(true)` once it is done.
    ///
    /// # Errors
    /// [`NoConvergence`] when a QL iteration does not converge.
    pub fn advance(&mut self, iterations: usize) -> Result<bool, NoConvergence> {
        for _ in 0..iterations.max(1) {
            self.pass = match self.pass {
                Pass::Reduce(i) => {
                    self.reduce(i);
                    if i > 1 { Pass::Reduce(i - 1) } else { Pass::Accumulate(0) }
                }
                Pass::Accumulate(i) => {
                    if i + 1 < self.n {
                        self.accumulate(i);
                        Pass::Accumulate(i + 1)
                    } else {
                        self.end_reduction();
                        Pass::Ql(0)
                    }
                }
                Pass::Ql(l) => {
                    self.ql(l)?;
                    if l + 1 < self.n { Pass::Ql(l + 1) } else { Pass::Done }
                }
                Pass::Done => return Ok(true),
            };
            if self.pass == Pass::Done {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The decomposition run whole.
    ///
    /// # Errors
    /// As [`advance`](Self::advance).
    pub fn run(mut self) -> Result<Eigen, NoConvergence> {
        while !self.advance(usize::MAX)? {}
        self.finish().ok_or(NoConvergence)
    }

    /// The eigenvalues and eigenvectors once done (taken out: a second call gets `None`);
    /// `None` before.
    pub fn finish(&mut self) -> Option<Eigen> {
        if self.pass != Pass::Done || self.v.len() != self.n * self.n {
            return None;
        }
        let (values, vectors) = (std::mem::take(&mut self.d), std::mem::take(&mut self.v));
        Some(Eigen { n: self.n, values, vectors })
    }

    fn at(&mut self, r: usize, c: usize) -> &mut f64 {
        &mut self.v[c * self.n + r]
    }

    /// `tred2`'s step i: the Householder reflection that zeroes row i left of its subdiagonal.
    fn reduce(&mut self, i: usize) {
        let n = self.n;
        let (d, e) = (&mut self.d, &mut self.e);
        let v = &mut self.v;
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[j * n + i - 1];
                v[j * n + i] = 0.0;
                v[i * n + j] = 0.0;
            }
        } else {
            for dk in &mut d[..i] {
                *dk /= scale;
                h += *dk * *dk;
            }
            let mut f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            e[..i].fill(0.0);
            for j in 0..i {
                f = d[j];
                v[i * n + j] = f;
                g = e[j] + v[j * n + j] * f;
                for k in j + 1..i {
                    g += v[j * n + k] * d[k];
                    e[k] += v[j * n + k] * f;
                }
                e[j] = g;
            }
            f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                f = d[j];
                g = e[j];
                for k in j..i {
                    v[j * n + k] -= f * e[k] + g * d[k];
                }
                d[j] = v[j * n + i - 1];
                v[j * n + i] = 0.0;
            }
        }
        d[i] = h;
    }

    /// `tred2`'s accumulation, column i.
    fn accumulate(&mut self, i: usize) {
        let n = self.n;
        let vi = *self.at(i, i);
        *self.at(n - 1, i) = vi;
        *self.at(i, i) = 1.0;
        let h = self.d[i + 1];
        let (d, v) = (&mut self.d, &mut self.v);
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[(i + 1) * n + k] / h;
            }
            for j in 0..=i {
                let g: f64 = (0..=i).map(|k| v[(i + 1) * n + k] * v[j * n + k]).sum();
                for k in 0..=i {
                    v[j * n + k] -= g * d[k];
                }
            }
        }
        for k in 0..=i {
            v[(i + 1) * n + k] = 0.0;
        }
    }

    /// The end of `tred2` and the start of `tql2`: the diagonal and subdiagonal in place.
    fn end_reduction(&mut self) {
        let n = self.n;
        for j in 0..n {
            self.d[j] = self.v[j * n + n - 1];
            self.v[j * n + n - 1] = 0.0;
        }
        self.v[n * n - 1] = 1.0;
        self.e[0] = 0.0;
        for i in 1..n {
            self.e[i - 1] = self.e[i];
        }
        self.e[n - 1] = 0.0;
    }

    /// `tql2`'s iterations for eigenvalue l.
    fn ql(&mut self, l: usize) -> Result<(), NoConvergence> {
        let n = self.n;
        let eps = f64::EPSILON;
        let (d, e) = (&mut self.d, &mut self.e);
        self.scale = self.scale.max(d[l].abs() + e[l].abs());
        let tst1 = self.scale;
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            let mut iterations = 0;
            loop {
                iterations += 1;
                if iterations > MAX_QL_ITERATIONS {
                    return Err(NoConvergence);
                }
                // The implicit shift.
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = hypot(p, 1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for di in &mut d[l + 2..] {
                    *di -= h;
                }
                self.shift += h;
                // The implicit QL transformation.
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0, 1.0, 1.0);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0, 0.0);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    // Rotate eigenvectors i and i + 1 (columns of the transformations).
                    let (head, tail) = self.v.split_at_mut((i + 1) * n);
                    let (vi, vi1) = (&mut head[i * n..], &mut tail[..n]);
                    for (a, b) in vi.iter_mut().zip(vi1.iter_mut()) {
                        let h = *b;
                        *b = s * *a + c * h;
                        *a = c * *a - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += self.shift;
        e[l] = 0.0;
        Ok(())
    }
}

/// √(a² + b²) without overflow or underflow, from `sqrt` alone (so the same bits everywhere).
fn hypot(a: f64, b: f64) -> f64 {
    let (a, b) = (a.abs(), b.abs());
    let (big, small) = if a >= b { (a, b) } else { (b, a) };
    if big == 0.0 {
        return 0.0;
    }
    let q = small / big;
    big * (1.0 + q * q).sqrt()
}

/// The eigenvalues λᵢ (unordered) and orthonormal eigenvectors vᵢ of a symmetric matrix.
#[derive(Clone, Debug, PartialEq)]
pub struct Eigen {
    n: usize,
    values: Vec<f64>,
    /// Column i (column-major) is vᵢ.
    vectors: Vec<f64>,
}

impl Eigen {
    /// Eigenvector i (of eigenvalue i), unit length.
    pub fn vector(&self, i: usize) -> &[f64] {
        &self.vectors[i * self.n..(i + 1) * self.n]
    }

    /// Σᵢ vᵢ·f(λᵢ)·(vᵢ · x): the function `f` of the matrix applied to x; `None` when a value
    /// of f is not finite (a singular system).
    pub fn apply(&self, f: impl Fn(f64) -> f64, x: &[f64]) -> Option<Vec<f64>> {
        let mut out = vec![0.0; self.n];
        for (i, &lambda) in self.values.iter().enumerate() {
            let v = self.vector(i);
            let w = f(lambda);
            if !w.is_finite() {
                return None;
            }
            let c = w * v.iter().zip(x).map(|(a, b)| a * b).sum::<f64>();
            out.iter_mut().zip(v).for_each(|(o, v)| *o += c * v);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::DMatrix;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn hypot_is_the_length_without_overflow() {
        assert_eq!(hypot(3.0, 4.0), 5.0);
        assert_eq!(hypot(0.0, 0.0), 0.0);
        assert_eq!(hypot(-1e300, 1e300), 1e300 * 2f64.sqrt());
        assert!((hypot(1e-300, 1e-300) / (1e-300 * 2f64.sqrt()) - 1.0).abs() < 1e-15);
    }

    fn random_symmetric(n: usize, seed: u64) -> DMatrix<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let a = DMatrix::from_fn(n, n, |_, _| rng.random_range(-1.0..1.0));
        (&a + a.transpose()) * 0.5
    }

    /// The matrices the decomposition must get right: random ones, and the structured cases
    /// where Householder and QL take their special branches.
    fn cases() -> Vec<(String, DMatrix<f64>)> {
        let mut out: Vec<(String, DMatrix<f64>)> = [0, 1, 2, 3, 10, 57]
            .into_iter()
            .map(|n| (format!("random {n}"), random_symmetric(n, n as u64)))
            .collect();
        out.push(("zero".into(), DMatrix::zeros(6, 6)));
        out.push((
            "diagonal".into(),
            DMatrix::from_diagonal(&nalgebra::DVector::from_vec(vec![3.0, -1.0, 0.0, 2.0, -7.0])),
        ));
        let u = DMatrix::from_fn(9, 1, |i, _| (i as f64 - 4.0) / 3.0);
        out.push(("identity + rank one".into(), DMatrix::identity(9, 9) + &u * u.transpose()));
        // A Hessian-like spread: eigenvalues from 1e-9 to 1e3 of both signs.
        let q = random_symmetric(20, 99).symmetric_eigen().eigenvectors;
        let spread = DMatrix::from_diagonal(
            &(0..20)
                .map(|i| if i % 2 == 0 { 1.0 } else { -1.0 } * 10f64.powi(i - 9))
                .collect::<Vec<_>>()
                .into(),
        );
        out.push(("spread".into(), &q * spread * q.transpose()));
        out
    }

    #[test]
    fn the_decomposition_reconstructs_the_matrix_with_nalgebras_eigenvalues() {
        for (name, a) in cases() {
            let n = a.nrows();
            let eig = EigenSteps::new(a.as_slice().to_vec(), n)
                .expect("finite")
                .run()
                .expect("converges");
            let scale = a.amax().max(f64::MIN_POSITIVE);
            let v = DMatrix::from_fn(n, n, |r, c| eig.vector(c)[r]);
            let lambda = DMatrix::from_diagonal(&eig.values.to_vec().into());
            let back = &v * lambda * v.transpose();
            assert!((back - &a).amax() <= 1e-13 * scale * (n.max(1) as f64), "{name}: V Λ Vᵀ = A");
            assert!(
                (v.transpose() * &v - DMatrix::identity(n, n)).amax() <= 1e-13 * n.max(1) as f64,
                "{name}: orthonormal"
            );
            let mut ours = eig.values.to_vec();
            ours.sort_by(f64::total_cmp);
            if n == 0 {
                assert!(ours.is_empty());
                continue; // nalgebra refuses an empty matrix
            }
            let mut theirs: Vec<f64> =
                a.clone().symmetric_eigen().eigenvalues.iter().copied().collect();
            theirs.sort_by(f64::total_cmp);
            for (x, y) in ours.iter().zip(&theirs) {
                assert!((x - y).abs() <= 1e-13 * scale * n as f64, "{name}: {x} vs nalgebra's {y}");
            }
        }
    }

    #[test]
    fn the_decomposition_cut_in_pieces_is_the_whole_one_bit_for_bit() {
        for (name, a) in cases() {
            let n = a.nrows();
            let whole = EigenSteps::new(a.as_slice().to_vec(), n).unwrap().run().unwrap();
            for per_call in [1, 5] {
                let mut steps = EigenSteps::new(a.as_slice().to_vec(), n).unwrap();
                let mut calls = 0;
                while !steps.advance(per_call).unwrap() {
                    calls += 1;
                    assert!(calls <= 3 * n + 1, "{name}: ends within its 3n iterations");
                }
                assert_eq!(steps.finish().expect("done"), whole, "{name}, {per_call} a call");
            }
        }
    }

    #[test]
    fn a_function_of_the_matrix_applies_to_a_vector() {
        let a = random_symmetric(12, 5);
        let x: Vec<f64> = (0..12).map(|i| (i as f64).sin()).collect();
        let eig = EigenSteps::new(a.as_slice().to_vec(), 12).unwrap().run().unwrap();
        // f(λ) = λ is A itself; f(λ) = 1/λ is A⁻¹.
        let ax = eig.apply(|l| l, &x).unwrap();
        let direct = &a * DMatrix::from_column_slice(12, 1, &x);
        for i in 0..12 {
            assert!((ax[i] - direct[i]).abs() < 1e-13, "A·x");
        }
        let solved = eig.apply(|l| 1.0 / l, &x).unwrap();
        let back = &a * DMatrix::from_column_slice(12, 1, &solved);
        assert!((0..12).all(|i| (back[i] - x[i]).abs() < 1e-10), "A·(A⁻¹x) = x");
        // A singular matrix has no inverse: refused, not infinite.
        let singular = EigenSteps::new(vec![1.0, 0.0, 0.0, 0.0], 2).unwrap().run().unwrap();
        assert_eq!(singular.apply(|l| 1.0 / l.abs(), &[1.0, 1.0]), None);
        // A matrix that is not finite is refused from the start.
        assert!(EigenSteps::new(vec![1.0, f64::NAN, f64::NAN, 1.0], 2).is_none());
        assert!(EigenSteps::new(vec![1.0; 3], 2).is_none());
    }
}
