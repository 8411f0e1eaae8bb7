//! Headless figures: `losscape render` and the figure painters, with no display and no GPU.
//! Deterministic pixels, a PNG snapshot of a lecture figure, SVG that a real XML parser reads
//! with the trajectories as paths, a GIF with one frame per step range, and clear errors.
//!
//! Regenerate the snapshot with `UPDATE_GOLDEN=1 cargo test --test render`, then look at it.

use std::path::{Path, PathBuf};
use std::process::Command;

use losscape::figure::anim::{Animation, to_gif};
use losscape::figure::svg::{Layers, to_svg};
use losscape::figure::{Figure, Layout, raster};
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
        raster::to_png(&Figure::of_scene(&scene, Layout::new(640, 480)).unwrap(), None).unwrap();
    let b =
        raster::to_png(&Figure::of_scene(&scene, Layout::new(640, 480)).unwrap(), None).unwrap();
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

#[test]
fn a_lecture_figure_matches_its_snapshot() {
    let scene = preset("saddle.json");
    let fig = Figure::of_scene(&scene, Layout::new(480, 360)).unwrap();
    let png = raster::to_png(&fig, None).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/render_saddle.png");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &png).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 creates it)", path.display()));
    let (w, h, want) = decode_png(&expected);
    let (w2, h2, got) = decode_png(&png);
    assert_eq!((w, h), (w2, h2));
    // Anti-aliasing and float rounding may move an edge by a pixel on another machine; a
    // changed figure (a missing trajectory, legend or axis, another colour map) changes far
    // more than 1% of the pixels.
    let differing = want
        .chunks_exact(4)
        .zip(got.chunks_exact(4))
        .filter(|(a, b)| a.iter().zip(*b).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let fraction = differing as f64 / f64::from(w * h);
    assert!(
        fraction < 0.01,
        "{:.2}% of the pixels differ from {}",
        100.0 * fraction,
        path.display()
    );
}

#[test]
fn the_trajectories_are_drawn_where_the_runs_go() {
    // A figure with only its tracks differs from one with none exactly along the trajectories.
    let scene = preset("plateau.json");
    let fig = Figure::of_scene(&scene, Layout::new(600, 450)).unwrap();
    let with = raster::render(&fig, None).unwrap();
    let mut bare = fig.clone();
    bare.tracks.clear();
    bare.starts.clear();
    let without = raster::render(&bare, None).unwrap();
    let changed = |x: f64, y: f64| {
        let (x, y) = (x.round() as u32, y.round() as u32);
        with.pixel(x, y) != without.pixel(x, y)
    };
    for track in &fig.tracks {
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
    let fig = Figure::of_scene(&scene, Layout::new(800, 600)).unwrap();
    let svg = to_svg(&fig, None, Layers::ALL).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("width"), Some("800"));
    let paths: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "path" && n.attribute("class") == Some("trajectory"))
        .collect();
    let moving = fig.tracks.iter().filter(|t| t.points.len() > 1).count();
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
    for (label, _) in &fig.legend {
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
        let fig = Figure::of_scene(&scene, Layout::new(900, 700)).unwrap();
        let svg = to_svg(&fig, None, Layers::ALL).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let Some(legend) = doc.descendants().find(|n| n.attribute("id") == Some("legend")) else {
            continue;
        };
        let rect = legend.children().find(|n| n.tag_name().name() == "rect").unwrap();
        let num = |a: &str| rect.attribute(a).unwrap().parse::<f64>().unwrap();
        let (x, y, w, h) = (num("x"), num("y"), num("width"), num("height"));
        for &start in &fig.starts {
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
    let fig = Figure::of_scene(&scene, Layout::new(320, 240)).unwrap();
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
