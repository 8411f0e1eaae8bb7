//! The app driven headless by egui_kittest (no GPU, no display): clicks, drags, keys and
//! widgets do what a lecturer expects.

mod common;

use common::harness;
use egui::accesskit::Role;
use egui::{Key, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable};
use losscape::app::{Command, LosscapeApp, Panel};
use losscape::scene::{PRESETS, Scene, SurfaceChoice, default_scene};
use losscape::sim::Builtin;

/// A scene with no start points, so the plot is free to click.
fn empty_scene() -> Scene {
    let mut scene = default_scene();
    scene.starts.clear();
    scene
}

/// The screen position of plot coordinate (x, y), from the app's last frame.
fn screen(h: &Harness<'_, LosscapeApp>, x: f64, y: f64) -> Pos2 {
    h.state().screen_pos(x, y).expect("the plot was drawn")
}

/// Plot units per screen pixel.
fn pixel(h: &Harness<'_, LosscapeApp>) -> f64 {
    let a = screen(h, 0.0, 0.0);
    let b = screen(h, 1.0, 0.0);
    1.0 / f64::from(b.x - a.x)
}

fn click_at(h: &mut Harness<'_, LosscapeApp>, pos: Pos2) {
    h.hover_at(pos);
    h.step();
    h.drag_at(pos);
    h.step();
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(2);
}

#[test]
fn a_click_on_the_plot_adds_a_start_point_there() {
    let mut h = harness(empty_scene());
    let (a, b) = (0.7, -0.4);
    let pos = screen(&h, a, b);
    click_at(&mut h, pos);
    let starts = &h.state().scene.starts;
    assert_eq!(starts.len(), 1, "one click, one start point");
    let tol = pixel(&h);
    assert!(
        (starts[0][0] - a).abs() <= tol && (starts[0][1] - b).abs() <= tol,
        "{starts:?} vs ({a}, {b}) ± {tol}"
    );
    // Every enabled optimizer now runs from it.
    let enabled = h.state().scene.optimizers.iter().filter(|o| o.enabled).count();
    let runs: usize = h.state().runs.table.iter().flatten().map(Vec::len).sum();
    assert_eq!(runs, enabled);
}

