//! The app on model surfaces and network landscapes, driven headless by egui_kittest: the data
//! panel's click adds a point and the loss surface follows; a drag moves one; a right-click
//! removes one; a network scene trains in the background and then shows its slice.

mod common;

use common::{harness, harness_without_settling};
use egui::Pos2;
use egui_kittest::Harness;
use losscape::app::LosscapeApp;
use losscape::scene::{Scene, SurfaceChoice};
use losscape::sim::net::{Architecture, Directions, NetData, NetSpec};
use losscape::sim::{Point, Surface, SurfaceDef};
use std::sync::Arc;

fn lesson(file: &str) -> Scene {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes").join(file);
    Scene::load(&path).unwrap()
}

fn rows(h: &Harness<'_, LosscapeApp>) -> Vec<[f64; 3]> {
    match &h.state().scene.surface {
        SurfaceChoice::Model(m) => m.rows().to_vec(),
        _ => panic!("a model surface"),
    }
}

/// Linear regression's loss 1/(2n)·Σ (x·t + y − u)², computed here from the rows.
fn linreg_loss(rows: &[[f64; 3]], x: f64, y: f64) -> f64 {
    rows.iter().map(|r| (x * r[0] + y - r[1]).powi(2)).sum::<f64>() / (2.0 * rows.len() as f64)
}

fn press(h: &mut Harness<'_, LosscapeApp>, pos: Pos2, button: egui::PointerButton, pressed: bool) {
    h.event(egui::Event::PointerButton { pos, button, pressed, modifiers: egui::Modifiers::NONE });
}

fn click(h: &mut Harness<'_, LosscapeApp>, pos: Pos2, button: egui::PointerButton) {
    h.hover_at(pos);
    h.step();
    press(h, pos, button, true);
    h.step();
    press(h, pos, button, false);
    h.run_steps(2);
}

/// Data units per screen pixel along the data plot's x axis.
fn data_pixel(h: &Harness<'_, LosscapeApp>) -> f64 {
    let panel = &h.state().panels.data_panel;
    let (a, b) = (panel.screen_pos(0.0, 0.0).unwrap(), panel.screen_pos(1.0, 0.0).unwrap());
    1.0 / f64::from(b.x - a.x)
}

#[test]
fn a_click_in_the_data_panel_adds_a_point_and_the_surface_follows() {
    let mut h = harness(lesson("feature-scaling-standardised.json"));
    let before = rows(&h);
    // Where the surface is looked at: a fixed (slope, intercept).
    let probe = Point::new(0.4, -0.3);
    let value_before = h.state().surface().value(probe);
    assert!((value_before - linreg_loss(&before, probe.x, probe.y)).abs() < 1e-12);
    // Far from every point: right of the data, below it.
    let t_max = before.iter().map(|r| r[0]).fold(f64::NEG_INFINITY, f64::max);
    let u_min = before.iter().map(|r| r[1]).fold(f64::INFINITY, f64::min);
    let (a, b) = (t_max + 0.3, u_min - 0.3);
    let pos = h.state().panels.data_panel.screen_pos(a, b).expect("the data panel is drawn");
    click(&mut h, pos, egui::PointerButton::Primary);

    let after = rows(&h);
    assert_eq!(after.len(), before.len() + 1, "one click, one point");
    assert_eq!(&after[..before.len()], &before[..], "the other points stay");
    let added = after[before.len()];
    let tol = 1.5 * data_pixel(&h);
    assert!((added[0] - a).abs() <= tol && (added[1] - b).abs() <= tol, "{added:?} vs ({a}, {b})");
    // The surface is the loss on the new data, at once.
    let value_after = h.state().surface().value(probe);
    let want = linreg_loss(&after, probe.x, probe.y);
    assert!((value_after - want).abs() <= 1e-12 * want.max(1.0), "{value_after} vs {want}");
    assert!((value_after - value_before).abs() > 1e-6, "the point changed the loss");
    // The view stayed where it was.
    assert!(h.state().scene.domain.is_some());
}

#[test]
fn a_drag_in_the_data_panel_moves_a_point_and_a_right_click_removes_one() {
    let mut h = harness(lesson("feature-scaling-standardised.json"));
    let before = rows(&h);
    let i = before.len() / 2;
    let from = h.state().panels.data_panel.screen_pos(before[i][0], before[i][1]).unwrap();
    let to = from + egui::vec2(0.0, -40.0);
    h.hover_at(from);
    h.step();
    press(&mut h, from, egui::PointerButton::Primary, true);
    h.step();
    for k in 1..=8 {
        h.hover_at(from + (to - from) * (k as f32 / 8.0));
        h.step();
    }
    press(&mut h, to, egui::PointerButton::Primary, false);
    h.run_steps(2);
    let moved = rows(&h);
    assert_eq!(moved.len(), before.len(), "a drag adds nothing");
    assert!(moved[i][1] > before[i][1] + 10.0 * data_pixel(&h), "{:?} → {:?}", before[i], moved[i]);
    assert!((moved[i][0] - before[i][0]).abs() <= 1.5 * data_pixel(&h));
    let probe = Point::new(0.4, -0.3);
    let want = linreg_loss(&moved, probe.x, probe.y);
    assert!((h.state().surface().value(probe) - want).abs() <= 1e-12 * want.max(1.0));

    let j = 0;
    let at = h.state().panels.data_panel.screen_pos(moved[j][0], moved[j][1]).unwrap();
    click(&mut h, at, egui::PointerButton::Secondary);
    let removed = rows(&h);
    assert_eq!(removed.len(), moved.len() - 1);
    assert_eq!(&removed[..], &moved[1..], "the point under the pointer went");
}

