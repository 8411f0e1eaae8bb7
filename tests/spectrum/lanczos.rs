//! Lanczos, Ritz values, Rademacher probes and cancelling, on matrices with known spectra.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nalgebra::{DMatrix, DVector};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::random_vector;
use losscape::sim::net::spectrum::{Density, SpectrumError, lanczos, rademacher};

/// Q·diag(λ)·Qᵀ with Q a random orthogonal matrix, and Q.
fn with_spectrum(eigenvalues: &[f64], seed: u64) -> (DMatrix<f64>, DMatrix<f64>) {
    let n = eigenvalues.len();
    let q = DMatrix::from_column_slice(n, n, &random_vector(n * n, seed)).qr().q();
    let a = &q * DMatrix::from_diagonal(&DVector::from_column_slice(eigenvalues)) * q.transpose();
    (0.5 * (&a + a.transpose()), q)
}

fn apply(a: &DMatrix<f64>) -> impl Fn(&[f64]) -> Vec<f64> + '_ {
    move |v| (a * DVector::from_column_slice(v)).as_slice().to_vec()
}

#[test]
fn n_steps_recover_every_eigenvalue_and_weight() {
    // Spread, negative, near-zero and close pairs.
    let n = 40;
    let mut eig: Vec<f64> =
        (0..n).map(|i| -3.0 + 0.17 * i as f64 + 0.01 * (i as f64).sin()).collect();
    eig[5] = eig[4] + 1e-3;
    eig[20] = 25.0;
    eig.sort_by(f64::total_cmp);
    let (a, q) = with_spectrum(&eig, 1);
    let start = random_vector(n, 2);
    let t = lanczos(&apply(&a), n, n, &start, &|| false).unwrap();
    assert_eq!(t.len(), n);
    let ritz = t.ritz();
    for (got, want) in ritz.values.iter().zip(&eig) {
        assert!((got - want).abs() <= 1e-9, "Ritz value {got} vs eigenvalue {want}");
    }
    // Weights: the squared components of the unit start vector along the eigenvectors.
    let s = DVector::from_column_slice(&start).normalize();
    for (i, w) in ritz.weights.iter().enumerate() {
        let want = q.column(i).dot(&s).powi(2);
        assert!((w - want).abs() <= 1e-9, "weight {w} vs {want}");
    }
    assert!((ritz.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    // α₀ = q₀ᵀAq₀.
    assert!((t.alpha()[0] - s.dot(&(&a * &s))).abs() < 1e-12);
}

#[test]
fn few_steps_bracket_the_spectrum_and_find_the_extremes() {
    let n = 300;
    let eig: Vec<f64> = (0..n)
        .map(|i| {
            if i == 0 {
                -4.0
            } else if i == n - 1 {
                9.0
            } else {
                (i as f64 / n as f64).powi(3)
            }
        })
        .collect();
    let (a, _) = with_spectrum(&eig, 3);
    let t = lanczos(&apply(&a), n, 40, &random_vector(n, 4), &|| false).unwrap();
    let ritz = t.ritz();
    assert_eq!(t.len(), 40);
    // Interlacing: Ritz values lie inside [λ_min, λ_max]; isolated extremes converge fast.
    assert!(ritz.values.iter().all(|&v| (-4.0 - 1e-12..=9.0 + 1e-12).contains(&v)));
    assert!((ritz.values[0] + 4.0).abs() < 1e-10);
    assert!((ritz.values[39] - 9.0).abs() < 1e-10);
}

#[test]
fn breakdown_stops_at_the_invariant_subspace() {
    // Three distinct eigenvalues: the Krylov space has dimension 3.
    let eig: Vec<f64> = (0..30).map(|i| [-1.0, 0.5, 2.0][i % 3]).collect();
    let (a, _) = with_spectrum(&eig, 5);
    let t = lanczos(&apply(&a), 30, 20, &random_vector(30, 6), &|| false).unwrap();
    assert_eq!(t.len(), 3);
    let ritz = t.ritz();
    for (got, want) in ritz.values.iter().zip([-1.0, 0.5, 2.0]) {
        assert!((got - want).abs() < 1e-12);
    }
    // A zero operator breaks down at once.
    let zero = |v: &[f64]| vec![0.0; v.len()];
    let t = lanczos(&zero, 5, 5, &[1.0; 5], &|| false).unwrap();
    assert_eq!((t.len(), t.ritz().values[0]), (1, 0.0));
}

#[test]
fn cancelling_stops_within_one_step() {
    let (a, _) = with_spectrum(&(0..50).map(f64::from).collect::<Vec<_>>(), 7);
    let calls = AtomicUsize::new(0);
    let op = |v: &[f64]| {
        calls.fetch_add(1, Ordering::SeqCst);
        apply(&a)(v)
    };
    let cancel = || calls.load(Ordering::SeqCst) >= 5;
    let out = lanczos(&op, 50, 50, &random_vector(50, 8), &cancel);
    assert_eq!(out, Err(SpectrumError::Cancelled));
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    // Through the density: cancelled from the progress callback at step 7 of probe 2.
    let flag = AtomicBool::new(false);
    calls.store(0, Ordering::SeqCst);
    let out = Density::estimate(
        50,
        10,
        3,
        1,
        op,
        |done, _| flag.store(done == 17, Ordering::SeqCst),
        &|| flag.load(Ordering::SeqCst),
    );
    assert_eq!(out, Err(SpectrumError::Cancelled));
    assert_eq!(calls.load(Ordering::SeqCst), 17);
}

#[test]
fn density_of_a_small_matrix_is_exact_quadrature() {
    // With steps = n every probe's quadrature is exact: Σ τ²λᵏ = q₀ᵀAᵏq₀ for every k.
    let eig: Vec<f64> = (0..24).map(|i| (i as f64 - 8.0) * 0.25).collect();
    let (a, _) = with_spectrum(&eig, 9);
    let progress = Cell::new((0, 0));
    let d = Density::estimate(
        24,
        50,
        4,
        11,
        apply(&a),
        |done, total| {
            assert!(done > progress.get().0, "progress goes forward");
            progress.set((done, total));
        },
        &|| false,
    )
    .unwrap();
    assert_eq!(progress.get(), (96, 96));
    assert_eq!(d.steps, vec![24; 4]);
    assert!((d.nodes.iter().map(|n| n.1).sum::<f64>() - 1.0).abs() < 1e-12);
    assert!((d.lambda_min() - eig[0]).abs() < 1e-10 && (d.lambda_max() - eig[23]).abs() < 1e-10);
    // Each probe's trace is zᵀAz for its own Rademacher z.
    for (p, &t) in d.probe_traces.iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        rng.set_stream(p as u64);
        let z = DVector::from_vec(rademacher(24, &mut rng));
        assert!((t - z.dot(&(&a * &z))).abs() < 1e-10, "probe {p}: {t}");
    }
    // Second moment: mean over probes of Σ τ²λ² = ‖Az‖²/n.
    let m2: f64 = d.nodes.iter().map(|(v, w)| w * v * v).sum();
    let mut want = 0.0;
    for p in 0..4 {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        rng.set_stream(p);
        let z = DVector::from_vec(rademacher(24, &mut rng));
        want += (&a * &z).norm_squared() / 24.0 / 4.0;
    }
    assert!((m2 - want).abs() < 1e-10, "{m2} vs {want}");
    // The smoothed density integrates to 1.
    let grid: Vec<f64> = (0..4000).map(|i| -6.0 + 12.0 * i as f64 / 4000.0).collect();
    let s = d.smoothed(&grid, 0.05).unwrap();
    assert!((s.iter().sum::<f64>() * 12.0 / 4000.0 - 1.0).abs() < 1e-6);
}

#[test]
fn shares_split_at_the_flat_band() {
    let d = Density {
        nodes: vec![(-10.0, 0.1), (-0.2, 0.2), (0.05, 0.3), (0.1, 0.1), (3.0, 0.3)],
        probe_traces: vec![],
        steps: vec![],
        n: 5,
    };
    // Band ±0.1: −0.2 is negative, 0.05 and 0.1 flat.
    let s = d.shares(0.01).unwrap();
    assert!((s.negative - 0.3).abs() < 1e-15, "{s:?}");
    assert!((s.flat - 0.4).abs() < 1e-15 && (s.positive - 0.3).abs() < 1e-15);
    let s = d.shares(0.0).unwrap();
    assert!((s.negative - 0.3).abs() < 1e-15 && (s.positive - 0.7).abs() < 1e-15);
}

#[test]
fn rademacher_signs_are_balanced_and_seeded() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let z = rademacher(10_001, &mut rng);
    assert_eq!(z.len(), 10_001);
    assert!(z.iter().all(|&s| s == 1.0 || s == -1.0));
    let sum: f64 = z.iter().sum();
    assert!(sum.abs() < 4.0 * 100.0, "sum {sum}");
    // Neighbours are independent: the lag-1 correlation is small.
    let lag: f64 = z.windows(2).map(|w| w[0] * w[1]).sum();
    assert!(lag.abs() < 400.0, "lag {lag}");
    let mut again = ChaCha8Rng::seed_from_u64(3);
    assert_eq!(z, rademacher(10_001, &mut again));
}
