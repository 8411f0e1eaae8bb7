//! Headless figures: `losscape render` and the figure painters, with no display and no GPU.
//! Deterministic pixels, a PNG snapshot of a lecture figure (compared pixel by pixel, forgiving a
//! moved edge but not a missing line), SVG that a real XML parser reads
//! with the trajectories as paths, a GIF with one frame per step range, and clear errors.
//!
//! Regenerate the snapshot with `UPDATE_GOLDEN=1 cargo test --test render`, then look at it.

use std::path::{Path, PathBuf};
use std::process::Command;

use losscape::figure::anim::{Animation, to_gif};
use losscape::figure::svg::{Layers, to_svg};
use losscape::figure::{Canvas, Figure, raster};
use losscape::scene::{PRESETS, Scene};

fn preset(file: &str) -> Scene {
    PRESETS.iter().find(|p| p.file == file).expect("a preset").scene().expect("it loads")
}

/// Decodes a PNG into (width, height, RGBA).
fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    buf.truncate(info.buffer_size());
    assert_eq!(info.color_type, png::ColorType::Rgba);
    (info.width, info.height, buf)
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("losscape-render-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn the_same_inputs_give_the_same_pixels() {
    let scene = preset("saddle.json");
    let a =
        raster::to_png(&Figure::of_scene(&scene, Canvas::new(640, 480)).unwrap(), None).unwrap();
    let b =
        raster::to_png(&Figure::of_scene(&scene, Canvas::new(640, 480)).unwrap(), None).unwrap();
    assert_eq!(a, b, "two renders of one scene differ");
    let (w, h, rgba) = decode_png(&a);
    assert_eq!((w, h), (640, 480));
    // Not a blank image: the heatmap has many colours.
    let mut colours: Vec<[u8; 4]> =
        rgba.chunks_exact(4).map(|p| [p[0], p[1], p[2], p[3]]).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(colours.len() > 200, "only {} colours", colours.len());
}

/// How far a channel may be off and still match (anti-aliasing on another machine).
const CHANNEL_TOLERANCE: u8 = 24;
/// The side of the tiles in which differences are counted.
const TILE: usize = 16;
/// The most unmatched pixels allowed in the whole image, and in any one tile.
const MAX_UNMATCHED: (usize, usize) = (24, 8);

/// Whether pixel `k` of `a` has a pixel within one of its place in `b` (3 × 3) that is within
/// [`CHANNEL_TOLERANCE`] in every channel.
fn matched_near(a: &[u8], b: &[u8], w: usize, h: usize, (x, y): (usize, usize)) -> bool {
    let p = &a[4 * (y * w + x)..][..4];
    (y.saturating_sub(1)..=(y + 1).min(h - 1)).any(|v| {
        (x.saturating_sub(1)..=(x + 1).min(w - 1)).any(|u| {
            let q = &b[4 * (v * w + u)..][..4];
            p.iter().zip(q).all(|(s, t)| s.abs_diff(*t) <= CHANNEL_TOLERANCE)
        })
    })
}

