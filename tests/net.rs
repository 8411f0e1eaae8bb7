//! The networks (SPEC §2): the loss, gradient and Hessian against PyTorch's autograd and against
//! finite differences, full-batch training against `torch.optim` from the same initial vector,
//! and the slices and interpolation built on them.

use std::sync::Arc;

use losscape::sim::net::data::Dataset;
use losscape::sim::net::{
    self, Architecture, Directions, Network, Slice, filter_normalise, interpolate,
};
use losscape::sim::{OptimizerSpec, Point, Surface};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Reference {
    nets: Vec<NetCase>,
}

#[derive(Deserialize)]
struct NetCase {
    id: String,
    net: String,
    data: Vec<[f64; 3]>,
    weight_decay: f64,
    theta0: Vec<f64>,
    grad0: Vec<f64>,
    hessian0: Option<Vec<Vec<f64>>>,
    optimizer: String,
    steps: usize,
    losses: Vec<f64>,
    theta: Vec<f64>,
}

fn reference() -> Reference {
    serde_json::from_str(include_str!("data/torch_models.json")).expect("reference parses")
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

fn moons_net(arch: &str, points: usize, wd: f64) -> Network {
    let rows = Dataset::Moons.generate(points, 0.1, 3);
    Network::new(Architecture::parse(arch).unwrap(), rows, wd).unwrap()
}

#[test]
fn loss_gradient_and_hessian_match_pytorch_autograd() {
    for case in reference().nets {
        let net = Network::new(
            Architecture::parse(&case.net).unwrap(),
            case.data.clone(),
            case.weight_decay,
        )
        .unwrap();
        assert_eq!(net.n_params(), case.theta0.len(), "{}", case.id);
        let (loss, grad) = net.loss_grad(&case.theta0);
        assert!(close(loss, case.losses[0], 1e-13), "{}: {loss} vs {}", case.id, case.losses[0]);
        assert!(close(net.loss(&case.theta0), loss, 1e-14));
        for (i, (a, b)) in grad.iter().zip(&case.grad0).enumerate() {
            assert!(close(*a, *b, 1e-12), "{} ∂θ{i}: {a} vs {b}", case.id);
        }
        if let Some(h0) = &case.hessian0 {
            let h = net.hessian(&case.theta0);
            for (i, row) in h0.iter().enumerate() {
                for (j, b) in row.iter().enumerate() {
                    assert!(
                        close(h[(i, j)], *b, 1e-11),
                        "{} H{i},{j}: {} vs {b}",
                        case.id,
                        h[(i, j)]
                    );
                }
            }
        }
    }
}

#[test]
fn training_matches_pytorch_from_the_same_initialisation() {
    let cases = reference().nets;
    assert!(cases.len() >= 4);
    for case in cases {
        let net = Network::new(
            Architecture::parse(&case.net).unwrap(),
            case.data.clone(),
            case.weight_decay,
        )
        .unwrap();
        let spec = OptimizerSpec::parse(&case.optimizer).unwrap();
        let run = net::train(&net, &case.theta0, spec, case.steps, None, None).unwrap();
        assert_eq!(run.losses.len(), case.losses.len(), "{}", case.id);
        for (k, (a, b)) in run.losses.iter().zip(&case.losses).enumerate() {
            assert!(close(*a, *b, 1e-10), "{} step {k}: loss {a} vs PyTorch {b}", case.id);
        }
        for (i, (a, b)) in run.theta.iter().zip(&case.theta).enumerate() {
            assert!(close(*a, *b, 1e-9), "{} θ{i}: {a} vs PyTorch {b}", case.id);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// ∇L against central differences of L, and the Hessian-vector product against central
    /// differences of ∇L, at random parameters of random small networks.
    #[test]
    fn gradient_and_hessian_match_finite_differences(
        widths in prop::collection::vec(1usize..5, 1..3),
        seed in 0u64..1000,
        wd in prop_oneof![Just(0.0), Just(0.01)],
    ) {
        let arch = format!("2-{}-1", widths.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("-"));
        let net = Network::new(Architecture::parse(&arch).unwrap(), Dataset::Xor.generate(20, 0.1, seed), wd).unwrap();
        let theta = net.architecture().init(seed);
        let g = net.gradient(&theta);
        let h = net.hessian(&theta);
        let e = 1e-5;
        for i in 0..theta.len() {
            let mut plus = theta.clone();
            let mut minus = theta.clone();
            plus[i] += e;
            minus[i] -= e;
            let fd = (net.loss(&plus) - net.loss(&minus)) / (2.0 * e);
            prop_assert!((g[i] - fd).abs() < 1e-8, "{arch} ∂θ{i}: {} vs {fd}", g[i]);
            let (gp, gm) = (net.gradient(&plus), net.gradient(&minus));
            for j in 0..theta.len() {
                let fd = (gp[j] - gm[j]) / (2.0 * e);
                prop_assert!((h[(j, i)] - fd).abs() < 1e-7, "{arch} H{j},{i}: {} vs {fd}", h[(j, i)]);
            }
        }
    }
}

#[test]
fn initialisation_is_pytorchs_bound_and_seeded() {
    let arch = Architecture::parse("2-16-8-1").unwrap();
    assert_eq!(arch.n_params(), 2 * 16 + 16 + 16 * 8 + 8 + 8 + 1);
    let theta = arch.init(4);
    assert_eq!(theta, arch.init(4));
    assert_ne!(theta, arch.init(5));
    for l in arch.layers() {
        let bound = 1.0 / (l.inputs as f64).sqrt();
        let params = &theta[l.offset..l.bias_offset() + l.outputs];
        assert!(params.iter().all(|v| v.abs() <= bound));
        // Spread over the interval, not bunched.
        assert!(params.iter().any(|v| v.abs() > 0.7 * bound));
    }
    // Any number of inputs and outputs is a network (tests/net_dk.rs); zero of either is not.
    for bad in ["0-4-1", "2-4-0", "2-1", "2-0-1", "2-a-1", "2-300-1"] {
        let e = Architecture::parse(bad).unwrap_err().to_string();
        assert!(e.contains(bad), "{e}");
    }
}

fn trained(arch: &str) -> (Arc<Network>, net::Training) {
    let net = Arc::new(moons_net(arch, 80, 0.0));
    let theta0 = net.architecture().init(1);
    let spec = OptimizerSpec::parse("adam:lr=0.02").unwrap();
    let run = net::train(&net, &theta0, spec, 150, None, None).unwrap();
    (net, run)
}

#[test]
fn a_slice_is_centred_on_the_trained_loss_with_exact_derivatives() {
    let (net, run) = trained("2-6-6-1");
    let trained_loss = *run.losses.last().unwrap();
    assert!(trained_loss < run.losses[0]);
    for directions in [Directions::Filter, Directions::Raw, Directions::Init, Directions::Pca] {
        let slice = Slice::of_training(net.clone(), &run, directions, 7, 1.0);
        assert_eq!(slice.value(Point::new(0.0, 0.0)), trained_loss, "{directions:?}");
        // Derivatives in (α, β) against finite differences, and against the network's own
        // Hessian: at the centre, ∂²f/∂α∂β = δᵀ·H(θ)·η.
        let p = Point::new(0.21, -0.13);
        let (v, g, h) = slice.value_grad_hessian(p);
        assert!(close(v, slice.value(p), 1e-14));
        let e = 1e-5;
        for i in 0..2 {
            let d = if i == 0 { Point::new(e, 0.0) } else { Point::new(0.0, e) };
            let fd = (slice.value(p + d) - slice.value(p - d)) / (2.0 * e);
            assert!(
                (g[i] - fd).abs() < 1e-6 * fd.abs().max(1.0),
                "{directions:?} ∂{i}: {} vs {fd}",
                g[i]
            );
            let gd = (slice.value_grad(p + d).1 - slice.value_grad(p - d).1) / (2.0 * e);
            for j in 0..2 {
                assert!(
                    (h[(j, i)] - gd[j]).abs() < 1e-5 * gd[j].abs().max(1.0),
                    "{directions:?} H{j}{i}"
                );
            }
        }
        let (_, g0, h0) = slice.value_grad_hessian(Point::new(0.0, 0.0));
        let hn = net.hessian(slice.theta());
        let gn = net.gradient(slice.theta());
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        let hv = |v: &[f64]| -> Vec<f64> {
            (0..v.len()).map(|i| (0..v.len()).map(|j| hn[(i, j)] * v[j]).sum()).collect()
        };
        assert!(close(g0.x, dot(&gn, slice.delta()), 1e-10));
        assert!(close(h0[(0, 1)], dot(slice.delta(), &hv(slice.eta())), 1e-9));
        assert!(close(h0[(0, 0)], dot(slice.delta(), &hv(slice.delta())), 1e-9));
    }
}

#[test]
fn filter_normalisation_gives_each_row_the_norm_of_thetas_row() {
    let (net, run) = trained("2-5-4-1");
    let slice = Slice::of_training(net.clone(), &run, Directions::Filter, 3, 1.0);
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    for d in [slice.delta(), slice.eta()] {
        for l in net.layers() {
            for o in 0..l.outputs {
                let row = l.offset + o * l.inputs..l.offset + (o + 1) * l.inputs;
                let (a, b) = (norm(&d[row.clone()]), norm(&slice.theta()[row]));
                assert!(close(a, b, 1e-13), "layer at {} row {o}: {a} vs {b}", l.offset);
            }
            assert!(d[l.bias_offset()..l.bias_offset() + l.outputs].iter().all(|&b| b == 0.0));
        }
    }
    // δ and η are different directions.
    assert_ne!(slice.delta(), slice.eta());
    // The function itself, on a hand-made case: one layer 2-2-1.
    let layers = Architecture::parse("2-2-1").unwrap().layers();
    let theta = [3.0, 4.0, 0.0, 1.0, 9.0, 9.0, 0.0, 2.0, 5.0];
    let mut d = [1.0, 0.0, 0.0, -2.0, 1.0, 1.0, 3.0, 4.0, 1.0];
    filter_normalise(&layers, &mut d, &theta);
    let expected = [5.0, 0.0, 0.0, -1.0, 0.0, 0.0, 1.2, 1.6, 0.0];
    assert!(d.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-15), "{d:?}");
}

#[test]
fn init_directions_reach_theta0_and_interpolation_spans_the_line() {
    let (net, run) = trained("2-4-1");
    let slice = Slice::of_training(net.clone(), &run, Directions::Init, 0, 1.0);
    // α = 1 along δ = θ₀ − θ is θ₀.
    assert!(close(slice.value(Point::new(1.0, 0.0)), run.losses[0], 1e-12));
    let p = slice.project(&run.theta0);
    assert!(close(p.x, 1.0, 1e-9) && p.y.abs() < 1e-9, "{p}");
    let line = interpolate(&net, &run.theta0, &run.theta, -0.5, 1.5, 81);
    assert_eq!(line.len(), 81);
    assert_eq!(line[0].0, -0.5);
    assert_eq!(line[80].0, 1.5);
    let at = |a: f64| line.iter().find(|p| (p.0 - a).abs() < 1e-12).unwrap().1;
    assert!(close(at(0.0), run.losses[0], 1e-12));
    assert!(close(at(1.0), *run.losses.last().unwrap(), 1e-12));
}

#[test]
fn newton_and_unsupported_optimizers_are_handled() {
    let net = moons_net("2-3-1", 30, 0.01);
    let theta0 = net.architecture().init(2);
    // Damped saddle-free Newton decreases the loss on a tiny net.
    let run =
        net::train(&net, &theta0, OptimizerSpec::parse("sfn:damping=1").unwrap(), 5, None, None)
            .unwrap();
    assert!(run.losses.last().unwrap() < &run.losses[0]);
    assert!(
        net::train(&net, &theta0[1..], OptimizerSpec::parse("gd").unwrap(), 5, None, None).is_err()
    );
}

#[test]
fn newton_steps_on_a_network_are_their_definitions() {
    // θ₁ = θ₀ − lr·(H + λI)⁻¹g and θ₁ = θ₀ − lr·(|H| + λI)⁻¹g, |H| = V|Λ|Vᵀ, each against
    // nalgebra's dense solve on the same exact Hessian.
    let net = moons_net("2-5-4-1", 40, 1e-3);
    let theta0 = net.architecture().init(6);
    let h = net.hessian(&theta0);
    let g = nalgebra::DVector::from_vec(net.gradient(&theta0));
    let n = theta0.len();
    let eig = h.clone().symmetric_eigen();
    assert!(eig.eigenvalues.iter().any(|&l| l < 0.0), "θ₀ has negative curvature");
    let abs = &eig.eigenvectors
        * nalgebra::DMatrix::from_diagonal(&eig.eigenvalues.map(f64::abs))
        * eig.eigenvectors.transpose();
    for (spec, matrix) in
        [("newton:lr=0.7,damping=0.1", h.clone()), ("sfn:lr=0.7,damping=0.1", abs)]
    {
        let run =
            net::train(&net, &theta0, OptimizerSpec::parse(spec).unwrap(), 1, None, None).unwrap();
        let d = (matrix + nalgebra::DMatrix::identity(n, n) * 0.1).lu().solve(&g).unwrap();
        for i in 0..n {
            let want = theta0[i] - 0.7 * d[i];
            assert!(close(run.theta[i], want, 1e-10), "{spec}: θ[{i}] {} vs {want}", run.theta[i]);
        }
    }
}

#[test]
fn newton_on_a_network_too_large_for_its_hessian_is_refused_with_the_reason() {
    // 2-40-40-1 has 1 801 parameters: its Hessian would be 1 801² numbers a step.
    let net = moons_net("2-40-40-1", 20, 0.0);
    let theta0 = net.architecture().init(1);
    for spec in ["newton", "sfn"] {
        let e = net::train(&net, &theta0, OptimizerSpec::parse(spec).unwrap(), 3, None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains(spec) && e.contains("1801") && e.contains("1000"), "{e}");
    }
    // A first-order optimizer trains it.
    assert!(
        net::train(&net, &theta0, OptimizerSpec::parse("adam").unwrap(), 3, None, None).is_ok()
    );
    // A scene says so on its optimizer field before anything is trained.
    let mut spec = net::NetSpec::on_dataset(Dataset::Moons);
    spec.net = Architecture::parse("2-40-40-1").unwrap();
    spec.optimizer = "sfn".into();
    let (field, message) = spec.check().unwrap_err();
    assert_eq!(field, "optimizer");
    assert!(message.contains("1000"), "{message}");
    spec.net = Architecture::parse("2-16-16-1").unwrap();
    assert!(spec.check().is_ok(), "the lesson's 337 parameters fit");
}
