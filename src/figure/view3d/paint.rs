//! The 3-D figure as files: PNG (the rasterised surface and runs, with the title, legend and
//! axis names drawn over it by resvg), SVG (the surface as an embedded image; the runs' visible
//! pieces, heads, start points and all text as vectors) and GIF (the runs growing, or the
//! camera turning a full circle).

use std::fmt::Write as _;
use std::io::Write;

use base64::Engine;
use resvg::tiny_skia::{Pixmap, PixmapPaint, Transform};

use super::raster::{CloudRef, Marks, PathRef, Renderer, TrackRef};
use super::{Camera, DEFAULT_MESH, Fit, Mesh3d};
use crate::field::FieldStyle;
use crate::figure::gif::{GifFrames, check_request, encode};
use crate::figure::raster::{draw_svg, encode_rgba_png, png_bytes};
use crate::figure::svg::{escape, hex, legend_rows};
use crate::figure::{Canvas, FigureError, Sheet, Track, simulate_scene};
use crate::scene::{Rgb, Scene};
use crate::sim::{CriticalKind, Point, SurfaceDef, critical_points};

/// A saddle's directions in the legend.
const DIRECTIONS: [&str; 2] = ["escape direction (λ < 0)", "attracting direction (λ > 0)"];
/// The font stack of every text (as the 2-D figures).
const FONT: &str = "Ubuntu, 'Helvetica Neue', Arial, sans-serif";

