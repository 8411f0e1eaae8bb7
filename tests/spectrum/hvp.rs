//! Value, gradient and Hessian-vector products against num-dual's exact derivatives.

use nalgebra::DMatrix;

use super::reference::{exact, loss_generic};
use super::{loss_on_blobs, max_abs, random_vector};
use losscape::sim::net::spectrum::{Curvature, Labelled, Loss, Widths, init};

/// The Hessian assembled from H·eᵢ.
fn hessian_by_columns(c: &Curvature) -> DMatrix<f64> {
    let n = c.n_params();
    let mut h = DMatrix::zeros(n, n);
    for j in 0..n {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        h.set_column(j, &nalgebra::DVector::from_vec(c.hessian_vector(&e).unwrap()));
    }
    h
}

/// Checks value, gradient, every column of H and H·v for random v against num-dual at a
/// random θ (scaled so the tanh units are far from linear).
fn check_against_exact(loss: &Loss, seed: u64) {
    let theta: Vec<f64> = random_vector(loss.n_params(), seed).iter().map(|t| 1.5 * t).collect();
    let (value, grad, hess) = exact(loss, &theta);
    let c = loss.curvature(&theta).unwrap();
    assert!((c.value() - value).abs() <= 1e-12 * value.abs(), "{} vs {value}", c.value());
    let gscale = max_abs(&grad);
    for (a, b) in c.gradient().iter().zip(&grad) {
        assert!((a - b).abs() <= 1e-12 * gscale, "gradient {a} vs {b}");
    }
    let hscale = hess.amax();
    assert!(hscale > 1e-3, "a degenerate test Hessian");
    let ours = hessian_by_columns(&c);
    let err = (&ours - &hess).amax();
    assert!(err <= 1e-10 * hscale, "Hessian off by {err} (scale {hscale})");
    for s in 0..3 {
        let v = random_vector(loss.n_params(), 100 + s);
        let hv = c.hessian_vector(&v).unwrap();
        let want = &hess * nalgebra::DVector::from_column_slice(&v);
        let err = hv.iter().zip(want.iter()).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        assert!(err <= 1e-10 * want.amax(), "H·v off by {err}");
    }
}

#[test]
fn softmax_net_matches_num_dual() {
    check_against_exact(&loss_on_blobs("3-4-3", 7, 0.0, 1), 11);
}

#[test]
fn binary_net_matches_num_dual() {
    check_against_exact(&loss_on_blobs("2-3-1", 9, 0.0, 2), 12);
}

#[test]
fn deeper_net_with_weight_decay_matches_num_dual() {
    check_against_exact(&loss_on_blobs("3-4-4-2", 10, 0.05, 3), 13);
}

#[test]
fn deeper_binary_net_with_weight_decay_matches_num_dual() {
    check_against_exact(&loss_on_blobs("2-3-3-1", 12, 0.01, 4), 14);
}

#[test]
fn no_hidden_layer_matches_num_dual() {
    check_against_exact(&loss_on_blobs("4-3", 8, 0.0, 5), 15);
}

