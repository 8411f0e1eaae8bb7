//! Networks `D-H[-H…]-K` in the landscape, the interpolation and the census (SPEC §2, networks
//! of real size): the loss (softmax cross-entropy for K ≥ 2, binary cross-entropy with logits
//! for K = 1), its gradient and Hessian against PyTorch's autograd at parameter vectors given
//! explicitly (`tests/data/torch_net_dk.json`, made by `tests/data/make_net_dk_reference.py`),
//! full-batch training against `torch.optim`, and the network's loss against the spectrum's
//! matrix implementation of the same loss.

use std::sync::Arc;

use losscape::sim::net::data::Dataset;
use losscape::sim::net::spectrum::{Curvature, Labelled, Loss, Widths};
use losscape::sim::net::{
    self, Architecture, NetData, NetSpec, Network, Scratch, Slice, interpolate,
};
use losscape::sim::{OptimizerSpec, Point, Surface};
use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    net: String,
    x: Vec<Vec<f64>>,
    labels: Vec<usize>,
    weight_decay: f64,
    theta0: Vec<f64>,
    loss0: f64,
    grad0: Vec<f64>,
    hessian0: Vec<Vec<f64>>,
    optimizer: String,
    steps: usize,
    losses: Vec<f64>,
    theta: Vec<f64>,
}

fn reference() -> Vec<Case> {
    let doc: Reference =
        serde_json::from_str(include_str!("data/torch_net_dk.json")).expect("the reference parses");
    doc.cases
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

fn table(x: &[Vec<f64>], labels: &[usize]) -> Labelled {
    let m = DMatrix::from_fn(x.len(), x[0].len(), |i, j| x[i][j]);
    Labelled::new(m, labels.to_vec()).expect("valid data")
}

fn network(case: &Case) -> Network {
    let arch = Architecture::parse(&case.net).expect("the reference's architecture");
    Network::on(arch, table(&case.x, &case.labels), case.weight_decay).expect("a network")
}

#[test]
fn loss_gradient_and_hessian_match_pytorch_autograd() {
    let cases = reference();
    assert!(cases.len() >= 6 && cases.iter().any(|c| c.id == "large-logits"));
    for case in &cases {
        let net = network(case);
        let id = &case.id;
        assert_eq!(net.n_params(), case.theta0.len(), "{id}");
        let (loss, grad) = net.loss_grad(&case.theta0);
        assert!(close(loss, case.loss0, 1e-13), "{id}: {loss} vs PyTorch {}", case.loss0);
        assert!(close(net.loss(&case.theta0), loss, 1e-14), "{id}");
        let batched = net.loss_batched(&case.theta0, &mut Scratch::default());
        assert!(close(batched, loss, 1e-13), "{id}: batched {batched} vs {loss}");
        for (i, (a, b)) in grad.iter().zip(&case.grad0).enumerate() {
            assert!(close(*a, *b, 1e-12), "{id} ∂θ{i}: {a} vs PyTorch {b}");
        }
        let h = net.hessian(&case.theta0);
        for (i, row) in case.hessian0.iter().enumerate() {
            for (j, b) in row.iter().enumerate() {
                assert!(close(h[(i, j)], *b, 1e-11), "{id} H{i},{j}: {} vs {b}", h[(i, j)]);
            }
        }
    }
}

#[test]
fn training_matches_pytorch_from_the_same_parameters() {
    for case in &reference() {
        let net = network(case);
        let spec = OptimizerSpec::parse(&case.optimizer).expect("a spec");
        let run = net::train(&net, &case.theta0, spec, case.steps, None, None).expect("trains");
        assert_eq!(run.losses.len(), case.losses.len(), "{}", case.id);
        for (k, (a, b)) in run.losses.iter().zip(&case.losses).enumerate() {
            assert!(close(*a, *b, 1e-10), "{} step {k}: loss {a} vs PyTorch {b}", case.id);
        }
        for (i, (a, b)) in run.theta.iter().zip(&case.theta).enumerate() {
            assert!(close(*a, *b, 1e-9), "{} θ{i}: {a} vs PyTorch {b}", case.id);
        }
    }
}

/// `rows` rows of `d` features uniform in [−2, 2], labels drawn from 0…classes−1.
fn random_table(d: usize, classes: usize, rows: usize, seed: u64) -> Labelled {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = DMatrix::from_fn(rows, d, |_, _| rng.random_range(-2.0..2.0));
    let labels = (0..rows).map(|_| rng.random_range(0..classes)).collect();
    Labelled::new(x, labels).expect("valid data")
}

fn random_vector(n: usize, scale: f64, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| scale * rng.random_range(-1.0..1.0)).collect()
}

