//! Every built-in surface's hand-written gradient and Hessian, held to central finite
//! differences at random points of its domain (as argmin-testfunctions does): a wrong
//! derivative is a wrong lesson.

use losscape::sim::{Builtin, Gradient, Point, Surface};
use proptest::prelude::*;

/// Central difference of `f` along each axis, step `h`.
fn central_gradient(f: impl Fn(Point) -> f64, p: Point, h: f64) -> Gradient {
    let dx = Point::new(h, 0.0);
    let dy = Point::new(0.0, h);
    Gradient::new((f(p + dx) - f(p - dx)) / (2.0 * h), (f(p + dy) - f(p - dy)) / (2.0 * h))
}

fn close(a: f64, b: f64, scale: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * scale.max(1.0)
}

fn check_point(surface: Builtin, u: f64, v: f64) -> Result<(), TestCaseError> {
    let p = surface.domain().lerp(u, v);
    let h = 1e-5 * surface.domain().width().max(surface.domain().height());
    let (f, g, hess) = surface.value_grad_hessian(p);
    prop_assert_eq!(f.to_bits(), surface.value(p).to_bits(), "{} value at {:?}", surface, p);
    let (f2, g2) = surface.value_grad(p);
    prop_assert_eq!(f2.to_bits(), f.to_bits());
    prop_assert_eq!(g2, g);

    let fd = central_gradient(|q| surface.value(q), p, h);
    let scale = f.abs() + g.norm();
    for i in 0..2 {
        prop_assert!(
            close(g[i], fd[i], scale, 1e-6),
            "{surface} ∂f/∂{i} at {p:?}: {} vs {}",
            g[i],
            fd[i]
        );
    }
    // Columns of the Hessian from differences of the exact gradient: H[0,1] against ∂g_y/∂x
    // and H[1,0] against ∂g_x/∂y, two different derivatives of two hand-written components.
    let hscale = hess.abs().max() + g.norm();
    let fd_cols = [0, 1].map(|j| central_gradient(|q| surface.value_grad(q).1[j], p, h));
    for (j, fd_col) in fd_cols.iter().enumerate() {
        for i in 0..2 {
            prop_assert!(
                // Differences of the gradient: second-order error at the 1e-6 level on the
                // steep surfaces (beale), a wrong term is off by far more.
                close(hess[(i, j)], fd_col[i], hscale, 1e-5),
                "{surface} H[{i},{j}] at {p:?}: {} vs {}",
                hess[(i, j)],
                fd_col[i]
            );
        }
    }
    // The Hessian is symmetric by construction (one ∂²f/∂x∂y fills both entries), so comparing
    // its two entries could never fail. What can: the exact gradient is the gradient of some
    // function, so its mixed derivatives agree (∂g_x/∂y = ∂g_y/∂x), one hand-written component
    // held against the other.
    prop_assert!(
        close(fd_cols[0][1], fd_cols[1][0], hscale, 1e-5),
        "{surface} at {p:?}: ∂g_x/∂y = {} but ∂g_y/∂x = {}",
        fd_cols[0][1],
        fd_cols[1][0]
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn derivatives_agree_with_finite_differences(
        index in 0..Builtin::ALL.len(),
        u in 0.0f64..=1.0,
        v in 0.0f64..=1.0,
    ) {
        check_point(Builtin::ALL[index], u, v)?;
    }
}

#[test]
fn every_surface_is_checked_on_a_grid_too() {
    // The property test samples surfaces at random; this sweeps each one deterministically.
    for surface in Builtin::ALL {
        for i in 0..=8 {
            for j in 0..=8 {
                check_point(surface, f64::from(i) / 8.0, f64::from(j) / 8.0)
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

#[test]
fn known_minima_are_minima() {
    for surface in Builtin::ALL {
        for &[x, y] in surface.known_minima() {
            let p = Point::new(x, y);
            let (_, g, h) = surface.value_grad_hessian(p);
            assert!(g.norm() < 1e-9, "{surface}: gradient {g:?} at its minimum {p:?}");
            let eig = h.symmetric_eigenvalues();
            assert!(eig.min() > 0.0, "{surface}: Hessian eigenvalues {eig:?} at {p:?}");
            assert!(surface.domain().contains(p), "{surface}: minimum {p:?} outside its domain");
        }
    }
}

#[test]
fn catalogue_names_round_trip() {
    for surface in Builtin::ALL {
        assert_eq!(surface.name().parse::<Builtin>(), Ok(surface));
    }
    let err = "rosenbrok".parse::<Builtin>().unwrap_err().to_string();
    assert!(err.contains("rosenbrok") && err.contains("rosenbrock"), "{err}");
}

/// The grid sampler the heatmap uses (separable for `bowls`) gives f at every grid point, for
/// every surface, in a domain that also reaches far outside the wells (where factors underflow).
#[test]
fn sample_grid_is_value_on_the_grid() {
    for surface in Builtin::ALL {
        let d = surface.domain();
        let xs: Vec<f64> =
            (0..37).map(|i| d.x_min - 3.0 + i as f64 * (d.width() + 6.0) / 36.0).collect();
        let ys: Vec<f64> =
            (0..23).map(|j| d.y_min - 40.0 + j as f64 * (d.height() + 80.0) / 22.0).collect();
        let mut out = vec![f64::NAN; xs.len() * ys.len()];
        surface.sample_grid(&xs, &ys, &mut out);
        for (j, &y) in ys.iter().enumerate() {
            for (i, &x) in xs.iter().enumerate() {
                let want = surface.value(Point::new(x, y));
                let got = out[j * xs.len() + i];
                assert!(
                    (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                    "{surface} at ({x}, {y}): grid {got} vs value {want}"
                );
            }
        }
    }
}
