//! Agreement with PyTorch (`tests/data/torch_spectrum.json`, written by
//! `tests/data/make_spectrum_reference.py`; a 16-20-12-6 network, 670 parameters): at
//! initialisation and after 10 and 50 Adam steps, the loss at PyTorch's θ, the whole spectrum
//! (trace, Frobenius norm and every eigenvalue of the dense Hessian built from our H·v against
//! PyTorch's exact Hessian), and stochastic Lanczos quadrature (90 steps × 10 probes) against
//! PyTorch's eigenvalues: extremes, trace, negative and flat shares, Wasserstein distance. Our
//! training, from PyTorch's initial θ with the project's Adam, lands on PyTorch's θ after 10 and
//! 50 steps and on its loss at every step; along it, the negative share falls with the loss.

use nalgebra::DMatrix;
use serde::Deserialize;

use super::slq::{check_density, dense_hessian};
use losscape::sim::OptimizerSpec;
use losscape::sim::net::spectrum::{
    DEFAULT_PROBES, DEFAULT_STEPS, Density, Labelled, Loss, SpectrumSettings, Widths,
    spectra_along_training, train,
};
use losscape::sim::run::progress::Progress;

/// The reference file.
#[derive(Deserialize)]
struct Reference {
    widths: Vec<usize>,
    weight_decay: f64,
    lr: f64,
    x: Vec<Vec<f64>>,
    labels: Vec<usize>,
    points: Vec<Point>,
    losses: Vec<f64>,
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
        d.lambda_min(),
        d.lambda_max()
    );
    assert!(
        (d.lambda_min() - lo).abs() <= 1e-6 * scale,
        "step {step}: λ_min {} vs {lo}",
        d.lambda_min()
    );
    assert!(
        (d.lambda_max() - hi).abs() <= 1e-6 * scale,
        "step {step}: λ_max {} vs {hi}",
        d.lambda_max()
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

/// Training reproduces PyTorch's: from PyTorch's θ₀ (its own `nn.Linear` initialisation),
/// `adam:lr=…` through `spectrum::train` lands on PyTorch's θ after 10 and 50 full-batch steps,
/// every parameter within 1e-10 relative to max(1, |θᵢ|) (measured: 8e-16 after 50 steps, a
/// few roundings), and its loss at every step on PyTorch's.
#[test]
fn training_reproduces_pytorch_adam_from_pytorch_initialisation() {
    let r = reference();
    let loss = loss_of(&r);
    let theta0 = &r.points[0].theta;
    let adam = OptimizerSpec::parse(&format!("adam:lr={}", r.lr)).unwrap();
    let keep: Vec<usize> = r.points.iter().map(|p| p.step).collect();
    let last = *keep.last().unwrap();
    let trained = train(&loss, theta0, adam, last, &keep, &Progress::default()).unwrap();
    assert_eq!(trained.kept.len(), keep.len());
    assert_eq!(trained.losses.len(), last + 1);
    assert_eq!(r.losses.len(), last + 1);
    for (k, (ours, torch)) in trained.losses.iter().zip(&r.losses).enumerate() {
        assert!((ours - torch).abs() <= 1e-10 * torch, "step {k}: loss {ours} vs {torch}");
    }
    assert!(r.losses[last] < 0.5 * r.losses[0], "the reference does not train");
    for ((step, theta), p) in trained.kept.iter().zip(&r.points) {
        assert_eq!(*step, p.step);
        let worst = theta
            .iter()
            .zip(&p.theta)
            .map(|(a, b)| (a - b).abs() / b.abs().max(1.0))
            .fold(0.0f64, f64::max);
        let moved = theta0.iter().zip(&p.theta).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        eprintln!("Adam step {step}: θ within {worst:.1e} of PyTorch's (θ moved up to {moved:.2})");
        assert!(worst <= 1e-10, "step {step}: θ differs from PyTorch's by {worst:e}");
        let ours = trained.losses[*step];
        assert!((ours - p.loss).abs() <= 1e-10 * p.loss, "step {step}: loss {ours} vs {}", p.loss);
    }
}

/// The lecture's claim on PyTorch's run: trained from PyTorch's θ₀ by
/// [`spectra_along_training`], the estimated negative share at the start is larger than after
/// 50 steps, as is the exact share; the progress counts every unit of work.
#[test]
fn the_negative_share_falls_as_the_loss_falls() {
    let r = reference();
    let loss = loss_of(&r);
    let adam = OptimizerSpec::parse(&format!("adam:lr={}", r.lr)).unwrap();
    let settings = SpectrumSettings {
        at: vec![50, 0],
        lanczos: 40,
        probes: 4,
        ..SpectrumSettings::new(adam, 50, 1)
    };
    let progress = Progress::default();
    let along = spectra_along_training(&loss, &r.points[0].theta, &settings, &progress).unwrap();
    assert_eq!(progress.done(), settings.work(loss.n_params(), 2));
    assert_eq!(progress.fraction(), 1.0);
    assert_eq!(along.losses.len(), 51);
    let steps: Vec<usize> = along.samples.iter().map(|s| s.step).collect();
    assert_eq!(steps, [0, 50]);
    let (start, end) = (&along.samples[0], &along.samples[1]);
    assert_eq!(start.theta, r.points[0].theta);
    assert!((end.loss - r.points[2].loss).abs() <= 1e-10 * r.points[2].loss);
    let exact = |eig: &[f64]| {
        let band = settings.flat * eig.iter().fold(0.0f64, |m, e| m.max(e.abs()));
        eig.iter().filter(|&&e| e < -band).count() as f64 / eig.len() as f64
    };
    let (at_start, at_end) = (exact(&r.points[0].eigenvalues), exact(&r.points[2].eigenvalues));
    eprintln!(
        "negative share: {:.3} at loss {:.3} (exact {at_start:.3}), {:.3} at loss {:.3} (exact {at_end:.3})",
        start.shares.negative, start.loss, end.shares.negative, end.loss
    );
    assert!(at_start > at_end);
    assert!(start.shares.negative > end.shares.negative + 0.05);
    // Cancelled before it starts: nothing is computed.
    let cancelled = Progress::default();
    cancelled.cancel();
    let out = spectra_along_training(&loss, &r.points[0].theta, &settings, &cancelled);
    assert_eq!(out.err(), Some(losscape::sim::net::spectrum::SpectrumError::Cancelled));
}
