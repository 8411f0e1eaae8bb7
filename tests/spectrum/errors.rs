//! Bad widths, data, vectors and settings give errors that say what is wrong, never panics.

use nalgebra::DMatrix;

use super::loss_on_blobs;
use losscape::sim::net::spectrum::{
    Density, Labelled, Loss, MAX_PARAMS, SpectrumError, Widths, lanczos,
};

fn widths_message(text: &str) -> String {
    match Widths::parse(text) {
        Err(SpectrumError::Widths { text: t, message }) => {
            assert_eq!(t, text);
            message
        }
        other => panic!("'{text}' gave {other:?}"),
    }
}

#[test]
fn bad_widths_are_errors() {
    assert!(widths_message("64").contains("at least two"));
    assert!(widths_message("").contains("not a width"));
    assert!(widths_message("64-abc-10").contains("'abc'"));
    assert!(widths_message("64--10").contains("''"));
    assert!(widths_message("64-0-10").contains("width 2 is 0"));
    assert!(widths_message("-3-2").contains("not a width"));
    assert!(widths_message("2000-2000-10").contains("parameters"));
    assert!(widths_message("18446744073709551615-18446744073709551615").contains("parameters"));
    let err = Widths::parse("64-x").unwrap_err().to_string();
    assert!(err.starts_with("--net '64-x': 'x' is not a width"), "{err}");
    let w: Widths = " 64-256-256-10 ".parse().unwrap();
    assert_eq!((w.n_params(), w.to_string()), (85_002, "64-256-256-10".to_owned()));
    // The limit is inclusive: 999·1000 + 1000 parameters is exactly MAX_PARAMS.
    assert_eq!(Widths::new(vec![999, 1000]).unwrap().n_params(), MAX_PARAMS);
    assert!(Widths::new(vec![1000, 1000]).is_err());
}

#[test]
fn bad_data_are_errors() {
    let x = DMatrix::from_row_slice(2, 2, &[0.0, 1.0, f64::NAN, 2.0]);
    let err = Labelled::new(x, vec![0, 1]).unwrap_err().to_string();
    assert!(err.contains("row 2, feature 1"), "{err}");
    assert!(Labelled::new(DMatrix::zeros(0, 3), vec![]).is_err());
    assert!(Labelled::new(DMatrix::zeros(3, 0), vec![0, 0, 0]).is_err());
    assert!(
        Labelled::new(DMatrix::zeros(3, 2), vec![0, 1])
            .unwrap_err()
            .to_string()
            .contains("2 labels")
    );
    let data = Labelled::new(DMatrix::zeros(3, 2), vec![0, 1, 2]).unwrap();
    let w = |s: &str| Widths::parse(s).unwrap();
    let err = Loss::new(w("3-4-3"), data.clone(), 0.0).unwrap_err().to_string();
    assert!(err.contains("2 features") && err.contains("takes 3"), "{err}");
    let err = Loss::new(w("2-4-2"), data.clone(), 0.0).unwrap_err().to_string();
    assert!(err.contains("row 3 has label 2") && err.contains("0 to 1"), "{err}");
    let err = Loss::new(w("2-4-1"), data.clone(), 0.0).unwrap_err().to_string();
    assert!(err.contains("0 or 1"), "{err}");
    assert!(Loss::new(w("2-4-3"), data.clone(), -1e-3).is_err());
    assert!(Loss::new(w("2-4-3"), data.clone(), f64::NAN).is_err());
    assert!(Loss::new(w("2-4-3"), data, 0.0).unwrap().with_block_rows(0).is_err());
}

#[test]
fn bad_vectors_and_settings_are_errors() {
    let loss = loss_on_blobs("3-4-3", 7, 0.0, 1);
    let n = loss.n_params();
    let short = vec![0.0; n - 1];
    assert_eq!(loss.value(&short), Err(SpectrumError::Length { what: "θ", got: n - 1, want: n }));
    assert!(loss.gradient(&short).is_err());
    let mut nan = vec![0.0; n];
    nan[3] = f64::INFINITY;
    assert_eq!(loss.curvature(&nan).err(), Some(SpectrumError::NotFinite("θ")));
    let c = loss.curvature(&vec![0.1; n]).unwrap();
    assert!(matches!(c.hessian_vector(&short), Err(SpectrumError::Length { what: "v", .. })));
    assert_eq!(c.hessian_vector(&nan), Err(SpectrumError::NotFinite("v")));
    let id = |v: &[f64]| v.to_vec();
    let never = || false;
    assert!(lanczos(&id, 0, 5, &[], &never).is_err());
    assert!(lanczos(&id, 3, 0, &[1.0; 3], &never).is_err());
    assert!(lanczos(&id, 3, 3, &[0.0; 3], &never).is_err());
    assert!(lanczos(&id, 3, 3, &[1.0; 2], &never).is_err());
    let bad = |v: &[f64]| vec![0.0; v.len() + 1];
    assert!(matches!(
        lanczos(&bad, 3, 3, &[1.0; 3], &never),
        Err(SpectrumError::Length { what: "H·v", .. })
    ));
    let nan_op = |v: &[f64]| vec![f64::NAN; v.len()];
    assert_eq!(lanczos(&nan_op, 3, 3, &[1.0; 3], &never), Err(SpectrumError::NotFinite("H·v")));
    assert!(Density::estimate(5, 5, 0, 1, id, |_, _| {}, &never).is_err());
    let d = Density::estimate(5, 5, 1, 1, id, |_, _| {}, &never).unwrap();
    assert!(d.trace_error().is_nan());
    assert!(d.shares(-0.1).is_err() && d.shares(f64::NAN).is_err());
    assert!(d.smoothed(&[0.0], 0.0).is_err());
}