/// Compares two `w × h` RGBA images the way a snapshot must: an edge that moved by a pixel, or a
/// colour a little off, is the same figure; a missing line is not. A pixel is *unmatched* when
/// no pixel within one of its place in the other image is within [`CHANNEL_TOLERANCE`] of it
/// (checked both ways, so a line missing from either image counts). The images differ when more
/// than [`MAX_UNMATCHED`] pixels are unmatched in all, or in any one [`TILE`]² tile. A missing
/// trajectory of the saddle lesson leaves 35 to 550 pixels unmatched, 12 to 90 in its worst tile
/// (a whole-image fraction drowned that in the 99.7 % that did not change); the render on the
/// machine that made the snapshot leaves none.
fn compare_snapshots(want: &[u8], got: &[u8], w: usize, h: usize) -> Result<(), String> {
    assert_eq!((want.len(), got.len()), (4 * w * h, 4 * w * h));
    let (tiles_x, tiles_y) = (w.div_ceil(TILE), h.div_ceil(TILE));
    let mut per_tile = vec![0usize; tiles_x * tiles_y];
    for y in 0..h {
        for x in 0..w {
            if !matched_near(want, got, w, h, (x, y)) || !matched_near(got, want, w, h, (x, y)) {
                per_tile[(y / TILE) * tiles_x + x / TILE] += 1;
            }
        }
    }
    let total: usize = per_tile.iter().sum();
    let (worst, tile) = per_tile.iter().enumerate().map(|(k, n)| (*n, k)).max().unwrap_or((0, 0));
    if total > MAX_UNMATCHED.0 || worst > MAX_UNMATCHED.1 {
        return Err(format!(
            "{total} pixels have no match within one pixel (at most {} allowed); the worst \
             {TILE}×{TILE} tile, at ({}, {}), has {worst} (at most {})",
            MAX_UNMATCHED.0,
            (tile % tiles_x) * TILE,
            (tile / tiles_x) * TILE,
            MAX_UNMATCHED.1
        ));
    }
    Ok(())
}

/// The snapshot's figure: the saddle lesson at 480 × 360.
fn snapshot_figure() -> Figure {
    Figure::of_scene(&preset("saddle.json"), Canvas::new(480, 360)).unwrap()
}

fn golden_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/render_saddle.png")
}

/// The stored snapshot, decoded.
fn golden() -> (u32, u32, Vec<u8>) {
    let path = golden_path();
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 creates it)", path.display()));
    decode_png(&expected)
}

#[test]
fn a_lecture_figure_matches_its_snapshot() {
    let png = raster::to_png(&snapshot_figure(), None).unwrap();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(golden_path(), &png).unwrap();
        return;
    }
    let (w, h, want) = golden();
    let (w2, h2, got) = decode_png(&png);
    assert_eq!((w, h), (w2, h2));
    if let Err(e) = compare_snapshots(&want, &got, w as usize, h as usize) {
        panic!("the render differs from {}: {e}", golden_path().display());
    }
}

#[test]
fn the_snapshot_sees_one_missing_trajectory_and_forgives_a_moved_edge() {
    let fig = snapshot_figure();
    let (w, h, want) = golden();
    let (w, h) = (w as usize, h as usize);
    // Without any one of its trajectories the figure no longer matches, each of them a few
    // hundredths to a third of a percent of the pixels. A trajectory drawn over completely by
    // a later one changes no pixel by more than the anti-aliasing does, and no comparison of
    // pictures can see it go: in this lesson that is GD from (1.8, 0.001), under the noisy GD
    // from the same start. Every other is checked.
    assert!(fig.sheet.tracks.len() >= 10, "{} tracks", fig.sheet.tracks.len());
    let mut checked = 0;
    for k in 0..fig.sheet.tracks.len() {
        let mut without = fig.clone();
        let gone = without.sheet.tracks.remove(k);
        let (_, _, got) = decode_png(&raster::to_png(&without, None).unwrap());
        let visible = want
            .chunks_exact(4)
            .zip(got.chunks_exact(4))
            .any(|(a, b)| a.iter().zip(b).any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE));
        if !visible {
            continue;
        }
        checked += 1;
        assert!(
            compare_snapshots(&want, &got, w, h).is_err(),
            "the snapshot did not notice that track {k} ({} from {:?}) is missing",
            gone.label,
            gone.points[0]
        );
    }
    assert!(checked + 1 >= fig.sheet.tracks.len(), "only {checked} tracks could be seen to go");
    // The whole picture one pixel to the right (every edge moved) still matches.
    let mut shifted = want.clone();
    for row in shifted.chunks_exact_mut(4 * w) {
        row.copy_within(0..4 * (w - 1), 4);
    }
    compare_snapshots(&want, &shifted, w, h).expect("an edge moved by a pixel is the same figure");
    // And so does a colour a little off everywhere.
    let tinted: Vec<u8> = want.iter().map(|c| c.saturating_add(10)).collect();
    compare_snapshots(&want, &tinted, w, h).expect("a colour 10/255 off is the same figure");
}

