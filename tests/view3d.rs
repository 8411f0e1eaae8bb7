//! The 3-D view: the camera convention of SPEC §4, hidden lines that are truly hidden (depth per
//! pixel), a snapshot of the saddle lesson that a missing trajectory breaks, `render --view 3d`,
//! and the app's V toggle and orbit.
//!
//! Regenerate the snapshot with `UPDATE_GOLDEN=1 cargo test --test view3d`, then look at it.

mod common;

use std::path::Path;

use losscape::field::FieldStyle;
use losscape::figure::Canvas;
use losscape::figure::view3d::{
    self, CloudRef, Figure3d, Fit, HEIGHT, Marks, Mesh3d, PathRef, Renderer, TrackRef, Viewport,
};
use losscape::scene::{Camera, PRESETS, Rgb, Scene, ViewMode};
use losscape::sim::{Domain, Formula, Point, SurfaceDef};

const MAGENTA: Rgb = Rgb([255, 0, 255]);

fn preset(file: &str) -> Scene {
    PRESETS.iter().find(|p| p.file == file).expect("a preset").scene().expect("it loads")
}

fn formula(text: &str) -> SurfaceDef {
    SurfaceDef::Formula(std::sync::Arc::new(Formula::parse(text).expect("it parses")))
}

fn square() -> Domain {
    Domain::new(-1.0, 1.0, -1.0, 1.0).unwrap()
}

fn is_magenta(p: &[u8]) -> bool {
    p[0] > 190 && p[1] < 90 && p[2] > 190
}

/// Pixels of a magenta run along x = `x_run` (y from −0.8 to 0.8) drawn on `surface` from
/// `camera`.
fn run_pixels(surface: &SurfaceDef, x_run: f64, camera: Camera) -> usize {
    let mesh = Mesh3d::new(surface, square(), 96, &FieldStyle::default()).unwrap();
    let points: Vec<Point> =
        (0..=40).map(|k| Point::new(x_run, -0.8 + 1.6 * f64::from(k) / 40.0)).collect();
    let tracks = [TrackRef {
        color: MAGENTA,
        path: PathRef::Points(&points),
        diverged_at: None,
        whole: false,
    }];
    let marks = Marks {
        tracks: &tracks,
        tracks_id: 1,
        step: None,
        starts: &[],
        critical: &[],
        clouds: &[],
    };
    let mut renderer = Renderer::new([0, 0, 0, 255]);
    let rgba = renderer.render(&mesh, &camera, 400, 300, &marks);
    rgba.chunks_exact(4).filter(|p| is_magenta(p)).count()
}

#[test]
fn a_wall_hides_the_run_behind_it_and_not_the_one_in_front() {
    // A wall along the y axis, a run at its foot on the −x side.
    let wall = formula("exp(-60*x^2)");
    // Seen from +x, low: the wall stands between the camera and the run.
    let from_front = run_pixels(&wall, -0.6, Camera::new(0.0, 10.0));
    // Seen from −x: nothing in between.
    let from_back = run_pixels(&wall, -0.6, Camera::new(180.0, 10.0));
    // Seen from above: nothing in between either.
    let from_above = run_pixels(&wall, -0.6, Camera::new(0.0, 89.0));
    assert_eq!(from_front, 0, "the wall must hide the run from +x");
    assert!(from_back > 300, "from −x the run is in plain sight: {from_back} pixels");
    assert!(from_above > 300, "from above the run is in plain sight: {from_above} pixels");
    // The mirror image: a run on the +x side is hidden from −x.
    assert_eq!(run_pixels(&wall, 0.6, Camera::new(180.0, 10.0)), 0);
    assert!(run_pixels(&wall, 0.6, Camera::new(0.0, 10.0)) > 300);
    // On a flat floor nothing is hidden from anywhere.
    let flat = formula("0*x");
    assert!(run_pixels(&flat, -0.6, Camera::new(0.0, 10.0)) > 300);
}

