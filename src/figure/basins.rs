//! The basin map as a picture: one colour per end (each minimum its own, saddles violet, still
//! moving grey, diverged black), laid over the surface's heatmap, for `losscape basins` and the
//! app's overlay alike.

use super::{Canvas, Figure, FigureError};
use crate::scene::{Rgb, Scene, SurfaceChoice};
use crate::sim::run::basins::{Basin, BasinMap};
use crate::sim::{CriticalKind, Dtype};

/// Colours of the minima, in order (Paul Tol's bright scheme, then his vibrant one): distinct on
/// any colour map and for the common colour-vision deficiencies.
const MINIMA: [Rgb; 12] = Rgb::palette([
    0x4477aa, 0xee6677, 0x228833, 0xccbb44, 0x66ccee, 0xaa3377, 0xee7733, 0x009988, 0x33bbee,
    0xee3377, 0xcc3311, 0x0077bb,
]);
/// Runs that ended on a saddle (Newton's trap).
const SADDLE: Rgb = Rgb::hex(0x9955dd);
/// Runs that ended on a maximum or a degenerate point.
const OTHER: Rgb = Rgb::hex(0xffffff);
/// Runs near no critical point when the steps ran out.
const MOVING: Rgb = Rgb::hex(0xbbbbbb);
/// Runs that diverged.
const DIVERGED: Rgb = Rgb::hex(0x101010);
/// Cells where two optimizers end in different basins, in a difference map.
pub const DIFFERENT: Rgb = Rgb::hex(0xff22cc);

/// The colour of a basin of `map`.
pub fn color(map: &BasinMap, basin: Basin) -> Rgb {
    match basin {
        Basin::At(i) => {
            let i = usize::from(i);
            match map.attractors[i].kind {
                CriticalKind::Min => {
                    let nth =
                        map.attractors[..i].iter().filter(|a| a.kind == CriticalKind::Min).count();
                    MINIMA[nth % MINIMA.len()]
                }
                CriticalKind::Saddle => SADDLE,
                CriticalKind::Max | CriticalKind::Degenerate => OTHER,
            }
        }
        Basin::Moving => MOVING,
        Basin::Diverged => DIVERGED,
    }
}

/// The map as `grid × grid` RGBA pixels, first row at the top (`y_max`), every pixel with
/// opacity `alpha`: a texture for the app's overlay.
pub fn rgba(map: &BasinMap, alpha: u8) -> Vec<u8> {
    let n = map.job.grid;
    let mut out = Vec::with_capacity(n * n * 4);
    for j in (0..n).rev() {
        for &b in &map.basins[j * n..(j + 1) * n] {
            let Rgb([r, g, bl]) = color(map, b);
            out.extend_from_slice(&[r, g, bl, alpha]);
        }
    }
    out
}

/// Where `a` and `b` (maps of the same grid and domain) end in different basins, as RGBA pixels
/// like [`rgba`]: [`DIFFERENT`] where they differ, transparent where they agree. Basins are
/// compared by the point they name, so the two maps' attractor lists need not be in the same
/// order. Returns the pixels and the number of cells that differ.
pub fn difference_rgba(a: &BasinMap, b: &BasinMap, alpha: u8) -> (Vec<u8>, usize) {
    let n = a.job.grid.min(b.job.grid);
    let name = |m: &BasinMap, basin: Basin| match basin {
        Basin::At(i) => Some(m.attractors[usize::from(i)].point),
        _ => None,
    };
    let mut out = Vec::with_capacity(n * n * 4);
    let mut differ = 0;
    for j in (0..n).rev() {
        for i in 0..n {
            let (ba, bb) = (a.basins[j * n + i], b.basins[j * n + i]);
            let same = match (name(a, ba), name(b, bb)) {
                (Some(p), Some(q)) => (p - q).norm() <= 1e-6 * (1.0 + p.norm()),
                (None, None) => ba == bb,
                _ => false,
            };
            if same {
                out.extend_from_slice(&[0, 0, 0, 0]);
            } else {
                differ += 1;
                let Rgb([r, g, bl]) = DIFFERENT;
                out.extend_from_slice(&[r, g, bl, alpha]);
            }
        }
    }
    (out, differ)
}

