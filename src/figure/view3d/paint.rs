//! The 3-D figure as files: PNG (the rasterised surface and runs, with the title, legend and
//! axis names drawn over it by resvg), SVG (the surface as an embedded image; the runs' visible
//! pieces, heads, start points and all text as vectors) and GIF (the runs growing, or the
//! camera turning a full circle).

use std::fmt::Write as _;
use std::io::Write;

use base64::Engine;
use color_quant::NeuQuant;
use resvg::tiny_skia::{Pixmap, PixmapPaint, Transform};

use super::raster::{CloudRef, Marks, PathRef, Renderer, TrackRef};
use super::{Camera, DEFAULT_MESH, Mesh3d};
use crate::field::FieldStyle;
use crate::figure::raster::{draw_svg, encode_rgba_png, png_bytes};
use crate::figure::svg::{critical_style, escape, hex, marker};
use crate::figure::{
    CloudFrames, FigureError, Frame, Layout, MAX_SIDE, Track, legend_labels, simulate_scene,
};
use crate::scene::{Rgb, Scene, SurfaceChoice};
use crate::sim::{CriticalKind, CriticalPoint, Point, SurfaceDef, critical_points};

/// Room above the 3-D frame for the title (and caption).
const TOP_TITLE: f64 = 40.0;
const TOP_CAPTION: f64 = 62.0;
/// A saddle's directions in the legend.
const DIRECTIONS: [&str; 2] = ["escape direction (λ < 0)", "attracting direction (λ > 0)"];
/// The font stack of every text (as the 2-D figures).
const FONT: &str = "Ubuntu, 'Helvetica Neue', Arial, sans-serif";

/// Everything a 3-D picture of a scene shows.
#[derive(Debug)]
pub struct Figure3d {
    /// Width in logical pixels.
    pub width: u32,
    /// Height in logical pixels.
    pub height: u32,
    /// Device pixels per logical pixel of raster output.
    pub density: f32,
    /// Title line.
    pub title: String,
    /// Caption under the title; may be empty.
    pub caption: String,
    /// Where the 3-D view sits in the figure (logical pixels).
    pub frame: Frame,
    /// The surface mesh.
    pub mesh: Mesh3d,
    /// The camera.
    pub camera: Camera,
    /// Trajectories, in legend order.
    pub tracks: Vec<Track>,
    /// Start points.
    pub starts: Vec<Point>,
    /// Critical points (when the scene shows them).
    pub critical: Vec<CriticalPoint>,
    /// Legend entries.
    pub legend: Vec<(String, Rgb)>,
    /// A cloud of runs, drawn on the surface at the step shown (its newest frame at or before
    /// it).
    pub cloud: Option<CloudFrames>,
    /// The names of the two plane axes: x and y, or α and β on a network's slice.
    pub axes: [String; 2],
}

impl Figure3d {
    /// The 3-D figure of `scene` with `tracks`, seen from `camera`, its surface on a `mesh × mesh`
    /// grid of vertices.
    ///
    /// # Errors
    /// [`FigureError::Size`] for a size outside 64 to [`MAX_SIDE`] device pixels a side (160 × 120
    /// logical at least), [`FigureError::Field`] when the mesh cannot be made.
    pub fn new(
        scene: &Scene,
        surface: &SurfaceDef,
        tracks: Vec<Track>,
        layout: Layout,
        camera: Camera,
        mesh: usize,
    ) -> Result<Self, FigureError> {
        let Layout { width, height, density, .. } = layout;
        let device = |v: u32| f64::from(v) * f64::from(density);
        let side_ok = |v: u32| (64.0..=f64::from(MAX_SIDE)).contains(&device(v));
        if !(density.is_finite() && density > 0.0 && side_ok(width) && side_ok(height))
            || width < 160
            || height < 120
        {
            return Err(FigureError::Size { width, height, density });
        }
        let title = if scene.title.is_empty() {
            match &scene.surface {
                SurfaceChoice::Builtin(b) => b.name().to_owned(),
                SurfaceChoice::Formula(f) => format!("f(x, y) = {f}"),
                SurfaceChoice::Model(m) => m.label(),
                SurfaceChoice::Network(spec) => {
                    format!("{} slice of a trained {} network", spec.directions.name(), spec.net)
                }
            }
        } else {
            scene.title.clone()
        };
        let caption = scene.caption.clone();
        let top = if caption.is_empty() { TOP_TITLE } else { TOP_CAPTION };
        let frame =
            Frame { x: 0.0, y: top, w: f64::from(width), h: (f64::from(height) - top).max(1.0) };
        let style = FieldStyle {
            colormap: scene.view.colormap,
            log_scale: scene.view.log_scale,
            contour_count: if scene.view.contour_lines { scene.view.contours } else { 0 },
        };
        let mesh = Mesh3d::new(surface, scene.domain(), mesh, &style)?;
        let critical = if scene.view.critical_points {
            critical_points(surface, &scene.domain())
        } else {
            Vec::new()
        };
        let legend = scene
            .optimizers
            .iter()
            .zip(legend_labels(scene))
            .filter(|(o, _)| o.enabled)
            .map(|(o, label)| (label, o.color))
            .collect();
        let mut fig = Self {
            width,
            height,
            density,
            title,
            caption,
            frame,
            mesh,
            camera,
            tracks,
            starts: scene.start_points().collect(),
            critical,
            legend,
            cloud: None,
            axes: crate::figure::axis_names(surface).map(str::to_owned),
        };
        // The legend in a column of its own, right of the surface, so it hides nothing.
        if let Some((w, _)) = fig.legend_size() {
            fig.frame.w = (fig.frame.w - w - 20.0).max(0.5 * fig.frame.w);
        }
        Ok(fig)
    }