#[test]
fn dragging_a_start_point_moves_it_and_its_trajectories_follow() {
    let mut scene = empty_scene();
    scene.starts = vec![[1.0, 0.5]];
    let mut h = harness(scene);
    let before =
        h.state().runs.table.iter().flatten().flatten().next().expect("a run").trajectory.points[0]
            .point;
    let from = screen(&h, 1.0, 0.5);
    let to = screen(&h, -0.5, -1.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=10 {
        h.hover_at(from + (to - from) * (k as f32 / 10.0));
        h.step();
    }
    h.drop_at(to);
    h.run_steps(2);
    let starts = &h.state().scene.starts;
    assert_eq!(starts.len(), 1, "dragging does not add a point");
    let tol = 2.0 * pixel(&h);
    assert!((starts[0][0] + 0.5).abs() <= tol && (starts[0][1] + 1.0).abs() <= tol, "{starts:?}");
    let after =
        h.state().runs.table.iter().flatten().flatten().next().expect("a run").trajectory.points[0]
            .point;
    assert_ne!(before, after);
    assert!((after.x - starts[0][0]).abs() < 1e-12, "the trajectory starts at the moved point");
}

#[test]
fn right_click_removes_a_start_point() {
    let mut scene = empty_scene();
    scene.starts = vec![[1.0, 0.5], [-1.0, -0.5]];
    let mut h = harness(scene);
    let pos = screen(&h, -1.0, -0.5);
    h.hover_at(pos);
    h.step();
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Secondary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    h.step();
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Secondary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(2);
    assert_eq!(h.state().scene.starts, vec![[1.0, 0.5]]);
}

/// The side panel's checkbox of Adam (the legend has an "Adam" entry too).
fn adam_checkbox<'h>(h: &'h Harness<'_, LosscapeApp>) -> egui_kittest::Node<'h> {
    let node =
        h.get_all(By::new().role(Role::CheckBox).label("Adam")).next().expect("Adam's checkbox");
    assert!(node.rect().left() < 400.0, "the first one is in the side panel");
    node
}

#[test]
fn switching_an_optimizer_off_removes_its_trajectories() {
    let mut h = harness(default_scene());
    let adam = h
        .state()
        .scene
        .optimizers
        .iter()
        .position(|o| o.label() == "Adam")
        .expect("Adam in the saddle lesson");
    assert!(h.state().runs.table[adam].is_some());
    adam_checkbox(&h).click();
    h.run_steps(2);
    assert!(!h.state().scene.optimizers[adam].enabled);
    assert!(h.state().runs.table[adam].is_none(), "its runs are gone");
    adam_checkbox(&h).click();
    h.run_steps(2);
    assert!(h.state().runs.table[adam].is_some(), "and back");
}

#[test]
fn space_plays_and_the_step_advances() {
    let mut h = harness(default_scene());
    assert_eq!(h.state().playback.step, 0);
    h.key_press(Key::Space);
    h.run_steps(30);
    let step = h.state().playback.step;
    assert!(h.state().playback.playing);
    assert!(step > 5, "half a second at {} steps/s reached step {step}", h.state().scene.speed);
    h.key_press(Key::Space);
    h.run_steps(5);
    let paused = h.state().playback.step;
    h.run_steps(10);
    assert_eq!(h.state().playback.step, paused, "paused");
    h.key_press(Key::ArrowRight);
    h.run_steps(1);
    assert_eq!(h.state().playback.step, paused + 1);
    h.key_press(Key::R);
    h.run_steps(1);
    assert_eq!(h.state().playback.step, 0);
}

#[test]
fn the_scrubber_sets_the_step() {
    let mut h = harness(default_scene());
    let last = h.state().last_step();
    assert!(last > 100);
    h.get(By::new().role(Role::Slider).label_contains("step ")).set_value_accesskit(120.0);
    h.run_steps(2);
    assert_eq!(h.state().playback.step, 120);
}

#[test]
fn a_bad_formula_shows_an_error_and_keeps_the_surface() {
    let mut h = harness(default_scene());
    let before = h.state().scene.surface.clone();
    h.get_by_role(Role::MultilineTextInput).focus();
    h.run_steps(1);
    h.get_by_role(Role::MultilineTextInput).type_text(" + (");
    h.run_steps(2);
    let app = h.state();
    assert!(app.formula.error.is_some(), "the formula box shows an error: {:?}", app.formula.text);
    assert_eq!(app.scene.surface, before, "the last good surface stays");
    assert!(
        h.query_by_label_contains("column").is_some(),
        "the error is on screen with its position"
    );
}

#[test]
fn a_good_formula_replaces_the_surface() {
    let mut h = harness(default_scene());
    h.state_mut().set_formula_text("x^2 + 3*y^2".to_owned());
    h.run_steps(2);
    assert_eq!(h.state().scene.surface, SurfaceChoice::Formula("x^2 + 3*y^2".to_owned()));
    h.state_mut().set_formula_text("(1-x)^2 + 100*(y-x^2)^2".to_owned());
    h.run_steps(1);
    assert_eq!(
        h.state().scene.surface,
        SurfaceChoice::Builtin(Builtin::Rosenbrock),
        "a catalogue formula is the catalogue surface"
    );
}

#[test]
fn every_preset_loads_from_the_keyboard() {
    let mut h = harness(empty_scene());
    let keys =
        [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8];
    for (key, preset) in keys.into_iter().zip(PRESETS) {
        let expected = preset.scene().expect("preset parses");
        h.key_press(key);
        h.run_steps(2);
        assert_eq!(h.state().scene, expected, "{}", preset.file);
        assert!(
            !h.state()
                .runs
                .table
                .iter()
                .flatten()
                .flatten()
                .any(|r| r.trajectory.points.is_empty())
        );
        assert!(
            h.query_by_label_contains(&expected.caption).is_some(),
            "{}: caption on screen",
            preset.file
        );
    }
}

#[test]
fn the_grid_layout_shows_one_plot_per_optimizer() {
    let mut h = harness(default_scene());
    h.key_press(Key::G);
    h.run_steps(3);
    assert_eq!(h.state().scene.view.layout, losscape::scene::Layout::Grid);
    // The lesson keeps working in the grid: clicking still adds a start point.
    let n = h.state().scene.starts.len();
    // Far from the lesson's starts, so the click does not grab one in the small plot.
    let pos = screen(&h, -0.6, 1.3);
    click_at(&mut h, pos);
    assert_eq!(h.state().scene.starts.len(), n + 1);
    // One shared legend row, and each small plot titled with its optimizer.
    let labels = losscape::figure::legend_labels(&h.state().scene);
    for (entry, label) in h.state().scene.optimizers.clone().iter().zip(labels) {
        if entry.enabled {
            assert!(h.query_by_label(&format!("● {label}")).is_some(), "{label} titled");
        }
    }
    assert!(h.query_by_label("saddle").is_some(), "the shared legend names the saddle");
}

/// The File menu's exports: Ctrl+S writes a numbered PNG of the plot into the chosen folder, at
/// the chosen density, from a background thread; CSV holds every point of every run.
#[test]
fn ctrl_s_saves_a_numbered_screenshot_and_csv_holds_every_point() {
    let folder = std::env::temp_dir().join(format!("losscape-app-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let mut h = harness(default_scene());
    h.state_mut().exporter.settings.folder = folder.display().to_string();
    h.state_mut().exporter.settings.scale = 1;
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    // The export runs on its own thread; the status line reports it.
    common::frames_until(&mut h, 25, |h| {
        h.state().status.as_deref().is_some_and(|s| s.starts_with("saved"))
    });
    let status = h.state().status.clone().unwrap_or_default();
    let png = folder.join("losscape-001.png");
    assert_eq!(status, format!("saved {}", png.display()));
    let bytes = std::fs::read(&png).expect("the screenshot exists");
    assert!(bytes.starts_with(b"\x89PNG"));
    // A second one gets the next number.
    let next = losscape::app::export::next_file(&folder, "png").unwrap();
    assert_eq!(next, folder.join("losscape-002.png"));

    let csv = losscape::app::export::tracks_csv(&h.state().scene, &h.state().runs);
    let points: usize =
        h.state().runs.table.iter().flatten().flatten().map(|r| r.trajectory.points.len()).sum();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("optimizer,start,step,x,y,loss"));
    assert_eq!(lines.count(), points, "one row per point of every run");
    let _ = std::fs::remove_dir_all(&folder);
}

/// Clicks "File → `item`" and waits (at most two minutes) for the background export to report; returns
/// the status line.
fn export_from_the_menu(h: &mut Harness<'_, LosscapeApp>, item: &str) -> String {
    h.state_mut().status = None;
    h.get_by_label("🗁 File").click();
    h.run_steps(2);
    h.get_by_label(item).click();
    h.run_steps(1);
    common::frames_until(h, 25, |h| {
        h.state().status.as_deref().is_some_and(|s| s.starts_with("saved"))
    });
    h.state().status.clone().unwrap_or_default()
}

/// File → Export SVG writes the plot as an SVG a real XML parser reads, with a path per
/// trajectory that moves and the legend as text; File → Export GIF writes an animation with the
/// frames asked for, the runs moving between the first and the last.
#[test]
fn the_file_menu_exports_svg_and_gif() {
    let folder = std::env::temp_dir().join(format!("losscape-app-svg-gif-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let mut h = harness(default_scene());
    {
        let settings = &mut h.state_mut().exporter.settings;
        settings.folder = folder.display().to_string();
        settings.scale = 1;
        settings.gif_frames = 6;
        settings.gif_fps = 12.0;
    }
    // The figure is the plot at the current step: the end, where every run is drawn whole.
    let last = h.state().last_step();
    h.state_mut().playback.playing = false;
    h.state_mut().playback.seek(last, last);
    h.run_steps(2);
    assert_eq!(h.state().playback.step, last);
    let tracks = losscape::app::export::app_tracks(&h.state().scene, &h.state().runs);
    let moving = tracks.iter().filter(|t| t.points.len() > 1).count();
    assert!(moving >= 10, "the saddle lesson has {moving} moving runs");

    let svg_path = folder.join("losscape-001.svg");
    let status = export_from_the_menu(&mut h, "Export SVG");
    assert_eq!(status, format!("saved {}", svg_path.display()));
    let svg = std::fs::read_to_string(&svg_path).expect("the SVG exists");
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let paths = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "path" && n.attribute("class") == Some("trajectory"))
        .count();
    assert_eq!(paths, moving, "one path per trajectory that moves");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for label in ["Adam", "Newton"] {
        assert!(texts.iter().any(|t| t.contains(label)), "the legend names {label}: {texts:?}");
    }

    // Numbers count every export in the folder: the SVG was 001.
    let gif_path = folder.join("losscape-002.gif");
    let status = export_from_the_menu(&mut h, "Export GIF");
    assert_eq!(status, format!("saved {}", gif_path.display()));
    let bytes = std::fs::read(&gif_path).expect("the GIF exists");
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(std::io::Cursor::new(&bytes)).expect("a GIF");
    assert!(decoder.width() >= 240 && decoder.height() >= 160);
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        frames.push(frame.buffer.to_vec());
    }
    assert_eq!(frames.len(), 6, "the frames asked for");
    assert_ne!(frames[0], frames[5], "the runs move between the first and the last frame");
    let _ = std::fs::remove_dir_all(&folder);
}

/// A scene file dropped onto the window replaces the scene; a bad one leaves it and says why.
#[test]
fn a_dropped_scene_file_loads_and_a_bad_one_does_not() {
    #[derive(Debug)]
    struct Dropped(std::path::PathBuf);
    impl egui::DroppedFile for Dropped {
        fn path(&self) -> &std::path::Path {
            &self.0
        }
        fn bytes(&self) -> Result<Vec<u8>, String> {
            std::fs::read(&self.0).map_err(|e| e.to_string())
        }
    }
    let dir = std::env::temp_dir().join(format!("losscape-app-drop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("himmelblau.json");
    let himmelblau = PRESETS.iter().find(|p| p.file == "himmelblau.json").unwrap().scene().unwrap();
    himmelblau.save(&good).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"version\": 1, \"surface\": {\"builtin\": \"nope\"}}").unwrap();

    let mut h = harness(default_scene());
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(bad.clone())));
    h.run_steps(2);
    assert_eq!(h.state().scene, default_scene(), "a bad file changes nothing");
    let status = h.state().status.clone().unwrap_or_default();
    assert!(status.contains("bad.json") && status.contains("nope"), "{status}");

    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(good)));
    h.run_steps(2);
    assert_eq!(h.state().scene, himmelblau);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The last session comes back on start; a damaged one gives the default lecture and says so.
