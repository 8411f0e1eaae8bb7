//! Agreement with PyTorch (`tests/data/torch_spectrum.json`, written by
//! `tests/data/make_spectrum_reference.py`; a 16-20-12-6 network, 670 parameters): at
//! initialisation and after 10 and 50 Adam steps, the loss at PyTorch's θ, the whole spectrum
//! (trace, Frobenius norm and every eigenvalue of the dense Hessian built from our H·v against
//! PyTorch's exact Hessian), and stochastic Lanczos quadrature (90 steps × 10 probes) against
//! PyTorch's eigenvalues: extremes, trace, negative and flat shares, Wasserstein distance.

use nalgebra::DMatrix;
use serde::Deserialize;

use super::slq::{check_density, dense_hessian};
use losscape::sim::net::spectrum::{
    DEFAULT_PROBES, DEFAULT_STEPS, Density, Labelled, Loss, Widths,
};

/// The reference file.
#[derive(Deserialize)]
struct Reference {
    widths: Vec<usize>,
    weight_decay: f64,
    x: Vec<Vec<f64>>,
    labels: Vec<usize>,
    points: Vec<Point>,
}

/// PyTorch's numbers at one step of its Adam run.
#[derive(Deserialize)]
struct Point {
    step: usize,
    loss: f64,
    theta: Vec<f64>,
    eigenvalues: Vec<f64>,
}

fn reference() -> Reference {
    serde_json::from_str(include_str!("../data/torch_spectrum.json")).expect("the torch data")
}

fn loss_of(r: &Reference) -> Loss {
    let widths = Widths::new(r.widths.clone()).unwrap();
    let x = DMatrix::from_fn(r.x.len(), widths.inputs(), |i, j| r.x[i][j]);
    Loss::new(widths, Labelled::new(x, r.labels.clone()).unwrap(), r.weight_decay).unwrap()
}

/// The loss, the dense Hessian's spectrum and SLQ at PyTorch's point `index`.
fn agrees_with_pytorch_at(index: usize) {
    let r = reference();
    let loss = loss_of(&r);
    assert_eq!(r.points.len(), 3);
    let p = &r.points[index];
    let (step, eig) = (p.step, &p.eigenvalues);
    assert_eq!((p.theta.len(), eig.len()), (loss.n_params(), loss.n_params()));
    let c = loss.curvature(&p.theta).unwrap();
    let want = p.loss;
    assert!(
        (c.value() - want).abs() <= 1e-12 * want,
        "step {step}: loss {} vs torch {want}",
        c.value()
    );
    // The whole spectrum, through invariants of the dense Hessian: tr H = Σλ, ‖H‖²_F = Σλ².
    let h = dense_hessian(&c);
    let scale = eig.iter().fold(0.0f64, |m, e| m.max(e.abs()));
    let (trace, frob) = (h.trace(), h.norm_squared());
    let (t_want, f_want) = (eig.iter().sum::<f64>(), eig.iter().map(|e| e * e).sum::<f64>());
    assert!((trace - t_want).abs() <= 1e-10 * scale * eig.len() as f64, "step {step}: trace");
    assert!((frob - f_want).abs() <= 1e-10 * f_want, "step {step}: ‖H‖² {frob} vs {f_want}");
    // And the eigenvalues themselves, one by one.
    let mut ours: Vec<f64> = h.symmetric_eigenvalues().iter().copied().collect();
    ours.sort_by(f64::total_cmp);
    let worst = ours.iter().zip(eig).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    let rel = (c.value() - want).abs() / want;
    eprintln!("step {step}: loss differs by {rel:.1e} (relative), eigenvalues by {worst:.1e}");
    assert!(worst <= 1e-10 * scale, "step {step}: eigenvalues differ by {worst:e}");
    // SLQ with the defaults against PyTorch's eigenvalues.
    let d = Density::of(&c, DEFAULT_STEPS, DEFAULT_PROBES, 3, |_, _| {}, &|| false).unwrap();
    assert_eq!(d.nodes.len(), DEFAULT_STEPS * DEFAULT_PROBES);
    let (lo, hi) = (eig[0], eig[eig.len() - 1]);
    eprintln!(
        "step {step}: torch λ [{lo:.8e}, {hi:.8e}], SLQ [{:.8e}, {:.8e}]",
        d.lambda_min, d.lambda_max
    );
    assert!(
        (d.lambda_min - lo).abs() <= 1e-6 * scale,
        "step {step}: λ_min {} vs {lo}",
        d.lambda_min
    );
    assert!(
        (d.lambda_max - hi).abs() <= 1e-6 * scale,
        "step {step}: λ_max {} vs {hi}",
        d.lambda_max
    );
    check_density(&d, eig, &format!("step {step}"));
}

#[test]
fn agrees_with_pytorch_at_initialisation() {
    agrees_with_pytorch_at(0);
}

#[test]
fn agrees_with_pytorch_after_10_adam_steps() {
    agrees_with_pytorch_at(1);
}

#[test]
fn agrees_with_pytorch_after_50_adam_steps() {
    agrees_with_pytorch_at(2);
}
