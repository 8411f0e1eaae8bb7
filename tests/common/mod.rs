//! What the app's kittest suites share.

#[allow(dead_code)] // not every suite runs the command line
pub mod cli;

use egui::Vec2;
use egui_kittest::Harness;
use losscape::app::LosscapeApp;
use losscape::scene::Scene;

/// The app on `scene` in a 1400 × 900 headless window at 60 frames a second, after three
/// frames (the first lays out, the next draw).
#[allow(dead_code)] // not every suite needs it
pub fn harness(scene: Scene) -> Harness<'static, LosscapeApp> {
    let mut harness = Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_context_setup(losscape::app::setup_style)
        .build_ui_state(
            |ui, app: &mut LosscapeApp| {
                app.show(ui);
                // The runs and critical points are computed in the background: wait for them
                // after each frame, so that the next frame shows them.
                app.settle();
            },
            LosscapeApp::new(scene),
        );
    harness.run_steps(3);
    harness
}

/// The app on `scene` as a person sees it: frames that never wait for the background jobs.
#[allow(dead_code)] // not every suite needs it
pub fn harness_without_settling(scene: Scene) -> Harness<'static, LosscapeApp> {
    Harness::builder()
        .with_size(Vec2::new(1400.0, 900.0))
        .with_step_dt(1.0 / 60.0)
        .with_context_setup(losscape::app::setup_style)
        .build_ui_state(|ui, app: &mut LosscapeApp| app.show(ui), LosscapeApp::new(scene))
}

/// Runs frames until `done` holds, sleeping `pause_ms` between frames while a background job
/// (an export, a sampling, a census) works; gives up after two minutes, as on a loaded machine a
/// job may take many times its usual second. Whether `done` held.
#[allow(dead_code)] // not every suite needs it
pub fn frames_until(
    h: &mut Harness<'_, LosscapeApp>,
    pause_ms: u64,
    done: impl Fn(&Harness<'_, LosscapeApp>) -> bool,
) -> bool {
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::time::Instant::now() < give_up {
        h.run_steps(1);
        if done(h) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(pause_ms));
    }
    false
}