/// Each component within `tol` of the other's, relative to the larger vector's largest
/// component (at least 1).
fn assert_same(a: &[f64], b: &[f64], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}");
    let scale = a.iter().chain(b).fold(1.0_f64, |m, v| m.max(v.abs()));
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol * scale, "{what}[{i}]: {x} vs {y} (scale {scale})");
    }
}

/// The network's per-row passes (generic over dual numbers) and the spectrum's matrix passes
/// (the R-operator) are two implementations of one loss: they agree on the value, the gradient
/// and Hessian-vector products for softmax and binary networks, deep or shallow, with and
/// without weight decay.
#[test]
fn the_network_and_the_spectrums_loss_agree() {
    let cases =
        [("5-6-4", 0.0), ("3-4-4-2", 0.01), ("4-7-1", 0.0), ("2-3-3-3", 1e-3), ("6-2-10", 0.0)];
    for (k, (widths, wd)) in cases.into_iter().enumerate() {
        let seed = k as u64;
        let arch = Architecture::parse(widths).unwrap();
        let data = random_table(arch.inputs(), arch.classes(), 37, seed);
        let net = Network::on(arch.clone(), data.clone(), wd).unwrap();
        // Blocks of 10 rows: the matrix passes sum in yet another order.
        let loss = Loss::new(Widths::parse(widths).unwrap(), data, wd)
            .unwrap()
            .with_block_rows(10)
            .unwrap();
        assert_eq!(net.n_params(), loss.n_params());
        for s in 0..2 {
            let theta = random_vector(net.n_params(), 1.5, 100 + 10 * seed + s);
            let v = random_vector(net.n_params(), 1.0, 200 + 10 * seed + s);
            let (value, grad) = net.loss_grad(&theta);
            let curvature = Curvature::at(&loss, &theta).unwrap();
            assert!(
                close(value, curvature.value(), 1e-12),
                "{widths}: {value} vs {}",
                curvature.value()
            );
            assert_same(&grad, curvature.gradient(), 1e-12, &format!("{widths} ∇L"));
            let hv = net.hessian_vector(&theta, &v);
            assert_same(
                &hv,
                &curvature.hessian_vector(&v).unwrap(),
                1e-12,
                &format!("{widths} H·v"),
            );
            assert_eq!(net.accuracy(&theta), loss.accuracy(&theta).unwrap(), "{widths}");
        }
    }
}

/// A slice of a softmax network is a surface like a 2-D one: its exact gradient and Hessian
/// in (α, β) are the network's own, projected on δ and η.
#[test]
fn a_slice_of_a_softmax_network_has_the_networks_derivatives() {
    let case = reference().into_iter().find(|c| c.id == "4-5-3").unwrap();
    let net = Arc::new(network(&case));
    let n = net.n_params();
    let (delta, eta) = (random_vector(n, 1.0, 5), random_vector(n, 1.0, 6));
    let slice =
        Slice::new(net.clone(), case.theta.clone(), delta.clone(), eta.clone(), 1.0).unwrap();
    let (value, g, h) = slice.value_grad_hessian(Point::new(0.0, 0.0));
    assert!(close(value, net.loss(&case.theta), 1e-14));
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let grad = net.gradient(&case.theta);
    let (hd, he) = (net.hessian_vector(&case.theta, &delta), net.hessian_vector(&case.theta, &eta));
    assert!(close(g.x, dot(&grad, &delta), 1e-11) && close(g.y, dot(&grad, &eta), 1e-11));
    assert!(close(h[(0, 0)], dot(&delta, &hd), 1e-10), "{} vs {}", h[(0, 0)], dot(&delta, &hd));
    assert!(close(h[(0, 1)], dot(&delta, &he), 1e-10));
    assert!(close(h[(1, 1)], dot(&eta, &he), 1e-10));
    // The map a figure draws is the loss there.
    let p = Point::new(0.3, -0.7);
    let mut map = [0.0];
    slice.sample_grid(&[p.x], &[p.y], &mut map);
    assert!(close(map[0], slice.value(p), 1e-13), "{} vs {}", map[0], slice.value(p));
    // The interpolation runs from θ₀'s loss to θ's.
    let line = interpolate(&net, &case.theta0, &case.theta, -0.5, 1.5, 5);
    assert!(close(line[1].1, case.loss0, 1e-13) && close(line[3].1, net.loss(&case.theta), 1e-13));
}