#[test]
fn the_trajectories_are_drawn_where_the_runs_go() {
    // A figure with only its tracks differs from one with none exactly along the trajectories.
    let scene = preset("plateau.json");
    let fig = Figure::of_scene(&scene, Canvas::new(600, 450)).unwrap();
    let with = raster::render(&fig, None).unwrap();
    let mut bare = fig.clone();
    bare.sheet.tracks.clear();
    bare.sheet.starts.clear();
    let without = raster::render(&bare, None).unwrap();
    let changed = |x: f64, y: f64| {
        let (x, y) = (x.round() as u32, y.round() as u32);
        with.pixel(x, y) != without.pixel(x, y)
    };
    for track in &fig.sheet.tracks {
        let end = *track.points.last().unwrap();
        let (x, y) = fig.to_px(end);
        if fig.view.contains(end) {
            assert!(changed(x, y), "{} ends at {end:?} but nothing is drawn there", track.label);
        }
    }
}

#[test]
fn svg_is_xml_with_the_trajectories_as_paths() {
    let scene = preset("saddle.json");
    let fig = Figure::of_scene(&scene, Canvas::new(800, 600)).unwrap();
    let svg = to_svg(&fig, None, Layers::ALL).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("800"));
    let paths: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "path" && n.attribute("class") == Some("trajectory"))
        .collect();
    let moving = fig.sheet.tracks.iter().filter(|t| t.points.len() > 1).count();
    assert_eq!(paths.len(), moving, "one path per trajectory that moves");
    for p in &paths {
        let d = p.attribute("d").unwrap();
        assert!(d.starts_with('M') && d.contains('L'), "path data {d:.40}");
    }
    assert!(
        doc.descendants().any(|n| n.tag_name().name() == "image"
            && n.attribute(("http://www.w3.org/1999/xlink", "href"))
                .is_some_and(|h| h.starts_with("data:image/png;base64,"))),
        "the heatmap is embedded as a PNG"
    );
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .filter_map(|n| n.text().map(str::to_owned))
        .collect();
    for (label, _) in &fig.sheet.legend {
        assert!(texts.contains(label), "the legend names {label}");
    }
    assert!(texts.contains(&scene.title), "the title is text");
    assert!(texts.iter().any(|t| t == "0"), "tick labels are text");
    // It renders: rasterised, it is not blank.
    let pixmap = raster::rasterize_svg(&svg, 0.5).unwrap();
    assert_eq!((pixmap.width(), pixmap.height()), (400, 300));
}

#[test]
fn the_legend_hides_no_start_point_in_any_lesson() {
    for preset in PRESETS {
        let scene = preset.scene().unwrap();
        let fig = Figure::of_scene(&scene, Canvas::new(900, 700)).unwrap();
        let svg = to_svg(&fig, None, Layers::ALL).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let Some(legend) = doc.descendants().find(|n| n.attribute("id") == Some("legend")) else {
            continue;
        };
        let rect = legend.children().find(|n| n.tag_name().name() == "rect").unwrap();
        let num = |a: &str| rect.attribute(a).unwrap().parse::<f64>().unwrap();
        let (x, y, w, h) = (num("x"), num("y"), num("width"), num("height"));
        for &start in &fig.sheet.starts {
            let (px, py) = fig.to_px(start);
            assert!(
                !((x..=x + w).contains(&px) && (y..=y + h).contains(&py)),
                "{}: the legend at ({x}, {y}) {w}×{h} hides the start {start:?}",
                preset.file
            );
        }
    }
}

