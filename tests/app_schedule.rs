//! The schedule picker in the app, driven headless by egui_kittest: choosing a schedule in an
//! optimizer's hyper-parameters puts it on the scene's optimizer, with keys that suit the
//! scene's steps, and a schedule OneCycle cannot cycle on is offered without cycling.

mod common;

use common::harness;
use egui_kittest::kittest::{By, Queryable};
use losscape::scene::{OptimizerEntry, PRESETS};
use losscape::sim::{LrSchedule, OptimizerKind};

#[test]
fn the_picker_sets_a_schedule_that_suits_the_scene() {
    let mut scene = PRESETS[0].scene().unwrap();
    scene.optimizers = vec![OptimizerEntry::new(OptimizerKind::Adagrad)];
    scene.steps = 240;
    let mut h = harness(scene);
    h.get_all(By::new().label("hyper-parameters")).next().expect("the row").click();
    h.run_steps(2);
    h.get(By::new().label("schedule")).click();
    h.run_steps(2);
    h.get(By::new().label("cosine")).click();
    h.run_steps(2);
    let spec = h.state().scene.optimizers[0].spec;
    assert_eq!(spec.schedule(), Some(&LrSchedule::parse("cosine:t_max=240").unwrap()));

    h.get(By::new().label("schedule")).click();
    h.run_steps(2);
    h.get(By::new().label("onecycle")).click();
    h.run_steps(2);
    let spec = h.state().scene.optimizers[0].spec;
    let onecycle = spec.schedule().expect("adagrad takes onecycle without cycling");
    assert_eq!(onecycle.name(), "onecycle");
    assert!(!onecycle.cycles_momentum());
}

#[test]
fn the_schedule_lesson_draws_its_learning_rate_curve() {
    let scene = PRESETS.iter().find(|p| p.file == "schedule.json").unwrap().scene().unwrap();
    let mut h = harness(scene);
    h.run_steps(3);
    assert!(h.query_by_label_contains("cosine decay").is_some(), "the caption is shown");
}
