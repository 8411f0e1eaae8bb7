//! The spectrum along training cut into small pieces (as the page runs it between frames) is
//! the whole computation, bit for bit, and tells its progress and hears a cancel.

use losscape::sim::OptimizerSpec;
use losscape::sim::net::spectrum::{
    SpectrumError, SpectrumSettings, SpectrumSteps, init, spectra_along_training,
};
use losscape::sim::run::progress::Progress;

use crate::loss_on_blobs;

fn settings() -> SpectrumSettings {
    let optimizer: OptimizerSpec = "adam:lr=0.05".parse().expect("a spec");
    SpectrumSettings {
        at: vec![12, 0, 5, 5],
        lanczos: 15,
        probes: 3,
        ..SpectrumSettings::new(optimizer, 12, 7)
    }
}

#[test]
fn stepping_gives_the_whole_spectra_bit_for_bit() {
    let loss = loss_on_blobs("5-7-6-3", 90, 1e-3, 3);
    let theta0 = init(loss.widths(), 4);
    let settings = settings();
    let whole = spectra_along_training(&loss, &theta0, &settings, &Progress::default()).unwrap();
    assert_eq!(whole.samples.iter().map(|s| s.step).collect::<Vec<_>>(), [0, 5, 12]);
    for units in [1, 4] {
        let progress = Progress::default();
        let mut steps = SpectrumSteps::new(&loss, &theta0, &settings, &progress).unwrap();
        let mut calls = 0;
        let along = loop {
            calls += 1;
            if let Some(along) = steps.advance(units, &progress).unwrap() {
                break along;
            }
        };
        assert_eq!(along, whole, "{units} units a call");
        // 12 training steps and 3 spectra of 3 × 15 Lanczos steps, a few units a call.
        let work = settings.work(loss.n_params(), 3) as usize;
        assert_eq!(progress.done() as usize, work);
        assert!(calls >= work / units, "{calls} calls for {work} units, {units} at a time");
    }
}

#[test]
fn a_cancel_stops_the_steps_within_a_unit() {
    let loss = loss_on_blobs("5-7-6-3", 90, 1e-3, 3);
    let theta0 = init(loss.widths(), 4);
    let progress = Progress::default();
    let mut steps = SpectrumSteps::new(&loss, &theta0, &settings(), &progress).unwrap();
    for _ in 0..20 {
        assert!(steps.advance(1, &progress).unwrap().is_none());
    }
    progress.cancel();
    assert!(matches!(steps.advance(1, &progress), Err(SpectrumError::Cancelled)));
}