    /// The figure as the command line draws it: simulate, then lay out, on a
    /// [`DEFAULT_MESH`]² mesh (more for large figures).
    ///
    /// # Errors
    /// As [`Figure3d::new`], and [`FigureError::Formula`] for a formula that does not parse.
    pub fn of_scene(scene: &Scene, layout: Layout, camera: Camera) -> Result<Self, FigureError> {
        let surface = scene.surface.resolve()?;
        let mut tracks = simulate_scene(scene, &surface)?;
        let side = f64::from(layout.width.max(layout.height)) * f64::from(layout.density);
        let mesh = ((side / 6.0) as usize).clamp(DEFAULT_MESH, 256);
        let path = crate::figure::training_path(&surface);
        let mut fig = Self::new(scene, &surface, Vec::new(), layout, camera, mesh)?;
        if let Some(path) = path {
            fig.legend.insert(0, (path.label.clone(), path.color));
            tracks.insert(0, path);
        }
        fig.tracks = tracks;
        Ok(fig)
    }

    /// The last step any track (or the cloud) reaches.
    pub fn last_step(&self) -> usize {
        let cloud = self.cloud.as_ref().map_or(0, |c| c.last);
        self.tracks.iter().map(|t| t.points.len().saturating_sub(1)).max().unwrap_or(0).max(cloud)
    }

    /// The frame's size in device pixels.
    fn device_frame(&self) -> (usize, usize, usize, usize) {
        let d = f64::from(self.density);
        (
            (self.frame.x * d).round() as usize,
            (self.frame.y * d).round() as usize,
            ((self.frame.w * d).round() as usize).max(1),
            ((self.frame.h * d).round() as usize).max(1),
        )
    }

    /// A renderer set up for this figure (white background, lines scaled by the density).
    pub fn renderer(&self) -> Renderer {
        let mut r = Renderer::new([255, 255, 255, 255]);
        r.scale = self.density;
        r
    }