#[test]
fn the_last_session_is_restored() {
    #[derive(Default)]
    struct Memory(std::collections::HashMap<String, String>);
    impl eframe::Storage for Memory {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_owned(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }
    use eframe::App;
    let mut storage = Memory::default();
    let mut app = LosscapeApp::new(PRESETS[3].scene().unwrap());
    app.scene.starts.push([0.25, -0.5]);
    app.exporter.settings.folder = "/tmp/somewhere".to_owned();
    app.save(&mut storage);
    let restored = losscape::app::restore(Some(&storage), None);
    assert_eq!(restored.scene, app.scene);
    assert_eq!(restored.exporter.settings.folder, "/tmp/somewhere");
    assert_eq!(restored.status, None);

    // --scene wins over the stored session.
    let given = PRESETS[0].scene().unwrap();
    assert_eq!(losscape::app::restore(Some(&storage), Some(given.clone())).scene, given);

    for (key, value) in storage.0.iter_mut() {
        if key.ends_with("scene") {
            *value = value.replace("\"version\": 1", "\"version\": 7");
        }
    }
    let fallback = losscape::app::restore(Some(&storage), None);
    assert_eq!(fallback.scene, default_scene());
    assert!(fallback.status.unwrap_or_default().contains("newer"));
    assert_eq!(losscape::app::restore(None, None).scene, default_scene());
}

/// The high-dimensional window opens from the title bar and, once sampled, says from which n on
/// no minimum was found instead of plotting a zero on a log axis.
#[test]
fn the_high_dimensional_window_samples_and_says_where_minima_vanish() {
    let mut h = harness(default_scene());
    h.get(By::new().label_contains("High-D")).click();
    h.run_steps(2);
    assert!(h.state().is_open(Panel::HighDim));
    h.state_mut().panels.highdim.max_n = 12;
    h.state_mut().panels.highdim.samples = 2000;
    let found = common::frames_until(&mut h, 10, |h| {
        h.query(By::new().label_contains("no minimum in 2000 samples")).is_some()
    });
    assert!(found, "the window reports where sampling found no minimum");
}

#[test]
fn the_app_refuses_commands_a_scene_cannot_hold_and_keeps_what_it_had() {
    let mut app = LosscapeApp::new(default_scene());
    let optimizers = app.scene.optimizers.clone();
    app.apply(Command::SetOptimizers(Vec::new()));
    assert_eq!(app.scene.optimizers, optimizers, "a scene keeps at least one optimizer");
    assert!(app.status.as_deref().is_some_and(|s| s.contains("optimizers")), "{:?}", app.status);

    app.apply(Command::SetSteps(0));
    assert_eq!(app.scene.steps, 1);
    app.apply(Command::SetSteps(usize::MAX));
    assert_eq!(app.scene.steps, losscape::scene::MAX_STEPS);

    let speed = app.scene.speed;
    app.apply(Command::SetSpeed(f64::NAN));
    assert_eq!(app.scene.speed, speed, "a NaN speed is ignored");
    app.apply(Command::SetSpeed(1e12));
    assert_eq!(app.scene.speed, losscape::scene::SPEED_RANGE.1);
}

#[test]
fn the_side_panel_changes_the_scene_only_through_commands() {
    let mut h = harness(default_scene());
    let before = h.state().scene.view.clone();
    h.get_by_label("contours").click();
    h.run_steps(2);
    assert_eq!(h.state().scene.view.contour_lines, !before.contour_lines);
    // Toggling the narrate panel from the title bar and closing it with its ✖.
    h.get_by_label("🔎 Narrate").click();
    h.run_steps(2);
    assert!(h.state().is_open(Panel::Narrate));
    h.state_mut().apply(Command::Toggle(Panel::Narrate));
    assert!(!h.state().is_open(Panel::Narrate));
}

/// The Spectrum window opens from the title bar, computes on its job (sliced between frames in
/// the browser) exactly what the simulation computes for its inputs, and says what is wrong
/// with a bad network instead of running.
#[test]
fn the_spectrum_window_shows_the_simulations_spectra_and_refuses_a_bad_network() {
    use losscape::app::panels::spectrum::SpectrumInputs;
    use losscape::sim::net::spectrum::spectra_along_training;
    use losscape::sim::run::progress::Progress;

    let mut h = harness(default_scene());
    h.get(By::new().label_contains("Spectrum")).click();
    // The window opens at the end of that frame and lays itself out invisibly in its first.
    h.run_steps(3);
    assert!(h.state().is_open(Panel::Spectrum));
    assert!(h.state().panels.spectrum.busy(), "opening the window starts the lesson's spectra");
    let inputs = SpectrumInputs {
        net: "64-6-10".to_owned(),
        train_steps: 15,
        at: "15,0".to_owned(),
        lanczos: 12,
        probes: 2,
        seed: 3,
        ..SpectrumInputs::default()
    };
    h.state_mut().panels.spectrum.inputs = inputs.clone();
    h.get(By::new().label_contains("Train and estimate")).click();
    let done = common::frames_until(&mut h, 10, |h| {
        h.state().panels.spectrum.result().is_some_and(|(i, _)| *i == inputs)
    });
    assert!(done, "the spectra arrive");
    let (loss, theta0, settings) = inputs.problem().unwrap();
    let want = spectra_along_training(&loss, &theta0, &settings, &Progress::default()).unwrap();
    let (_, along) = h.state().panels.spectrum.result().unwrap();
    assert_eq!(along, &want, "the window's spectra are the simulation's, bit for bit");
    assert_eq!(along.samples.iter().map(|s| s.step).collect::<Vec<_>>(), [0, 15]);
    h.run_steps(2);
    assert!(h.query(By::new().label("λ_min")).is_some(), "the table is drawn");

    // A network that does not fit the digits: a message, the last spectra kept.
    h.state_mut().panels.spectrum.inputs.net = "2-6-1".to_owned();
    h.get(By::new().label_contains("Train and estimate")).click();
    h.run_steps(2);
    let error = h.state().panels.spectrum.error().unwrap_or_default().to_owned();
    assert!(error.contains("64") && error.contains("10"), "{error}");
    assert!(h.state().panels.spectrum.result().is_some());

    // The same network on points in the plane: the moons drawn with the window's seed.
    use losscape::app::panels::spectrum::SpectrumData;
    use losscape::sim::net::data::Dataset;
    use losscape::sim::net::spectrum::{Labelled, Loss, Widths, init};
    let plane = SpectrumInputs {
        data: SpectrumData::Plane { name: Dataset::Moons, points: 60 },
        net: "2-6-1".to_owned(),
        ..inputs
    };
    h.state_mut().panels.spectrum.inputs = plane.clone();
    h.run_steps(2); // laid out without the digits' caption
    h.get(By::new().label_contains("Train and estimate")).click();
    let done = common::frames_until(&mut h, 10, |h| {
        h.state().panels.spectrum.result().is_some_and(|(i, _)| *i == plane)
    });
    assert!(done, "the spectra of the plane's network arrive");
    let rows = Dataset::Moons.generate(60, Dataset::Moons.default_noise(), 3);
    let loss = Loss::new(Widths::parse("2-6-1").unwrap(), Labelled::from_rows(&rows).unwrap(), 0.0)
        .unwrap();
    let (_, _, settings) = plane.problem().unwrap();
    let theta0 = init(loss.widths(), 3);
    let want = spectra_along_training(&loss, &theta0, &settings, &Progress::default()).unwrap();
    let (_, along) = h.state().panels.spectrum.result().unwrap();
    assert_eq!(along, &want, "the moons' network, bit for bit");
}

#[test]
fn a_long_status_message_stays_right_of_the_title_on_a_projector() {
    // At 1280 × 800 a Tune-lr report ran over the title and the window toggles.
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .with_context_setup(losscape::app::setup_style)
        .build_ui_state(
            |ui, app: &mut LosscapeApp| {
                app.show(ui);
                app.settle();
            },
            LosscapeApp::new(PRESETS[0].scene().expect("the saddle lesson")),
        );
    let long = "lr 0.05 → 0.4642 (mean final loss 0 over 3 starts) after 300 steps; 31 rates tried";
    h.state_mut().status = Some(long.to_owned());
    h.run_steps(3);
    let title = h.get_by_label(&h.state().scene.title.clone()).rect();
    let spectrum = h.get_by_label_contains("Spectrum").rect();
    let status = h.get_by_label(long).rect();
    assert!(status.left() >= title.right(), "status {status:?} starts after the title {title:?}");
    assert!(spectrum.right() <= title.left(), "the toggles are left of the title");
    assert!(status.right() <= 1280.0, "within the window: {status:?}");
}

#[test]
fn the_runs_progress_stays_right_of_a_long_title_on_a_projector() {
    // At 1280 × 800 the progress bar of a big scene's runs was drawn over its title.
    let mut scene = PRESETS[0].scene().expect("the saddle lesson");
    scene.title = "10 optimizers × 256 starts × 20 000 steps".to_owned();
    scene.starts = (0..256).map(|i| [-2.0 + 0.015 * f64::from(i), 0.5]).collect();
    scene.steps = 20_000;
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .with_context_setup(losscape::app::setup_style)
        .build_ui_state(|ui, app: &mut LosscapeApp| app.show(ui), LosscapeApp::new(scene));
    h.run_steps(3);
    assert!(h.state().runs.progress().is_some(), "the runs are computing");
    let name = h.state().scene.title.clone();
    let title = h.get(By::new().role(Role::Label).label(name.as_str())).rect();
    let bar = h.get(By::new().role(Role::ProgressIndicator)).rect();
    let apart = bar.left() >= title.right() || bar.top() >= title.bottom();
    assert!(apart, "bar {bar:?} overlaps the title {title:?}");
}