/// Everything a 3-D picture of a scene shows.
#[derive(Debug)]
pub struct Figure3d {
    /// Size, text, frame (where the 3-D view sits), runs, points, legend and cloud: what the
    /// 2-D figure shows too. Its critical points are all the domain's; its cloud is drawn on the
    /// surface at the step shown (its newest frame at or before it).
    pub sheet: Sheet,
    /// The surface mesh.
    pub mesh: Mesh3d,
    /// The camera.
    pub camera: Camera,
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
        canvas: Canvas,
        camera: Camera,
        mesh: usize,
    ) -> Result<Self, FigureError> {
        let mut sheet = Sheet::new(
            scene,
            surface,
            &canvas,
            crate::figure::scene_title(scene, None),
            tracks,
            [0.0; 3],
        )?;
        sheet.frame.h = sheet.frame.h.max(1.0);
        let style = FieldStyle {
            colormap: scene.view.colormap,
            log_scale: scene.view.log_scale,
            contour_count: if scene.view.contour_lines { scene.view.contours } else { 0 },
        };
        let mesh = Mesh3d::new(surface, scene.domain(), mesh, &style)?;
        if scene.view.critical_points {
            sheet.critical = critical_points(surface, &scene.domain());
        }
        let mut fig = Self { sheet, mesh, camera };
        // The legend in a column of its own, right of the surface, so it hides nothing.
        if let Some((w, _)) = fig.legend_size() {
            let frame = &mut fig.sheet.frame;
            frame.w = (frame.w - w - 20.0).max(0.5 * frame.w);
        }
        Ok(fig)
    }

    /// The figure as the command line draws it: simulate, then lay out, on a
    /// [`DEFAULT_MESH`]² mesh (more for large figures).
    ///
    /// # Errors
    /// As [`Figure3d::new`], and [`FigureError::Formula`] for a formula that does not parse.
    pub fn of_scene(scene: &Scene, canvas: Canvas, camera: Camera) -> Result<Self, FigureError> {
        let surface = scene.surface.resolve()?;
        let tracks = simulate_scene(scene, &surface)?;
        let side = f64::from(canvas.width.max(canvas.height)) * f64::from(canvas.density);
        let mesh = ((side / 6.0) as usize).clamp(DEFAULT_MESH, 256);
        let mut fig = Self::new(scene, &surface, tracks, canvas, camera, mesh)?;
        fig.sheet.lead_with_training_path(&surface);
        Ok(fig)
    }

    /// The last step any track (or the cloud) reaches.
    pub fn last_step(&self) -> usize {
        let cloud = self.sheet.cloud.as_ref().map_or(0, |c| c.last);
        self.sheet
            .tracks
            .iter()
            .map(|t| t.points.len().saturating_sub(1))
            .max()
            .unwrap_or(0)
            .max(cloud)
    }

    /// The frame's size in device pixels.
    fn device_frame(&self) -> (usize, usize, usize, usize) {
        let d = f64::from(self.sheet.density);
        (
            (self.sheet.frame.x * d).round() as usize,
            (self.sheet.frame.y * d).round() as usize,
            ((self.sheet.frame.w * d).round() as usize).max(1),
            ((self.sheet.frame.h * d).round() as usize).max(1),
        )
    }

    /// A renderer set up for this figure (white background, lines scaled by the density).
    pub fn renderer(&self) -> Renderer {
        let mut r = Renderer::new([255, 255, 255, 255]);
        r.scale = self.sheet.density;
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
            .sheet
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
            .sheet
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
            starts: &self.sheet.starts,
            critical: &self.sheet.critical,
            clouds: &clouds,
        };
        (renderer.render(&self.mesh, camera, w, h, &marks), w, h)
    }

    /// The SVG of what is drawn over the 3-D image: title, caption, axis names and legend (in
    /// logical pixels).
    fn overlay_svg(&self, renderer: &Renderer, camera: &Camera, background: bool) -> String {
        let (w, h) = (self.sheet.width, self.sheet.height);
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
            escape(&self.sheet.title)
        );
        if !self.sheet.caption.is_empty() {
            let _ = writeln!(
                s,
                r##"<text id="caption" x="16" y="50" font-size="14" fill="#444">{}</text>"##,
                escape(&self.sheet.caption)
            );
        }
        // Axis names beyond the +x and +y edges: which way x and y grow.
        if let Some(view) = renderer.view() {
            let d = f64::from(self.sheet.density);
            // Beyond the middle of the domain's +x and +y edges, at the surface's height there.
            let d0 = self.mesh.domain;
            let (cx, cy) = (0.5 * (d0.x_min + d0.x_max), 0.5 * (d0.y_min + d0.y_max));
            s.push_str(r##"<g id="axes" font-size="16" font-style="italic" fill="#222" text-anchor="middle">"##);
            let [xname, yname] = &self.sheet.axes;
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
                    self.sheet.frame.x + q.x / d,
                    self.sheet.frame.y + q.y / d + 5.0
                );
            }
            let _ = writeln!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="13" font-style="normal" text-anchor="start" fill="#555">azimuth {:.0}°, elevation {:.0}°</text>"##,
                self.sheet.frame.x + 12.0,
                self.sheet.frame.y + self.sheet.frame.h - 12.0,
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
        let kinds = self.sheet.critical_kinds();
        let saddle = kinds.contains(&CriticalKind::Saddle);
        (kinds, saddle)
    }

    /// The legend's width and height, if it has any rows.
    fn legend_size(&self) -> Option<(f64, f64)> {
        if !self.sheet.legend_shown {
            return None;
        }
        let (kinds, saddle) = self.legend_kinds();
        let rows = self.sheet.legend.len() + kinds.len() + if saddle { 2 } else { 0 };
        if rows == 0 {
            return None;
        }
        let longest = self.sheet.longest_label(&kinds, if saddle { &DIRECTIONS } else { &[] });
        Some((48.0 + 8.6 * longest as f64, 10.0 + 20.0 * rows as f64))
    }

    fn legend(&self, s: &mut String) {
        let (kinds, saddle) = self.legend_kinds();
        let Some((w, h)) = self.legend_size() else { return };
        let f = &self.sheet.frame;
        let (x, y) = (f.x + f.w + 8.0, f.y + 6.0);
        let runs: Vec<(&str, Rgb)> =
            self.sheet.legend.iter().map(|(l, c)| (l.as_str(), *c)).collect();
        let directions = [(DIRECTIONS[0], super::ESCAPE), (DIRECTIONS[1], super::ATTRACT)];
        let more: &[(&str, Rgb)] = if saddle { &directions } else { &[] };
        legend_rows(s, [x, y, w, h], &runs, &kinds, more);
    }

    /// The text layer as a transparent pixmap of the figure's device size.
    fn overlay(&self, renderer: &Renderer, camera: &Camera) -> Result<Pixmap, FigureError> {
        let (w, h) = self.sheet.device_size();
        let mut pixmap = Pixmap::new(w, h).ok_or(self.sheet.size_error())?;
        draw_svg(&mut pixmap, &self.overlay_svg(renderer, camera, false), self.sheet.density)?;
        Ok(pixmap)
    }

    /// One raster frame: white, the 3-D view in its frame, the text layer over it.
    fn compose(&self, rgba: &[u8], overlay: &Pixmap) -> Result<Pixmap, FigureError> {
        let (w, h) = self.sheet.device_size();
        let mut pixmap = Pixmap::new(w, h).ok_or(self.sheet.size_error())?;
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
    let d = f64::from(fig.sheet.density);
    let f = fig.sheet.frame;
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
    trajectories_svg(&mut s, fig, &renderer, last, &to_fig);
    s.push_str(r#"<g id="starts" fill="white" stroke="black" stroke-width="2">"#);
    for &p in &fig.sheet.starts {
        if let Some((q, true)) = renderer.sight(&fig.mesh, p) {
            let (x, y) = to_fig(q);
            let _ = write!(s, r#"<circle cx="{x:.2}" cy="{y:.2}" r="5"/>"#);
        }
    }
    s.push_str("</g>\n");
    if let Some(frame) = fig.sheet.cloud.as_ref().and_then(|c| c.at(last).next()) {
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

/// The trajectories' visible pieces up to step `last` as SVG paths, then their heads in sight;
/// `to_fig` takes a frame pixel to figure pixels.
fn trajectories_svg(
    s: &mut String,
    fig: &Figure3d,
    renderer: &Renderer,
    last: usize,
    to_fig: &dyn Fn([f64; 2]) -> (f64, f64),
) {
    s.push_str(r#"<g id="trajectories" fill="none" stroke-width="2.6" stroke-linejoin="round" stroke-linecap="round">"#);
    s.push('\n');
    let mut heads = String::new();
    for track in &fig.sheet.tracks {
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
    gif_frames(
        fig,
        (frames, fps, Fit::Tight),
        out,
        steps.iter().map(|&s| (camera, Some(s))).collect(),
    )
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
    gif_frames(fig, (frames, fps, Fit::Turn), out, views)
}

/// The GIF of one frame per (camera, step) of `views`; the last held longer when it shows a
/// step (the runs' end state).
fn gif_frames<W: Write>(
    fig: &Figure3d,
    (frames, fps, fit): (usize, f64, Fit),
    out: W,
    views: Vec<(Camera, Option<usize>)>,
) -> Result<usize, FigureError> {
    check_request(frames, fps)?;
    let mut renderer = fig.renderer();
    renderer.fit = fit;
    let keys: Vec<Rgb> = fig.sheet.tracks.iter().map(|t| t.color).collect();
    let spec = GifFrames {
        size: fig.sheet.device_size(),
        count: views.len(),
        fps,
        keys: &keys,
        hold_last: views.last().is_some_and(|v| v.1.is_some()),
        still: None,
    };
    encode(out, &spec, |i| {
        let (camera, step) = views[i];
        let rgba = fig.draw(&mut renderer, &camera, step).0.to_vec();
        let overlay = fig.overlay(&renderer, &camera)?;
        fig.compose(&rgba, &overlay)
    })
}
