//! A network landscape kept in a scene (issue 13): the settings round-trip through JSON and
//! rebuild the same slice; bad values are errors naming the field; the map a figure and the app
//! draw (batched, interpolated on fine grids) stays the loss; figures of a slice say α and β and
//! carry the projected training path.

use losscape::field::{Field, FieldLayers, FieldStyle, LayerSteps};
use losscape::figure::{Canvas, Figure, axis_names};
use losscape::scene::{Scene, SceneError, SurfaceChoice};
use losscape::sim::net::data::Dataset;
use losscape::sim::net::{Architecture, Directions, NetData, NetSpec, Network, Scratch};
use losscape::sim::surfaces::Lattice;
use losscape::sim::{Point, Surface, SurfaceDef};

/// A small landscape that trains in a few milliseconds.
fn small_spec() -> NetSpec {
    NetSpec {
        net: Architecture::parse("2-6-1").unwrap(),
        data: NetData::Dataset { name: Dataset::Moons, points: 40, noise: None },
        seed: 3,
        weight_decay: 0.0,
        optimizer: "adam:lr=0.05".into(),
        steps: 150,
        directions: Directions::Filter,
        span: 1.0,
        grid: 21,
    }
}

fn scene_of(spec: NetSpec) -> Scene {
    Scene::new(SurfaceChoice::Network(spec))
}

fn slice_of(scene: &Scene) -> std::sync::Arc<losscape::sim::net::Slice> {
    match scene.surface.resolve().expect("the landscape builds") {
        SurfaceDef::Slice(s) => s,
        other => panic!("a network scene resolves to a slice, not {}", other.name()),
    }
}

#[test]
fn a_saved_landscape_loads_and_rebuilds_the_same_slice() {
    for directions in [Directions::Filter, Directions::Raw, Directions::Init, Directions::Pca] {
        let mut spec = small_spec();
        spec.directions = directions;
        let scene = scene_of(spec);
        let json = scene.to_json();
        assert!(json.contains("\"network\"") && json.contains("\"2-6-1\""), "{json}");
        let loaded = Scene::from_json(&json, "saved.json").expect("the saved scene loads");
        assert_eq!(loaded, scene);
        let (a, b) = (slice_of(&scene), slice_of(&loaded));
        for (x, y) in [(0.0, 0.0), (0.3, -0.7), (-0.9, 0.45), (1.0, 1.0)] {
            let p = Point::new(x, y);
            assert_eq!(a.value(p).to_bits(), b.value(p).to_bits(), "{directions:?} at {p:?}");
        }
        assert_eq!(a.path(), b.path(), "the same projected training path");
        assert!(!a.path().is_empty());
    }
}

#[test]
fn the_landscape_is_the_command_lines_training() {
    // What `losscape landscape` does with the same flags: init(seed), train, slice(seed).
    let spec = small_spec();
    let built = spec.build(None).unwrap();
    let net = Network::new(
        spec.net.clone(),
        Dataset::Moons.generate(40, Dataset::Moons.default_noise(), 3),
        0.0,
    )
    .unwrap();
    let theta0 = net.architecture().init(3);
    assert_eq!(built.training.theta0, theta0);
    let last = *built.training.losses.last().unwrap();
    assert_eq!(built.training.losses.len(), 151, "θ₀ and 150 steps");
    // The centre of the slice is the trained network.
    let centre = built.slice.value(Point::new(0.0, 0.0));
    assert!((centre - last).abs() <= 1e-12 * last.max(1.0), "{centre} vs {last}");
    assert!(last < built.training.losses[0], "training lowered the loss");
    // The path ends at the centre.
    let end = *built.slice.path().last().unwrap();
    assert!(end.x.abs() < 1e-9 && end.y.abs() < 1e-9, "{end:?}");
}

