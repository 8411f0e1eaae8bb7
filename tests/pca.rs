//! The principal directions of a training path (`Directions::Pca`) against the full
//! eigendecomposition of the offsets' n × n scatter matrix, which they replace.

use std::sync::Arc;

use losscape::sim::OptimizerSpec;
use losscape::sim::net::{self, Architecture, Network, PCA_POINTS, pca_directions};
use nalgebra::{DMatrix, SymmetricEigen};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The scatter matrix's eigenvalues (descending) and eigenvectors, as the slice computed its
/// directions before: the reference. When there are fewer points than parameters, from the
/// m × m Gram matrix R·Rᵀ instead (its eigenvectors u give RᵀR's as Rᵀu, same eigenvalues).
fn full_eigen(path: &[Vec<f64>], theta: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = theta.len();
    let stride = path.len().div_ceil(PCA_POINTS).max(1);
    let rows: Vec<&Vec<f64>> = path.iter().step_by(stride).collect();
    let r = DMatrix::from_fn(rows.len(), n, |i, j| rows[i][j] - theta[j]);
    let gram = rows.len() < n;
    let eig = SymmetricEigen::new(if gram { &r * r.transpose() } else { r.transpose() * &r });
    let mut order: Vec<usize> = (0..eig.eigenvalues.len()).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let values = order.iter().map(|&k| eig.eigenvalues[k]).collect();
    let vectors = order
        .iter()
        .map(|&k| {
            let v = eig.eigenvectors.column(k).clone_owned();
            let v = if gram { r.transpose() * v } else { v };
            (&v / v.norm()).iter().copied().collect()
        })
        .collect();
    (values, vectors)
}

/// The two directions are the reference's two leading eigenvectors (up to sign, to `tol`), unit,
/// orthogonal, and signed so that the path's first point is on their positive side.
fn assert_principal(path: &[Vec<f64>], theta: &[f64], tol: f64, what: &str) {
    let (d, e) = pca_directions(path, theta);
    let (values, vectors) = full_eigen(path, theta);
    assert!(
        values[0] > 0.0 && values[1] > 1e-6 * values[0],
        "{what}: the case spans two directions"
    );
    for (k, v) in [&d, &e].into_iter().enumerate() {
        assert!((dot(v, v) - 1.0).abs() < 1e-12, "{what}: direction {k} is a unit vector");
        let c = dot(v, &vectors[k]).abs();
        assert!(1.0 - c < tol, "{what}: direction {k} is eigenvector {k} (|cos| = {c})");
        let offset: Vec<f64> = path[0].iter().zip(theta).map(|(p, t)| p - t).collect();
        assert!(dot(v, &offset) >= 0.0, "{what}: the path starts on the positive side of {k}");
    }
    assert!(dot(&d, &e).abs() < 1e-12, "{what}: orthogonal");
}

/// A path θ + Σₖ cₖ(t)·uₖ with k-th scale `scales[k]` along random directions, plus `noise`.
fn synthetic_path(n: usize, points: usize, scales: &[f64], noise: f64, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut gauss =
        |len: usize| -> Vec<f64> { (0..len).map(|_| StandardNormal.sample(&mut rng)).collect() };
    let axes: Vec<Vec<f64>> = scales.iter().map(|_| gauss(n)).collect();
    (0..points)
        .map(|i| {
            let t = i as f64 / points as f64;
            let jitter = gauss(n);
            (0..n)
                .map(|j| {
                    let along: f64 = scales
                        .iter()
                        .zip(&axes)
                        .enumerate()
                        .map(|(k, (s, a))| s * ((k + 1) as f64 * 2.1 * t).cos() * a[j])
                        .sum();
                    along + noise * jitter[j]
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_trained_networks_path_gives_the_scatters_two_leading_eigenvectors() {
    // Fewer parameters than points (the n × n matrix is the small one) and more.
    for (arch, steps) in [("2-6-6-1", 300), ("2-16-16-1", 60)] {
        let data = net::data::Dataset::Moons.generate(60, 0.2, 3);
        let net = Arc::new(Network::new(Architecture::parse(arch).unwrap(), data, 0.0).unwrap());
        let theta0 = net.architecture().init(5);
        let spec = OptimizerSpec::parse("adam:lr=0.03").unwrap();
        let run = net::train(&net, &theta0, spec, steps, None, None).unwrap();
        assert_principal(&run.path, &run.theta, 1e-10, arch);
    }
}

#[test]
fn wide_and_long_paths_give_the_leading_eigenvectors() {
    // n ≫ m: 3 000 parameters, 40 points; the spectrum decays as a training path’s does.
    let path = synthetic_path(3000, 40, &[5.0, 2.0, 0.7, 0.3, 0.1], 1e-3, 1);
    assert_principal(&path, &vec![0.0; 3000], 1e-10, "wide");
    // More than PCA_POINTS points: every other one is used, as by the reference.
    let path = synthetic_path(30, 2 * PCA_POINTS + 7, &[3.0, 1.5, 1.0, 0.9, 0.8, 0.5], 0.05, 2);
    let theta: Vec<f64> = (0..30).map(|j| 0.01 * j as f64).collect();
    assert_principal(&path, &theta, 1e-10, "long");
    // A flat spectrum beyond the second direction (the block must still settle on the top two).
    let scales: Vec<f64> = (0..12).map(|k| if k < 2 { 4.0 - k as f64 } else { 1.0 }).collect();
    let path = synthetic_path(50, 200, &scales, 0.0, 3);
    assert_principal(&path, &vec![0.0; 50], 1e-9, "flat tail");
}

#[test]
fn a_path_spanning_fewer_than_two_directions_still_gets_two_orthonormal_ones() {
    let n = 7;
    let theta = vec![0.5; n];
    let u: Vec<f64> = (0..n).map(|j| (j as f64 - 3.0) / 10.0).collect();
    // A straight line towards θ: its direction, then one orthogonal to it.
    let line: Vec<Vec<f64>> = (0..50)
        .map(|i| theta.iter().zip(&u).map(|(t, u)| t + (50 - i) as f64 * u).collect())
        .collect();
    let (d, e) = pca_directions(&line, &theta);
    let un = dot(&u, &u).sqrt();
    assert!((dot(&d, &u) / un - 1.0).abs() < 1e-12, "the line's direction, pointing to its start");
    assert!(dot(&d, &e).abs() < 1e-12 && (dot(&e, &e) - 1.0).abs() < 1e-12);
    // No movement at all (a path of θ alone): two coordinate axes.
    let (d, e) = pca_directions(std::slice::from_ref(&theta), &theta);
    assert!((dot(&d, &d) - 1.0).abs() < 1e-12 && (dot(&e, &e) - 1.0).abs() < 1e-12);
    assert_eq!(dot(&d, &e), 0.0);
    assert!(d.iter().chain(&e).all(|v| v.is_finite()));
}

#[test]
fn the_directions_found_a_product_at_a_time_are_the_directions_found_whole() {
    let theta = vec![0.0; 300];
    let path = synthetic_path(300, 120, &[4.0, 2.0, 1.0, 0.5], 1e-2, 4);
    let whole = pca_directions(&path, &theta);
    for units in [1, 3] {
        let mut steps = net::PcaSteps::new(&path, &theta);
        let mut calls = 0;
        let found = loop {
            calls += 1;
            if let Some(found) = steps.advance(&path, &theta, units) {
                break found;
            }
        };
        assert_eq!(found, whole, "{units} product(s) a call");
        // The start (eight products) and at least one sweep (eight more).
        assert!(calls * units >= 16, "{calls} calls of {units}");
    }
}