/// The legend of a map: one entry per end that some run reached, with its share of the grid.
pub fn legend(map: &BasinMap) -> Vec<(String, Rgb)> {
    let (at, moving, diverged) = map.counts();
    let total = map.basins.len().max(1) as f64;
    let share = |count: usize| format!("{:.1}%", 100.0 * count as f64 / total);
    let mut out: Vec<(String, Rgb)> = at
        .iter()
        .enumerate()
        .filter(|&(_, &count)| count > 0)
        .map(|(i, &count)| {
            let basin = Basin::At(i as u16);
            (format!("{}: {}", map.label(basin), share(count)), color(map, basin))
        })
        .collect();
    for (basin, count) in [(Basin::Moving, moving), (Basin::Diverged, diverged)] {
        if count > 0 {
            out.push((format!("{}: {}", map.label(basin), share(count)), color(map, basin)));
        }
    }
    out
}

/// The figure of a basin map: the surface's heatmap over the map's domain with the basins laid
/// over it, contours, critical points, and a legend of the ends with their shares.
///
/// # Errors
/// As [`Figure::new`].
pub fn figure(map: &BasinMap, canvas: Canvas) -> Result<Figure, FigureError> {
    let job = &map.job;
    let choice = match &job.surface {
        crate::sim::SurfaceDef::Builtin(b) => SurfaceChoice::Builtin(*b),
        crate::sim::SurfaceDef::Formula(f) => SurfaceChoice::Formula(f.source().to_owned()),
        crate::sim::SurfaceDef::Model(m) => SurfaceChoice::Model((**m).clone()),
        // The title is set below; the figure samples `job.surface` itself.
        crate::sim::SurfaceDef::Slice(_) => SurfaceChoice::Formula(String::new()),
    };
    let mut scene = Scene::new(choice);
    scene.domain = Some(job.domain);
    scene.optimizers.clear();
    scene.starts.clear();
    scene.title = format!(
        "Basins of {} on {}: {}² starts, {} steps{}",
        job.spec,
        job.surface.name(),
        job.grid,
        job.steps,
        match job.dtype {
            Dtype::Float64 => "",
            Dtype::Float32 => " (float32)",
        }
    );
    // The largest frame inside the requested size with the domain's aspect, so that the map
    // fills the frame (no heatmap showing beyond the grid).
    let (around_w, around_h) = super::size_around_frame(1000.0, 1000.0, false);
    let (room_w, room_h) = (
        (f64::from(canvas.width) + 1000.0 - f64::from(around_w)).max(1.0),
        (f64::from(canvas.height) + 1000.0 - f64::from(around_h)).max(1.0),
    );
    let aspect = job.domain.width() / job.domain.height();
    let (frame_w, frame_h) = if room_w / room_h > aspect {
        (room_h * aspect, room_h)
    } else {
        (room_w, room_w / aspect)
    };
    let (width, height) = super::size_around_frame(frame_w, frame_h, false);
    let canvas = Canvas { width, height, view: Some(job.domain), ..canvas };
    let mut fig = Figure::new(&scene, &job.surface, Vec::new(), canvas)?;
    if let Some(heatmap) = &mut fig.heatmap {
        let (nx, ny) = (heatmap.nx, heatmap.ny);
        for (k, px) in heatmap.rgba.chunks_exact_mut(4).enumerate() {
            let (i, j) = (k % nx, k / nx);
            let p = fig.view.lerp((i as f64 + 0.5) / nx as f64, 1.0 - (j as f64 + 0.5) / ny as f64);
            if let Some(basin) = map.basin_at(p) {
                let Rgb(c) = color(map, basin);
                for (channel, &target) in px.iter_mut().zip(&c) {
                    *channel = ((f32::from(*channel) * 0.3) + f32::from(target) * 0.7) as u8;
                }
            }
        }
    }
    fig.sheet.legend = legend(map);
    Ok(fig)
}