#[test]
fn architectures_take_any_inputs_and_outputs_within_bounds() {
    let arch = Architecture::parse("64-8-10").unwrap();
    assert_eq!((arch.inputs(), arch.outputs(), arch.classes()), (64, 10, 10));
    assert_eq!(arch.n_params(), 64 * 8 + 8 + 8 * 10 + 10);
    assert_eq!(Architecture::parse("2-16-1").unwrap().classes(), 2);
    assert_eq!(
        arch.init(3),
        losscape::sim::net::spectrum::init(&Widths::parse("64-8-10").unwrap(), 3)
    );
    for bad in ["0-4-1", "2-4-0", "5000-4-1", "2-4-1001", "3-4", "3-0-2", "3-257-2"] {
        let e = Architecture::parse(bad).unwrap_err().to_string();
        assert!(e.contains(&format!("--net '{bad}'")) && e.contains("D-H[-H…]-K"), "{e}");
    }
}

#[test]
fn data_that_do_not_fit_the_network_are_refused_with_the_reason() {
    let arch = Architecture::parse("3-4-3").unwrap();
    let e = Network::on(arch.clone(), random_table(2, 3, 5, 1), 0.0).unwrap_err().to_string();
    assert!(e.contains("the data have 2 features, but the network 3-4-3 takes 3 inputs"), "{e}");
    let bad = Labelled::new(DMatrix::from_element(3, 3, 0.5), vec![0, 2, 3]).unwrap();
    let e = Network::on(arch, bad, 0.0).unwrap_err().to_string();
    assert!(e.contains("row 3 has label 3; labels are 0 to 2 (3 outputs)"), "{e}");
    let two = Labelled::new(DMatrix::from_element(2, 2, 0.5), vec![1, 2]).unwrap();
    let e = Network::on(Architecture::parse("2-3-1").unwrap(), two, 0.0).unwrap_err().to_string();
    assert!(e.contains("labels are 0 or 1 (one output: a binary logit)"), "{e}");
    // 2-D rows for a network of three inputs.
    let e = Network::new(Architecture::parse("3-4-1").unwrap(), vec![[0.0, 1.0, 1.0]], 0.0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("takes 3 inputs"), "{e}");
}

/// A scene's network may have two class logits on its 2-D data: the landscape builds, and its
/// loss at the centre is the softmax network's trained loss.
#[test]
fn a_scenes_network_may_be_a_two_logit_softmax() {
    let mut spec = NetSpec::on_dataset(Dataset::Moons);
    spec.net = Architecture::parse("2-5-2").unwrap();
    spec.data = NetData::Dataset { name: Dataset::Moons, points: 30, noise: None };
    spec.steps = 30;
    assert_eq!(spec.check(), Ok(()));
    let landscape = spec.build(None).expect("builds");
    let centre = landscape.slice.value(Point::new(0.0, 0.0));
    assert_eq!(centre, *landscape.training.losses.last().unwrap());
    assert!(landscape.training.losses[30] < landscape.training.losses[0]);
    assert!(landscape.accuracy > 0.5, "{}", landscape.accuracy);
    spec.net = Architecture::parse("2-5-3").unwrap();
    assert_eq!(spec.check().unwrap_err().0, "net");
}