#[test]
fn a_ray_meets_the_hill_in_front_not_the_floor_behind_it() {
    // The wall between the camera (+x, low) and the floor at x = −0.6: the ray through the
    // pixel where that floor point would be stops on the wall.
    let wall = formula("exp(-60*x^2)");
    let mesh = Mesh3d::new(&wall, square(), 96, &FieldStyle::default()).unwrap();
    let view = Viewport::new(&Camera::new(0.0, 10.0), mesh.half_extents(), 400, 300, Fit::Tight);
    let hidden = view.project(mesh.world(Point::new(-0.6, 0.0)).unwrap());
    let hit = mesh.ray_pick(&view, hidden.x, hidden.y).expect("the ray meets the wall");
    assert!(hit.x.abs() < 0.3, "the ray went through the wall to {hit:?}");
    // From −x the same floor point is the first thing the ray meets.
    let view = Viewport::new(&Camera::new(180.0, 10.0), mesh.half_extents(), 400, 300, Fit::Tight);
    let seen = view.project(mesh.world(Point::new(-0.6, 0.0)).unwrap());
    let hit = mesh.ray_pick(&view, seen.x, seen.y).unwrap();
    assert!((hit - Point::new(-0.6, 0.0)).norm() < 0.02, "{hit:?}");
}

/// Magenta pixels of a cloud of runs along x = `x_run` on `surface` from `camera`.
fn cloud_pixels(surface: &SurfaceDef, x_run: f64, camera: Camera) -> usize {
    let mesh = Mesh3d::new(surface, square(), 96, &FieldStyle::default()).unwrap();
    let points: Vec<Point> =
        (0..=20).map(|k| Point::new(x_run, -0.8 + 1.6 * f64::from(k) / 20.0)).collect();
    let clouds = [CloudRef { color: MAGENTA, points: &points }];
    let marks = Marks {
        tracks: &[],
        tracks_id: 0,
        step: None,
        starts: &[],
        critical: &[],
        clouds: &clouds,
    };
    let mut renderer = Renderer::new([0, 0, 0, 255]);
    let rgba = renderer.render(&mesh, &camera, 400, 300, &marks);
    rgba.chunks_exact(4).filter(|p| is_magenta(p)).count()
}

#[test]
fn a_cloud_behind_a_hill_is_hidden_and_in_sight_elsewhere() {
    let wall = formula("exp(-60*x^2)");
    assert_eq!(cloud_pixels(&wall, -0.6, Camera::new(0.0, 10.0)), 0, "hidden by the wall");
    let seen = cloud_pixels(&wall, -0.6, Camera::new(180.0, 10.0));
    assert!(seen > 20 * 8, "each of the 21 runs a dot from −x: {seen} pixels");
    assert!(cloud_pixels(&wall, 0.6, Camera::new(0.0, 10.0)) > 20 * 8);
}

/// The saddle lesson's runs as the figure simulates them, and its mesh.
fn saddle_runs() -> (Mesh3d, Vec<losscape::figure::Track>) {
    let scene = preset("saddle.json");
    let surface = scene.surface.resolve().unwrap();
    let tracks = losscape::figure::simulate_scene(&scene, &surface).unwrap();
    let style = FieldStyle {
        colormap: scene.view.colormap,
        log_scale: scene.view.log_scale,
        contour_count: scene.view.contours,
    };
    (Mesh3d::new(&surface, scene.domain(), 96, &style).unwrap(), tracks)
}

fn frame(
    renderer: &mut Renderer,
    mesh: &Mesh3d,
    tracks: &[losscape::figure::Track],
    step: usize,
) -> Vec<u8> {
    let refs: Vec<TrackRef<'_>> = tracks
        .iter()
        .map(|t| TrackRef {
            color: t.color,
            path: PathRef::Points(&t.points),
            diverged_at: t.diverged_at,
            whole: false,
        })
        .collect();
    let starts: Vec<Point> = tracks.iter().map(|t| t.points[0]).collect();
    let marks = Marks {
        tracks: &refs,
        tracks_id: 7,
        step: Some(step),
        starts: &starts,
        critical: &[],
        clouds: &[],
    };
    renderer.render(mesh, &Camera::new(-50.0, 35.0), 480, 360, &marks).to_vec()
}