#[test]
fn many_blocks_match_num_dual_and_one_block() {
    // 23 rows in blocks of at most 4: six blocks through the parallel path.
    let many = loss_on_blobs("3-5-4-3", 23, 0.02, 6).with_block_rows(4).unwrap();
    assert_eq!(many.block_count(), 6);
    check_against_exact(&many, 16);
    // Wide enough for the matrix-product kernel (every side > 5: layers of 6, blocks of 6
    // rows) in several blocks. (The smallest such net: num-dual's exact Hessian costs n² per
    // operation, so this test's time grows as rows·n³.)
    let wide = loss_on_blobs("6-6-6-6", 12, 0.0, 7).with_block_rows(6).unwrap();
    assert_eq!(wide.block_count(), 2);
    check_against_exact(&wide, 17);
    let one = loss_on_blobs("6-6-6-6", 12, 0.0, 7).with_block_rows(1000).unwrap();
    assert_eq!(one.block_count(), 1);
    let theta = random_vector(one.n_params(), 18);
    let v = random_vector(one.n_params(), 19);
    let a = wide.curvature(&theta).unwrap().hessian_vector(&v).unwrap();
    let b = one.curvature(&theta).unwrap().hessian_vector(&v).unwrap();
    let err = a.iter().zip(&b).fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(err <= 1e-13 * max_abs(&b), "blocks change H·v by {err}");
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let loss = loss_on_blobs("6-12-10-4", 200, 0.0, 8).with_block_rows(16).unwrap();
    let theta = init(loss.widths(), 3);
    let v = random_vector(loss.n_params(), 4);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let c = loss.curvature(&theta).unwrap();
            (c.value(), c.gradient().to_vec(), c.hessian_vector(&v).unwrap())
        })
    };
    let (one, three) = (run(1), run(3));
    assert_eq!(one.0.to_bits(), three.0.to_bits());
    assert!(one.1.iter().zip(&three.1).all(|(a, b)| a.to_bits() == b.to_bits()));
    assert!(one.2.iter().zip(&three.2).all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn value_and_gradient_agree_with_the_curvature_and_reference() {
    let loss = loss_on_blobs("5-6-3", 31, 0.1, 9).with_block_rows(8).unwrap();
    let theta = init(loss.widths(), 5);
    let (value, grad) = loss.value_and_gradient(&theta).unwrap();
    let c = loss.curvature(&theta).unwrap();
    assert_eq!(value, c.value());
    assert_eq!(grad, c.gradient());
    assert!((loss.value(&theta).unwrap() - value).abs() <= 1e-15 * value);
    let plain: f64 = loss_generic(&loss, &theta);
    assert!((plain - value).abs() <= 1e-13 * value, "{plain} vs {value}");
}

#[test]
fn extreme_logits_stay_finite_and_exact() {
    // One unit, logit 800·x: softplus and log-sum-exp must not overflow.
    let x = DMatrix::from_row_slice(2, 1, &[1.0, -1.0]);
    let binary = Loss::new(
        Widths::parse("1-1").unwrap(),
        Labelled::new(x.clone(), vec![0, 0]).unwrap(),
        0.0,
    )
    .unwrap();
    let c = binary.curvature(&[800.0, 0.0]).unwrap();
    // Row 1: softplus(800) = 800; row 2: softplus(−800) ≈ 0.
    assert!((c.value() - 400.0).abs() < 1e-12, "{}", c.value());
    assert!((c.gradient()[0] - 0.5).abs() < 1e-12);
    assert!(c.hessian_vector(&[1.0, 1.0]).unwrap().iter().all(|h| h.is_finite()));
    let softmax =
        Loss::new(Widths::parse("1-2").unwrap(), Labelled::new(x, vec![1, 1]).unwrap(), 0.0)
            .unwrap();
    // Logits (800x, −800x): row 1 loses by 1600, row 2 wins.
    let c = softmax.curvature(&[800.0, -800.0, 0.0, 0.0]).unwrap();
    assert!((c.value() - 800.0).abs() < 1e-9, "{}", c.value());
    assert!(c.hessian_vector(&[1.0, 0.0, 0.0, 1.0]).unwrap().iter().all(|h| h.is_finite()));
}

#[test]
fn init_draws_pytorch_bounds() {
    let widths = Widths::parse("64-256-10").unwrap();
    let theta = init(&widths, 42);
    assert_eq!(theta.len(), widths.n_params());
    assert_eq!(theta, init(&widths, 42));
    assert_ne!(theta, init(&widths, 43));
    for l in widths.layers() {
        let bound = 1.0 / (l.inputs as f64).sqrt();
        let part = &theta[l.offset..l.end()];
        assert!(part.iter().all(|t| t.abs() < bound));
        // Uniform on ±bound: mean 0, variance bound²/3, within a few standard errors.
        let n = part.len() as f64;
        let mean = part.iter().sum::<f64>() / n;
        let var = part.iter().map(|t| t * t).sum::<f64>() / n;
        assert!(mean.abs() < 4.0 * bound / (3.0 * n).sqrt(), "mean {mean}");
        assert!((var / (bound * bound / 3.0) - 1.0).abs() < 0.1, "variance {var}");
        // Both halves of the range are used (not e.g. only [0, bound)).
        assert!(part.iter().any(|&t| t < -0.9 * bound) && part.iter().any(|&t| t > 0.9 * bound));
    }
}

/// On a 2-D data set, the engine's matrix passes and the landscapes' per-scalar dual-number
/// network (`sim::net::Network`, forward-over-reverse on num-dual) give the same loss, gradient
/// and Hessian-vector products, from the same initialisation.
#[test]
fn the_engine_matches_the_landscape_network_on_two_d_data() {
    use losscape::sim::net::data::Dataset;
    use losscape::sim::net::{Architecture, Network};
    let rows = Dataset::Moons.generate(60, 0.1, 4);
    let net = Network::new(Architecture::parse("2-8-6-1").unwrap(), rows.clone(), 1e-3).unwrap();
    let widths = Widths::parse("2-8-6-1").unwrap();
    let loss = Loss::new(widths.clone(), Labelled::from_rows(&rows).unwrap(), 1e-3).unwrap();
    let theta = init(&widths, 3);
    assert_eq!(theta, net.architecture().init(3));
    let c = loss.curvature(&theta).unwrap();
    let value = net.loss(&theta);
    assert!((c.value() - value).abs() <= 1e-13 * value, "{} vs {value}", c.value());
    let g = net.gradient(&theta);
    let err = c.gradient().iter().zip(&g).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(err <= 1e-13 * max_abs(&g), "gradient off by {err}");
    let v = random_vector(loss.n_params(), 5);
    let want = net.hessian_vector(&theta, &v);
    let hv = c.hessian_vector(&v).unwrap();
    let err = hv.iter().zip(&want).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(err <= 1e-12 * max_abs(&want), "H·v off by {err}");
}

#[test]
fn accuracy_counts_the_rows_whose_largest_logit_is_their_label() {
    // One input, two classes: logits (x, −x) pick class 0 for x > 0.
    let x = DMatrix::from_row_slice(4, 1, &[1.0, 2.0, -1.0, -3.0]);
    let data = Labelled::new(x.clone(), vec![0, 1, 1, 1]).unwrap();
    let softmax = Loss::new(Widths::parse("1-2").unwrap(), data, 0.0).unwrap();
    assert_eq!(softmax.accuracy(&[1.0, -1.0, 0.0, 0.0]).unwrap(), 0.75);
    let data = Labelled::new(x, vec![1, 1, 0, 1]).unwrap();
    let binary = Loss::new(Widths::parse("1-1").unwrap(), data, 0.0).unwrap();
    assert_eq!(binary.accuracy(&[1.0, 0.0]).unwrap(), 0.75);
    assert!(binary.accuracy(&[1.0]).is_err());
}
