//! Typed formulas: every catalogue formula gives its built-in surface (f, ∇f and ∇²f), the
//! derivatives of arbitrary formulas are exact, and no input, however hostile, panics the parser.

use losscape::sim::{Builtin, Formula, Point, Surface};
use proptest::prelude::*;

fn close(a: f64, b: f64, scale: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * scale.max(1.0)
}

/// The formula twin of `b`, parsed from its catalogue string.
fn twin(b: Builtin) -> Formula {
    Formula::parse(b.formula()).unwrap_or_else(|e| panic!("{b}: {e}\n  {}", b.formula()))
}

fn check_twin(b: Builtin, formula: &Formula, p: Point) -> Result<(), TestCaseError> {
    let (f, g, h) = b.value_grad_hessian(p);
    let (ff, fg, fh) = formula.value_grad_hessian(p);
    let scale = f.abs();
    prop_assert!(close(f, ff, scale, 1e-13), "{b} f at {p:?}: {f} vs {ff}");
    prop_assert!(close(f, formula.value(p), scale, 1e-13), "{b} value() at {p:?}");
    let gscale = g.norm() + scale;
    for i in 0..2 {
        prop_assert!(close(g[i], fg[i], gscale, 1e-12), "{b} ∂{i} at {p:?}: {} vs {}", g[i], fg[i]);
    }
    let (vf, vg) = formula.value_grad(p);
    prop_assert_eq!(vf.to_bits(), ff.to_bits(), "value_grad and value_grad_hessian disagree");
    prop_assert!((vg - fg).norm() <= 1e-14 * gscale.max(1.0));
    let hscale = h.abs().max() + gscale;
    for i in 0..2 {
        for j in 0..2 {
            prop_assert!(
                close(h[(i, j)], fh[(i, j)], hscale, 1e-12),
                "{b} H[{i},{j}] at {p:?}: {} vs {}",
                h[(i, j)],
                fh[(i, j)]
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn catalogue_formulas_are_their_builtin_surfaces(
        index in 0..Builtin::ALL.len(),
        u in -0.1f64..=1.1,
        v in -0.1f64..=1.1,
    ) {
        let b = Builtin::ALL[index];
        check_twin(b, &twin(b), b.domain().lerp(u, v))?;
    }

    /// Any string at all: an `Ok` or an `Err` with a column inside the text (or just past it),
    /// never a panic.
    #[test]
    fn any_string_parses_or_errs_without_panicking(s in any::<String>()) {
        match Formula::parse(&s) {
            Ok(f) => { let _ = f.value_grad_hessian(Point::new(0.5, -0.5)); }
            Err(e) => {
                prop_assert!(e.column >= 1 && e.column <= s.chars().count() + 1, "{e} for {s:?}");
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    /// Strings made of formula tokens reach far deeper into the parser than random text.
    #[test]
    fn token_soup_parses_or_errs_without_panicking(
        tokens in prop::collection::vec(
            prop::sample::select(vec![
                "x", "y", "1", "2.5", "1e-3", "1e308", "0", "pi", "e", "+", "-", "*", "/", "^",
                "(", ")", "sin(", "exp(", "ln(", "sqrt(", "abs(", "atan(", " ", "foo", ".", "e5",
            ]),
            0..60,
        ),
        x in -1e3f64..1e3,
        y in -1e3f64..1e3,
    ) {
        let s: String = tokens.concat();
        match Formula::parse(&s) {
            Ok(f) => {
                // Evaluating never panics; whatever comes out, value() and the dual numbers
                // agree on f where it is finite.
                let p = Point::new(x, y);
                let v = f.value(p);
                let (vg, _) = f.value_grad(p);
                let (vh, _, _) = f.value_grad_hessian(p);
                if v.is_finite() && vg.is_finite() {
                    prop_assert!(close(v, vg, v.abs(), 1e-12), "{s}: {v} vs {vg}");
                    prop_assert_eq!(vg.to_bits(), vh.to_bits());
                }
            }
            Err(e) => prop_assert!(e.column >= 1 && e.column <= s.chars().count() + 1, "{e} for {s:?}"),
        }
    }
}

#[test]
fn every_catalogue_formula_parses_and_matches_on_a_grid() {
    for b in Builtin::ALL {
        let formula = twin(b);
        for i in 0..=10 {
            for j in 0..=10 {
                let p = b.domain().lerp(f64::from(i) / 10.0, f64::from(j) / 10.0);
                check_twin(b, &formula, p).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

#[test]
fn formula_derivatives_agree_with_finite_differences() {
    // Formulas using every function, away from their singularities.
    let cases = [
        "sin(x)*cos(y) + tan(x/3)",
        "exp(-x^2) * ln(2 + y^2) + sqrt(1 + x^2 + y^2)",
        "tanh(x*y) + sinh(x/2) - cosh(y/3) + atan(x - y)",
        "abs(x + 5) * (y - 1)^3 / (1 + x^2)",
        "x^y + 2^(x - y)",
        "(1 + x^2)^0.75 - (2 + y^2)^(-1.5)",
    ];
    let h = 1e-5;
    for source in cases {
        let f = Formula::parse(source).unwrap();
        for p in [Point::new(0.3, 0.7), Point::new(1.2, -0.4), Point::new(0.9, 1.8)] {
            let (v, g, hess) = f.value_grad_hessian(p);
            let dx = Point::new(h, 0.0);
            let dy = Point::new(0.0, h);
            let fd = [
                (f.value(p + dx) - f.value(p - dx)) / (2.0 * h),
                (f.value(p + dy) - f.value(p - dy)) / (2.0 * h),
            ];
            for i in 0..2 {
                assert!(close(g[i], fd[i], v.abs() + g.norm(), 1e-7), "{source} ∂{i} at {p:?}");
                let fd_col = [
                    (f.value_grad(p + dx).1[i] - f.value_grad(p - dx).1[i]) / (2.0 * h),
                    (f.value_grad(p + dy).1[i] - f.value_grad(p - dy).1[i]) / (2.0 * h),
                ];
                for j in 0..2 {
                    assert!(
                        close(hess[(i, j)], fd_col[j], hess.abs().max() + g.norm(), 1e-6),
                        "{source} H[{i},{j}] at {p:?}: {} vs {}",
                        hess[(i, j)],
                        fd_col[j]
                    );
                }
            }
        }
    }
}

#[test]
fn spacing_does_not_matter_but_spelling_does() {
    let a = Formula::parse("x^2+3*y^2").unwrap();
    let b = Formula::parse("  x ^ 2 +  3 * y ^ 2 ").unwrap();
    let p = Point::new(0.4, -1.1);
    assert_eq!(a.value_grad_hessian(p), b.value_grad_hessian(p));
    assert_eq!(b.source(), "  x ^ 2 +  3 * y ^ 2 ", "the text is kept as typed");
    assert!(Formula::parse("X^2").unwrap_err().message.contains("lower-case"));
}
