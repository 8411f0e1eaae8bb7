//! Scene files: save → load gives the same scene (a property test), saving is atomic, and every
//! kind of bad file — truncated, wrongly typed, holding a NaN, from a newer losscape — is a clear
//! error that names the file and the problem and changes nothing.

use std::path::PathBuf;

use losscape::app::LosscapeApp;
use losscape::field::Colormap;
use losscape::scene::{Layout, OptimizerEntry, PRESETS, Rgb, Scene, SceneError, SurfaceChoice};
use losscape::sim::{Builtin, Domain, Noise, OptimizerKind, Param};
use proptest::prelude::*;

/// A file in a folder of its own for each test (they run in parallel).
fn tmp(name: &str) -> PathBuf {
    let test = std::thread::current().name().unwrap_or("main").replace(':', "_");
    let dir = std::env::temp_dir().join(format!("losscape-scene-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn arb_scene() -> impl Strategy<Value = Scene> {
    let surface = prop_oneof![
        (0..Builtin::ALL.len()).prop_map(|i| SurfaceChoice::Builtin(Builtin::ALL[i])),
        Just(SurfaceChoice::Formula("x^2 + 3*sin(y)".to_owned())),
    ];
    let optimizer = (
        0..OptimizerKind::ALL.len(),
        1e-6..10.0f64,
        any::<bool>(),
        0.0..1.0f64,
        any::<u64>(),
        any::<[u8; 3]>(),
    )
        .prop_map(|(k, lr, enabled, sigma, seed, rgb)| {
            let mut entry = OptimizerEntry::new(OptimizerKind::ALL[k]);
            entry.spec.set(Param::Lr, lr).unwrap();
            entry.enabled = enabled;
            entry.noise = Noise { sigma, seed };
            entry.color = Rgb(rgb);
            entry
        });
    (
        surface,
        prop::collection::vec((-1e3..1e3f64, -1e3..1e3f64), 0..20),
        prop::collection::vec(optimizer, 1..12),
        1usize..5000,
        1.0..1000.0f64,
        (0..Colormap::ALL.len(), any::<bool>(), 0usize..100, any::<bool>()),
        prop::option::of((-10.0..0.0f64, 0.1..10.0f64)),
        ".{0,40}",
    )
        .prop_map(|(surface, starts, optimizers, steps, speed, view, domain, title)| {
            let mut scene = Scene::new(surface);
            scene.starts = starts.into_iter().map(|(x, y)| [x, y]).collect();
            scene.optimizers = optimizers;
            scene.steps = steps;
            scene.speed = speed;
            scene.view.colormap = Colormap::ALL[view.0];
            scene.view.log_scale = view.1;
            scene.view.contours = view.2;
            scene.view.layout = if view.3 { Layout::Grid } else { Layout::Overlay };
            scene.domain = domain.map(|(lo, w)| Domain::new(lo, lo + w, lo, lo + 2.0 * w).unwrap());
            scene.title = title;
            scene
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn save_then_load_gives_the_same_scene(scene in arb_scene()) {
        let path = tmp("round-trip.json");
        scene.save(&path).unwrap();
        let loaded = Scene::load(&path).unwrap();
        prop_assert_eq!(loaded, scene.clone());
        // And through the JSON text alone.
        prop_assert_eq!(Scene::from_json(&scene.to_json(), "").unwrap(), scene);
    }
}

#[test]
fn every_preset_round_trips() {
    for preset in PRESETS {
        let scene = preset.scene().unwrap();
        assert_eq!(
            Scene::from_json(&scene.to_json(), preset.file).unwrap(),
            scene,
            "{}",
            preset.file
        );
    }
}

/// A good scene file's text, to damage.
fn good() -> String {
    PRESETS[0].scene().unwrap().to_json()
}

#[test]
fn bad_files_name_the_problem() {
    let text = good();
    let truncated = &text[..text.len() / 2];
    let wrong_type = text.replacen("\"steps\": ", "\"steps\": \"many\", \"x\": ", 1);
    let nan = text.replacen("\"lr\": ", "\"lr\": NaN, \"z\": ", 1);
    let negative_lr = text.replacen("\"lr\": ", "\"lr\": -1, \"z\": ", 1);
    let future = text.replacen("\"version\": 1", "\"version\": 99", 1);
    // Only the surface changes, so the file fails at the formula check, not at an unknown key.
    let bad_formula = with_bad_formula(&text);
    let cases: [(&str, &str, &[&str]); 6] = [
        ("truncated", truncated, &["line", "column"]),
        ("wrong type", &wrong_type, &["line", "steps"]),
        ("NaN", &nan, &["line"]),
        ("negative lr", &negative_lr, &["lr"]),
        ("future version", &future, &["version 99", "newer"]),
        ("bad formula", &bad_formula, &["surface.formula", "column 7"]),
    ];
    for (what, text, needles) in cases {
        let path = tmp(&format!("{}.json", what.replace(' ', "-")));
        std::fs::write(&path, text).unwrap();
        let err = Scene::load(&path).expect_err(what).to_string();
        assert!(err.contains(&path.display().to_string()), "{what}: names the file: {err}");
        for needle in needles {
            assert!(err.contains(needle), "{what}: says '{needle}': {err}");
        }
    }
    assert!(matches!(Scene::from_json(&future, "f"), Err(SceneError::TooNew { found: 99, .. })));
    // The formula case got past the JSON (every key known, every type right) to the check.
    assert!(
        matches!(
            Scene::from_json(&bad_formula, "f"),
            Err(SceneError::Invalid { ref field, .. }) if field == "surface.formula"
        ),
        "{:?}",
        Scene::from_json(&bad_formula, "f")
    );
}

/// The formula a scene file may not hold: `*` where an operand belongs, at column 7.
const BAD_FORMULA: &str = "x^2 + * y";

/// `text` (the saddle preset's JSON) with its surface replaced by [`BAD_FORMULA`], and nothing
/// else changed.
fn with_bad_formula(text: &str) -> String {
    let builtin = "\"builtin\": \"escape-saddle\"";
    assert!(text.contains(builtin), "the preset's surface is written as {builtin}");
    text.replacen(builtin, &format!("\"formula\": \"{BAD_FORMULA}\""), 1)
}

#[test]
fn a_formula_that_does_not_parse_is_refused_by_name_and_column() {
    // The same file with a good formula loads: only the formula is wrong.
    let good_formula = with_bad_formula(&good()).replace(BAD_FORMULA, "x^2 + 2*y");
    let scene = Scene::from_json(&good_formula, "f").expect("a good formula loads");
    assert_eq!(scene.surface, SurfaceChoice::Formula("x^2 + 2*y".to_owned()));

    let path = tmp("bad-formula.json");
    std::fs::write(&path, with_bad_formula(&good())).unwrap();
    let err = Scene::load(&path).unwrap_err();
    let SceneError::Invalid { field, message, .. } = &err else {
        panic!("not refused by the formula check: {err}");
    };
    assert_eq!(field, "surface.formula");
    assert!(message.contains("column 7"), "{message}");
    let text = err.to_string();
    assert!(text.contains(&path.display().to_string()), "names the file: {text}");

    // A scene built in code is checked the same way.
    let built = Scene::new(SurfaceChoice::Formula(BAD_FORMULA.to_owned()));
    assert!(
        matches!(built.check(), Err(SceneError::Invalid { field, .. }) if field == "surface.formula")
    );

    // Opened in the app, it changes nothing and the status says why.
    let mut app = LosscapeApp::new(PRESETS[4].scene().unwrap());
    let before = app.scene.clone();
    assert!(app.open_scene(&path).is_none(), "no command to load");
    assert_eq!(app.scene, before);
    let status = app.status.clone().unwrap_or_default();
    for needle in ["bad-formula.json", "surface.formula", "column 7"] {
        assert!(status.contains(needle), "the status says '{needle}': {status}");
    }
}

#[test]
fn an_older_version_still_loads_and_a_file_without_one_is_no_scene() {
    // SPEC §5: a scene carries its format version, and a file from an older version loads.
    let text = good().replacen("\"version\": 1", "\"version\": 0", 1);
    assert_ne!(text, good());
    let old = Scene::from_json(&text, "old").expect("version 0 loads");
    assert_eq!(old.version, 0);
    assert_eq!(Scene { version: 1, ..old }, PRESETS[0].scene().unwrap(), "and means the same");
    // Every file losscape has written carries its version (1 is the first format), so a file
    // without one is not an older scene: it is refused, naming the field.
    let unversioned = good().replacen("\"version\": 1,", "", 1);
    assert_ne!(unversioned, good());
    let err = Scene::from_json(&unversioned, "bare.json").unwrap_err().to_string();
    assert!(err.contains("bare.json") && err.contains("version"), "{err}");
}

#[test]
fn a_bad_file_leaves_the_app_scene_as_it_was() {
    let mut app = LosscapeApp::new(PRESETS[1].scene().unwrap());
    let before = app.scene.clone();
    let path = tmp("broken.json");
    std::fs::write(&path, "{ \"version\": 1, \"surface\": ").unwrap();
    assert!(app.open_scene(&path).is_none(), "no command to load");
    assert_eq!(app.scene, before);
    let status = app.status.clone().unwrap_or_default();
    assert!(status.contains("broken.json"), "the status names the file: {status}");
    // A good file gives the command that loads it.
    let good_path = tmp("good.json");
    PRESETS[2].scene().unwrap().save(&good_path).unwrap();
    assert!(app.open_scene(&good_path).is_some());
}

#[test]
fn saving_is_atomic_and_keeps_the_old_file_on_failure() {
    let path = tmp("keep.json");
    let first = PRESETS[0].scene().unwrap();
    first.save(&path).unwrap();
    // Saving into a folder that does not exist fails without touching anything else.
    let nowhere = tmp("no-such-dir").join("deeper").join("s.json");
    assert!(PRESETS[1].scene().unwrap().save(&nowhere).is_err());
    assert_eq!(Scene::load(&path).unwrap(), first);
    // No temporary file is left beside the scene.
    let dir = path.parent().unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