    /// Draws the 3-D view with trajectories up to `step` (all for `None`) from `camera`; returns
    /// the frame's RGBA bytes and size.
    pub fn draw<'r>(
        &self,
        renderer: &'r mut Renderer,
        camera: &Camera,
        step: Option<usize>,
    ) -> (&'r [u8], usize, usize) {
        let (_, _, w, h) = self.device_frame();
        let refs: Vec<TrackRef<'_>> = self
            .tracks
            .iter()
            .map(|t| TrackRef {
                color: t.color,
                path: PathRef::Points(&t.points),
                diverged_at: t.diverged_at,
                whole: false,
            })
            .collect();
        let clouds: Vec<CloudRef<'_>> = self
            .cloud
            .as_ref()
            .and_then(|c| c.at(step.unwrap_or(usize::MAX)).next())
            .map(|frame| {
                // The first optimizer on top, as on the map.
                frame
                    .iter()
                    .rev()
                    .map(|(color, points)| CloudRef { color: *color, points })
                    .collect()
            })
            .unwrap_or_default();
        let marks = Marks {
            tracks: &refs,
            tracks_id: 0,
            step,
            starts: &self.starts,
            critical: &self.critical,
            clouds: &clouds,
        };
        (renderer.render(&self.mesh, camera, w, h, &marks), w, h)
    }

    /// The SVG of what is drawn over the 3-D image: title, caption, axis names and legend (in
    /// logical pixels).
    fn overlay_svg(&self, renderer: &Renderer, camera: &Camera, background: bool) -> String {
        let (w, h) = (self.width, self.height);
        let mut s = String::with_capacity(8 * 1024);
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT}">"#
        );
        if background {
            let _ = writeln!(s, r#"<rect id="background" width="{w}" height="{h}" fill="white"/>"#);
        }
        self.text(&mut s, renderer, camera);
        s
    }

    fn text(&self, s: &mut String, renderer: &Renderer, camera: &Camera) {
        let _ = writeln!(
            s,
            r##"<text id="title" x="16" y="26" font-size="19" font-weight="bold" fill="#111">{}</text>"##,
            escape(&self.title)
        );
        if !self.caption.is_empty() {
            let _ = writeln!(
                s,
                r##"<text id="caption" x="16" y="50" font-size="14" fill="#444">{}</text>"##,
                escape(&self.caption)
            );
        }
        // Axis names beyond the +x and +y edges: which way x and y grow.
        if let Some(view) = renderer.view() {
            let d = f64::from(self.density);
            // Beyond the middle of the domain's +x and +y edges, at the surface's height there.
            let d0 = self.mesh.domain;
            let (cx, cy) = (0.5 * (d0.x_min + d0.x_max), 0.5 * (d0.y_min + d0.y_max));
            s.push_str(r##"<g id="axes" font-size="16" font-style="italic" fill="#222" text-anchor="middle">"##);
            let [xname, yname] = &self.axes;
            for (name, edge) in
                [(xname, Point::new(d0.x_max, cy)), (yname, Point::new(cx, d0.y_max))]
            {
                let Some(mut p) = self.mesh.world(edge) else { continue };
                p[0] *= 1.12;
                p[1] *= 1.12;
                let q = view.project(p);
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{:.1}">{name}</text>"#,
                    self.frame.x + q.x / d,
                    self.frame.y + q.y / d + 5.0
                );
            }
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="13" font-style="normal" text-anchor="start" fill="#555">azimuth {:.0}°, elevation {:.0}°</text>"##,
                self.frame.x + 12.0,
                self.frame.y + self.frame.h - 12.0,
                camera.azimuth,
                camera.elevation
            );
            s.push_str("</g>\n");
        }
        self.legend(s);
        s.push_str("</svg>\n");
    }

    /// The kinds of critical points in the legend, and whether a saddle's directions are.
    fn legend_kinds(&self) -> (Vec<CriticalKind>, bool) {
        let mut kinds: Vec<CriticalKind> = self.critical.iter().map(|c| c.kind).collect();
        kinds.sort_by_key(|k| *k as u8);
        kinds.dedup();
        let saddle = kinds.contains(&CriticalKind::Saddle);
        (kinds, saddle)
    }

    /// The legend's width and height, if it has any rows.
    fn legend_size(&self) -> Option<(f64, f64)> {
        let (kinds, saddle) = self.legend_kinds();
        let rows = self.legend.len() + kinds.len() + if saddle { 2 } else { 0 };
        if rows == 0 {
            return None;
        }
        let longest = self
            .legend
            .iter()
            .map(|(l, _)| l.chars().count())
            .chain(kinds.iter().map(|k| critical_style(*k).1.len()))
            .chain(if saddle { DIRECTIONS.map(|n| n.chars().count()).to_vec() } else { Vec::new() })
            .max()
            .unwrap_or(0);
        Some((48.0 + 8.6 * longest as f64, 10.0 + 20.0 * rows as f64))
    }

    fn legend(&self, s: &mut String) {
        let (kinds, saddle) = self.legend_kinds();
        let Some((w, h)) = self.legend_size() else { return };
        let names = DIRECTIONS;
        let row_h = 20.0;
        let f = &self.frame;
        let (x, y) = (f.x + f.w + 8.0, f.y + 6.0);
        let _ = writeln!(
            s,
            r##"<g id="legend" font-size="14" fill="#f2f2f2"><rect x="{x:.2}" y="{y:.2}" width="{w:.2}" height="{h:.2}" rx="4" fill="#1e1e1e" fill-opacity="0.8" stroke="#666"/>"##
        );
        let mut row = 0usize;
        let mut cy = || {
            let v = y + 5.0 + row_h * (row as f64 + 0.5);
            row += 1;
            v
        };
        for (label, color) in &self.legend {
            let c = cy();
            let _ = writeln!(
                s,
                r#"<line x1="{:.2}" y1="{c:.2}" x2="{:.2}" y2="{c:.2}" stroke="{}" stroke-width="3"/><text x="{:.2}" y="{:.2}">{}</text>"#,
                x + 8.0,
                x + 30.0,
                hex(*color),
                x + 36.0,
                c + 5.0,
                escape(label)
            );
        }
        for kind in &kinds {
            let c = cy();
            let (color, name) = critical_style(*kind);
            let _ = writeln!(
                s,
                r#"<g stroke="black" stroke-width="1.5">{}</g><text x="{:.2}" y="{:.2}">{name}</text>"#,
                marker(*kind, x + 19.0, c, 5.5, &hex(color), name),
                x + 36.0,
                c + 5.0
            );
        }
        if saddle {
            for (name, color) in
                names.into_iter().zip([super::raster::ESCAPE, super::raster::ATTRACT])
            {
                let c = cy();
                let _ = writeln!(
                    s,
                    r#"<line x1="{:.2}" y1="{c:.2}" x2="{:.2}" y2="{c:.2}" stroke="{}" stroke-width="3"/><text x="{:.2}" y="{:.2}">{}</text>"#,
                    x + 8.0,
                    x + 30.0,
                    hex(color),
                    x + 36.0,
                    c + 5.0,
                    escape(name)
                );
            }
        }
        s.push_str("</g>\n");
    }

    /// The text layer as a transparent pixmap of the figure's device size.
    fn overlay(&self, renderer: &Renderer, camera: &Camera) -> Result<Pixmap, FigureError> {
        let (w, h) = device(self);
        let mut pixmap = Pixmap::new(w, h).ok_or(self.size_error())?;
        draw_svg(&mut pixmap, &self.overlay_svg(renderer, camera, false), self.density)?;
        Ok(pixmap)
    }

    fn size_error(&self) -> FigureError {
        FigureError::Size { width: self.width, height: self.height, density: self.density }
    }

    /// One raster frame: white, the 3-D view in its frame, the text layer over it.
    fn compose(&self, rgba: &[u8], overlay: &Pixmap) -> Result<Pixmap, FigureError> {
        let (w, h) = device(self);
        let mut pixmap = Pixmap::new(w, h).ok_or(self.size_error())?;
        pixmap.fill(resvg::tiny_skia::Color::WHITE);
        let (x0, y0, fw, fh) = self.device_frame();
        let stride = w as usize * 4;
        let data = pixmap.data_mut();
        for row in 0..fh {
            let y = y0 + row;
            if y >= h as usize {
                break;
            }
            let cols = fw.min((w as usize).saturating_sub(x0));
            let src = &rgba[row * fw * 4..row * fw * 4 + cols * 4];
            data[y * stride + x0 * 4..y * stride + (x0 + cols) * 4].copy_from_slice(src);
        }
        pixmap.draw_pixmap(
            0,
            0,
            overlay.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            None,
        );
        Ok(pixmap)
    }
}

