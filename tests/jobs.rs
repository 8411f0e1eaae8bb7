//! The runs of a scene computed as the browser computes them, in slices between frames: the
//! same runs as on a thread of their own, and a newer request still wins.

mod common;

use std::time::Duration;

use losscape::app::Runs;
use losscape::jobs::{self, Runner};
use losscape::scene::{Scene, default_scene};

/// The lecture's scene with a grid of 64 start points: dozens of tasks to cut into slices.
fn scene() -> Scene {
    let mut scene = default_scene();
    scene.starts =
        (0..64).map(|i| [-1.5 + 0.4 * f64::from(i % 8), -1.2 + 0.3 * f64::from(i / 8)]).collect();
    scene
}

/// Every run of `runs`, written out to the last bit (`{:?}` of f64 round-trips).
fn fingerprint(runs: &Runs) -> Vec<String> {
    runs.table.iter().flatten().flatten().map(|run| format!("{:?}", run.trajectory)).collect()
}

/// Runs frames (slices of a millisecond) until the runs arrive; the number of frames.
fn frames_until_done(runs: &mut Runs) -> usize {
    for frame in 1..1_000_000 {
        jobs::run_slices(Duration::from_millis(1));
        match runs.poll() {
            Some(Ok(())) => return frame,
            Some(Err(e)) => panic!("{e}"),
            None => {}
        }
    }
    panic!("the runs never arrived");
}

#[test]
fn runs_in_slices_between_frames_are_the_runs_computed_whole() {
    let scene = scene();
    let surface = scene.surface.resolve().expect("a built-in surface");
    let mut whole = Runs::default();
    whole.request(&scene, &surface, 1, || {}).expect("within budget");
    whole.wait();
    assert!(whole.is_current() && whole.table.iter().flatten().flatten().count() >= 64);

    jobs::set_runner(Runner::BetweenFrames);
    let mut sliced = Runs::default();
    sliced.request(&scene, &surface, 1, || {}).expect("within budget");
    let frames = frames_until_done(&mut sliced);
    assert!(frames > 1, "the runs took {frames} frame(s): not cut into slices");
    assert_eq!(fingerprint(&sliced), fingerprint(&whole));
    assert_eq!(sliced.max_len, whole.max_len);
}

#[test]
fn between_frames_the_newest_scene_wins() {
    jobs::set_runner(Runner::BetweenFrames);
    let old = scene();
    let mut new = scene();
    new.steps = old.steps / 2;
    let surface = old.surface.resolve().expect("a built-in surface");
    let mut runs = Runs::default();
    runs.request(&old, &surface, 1, || {}).expect("within budget");
    jobs::run_slices(Duration::ZERO);
    assert!(runs.progress().is_some(), "under way");
    runs.request(&new, &surface, 1, || {}).expect("within budget");
    frames_until_done(&mut runs);
    assert!(runs.max_len <= new.steps, "the newest scene's runs, not the superseded one's");
    assert!(!jobs::run_slices(Duration::ZERO), "the superseded job was dropped");

    // And waiting (as exports and tests do) drives the slices itself.
    let mut waited = Runs::default();
    waited.request(&new, &surface, 1, || {}).expect("within budget");
    waited.wait();
    assert_eq!(fingerprint(&waited), fingerprint(&runs));
}

#[test]
fn the_app_without_threads_gets_its_runs_between_frames() {
    let scene = default_scene();
    let surface = scene.surface.resolve().expect("a built-in surface");
    let mut whole = Runs::default();
    whole.request(&scene, &surface, 1, || {}).expect("within budget");
    whole.wait();

    // The browser's way: every job the app requests waits for slices between its frames.
    jobs::set_runner(Runner::BetweenFrames);
    let mut harness = common::harness_without_settling(scene);
    for _ in 0..200 {
        harness.step();
        if harness.state().runs.is_current() {
            break;
        }
    }
    let app = harness.state();
    assert!(app.runs.is_current(), "the runs arrived between frames");
    assert_eq!(fingerprint(&app.runs), fingerprint(&whole));
}