#[test]
fn playing_forward_on_the_cached_lines_draws_the_pixels_of_a_fresh_frame() {
    let (mesh, tracks) = saddle_runs();
    let steps = [0, 1, 7, 30, 31, 120, 250, 300];
    // One run: the pieces added step by step are exactly those of a frame drawn at once.
    let one = &tracks[tracks.len() - 1..];
    let mut playing = Renderer::new([0, 0, 0, 255]);
    for &step in &steps {
        let played = frame(&mut playing, &mesh, one, step);
        let fresh = frame(&mut Renderer::new([0, 0, 0, 255]), &mesh, one, step);
        assert!(played == fresh, "step {step}: {} pixels differ", differing(&played, &fresh));
    }
    // One optimizer's runs from the lesson's starts (one colour: drawn in any order they give
    // the same pixels): the same again.
    let first: Vec<_> = tracks.iter().filter(|t| t.label == tracks[0].label).cloned().collect();
    assert!(first.len() >= 2);
    let mut playing = Renderer::new([0, 0, 0, 255]);
    for &step in &steps {
        let played = frame(&mut playing, &mesh, &first, step);
        let fresh = frame(&mut Renderer::new([0, 0, 0, 255]), &mesh, &first, step);
        // (Where two of them cross, one colour blended twice rounds a unit apart.)
        assert_eq!(differing(&played, &fresh), 0, "step {step}");
    }
    // All the lesson's runs (several optimizers leave from the same start: where runs overlap,
    // playing draws them in another order): going back in time redraws the lines from the
    // surface, exactly as a fresh frame.
    let mut playing = Renderer::new([0, 0, 0, 255]);
    for &step in &steps {
        let _ = frame(&mut playing, &mesh, &tracks, step);
    }
    let back = frame(&mut playing, &mesh, &tracks, 30);
    assert!(back == frame(&mut Renderer::new([0, 0, 0, 255]), &mesh, &tracks, 30));
}

#[test]
fn azimuth_zero_looks_from_plus_x_and_ninety_from_plus_y() {
    let half = [1.0, 1.0, 0.5 * HEIGHT];
    let px = [1.0, 0.0, 0.0];
    let nx = [-1.0, 0.0, 0.0];
    let py = [0.0, 1.0, 0.0];
    let ny = [0.0, -1.0, 0.0];
    let view = Viewport::new(&Camera::new(0.0, 0.0), half, 800, 600, Fit::Tight);
    // From +x: +x is nearer (larger inverse depth), ±y are side by side at the same depth, +y
    // on the right (looking towards −x with z up).
    assert!(view.project(px).w > view.project(nx).w);
    assert!((view.project(py).w - view.project(ny).w).abs() < 1e-12);
    assert!(view.project(py).x > view.project(ny).x);
    let view = Viewport::new(&Camera::new(90.0, 0.0), half, 800, 600, Fit::Tight);
    // From +y: +y is nearer, and +x is on the left.
    assert!(view.project(py).w > view.project(ny).w);
    assert!(view.project(px).x < view.project(nx).x);
    // From above (elevation 90): up is nearer, and the centre is in the middle of the picture.
    let view = Viewport::new(&Camera::new(0.0, 90.0), half, 800, 600, Fit::Tight);
    assert!(view.project([0.0, 0.0, 0.5]).w > view.project([0.0, 0.0, -0.5]).w);
    let c = view.project([0.0, 0.0, 0.0]);
    assert!((c.x - 400.0).abs() < 1e-9 && (c.y - 300.0).abs() < 1e-9);
    // The direction formula of SPEC §4.
    let d = Camera::new(30.0, 20.0).direction();
    let (a, e) = (30f64.to_radians(), 20f64.to_radians());
    let want = [e.cos() * a.cos(), e.cos() * a.sin(), e.sin()];
    for k in 0..3 {
        assert!((d[k] - want[k]).abs() < 1e-12);
    }
    // Seen from +x at a 30° elevation, the near (+x) edge of the floor is lower in the picture
    // than the far one.
    let view = Viewport::new(&Camera::new(0.0, 30.0), half, 800, 600, Fit::Tight);
    assert!(view.project([1.0, 0.0, -0.5]).y > view.project([-1.0, 0.0, -0.5]).y);
}