#[test]
fn points_and_csv_data_rebuild_the_same_landscape_as_the_dataset() {
    let spec = small_spec();
    let rows = spec.rows().unwrap();
    let mut points = spec.clone();
    points.data = NetData::Points(rows.clone());
    let dir = std::env::temp_dir().join(format!("losscape-net-scene-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("moons.csv");
    let mut csv = String::from("x1,x2,label\n");
    for r in &rows {
        csv.push_str(&format!("{:?},{:?},{:?}\n", r[0], r[1], r[2]));
    }
    std::fs::write(&path, csv).unwrap();
    let mut file = spec.clone();
    file.data = NetData::Csv(path);
    let p = Point::new(0.4, -0.2);
    let want = spec.build(None).unwrap().slice.value(p);
    for other in [points, file] {
        let scene = scene_of(other);
        let loaded = Scene::from_json(&scene.to_json(), "").unwrap();
        assert_eq!(slice_of(&loaded).value(p).to_bits(), want.to_bits());
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scene's data file named relative to the scene is read beside the scene file, whatever the
/// working directory; saving the scene in its folder keeps the name relative, so the lesson
/// folder moves as a whole.
#[test]
fn a_scenes_data_file_is_relative_to_the_scene_file() {
    let spec = small_spec();
    let rows = spec.rows().unwrap();
    let base = std::env::temp_dir().join(format!("losscape-lesson-{}", std::process::id()));
    let dir = base.join("moved").join("lesson");
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = String::from("x1,x2,label\n");
    for r in &rows {
        csv.push_str(&format!("{:?},{:?},{:?}\n", r[0], r[1], r[2]));
    }
    std::fs::write(dir.join("moons.csv"), csv).unwrap();
    let mut relative = spec.clone();
    relative.data = NetData::Csv("moons.csv".into());
    std::fs::write(dir.join("lesson.json"), scene_of(relative).to_json()).unwrap();
    let loaded = Scene::load(&dir.join("lesson.json")).unwrap();
    let SurfaceChoice::Network(loaded_spec) = &loaded.surface else { panic!("a network") };
    assert_eq!(loaded_spec.data, NetData::Csv(dir.join("moons.csv")));
    let p = Point::new(0.4, -0.2);
    let want = spec.build(None).unwrap().slice.value(p);
    assert_eq!(slice_of(&loaded).value(p).to_bits(), want.to_bits(), "the same data");
    // Saved again in its folder: the name stays relative.
    loaded.save(&dir.join("again.json")).unwrap();
    let text = std::fs::read_to_string(dir.join("again.json")).unwrap();
    assert!(text.contains("\"moons.csv\"") && !text.contains("moved"), "{text}");
    let _ = std::fs::remove_dir_all(&base);
}

/// The error of loading `json` with the network's fields replaced by `patch`.
fn error_with(patch: serde_json::Value) -> String {
    let scene = scene_of(small_spec());
    let mut value: serde_json::Value = serde_json::from_str(&scene.to_json()).unwrap();
    let network = &mut value["surface"]["network"];
    for (k, v) in patch.as_object().unwrap() {
        network[k] = v.clone();
    }
    let text = serde_json::to_string_pretty(&value).unwrap();
    match Scene::from_json(&text, "bad.json") {
        Ok(_) => panic!("{patch} should not load"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_values_are_errors_naming_the_field() {
    let cases = [
        (serde_json::json!({"steps": 5_000_000}), "surface.network.steps"),
        (serde_json::json!({"optimizer": "lbfgs"}), "surface.network.optimizer"),
        (serde_json::json!({"optimizer": "adam:lr=oops"}), "surface.network.optimizer"),
        (serde_json::json!({"span": -1.0}), "surface.network.span"),
        (serde_json::json!({"grid": 1}), "surface.network.grid"),
        (serde_json::json!({"weight_decay": -0.5}), "surface.network.weight_decay"),
        (
            serde_json::json!({"data": {"dataset": {"name": "linear"}}}),
            "surface.network.data.dataset.name",
        ),
        (
            serde_json::json!({"data": {"dataset": {"name": "moons", "points": 0}}}),
            "surface.network.data.dataset.points",
        ),
        (
            serde_json::json!({"data": {"points": [[0.0, 1.0, 1.0], [0.5, 0.5, 2.0]]}}),
            "surface.network.data.points[1]",
        ),
        (serde_json::json!({"net": "3-4-1"}), "surface.network.net"),
        (serde_json::json!({"net": "2-4-3"}), "surface.network.net"),
        (serde_json::json!({"directions": "sideways"}), "surface.network.directions"),
        (serde_json::json!({"stepz": 3}), "surface.network"),
    ];
    for (patch, field) in cases {
        let e = error_with(patch.clone());
        assert!(e.starts_with("bad.json: "), "{patch}: {e}");
        assert!(e.contains(field), "{patch}: '{e}' should name {field}");
    }
    // A too large network for its steps says how much it would store.
    let e = error_with(serde_json::json!({"net": "2-256-256-256-1", "steps": 2000}));
    assert!(e.contains("surface.network.steps") && e.contains("parameters"), "{e}");
}

#[test]
fn a_missing_csv_is_an_error_naming_the_file_not_a_panic() {
    let mut spec = small_spec();
    spec.data = NetData::Csv("no/such/moons.csv".into());
    let scene = scene_of(spec);
    // It loads (the file is read when the landscape is built) …
    let loaded = Scene::from_json(&scene.to_json(), "").unwrap();
    // … and building says which file.
    let e = loaded.surface.resolve().unwrap_err().to_string();
    assert!(e.contains("no/such/moons.csv") && e.contains("data.csv"), "{e}");
    let e = Figure::of_scene(&loaded, Canvas::new(400, 300)).unwrap_err().to_string();
    assert!(e.contains("no/such/moons.csv"), "{e}");
}

#[test]
fn too_new_a_scene_is_still_refused_for_its_version() {
    let mut value: serde_json::Value =
        serde_json::from_str(&scene_of(small_spec()).to_json()).unwrap();
    value["version"] = 99.into();
    let e = Scene::from_json(&value.to_string(), "").unwrap_err();
    assert!(matches!(e, SceneError::TooNew { found: 99, .. }), "{e}");
}

#[test]
fn the_batched_loss_is_the_loss() {
    for (arch, wd) in [("2-16-16-1", 0.0), ("2-5-7-3-1", 0.01)] {
        let rows = Dataset::Spirals.generate(97, 0.1, 5);
        let net = Network::new(Architecture::parse(arch).unwrap(), rows, wd).unwrap();
        let mut scratch = Scratch::default();
        for seed in 0..4 {
            let theta: Vec<f64> = net.architecture().init(seed).iter().map(|t| 3.0 * t).collect();
            let (a, b) = (net.loss(&theta), net.loss_batched(&theta, &mut scratch));
            assert!((a - b).abs() <= 1e-13 * a.abs().max(1.0), "{arch}: {a} vs {b}");
        }
    }
}

#[test]
fn a_slices_map_is_its_loss_exact_on_small_grids_and_close_on_fine_ones() {
    // The lecture's 2-16-16-1 on moons, trained briefly (a debug build trains slowly).
    let mut spec = NetSpec::on_dataset(Dataset::Moons);
    spec.data = NetData::Dataset { name: Dataset::Moons, points: 60, noise: None };
    spec.steps = 100;
    let built = spec.build(None).unwrap();
    let slice = &built.slice;
    let axis =
        |n: usize| -> Vec<f64> { (0..n).map(|i| -1.0 + 2.0 * i as f64 / (n - 1) as f64).collect() };
    // 51 × 51 (the figure's map): every point exact.
    let xs = axis(51);
    let mut out = vec![0.0; 51 * 51];
    slice.sample_grid(&xs, &xs, &mut out);
    for (j, &y) in xs.iter().enumerate().step_by(5) {
        for (i, &x) in xs.iter().enumerate().step_by(5) {
            let want = slice.value(Point::new(x, y));
            let got = out[j * 51 + i];
            assert!((got - want).abs() <= 1e-12 * want.max(1.0), "({x}, {y}): {got} vs {want}");
        }
    }
    // A window-sized map, 400 × 300: interpolated between exact points, within a small part of
    // the map's range everywhere we look.
    let (xs, ys) = (axis(400), axis(300));
    let mut out = vec![0.0; 400 * 300];
    slice.sample_grid(&xs, &ys, &mut out);
    let (lo, hi) =
        out.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let mut worst = 0.0_f64;
    for j in (0..300).step_by(7) {
        for i in (0..400).step_by(11) {
            let want = slice.value(Point::new(xs[i], ys[j]));
            worst = worst.max((out[j * 400 + i] - want).abs());
        }
    }
    assert!(worst <= 0.01 * (hi - lo), "worst {worst} over a range of {}", hi - lo);
    assert!(out.iter().all(|v| v.is_finite()));
}

#[test]
fn a_slices_heatmap_made_a_knot_at_a_time_is_the_heatmap_made_whole() {
    // The browser makes a heatmap between frames; on a slice the exact points must be the
    // lattice of the whole grid (not of each band), on one thread or several.
    let scene = scene_of(small_spec());
    let surface = SurfaceDef::Slice(slice_of(&scene));
    let domain = losscape::sim::Domain { x_min: -1.0, x_max: 1.2, y_min: -0.8, y_max: 1.0 };
    let (nx, ny) = (230, 150);
    let stride = surface.grid_stride(nx, ny);
    assert_eq!(stride, 3, "a window-sized grid is sampled on a lattice");
    let style = FieldStyle { contour_count: 10, ..FieldStyle::default() };
    let whole = FieldLayers::compute(&surface, domain, nx, ny, &style).expect("layers");
    let one = Field::sample_with_threads(&surface, domain, nx, ny, 1).expect("field");
    let three = Field::sample_with_threads(&surface, domain, nx, ny, 3).expect("field");
    assert_eq!(one, whole.field, "one thread");
    assert_eq!(three, whole.field, "three threads");
    let mut steps = LayerSteps::new(Box::new(surface.clone()), domain, nx, ny, style).unwrap();
    let mut calls = 0;
    let sliced = loop {
        calls += 1;
        if let Some(layers) = steps.advance(16).expect("no error") {
            break layers;
        }
    };
    let lattice = Lattice::new(nx, ny, stride);
    let knots = lattice.rows().len() * lattice.columns().len();
    assert_eq!(calls, knots + 3, "a call a knot, the filling, colours, contours");
    assert_eq!(sliced.field, whole.field);
    assert_eq!(sliced.rgba, whole.rgba);
    assert_eq!(sliced.contours, whole.contours);
    // At a knot the map is the loss there.
    let (i, j) = (3 * 7, 3 * 11);
    let p = Point::new(whole.field.x(i), whole.field.y(j));
    let (got, want) = (whole.field.get(i, j).expect("in the grid"), surface.value(p));
    assert!((got - want).abs() <= 1e-12 * want.max(1.0), "{got} vs {want}");
}

#[test]
fn a_slices_figure_laid_out_a_piece_at_a_time_is_the_figure_laid_out_whole() {
    // An export in the browser lays a figure out between frames: at twice a plot's size the
    // slice's heatmap alone took about a second in one piece.
    use losscape::figure::FigureSteps;
    use losscape::figure::svg::{Layers, to_svg};
    // (Critical points in pieces: the export's test, on a built-in surface; on a slice the
    // search takes minutes in a debug build.)
    let mut scene = scene_of(small_spec());
    scene.view.critical_points = false;
    let surface = SurfaceDef::Slice(slice_of(&scene));
    let canvas = Canvas { density: 2.0, ..Canvas::new(300, 220) };
    let whole = Figure::new(&scene, &surface, Vec::new(), canvas).unwrap();
    let mut steps = FigureSteps::new(&scene, &surface, Vec::new(), canvas).unwrap();
    let mut pieces = 1;
    let sliced = loop {
        if let Some(fig) = steps.advance(&surface, false).unwrap() {
            break fig;
        }
        pieces += 1;
    };
    assert!(pieces > 20, "knots, the filling in, colours, contours: {pieces}");
    let svg = |f: &Figure| to_svg(f, None, Layers::ALL).unwrap();
    assert!(svg(&sliced) == svg(&whole), "the same figure");
    let rgba = |f: &Figure| f.heatmap.as_ref().map(|h| h.rgba.clone());
    assert!(rgba(&sliced) == rgba(&whole), "the same heatmap");
}

#[test]
fn figures_of_a_slice_name_alpha_and_beta_and_show_the_training_path() {
    let mut scene = scene_of(small_spec());
    scene.view.critical_points = false;
    let fig = Figure::of_scene(&scene, Canvas::new(420, 360)).unwrap();
    assert_eq!(fig.sheet.axes, ["α".to_owned(), "β".to_owned()]);
    let path = fig.sheet.tracks.first().expect("the training path");
    assert_eq!(path.label, "training path (projected)");
    assert_eq!(path.points.len(), 151);
    assert!(fig.sheet.legend.iter().any(|(l, _)| l == "training path (projected)"));
    let svg =
        losscape::figure::svg::to_svg(&fig, None, losscape::figure::svg::Layers::ALL).unwrap();
    assert!(svg.contains(">α</text>") && svg.contains(">β</text>"), "axis names in the SVG");
    // Any other surface keeps x and y.
    let mut plain = Scene::new(SurfaceChoice::Builtin(losscape::sim::Builtin::Saddle));
    plain.view.critical_points = false;
    let fig = Figure::of_scene(&plain, Canvas::new(420, 360)).unwrap();
    assert_eq!(fig.sheet.axes, ["x".to_owned(), "y".to_owned()]);
    assert_eq!(axis_names(&SurfaceDef::Builtin(losscape::sim::Builtin::Saddle)), ["x", "y"]);
}

#[test]
fn the_lesson_scenes_of_networks_load() {
    for file in ["network-landscape.json", "network-init.json"] {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes").join(file);
        let scene = Scene::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let SurfaceChoice::Network(spec) = &scene.surface else { panic!("{file}: a network") };
        assert_eq!(spec.net.to_string(), "2-16-16-1");
        assert!(!scene.view.critical_points, "{file}: Newton from 1600 seeds on a network is slow");
    }
}