#[test]
fn a_gif_has_one_frame_per_step_range() {
    let scene = preset("plateau.json");
    let fig = Figure::of_scene(&scene, Canvas::new(320, 240)).unwrap();
    let anim = Animation { from: 0, to: 120, frames: 7, fps: 10.0 };
    let mut bytes = Vec::new();
    let written = to_gif(&fig, &anim, &mut bytes).unwrap();
    assert_eq!(written, 7);
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options.read_info(std::io::Cursor::new(&bytes)).expect("a GIF");
    assert_eq!((decoder.width(), decoder.height()), (320, 240));
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().expect("a frame") {
        assert_eq!(frame.delay, if frames.len() == 6 { 150 } else { 10 });
        frames.push(frame.buffer.to_vec());
    }
    assert_eq!(frames.len(), 7, "one frame per step range");
    assert_ne!(frames[0], frames[6], "the runs move between the first and the last frame");
    assert!(to_gif(&fig, &Animation { fps: f64::NAN, ..anim }, &mut Vec::new()).is_err());
    assert!(to_gif(&fig, &Animation { frames: 0, ..anim }, &mut Vec::new()).is_err());
}

#[test]
fn a_gif_written_a_frame_at_a_time_is_the_gif_written_whole() {
    use losscape::figure::anim::GifSteps;
    let scene = preset("plateau.json");
    let fig = Figure::of_scene(&scene, Canvas::new(320, 240)).unwrap();
    let anim = Animation { from: 0, to: 120, frames: 7, fps: 10.0 };
    let mut whole = Vec::new();
    to_gif(&fig, &anim, &mut whole).unwrap();
    let mut gif = GifSteps::new(&fig, &anim, Vec::new()).unwrap();
    assert_eq!(gif.count(), 7);
    let mut calls: usize = 1;
    while !gif.advance(&fig, 1).unwrap() {
        calls += 1;
        // The still layers, the last frame, the palette, the header; then each frame painted,
        // indexed and encoded in a call each (the last was painted before the palette).
        assert_eq!(gif.written(), calls.saturating_sub(5) / 3, "call {calls}");
    }
    assert_eq!(calls, 4 + 3 * 6 + 2);
    let sliced = gif.finish().unwrap();
    assert!(sliced.len() > 1000, "frames were written: {} bytes", sliced.len());
    assert!(sliced == whole, "the same bytes however the GIF is cut");
}

fn losscape(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_losscape")).args(args).output().expect("the binary runs")
}