#[test]
fn the_ray_through_a_pixel_meets_the_surface_where_the_picker_says() {
    // f = x, seen from +x and high enough not to graze it: a point of the surface projected to
    // the screen is picked back from its pixel, and the high edge (+x) is the nearer.
    let slope = formula("x");
    let mesh = Mesh3d::new(&slope, square(), 64, &FieldStyle::default()).unwrap();
    let mut renderer = Renderer::new([0, 0, 0, 255]);
    let marks =
        Marks { tracks: &[], tracks_id: 0, step: None, starts: &[], critical: &[], clouds: &[] };
    let _ = renderer.render(&mesh, &Camera::new(0.0, 60.0), 400, 300, &marks);
    let view = *renderer.view().unwrap();
    for p in [Point::new(0.3, -0.2), Point::new(-0.5, 0.5), Point::new(0.7, 0.1)] {
        let s = view.project(mesh.world(p).unwrap());
        let picked = renderer.pick(&mesh, s.x, s.y).expect("the surface is there");
        assert!((picked - p).norm() < 0.03, "picked {picked:?} for {p:?}");
        // The ray marched through the mesh (what the app's click uses, with no frame drawn)
        // meets it at the same point.
        let marched = mesh.ray_pick(&view, s.x, s.y).expect("the ray meets the surface");
        assert!((marched - p).norm() < 1e-3, "marched to {marched:?} for {p:?}");
    }
    assert!(mesh.ray_pick(&view, 1.0, 1.0).is_none(), "a ray past the surface meets nothing");
    // Off the surface: nothing to pick.
    assert!(renderer.pick(&mesh, 1.0, 1.0).is_none());
    let near = view.project(mesh.world(Point::new(0.9, 0.0)).unwrap());
    let far = view.project(mesh.world(Point::new(-0.9, 0.0)).unwrap());
    assert!(near.w > far.w, "+x is nearer from azimuth 0");
}

/// Decodes a PNG into (width, height, RGBA).
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn differing(a: &[u8], b: &[u8]) -> usize {
    a.chunks_exact(4)
        .zip(b.chunks_exact(4))
        .filter(|(p, q)| p.iter().zip(*q).any(|(x, y)| x.abs_diff(*y) > 24))
        .count()
}

/// Differing pixels allowed against the snapshot: float rounding on another machine (libm's
/// exp) may move an edge pixel or two, never a trajectory's dozens.
const TOLERANCE: usize = 8;

#[test]
fn the_saddle_lesson_in_3d_matches_its_snapshot_and_a_missing_run_breaks_it() {
    let scene = preset("saddle.json");
    let fig = Figure3d::of_scene(&scene, Canvas::new(480, 360), Camera::default()).unwrap();
    let png = view3d::to_png(&fig, None).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/render3d_saddle.png");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &png).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 creates it)", path.display()));
    let (w, h, want) = decode_png(&expected);
    let (w2, h2, got) = decode_png(&png);
    assert_eq!((w, h), (w2, h2));
    let n = differing(&want, &got);
    assert!(n <= TOLERANCE, "{n} pixels differ from {}", path.display());
    // A missing run breaks it. Runs of one lesson overlap (GD without noise runs under the noisy
    // one and under Newton along the ridge), so not every run shows; those on top do.
    let mut breaking = Vec::new();
    for k in 0..fig.sheet.tracks.len() {
        let mut less =
            Figure3d::of_scene(&scene, Canvas::new(480, 360), Camera::default()).unwrap();
        let t = less.sheet.tracks.remove(k);
        let (_, _, without) = decode_png(&view3d::to_png(&less, None).unwrap());
        if differing(&want, &without) > TOLERANCE {
            breaking.push((t.label, t.points[0]));
        }
    }
    assert!(breaking.len() >= 6, "only {breaking:?} break the snapshot");
    let escaping = ("Saddle-free Newton".to_owned(), Point::new(1.8, 0.001));
    assert!(breaking.contains(&escaping), "{breaking:?}");
}