fn device(fig: &Figure3d) -> (u32, u32) {
    let d = f64::from(fig.density);
    ((f64::from(fig.width) * d).round() as u32, (f64::from(fig.height) * d).round() as u32)
}

/// The 3-D figure with trajectories up to `step` (all for `None`) as a PNG file's bytes.
///
/// # Errors
/// [`FigureError::Size`] or [`FigureError::Paint`] if painting or encoding fails.
pub fn to_png(fig: &Figure3d, step: Option<usize>) -> Result<Vec<u8>, FigureError> {
    let mut renderer = fig.renderer();
    let camera = fig.camera;
    let (rgba, _, _) = fig.draw(&mut renderer, &camera, step);
    let rgba = rgba.to_vec();
    let overlay = fig.overlay(&renderer, &camera)?;
    png_bytes(&fig.compose(&rgba, &overlay)?)
}

/// The 3-D figure as an SVG document: the surface (with its contours, critical points and a
/// saddle's eigen-directions) as an embedded PNG; the trajectories' visible pieces, heads and
/// start points in sight, and every text, as vectors.
///
/// # Errors
/// [`FigureError::Paint`] if the image cannot be encoded.
pub fn to_svg(fig: &Figure3d, step: Option<usize>) -> Result<String, FigureError> {
    let mut renderer = fig.renderer();
    let camera = fig.camera;
    let (_, fw, fh) = {
        let (rgba, w, h) = fig.draw(&mut renderer, &camera, step);
        (rgba.len(), w, h)
    };
    let png = encode_rgba_png(renderer.surface_rgba(), fw as u32, fh as u32)?;
    let data = base64::engine::general_purpose::STANDARD.encode(png);
    let d = f64::from(fig.density);
    let f = fig.frame;
    let mut s = fig.overlay_svg(&renderer, &camera, true);
    // The text closes the document: take it off, put the picture under it.
    let text_at = s.find("<text id=\"title\"").unwrap_or(s.len());
    let text = s.split_off(text_at);
    let _ = writeln!(
        s,
        r#"<image id="surface" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" preserveAspectRatio="none" xlink:href="data:image/png;base64,{data}"/>"#,
        f.x, f.y, f.w, f.h
    );
    let to_fig = |p: [f64; 2]| (f.x + p[0] / d, f.y + p[1] / d);
    let last = step.unwrap_or(usize::MAX);
    s.push_str(r#"<g id="trajectories" fill="none" stroke-width="2.6" stroke-linejoin="round" stroke-linecap="round">"#);
    s.push('\n');
    let mut heads = String::new();
    for track in &fig.tracks {
        if track.points.is_empty() {
            continue;
        }
        let head = last.min(track.points.len() - 1);
        let path = PathRef::Points(&track.points);
        let color = hex(track.color);
        for piece in renderer.visible_pieces(&fig.mesh, &path, head) {
            if piece.len() < 2 {
                continue;
            }
            let mut dpath = String::with_capacity(piece.len() * 14);
            for (k, p) in piece.iter().enumerate() {
                let (x, y) = to_fig(*p);
                let _ = write!(dpath, "{}{x:.2} {y:.2}", if k == 0 { 'M' } else { 'L' });
            }
            let _ = writeln!(
                s,
                r#"<path class="trajectory" d="{dpath}" stroke="{color}"><title>{}</title></path>"#,
                escape(&track.label)
            );
        }
        if let Some((p, true)) = renderer.sight(&fig.mesh, track.points[head]) {
            let (x, y) = to_fig(p);
            let _ = writeln!(
                heads,
                r#"<circle class="head" cx="{x:.2}" cy="{y:.2}" r="5.5" fill="{color}" stroke="black" stroke-width="1.2"/>"#
            );
        }
    }
    s.push_str("</g>\n");
    s.push_str(&heads);
    s.push_str(r#"<g id="starts" fill="white" stroke="black" stroke-width="2">"#);
    for &p in &fig.starts {
        if let Some((q, true)) = renderer.sight(&fig.mesh, p) {
            let (x, y) = to_fig(q);
            let _ = write!(s, r#"<circle cx="{x:.2}" cy="{y:.2}" r="5"/>"#);
        }
    }
    s.push_str("</g>\n");
    if let Some(frame) = fig.cloud.as_ref().and_then(|c| c.at(last).next()) {
        s.push_str(r#"<g id="cloud" stroke="black" stroke-opacity="0.7" stroke-width="0.9">"#);
        for (color, points) in frame.iter().rev() {
            let color = hex(*color);
            for &p in points {
                if let Some((q, true)) = renderer.sight(&fig.mesh, p) {
                    let (x, y) = to_fig(q);
                    let _ =
                        write!(s, r#"<circle cx="{x:.2}" cy="{y:.2}" r="2.4" fill="{color}"/>"#);
                }
            }
        }
        s.push_str("</g>\n");
    }
    s.push_str(&text);
    Ok(s)
}

/// Writes a looping GIF of the runs growing (at most `frames` frames at `fps`); returns the
/// number of frames.
///
/// # Errors
/// [`FigureError::Paint`] for bad frame counts or rates or a too-large GIF, [`FigureError::Io`]
/// if writing fails.
pub fn to_gif<W: Write>(
    fig: &Figure3d,
    frames: usize,
    fps: f64,
    out: W,
) -> Result<usize, FigureError> {
    let anim =
        crate::figure::anim::Animation { from: 0, to: fig.last_step(), frames: frames.max(1), fps };
    let steps = anim.steps(fig.last_step());
    let camera = fig.camera;
    gif_frames(fig, frames, fps, out, steps.iter().map(|&s| (camera, Some(s))).collect())
}

/// Writes a looping GIF of the camera turning a full circle around the finished runs, in
/// `frames` frames at `fps`; returns the number of frames.
///
/// # Errors
/// As [`to_gif`].
pub fn orbit_gif<W: Write>(
    fig: &Figure3d,
    frames: usize,
    fps: f64,
    out: W,
) -> Result<usize, FigureError> {
    let n = frames.max(1);
    let views = (0..n)
        .map(|i| {
            let mut c = fig.camera;
            c.orbit(360.0 * i as f64 / n as f64, 0.0);
            (c, None)
        })
        .collect();
    gif_frames(fig, frames, fps, out, views)
}

fn gif_frames<W: Write>(
    fig: &Figure3d,
    frames: usize,
    fps: f64,
    out: W,
    views: Vec<(Camera, Option<usize>)>,
) -> Result<usize, FigureError> {
    use crate::figure::anim::MAX_FRAMES;
    if !(fps.is_finite() && (0.1..=100.0).contains(&fps)) {
        return Err(FigureError::Paint(format!(
            "frame rate must be from 0.1 to 100 frames per second, got {fps}"
        )));
    }
    if frames == 0 || frames > MAX_FRAMES {
        return Err(FigureError::Paint(format!(
            "frames must be from 1 to {MAX_FRAMES}, got {frames}"
        )));
    }
    let io =
        |e: gif::EncodingError| FigureError::Io { path: "GIF".to_owned(), message: e.to_string() };
    let (w, h) = device(fig);
    let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
        return Err(FigureError::Paint(format!(
            "a GIF is at most 65535 pixels a side, not {w}×{h}"
        )));
    };
    let mut renderer = fig.renderer();
    let frame_at = |renderer: &mut Renderer, (camera, step): (Camera, Option<usize>)| {
        let rgba = fig.draw(renderer, &camera, step).0.to_vec();
        let overlay = fig.overlay(renderer, &camera)?;
        fig.compose(&rgba, &overlay)
    };
    let last = frame_at(&mut renderer, *views.last().unwrap_or(&(fig.camera, None)))?;
    let mut sample = last.data().to_vec();
    let swatch = (sample.len() / 4 / 200).max(64);
    let keys = fig.tracks.iter().map(|t| t.color).chain(
        [CriticalKind::Min, CriticalKind::Max, CriticalKind::Saddle, CriticalKind::Degenerate]
            .map(|k| critical_style(k).0),
    );
    for Rgb([r, g, b]) in keys {
        for _ in 0..swatch {
            sample.extend_from_slice(&[r, g, b, 255]);
        }
    }
    let quant = NeuQuant::new(10, 256, &sample);
    let palette = quant.color_map_rgb();
    let mut cache: std::collections::HashMap<[u8; 4], u8> = std::collections::HashMap::new();
    let mut encoder = gif::Encoder::new(out, w16, h16, &palette).map_err(io)?;
    encoder.set_repeat(gif::Repeat::Infinite).map_err(io)?;
    let delay = (100.0 / fps).round().clamp(1.0, 65535.0) as u16;
    let count = views.len();
    for (i, view) in views.into_iter().enumerate() {
        let drawn;
        let pixmap = if i + 1 == count {
            &last
        } else {
            drawn = frame_at(&mut renderer, view)?;
            &drawn
        };
        let index: Vec<u8> = pixmap
            .data()
            .chunks_exact(4)
            .map(|p| {
                let key = [p[0], p[1], p[2], p[3]];
                *cache.entry(key).or_insert_with(|| quant.index_of(p) as u8)
            })
            .collect();
        let delay = if i + 1 == count && view.1.is_some() {
            delay.saturating_mul(3).max(150)
        } else {
            delay
        };
        let frame = gif::Frame {
            width: w16,
            height: h16,
            delay,
            buffer: std::borrow::Cow::Owned(index),
            ..gif::Frame::default()
        };
        encoder.write_frame(&frame).map_err(io)?;
    }
    Ok(count)
}