fn small_network_scene() -> Scene {
    let mut scene = Scene::new(SurfaceChoice::Network(NetSpec {
        net: Architecture::parse("2-6-1").unwrap(),
        data: NetData::Dataset {
            name: losscape::sim::net::data::Dataset::Moons,
            points: 40,
            noise: None,
        },
        seed: 1,
        weight_decay: 0.0,
        optimizer: "adam:lr=0.05".into(),
        steps: 300,
        directions: Directions::Init,
        span: 1.5,
        grid: 21,
    }));
    scene.view.critical_points = false;
    scene.starts = vec![[0.5, 0.5]];
    scene
}

#[test]
fn a_network_scene_trains_in_the_background_and_shows_its_slice() {
    let scene = small_network_scene();
    let SurfaceChoice::Network(spec) = &scene.surface else { unreachable!() };
    let want = spec.build(None).unwrap();
    let mut h = harness_without_settling(scene.clone());
    h.step();
    // Whatever the first frame shows, the training is the job's, not the frame's …
    let first = matches!(h.state().surface(), SurfaceDef::Slice(_));
    assert!(first || h.state().network.busy(), "the landscape is built by a job");
    // … and once it is done the slice is the one the settings rebuild.
    h.state_mut().settle();
    h.run_steps(2);
    let SurfaceDef::Slice(slice) = h.state().surface() else { panic!("the slice is shown") };
    for p in [Point::new(0.0, 0.0), Point::new(1.0, 0.2), Point::new(-0.4, 1.1)] {
        assert_eq!(slice.value(p).to_bits(), want.slice.value(p).to_bits());
    }
    assert_eq!(slice.path(), want.slice.path());
    // Optimizers run on it like on any surface.
    let runs: usize = h.state().runs.table.iter().flatten().map(Vec::len).sum();
    assert!(runs > 0, "the scene's runs on the slice");
}

fn net_spec(h: &Harness<'_, LosscapeApp>) -> NetSpec {
    match &h.state().scene.surface {
        SurfaceChoice::Network(spec) => spec.clone(),
        _ => panic!("a network surface"),
    }
}

#[test]
fn the_data_panel_edits_a_networks_points_and_the_network_retrains_on_a_job() {
    let mut h = harness_without_settling(small_network_scene());
    h.state_mut().settle();
    h.run_steps(2);
    let before = net_spec(&h).rows().unwrap();
    let SurfaceDef::Slice(old) = h.state().surface().clone() else { panic!("the slice is shown") };
    // A click above the data adds a point with the label chosen (1 by default).
    let x_mid = before.iter().map(|r| r[0]).sum::<f64>() / before.len() as f64;
    let y_max = before.iter().map(|r| r[1]).fold(f64::NEG_INFINITY, f64::max);
    let (a, b) = (x_mid, y_max + 0.3);
    let pos = h.state().panels.data_panel.screen_pos(a, b).expect("the data panel is drawn");
    click(&mut h, pos, egui::PointerButton::Primary);
    let spec = net_spec(&h);
    let NetData::Points(after) = &spec.data else {
        panic!("the edited points are the scene's: {:?}", h.state().status)
    };
    assert_eq!(after.len(), before.len() + 1, "one click, one point");
    assert_eq!(&after[..before.len()], &before[..], "the other points stay");
    let tol = 1.5 * data_pixel(&h);
    let added = after[before.len()];
    assert!((added[0] - a).abs() <= tol && (added[1] - b).abs() <= tol, "{added:?} vs ({a}, {b})");
    assert_eq!(added[2], 1.0);
    // Retraining is the job's: until it is done, the old slice stays on screen (no flat
    // placeholder between two edits).
    let SurfaceDef::Slice(shown) = h.state().surface() else { panic!("a slice stays shown") };
    assert!(h.state().network.busy() || !Arc::ptr_eq(shown, &old), "retrained by a job");
    // Once built, the slice on screen is the one the new settings rebuild, and it moved.
    let want = spec.build(None).unwrap();
    h.state_mut().settle();
    h.run_steps(2);
    let SurfaceDef::Slice(now) = h.state().surface() else { panic!("the slice is shown") };
    let probes = [Point::new(0.0, 0.0), Point::new(0.7, -0.2), Point::new(-1.0, 0.9)];
    for p in probes {
        assert_eq!(now.value(p).to_bits(), want.slice.value(p).to_bits());
    }
    assert!(probes.iter().any(|&p| (now.value(p) - old.value(p)).abs() > 1e-9), "it follows");
    // A right-click on the new point removes it again.
    let at = h.state().panels.data_panel.screen_pos(added[0], added[1]).unwrap();
    click(&mut h, at, egui::PointerButton::Secondary);
    let NetData::Points(removed) = net_spec(&h).data else { panic!("points") };
    assert_eq!(removed, before, "back to the data set's points");
}