#[test]
fn render_writes_png_svg_and_gif() {
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/rosenbrock.json");
    let scene = scene.to_str().unwrap();
    for (name, magic) in [("a.png", &b"\x89PNG"[..]), ("a.svg", b"<svg"), ("a.gif", b"GIF89a")] {
        let out = tmp(name);
        let o = losscape(&[
            "render",
            "--scene",
            scene,
            "--out",
            out.to_str().unwrap(),
            "--size",
            "400x300",
            "--frames",
            "5",
        ]);
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(magic), "{name} starts with {:?}", &bytes[..8]);
    }
    let out = tmp("flags.png");
    let o = losscape(&[
        "render",
        "--surface",
        "rosenbrock",
        "--log-scale",
        "--optimizer",
        "adam:lr=0.05",
        "--optimizer",
        "adam:lr=0.01",
        "--start=-1.5,2",
        "--start",
        "1,-0.5",
        "--steps",
        "50",
        "--size",
        "400x300",
        "--density",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (w, h, _) = decode_png(&std::fs::read(&out).unwrap());
    assert_eq!((w, h), (800, 600), "density 2 doubles the pixels");
    assert!(String::from_utf8_lossy(&o.stdout).contains("4 trajectories"));
}

#[test]
fn bad_render_inputs_are_clear_errors_and_write_nothing() {
    let out = tmp("never.png");
    let out = out.to_str().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (
            &["--surface", "rosenbrock", "--optimizer", "adam", "--start", "0,0", "--out", "x.bmp"],
            ".png, .svg or .gif",
        ),
        (&["--surface", "nope", "--optimizer", "adam", "--start", "0,0", "--out", out], "nope"),
        (&["--formula", "x^", "--optimizer", "adam", "--start", "0,0", "--out", out], "column"),
        (
            &["--surface", "saddle", "--optimizer", "adam:lr=-1", "--start", "0,0", "--out", out],
            "lr",
        ),
        (
            &[
                "--surface",
                "saddle",
                "--optimizer",
                "adam",
                "--start",
                "0,0",
                "--size",
                "10x10",
                "--out",
                out,
            ],
            "160",
        ),
        (&["--scene", "/no/such/scene.json", "--out", out], "/no/such/scene.json"),
        (
            &[
                "--surface",
                "saddle",
                "--optimizer",
                "adam",
                "--start",
                "0,0",
                "--colormap",
                "rainbow",
                "--out",
                out,
            ],
            "rainbow",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["render"];
        all.extend_from_slice(args);
        let o = losscape(&all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(err.contains(needle), "{args:?}: the message names '{needle}': {err}");
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    }
    assert!(!Path::new(out).exists(), "a failed render writes no file");
}

#[test]
fn flags_given_with_a_scene_override_its_values() {
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/plateau.json");
    let scene = scene.to_str().unwrap();
    let svg = |name: &str, extra: &[&str]| -> String {
        let out = tmp(name);
        let mut args = vec!["render", "--scene", scene, "--size", "400x300", "--out"];
        args.push(out.to_str().unwrap());
        args.extend_from_slice(extra);
        let o = losscape(&args);
        assert!(o.status.success(), "{extra:?}: {}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(&out).unwrap()
    };
    let plain = svg("scene.svg", &[]);
    assert!(plain.contains(">RMSProp<"), "the scene's optimizers");
    let overridden = svg(
        "overridden.svg",
        &["--optimizer", "adam:lr=0.2", "--start=-1,1", "--steps", "20", "--title", "mine"],
    );
    assert!(!overridden.contains(">RMSProp<"), "only --optimizer");
    assert!(overridden.contains(">Adam<") && overridden.contains(">mine<"));
    // Another surface replaces the scene's, with its own domain.
    let other = svg("other.svg", &["--surface", "himmelblau"]);
    assert_ne!(other, plain);
    assert!(
        other.contains("Himmelblau") || other.contains("himmelblau"),
        "the new surface's title"
    );
}

/// `render --no-legend` leaves the legend out of the 2-D and the 3-D figure, and only it: the
/// runs are still drawn; without the flag the legend names every optimizer.
#[test]
fn no_legend_leaves_out_the_legend_and_nothing_else() {
    let dir = std::env::temp_dir().join(format!("losscape-no-legend-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scene = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/saddle.json");
    let labels: Vec<String> = Figure::of_scene(&preset("saddle.json"), Canvas::new(640, 480))
        .unwrap()
        .sheet
        .legend
        .into_iter()
        .map(|(label, _)| label)
        .collect();
    assert!(labels.len() >= 3, "the lesson has several optimizers: {labels:?}");
    for view in ["2d", "3d"] {
        let svg = |extra: &[&str]| {
            let out = dir.join(format!("{view}-{}.svg", extra.len()));
            let o = Command::new(env!("CARGO_BIN_EXE_losscape"))
                .args(["render", "--scene"])
                .arg(&scene)
                .args(["--view", view, "--size", "640x480", "--out"])
                .arg(&out)
                .args(extra)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            std::fs::read_to_string(&out).unwrap()
        };
        let with = svg(&[]);
        let without = svg(&["--no-legend"]);
        let texts = |svg: &str| {
            let doc = roxmltree::Document::parse(svg).unwrap();
            // Visible text only: a run's tooltip (its <title>) names it too.
            doc.descendants()
                .filter(|n| n.tag_name().name() == "text")
                .filter_map(|n| n.text())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let runs = |svg: &str| svg.matches(r#"class="trajectory""#).count();
        for label in &labels {
            assert!(texts(&with).iter().any(|t| t == label), "{view}: the legend names {label}");
            assert!(!texts(&without).iter().any(|t| t == label), "{view}: no legend row {label}");
        }
        assert!(runs(&without) > 0 && runs(&without) == runs(&with), "{view}: the runs stay");
    }
}