#[test]
fn the_svg_draws_only_the_visible_pieces_as_paths() {
    let scene = preset("saddle.json");
    let fig = Figure3d::of_scene(&scene, Canvas::new(640, 480), Camera::default()).unwrap();
    let svg = view3d::to_svg(&fig, None).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    assert!(doc.descendants().any(|n| n.attribute("id") == Some("surface")), "the surface image");
    let paths = doc.descendants().filter(|n| n.attribute("class") == Some("trajectory")).count();
    assert!(paths >= 5, "{paths} trajectory paths");
    assert!(svg.contains("A saddle"), "the title as text");
}

#[test]
fn render_view_3d_writes_png_svg_and_orbit_gif_and_refuses_nonsense() {
    let dir = std::env::temp_dir().join(format!("losscape-view3d-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/saddle.json");
    let exe = env!("CARGO_BIN_EXE_losscape");
    let run = |extra: &[&str], out: &Path| {
        std::process::Command::new(exe)
            .args(["render", "--scene"])
            .arg(&scene)
            .args(["--view", "3d", "--size", "320x240"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let png = dir.join("a.png");
    let o = run(&["--azimuth", "30", "--elevation", "45"], &png);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (w, h, _) = decode_png(&std::fs::read(&png).unwrap());
    assert_eq!((w, h), (320, 240));
    // A cloud in 3-D: its dots on the surface.
    let o = run(&["--cloud", "300"], &png);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let gif = dir.join("a.gif");
    let o = run(&["--orbit", "--frames", "6"], &gif);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("6 frames"));
    let o = run(&["--elevation", "120"], &png);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("-90 to 90"));
    let o = run(&["--orbit"], &png);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".gif"));
}

#[test]
fn a_scene_carries_its_projection_and_an_old_scene_loads_as_a_map() {
    let mut scene = preset("saddle.json");
    assert_eq!(scene.view.projection.mode, ViewMode::Map);
    scene.view.projection.mode = ViewMode::Surface;
    scene.view.projection.azimuth = 12.5;
    let back = Scene::from_json(&scene.to_json(), "test").unwrap();
    assert_eq!(back.view.projection, scene.view.projection);
    scene.view.projection.elevation = 91.0;
    let err = Scene::from_json(&scene.to_json(), "test").unwrap_err().to_string();
    assert!(err.contains("elevation"), "{err}");
}

#[test]
fn v_toggles_the_3d_view_and_a_drag_orbits_it() {
    use egui::Key;
    let mut h = common::harness(preset("saddle.json"));
    h.key_press(Key::V);
    h.run_steps(2);
    assert_eq!(h.state().scene.view.projection.mode, ViewMode::Surface);
    let rect = h.state().panels.view3d.rect.expect("the 3-D view was drawn");
    let before = h.state().panels.view3d.camera;
    let from = rect.center();
    let to = from + egui::vec2(100.0, 40.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for k in 1..=5 {
        h.hover_at(from + (to - from) * (k as f32 / 5.0));
        h.step();
    }
    h.drop_at(to);
    h.run_steps(2);
    let after = h.state().panels.view3d.camera;
    assert!(after.azimuth < before.azimuth - 10.0, "{before:?} → {after:?}");
    assert!(after.elevation > before.elevation + 5.0, "{before:?} → {after:?}");
    // The scene remembers the angles.
    assert_eq!(h.state().scene.view.projection.azimuth, after.azimuth);
    // A click on the surface adds a start point there (once a frame has been drawn: the
    // picture is drawn in the background).
    h.state_mut().panels.view3d.settle();
    h.run_steps(2);
    assert!(h.state().panels.view3d.full_frames > 0, "a frame was drawn and shown");
    let starts = h.state().scene.starts.len();
    let at = rect.center();
    h.hover_at(at);
    h.step();
    h.drag_at(at);
    h.step();
    h.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run_steps(2);
    assert_eq!(h.state().scene.starts.len(), starts + 1, "a click on the surface adds a start");
    // V again: both side by side; once more: back to the map.
    h.key_press(Key::V);
    h.run_steps(2);
    assert_eq!(h.state().scene.view.projection.mode, ViewMode::Both);
    h.key_press(Key::V);
    h.run_steps(2);
    assert_eq!(h.state().scene.view.projection.mode, ViewMode::Map);
}
