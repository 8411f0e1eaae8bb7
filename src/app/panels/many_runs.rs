//! Many runs on a map, drawn as one mesh where the platform draws fewer as plot items (the
//! browser): thousands of feathered lines and 32-sided heads are hundreds of thousands of
//! triangles a frame, which software WebGL (SwiftShader) rasterises so slowly that the page
//! waits on it for a second or more a frame. As a mesh a path is a quad a segment and a head a
//! hexagon, one plot item for all.

use egui::Color32;
use egui::epaint::Mesh;
use std::ops::RangeInclusive;

use egui_plot::{PlotBounds, PlotGeometry, PlotItem, PlotItemBase, PlotPoint, PlotTransform};

use crate::app::component::Ctx;
use crate::app::mesh::{disc, polyline};
use crate::app::runs::{Series, thinned, thinning};
use crate::app::style::color;

/// The width of a meshed path, points.
const PATH_WIDTH: f32 = 1.6;
/// The radius of a meshed head, points.
const HEAD_RADIUS: f32 = 3.5;

/// Whether the runs of `optimizers` are more than the platform draws as plot items.
pub(super) fn meshed(ctx: &Ctx<'_>, optimizers: &[usize]) -> bool {
    let runs: usize = optimizers
        .iter()
        .filter_map(|&i| ctx.runs.table.get(i).and_then(Option::as_ref))
        .map(Vec::len)
        .sum();
    crate::platform::MESHED_RUNS.is_some_and(|most| runs > most)
}

/// Every how many of its kept points each run's path is drawn: where more points are drawn than
/// the platform draws (the browser), each run coarser.
pub(super) fn path_thinning(ctx: &Ctx<'_>, optimizers: &[usize], px: [f64; 2]) -> usize {
    let total: usize = optimizers
        .iter()
        .filter_map(|&i| ctx.runs.table.get(i).and_then(Option::as_ref))
        .flat_map(|runs| runs.iter().filter(|r| !r.is_empty()))
        .map(|run| run.simplified(Series::Path, px).len())
        .sum();
    thinning(total, crate::platform::DRAWN_PATH_POINTS)
}

/// The runs of `optimizers` up to the playback step as one plot item: each path, then each
/// head with a dark rim; the scene's first optimizer on top.
pub(super) fn item(ctx: &Ctx<'_>, optimizers: &[usize], px: [f64; 2]) -> MeshedRuns {
    let every = path_thinning(ctx, optimizers, px);
    let step = ctx.playback.step;
    let mut paths = Vec::new();
    let mut heads = Vec::new();
    for &i in optimizers.iter().rev() {
        let (Some(entry), Some(Some(runs))) = (ctx.scene.optimizers.get(i), ctx.runs.table.get(i))
        else {
            continue;
        };
        let c = color(entry.color);
        for run in runs.iter().filter(|r| !r.is_empty()) {
            let head = run.head(step);
            let kept = run.simplified(Series::Path, px);
            paths.push((c, run.prefix(Series::Path, &thinned(&kept, every), head)));
            heads.push((c, run.point(Series::Path, head)));
        }
    }
    MeshedRuns { base: PlotItemBase::new(String::new()), paths, heads }
}

/// Runs drawn as one mesh, in the plot's order of items (under the start points and the
/// legend).
pub(super) struct MeshedRuns {
    base: PlotItemBase,
    paths: Vec<(Color32, Vec<PlotPoint>)>,
    heads: Vec<(Color32, PlotPoint)>,
}

impl PlotItem for MeshedRuns {
    fn shapes(&self, _ui: &egui::Ui, transform: &PlotTransform, shapes: &mut Vec<egui::Shape>) {
        let frame = *transform.frame();
        let mut mesh = Mesh::default();
        for (c, path) in &self.paths {
            polyline(&mut mesh, transform, path, PATH_WIDTH, *c);
        }
        for (c, head) in &self.heads {
            let at = transform.position_from_point(head);
            if frame.expand(HEAD_RADIUS).contains(at) {
                disc(&mut mesh, at, HEAD_RADIUS + 0.9, Color32::from_black_alpha(170));
                disc(&mut mesh, at, HEAD_RADIUS, *c);
            }
        }
        shapes.push(egui::Shape::mesh(mesh));
    }

    fn initialize(&mut self, _x_range: RangeInclusive<f64>) {}

    fn color(&self) -> Color32 {
        Color32::TRANSPARENT
    }

    fn allow_hover(&self) -> bool {
        false
    }

    fn geometry(&self) -> PlotGeometry<'_> {
        PlotGeometry::None
    }

    fn bounds(&self) -> PlotBounds {
        PlotBounds::NOTHING
    }

    fn base(&self) -> &PlotItemBase {
        &self.base
    }

    fn base_mut(&mut self) -> &mut PlotItemBase {
        &mut self.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meshed_run_is_a_quad_a_segment_and_a_rimmed_hexagon_a_head_inside_the_frame() {
        let frame =
            egui::Rect::from_min_size(egui::Pos2::new(10.0, 20.0), egui::vec2(200.0, 100.0));
        let transform =
            PlotTransform::new(frame, PlotBounds::from_min_max([0.0, 0.0], [10.0, 1.0]), false);
        let path = |ys: &[f64]| -> Vec<PlotPoint> {
            ys.iter().enumerate().map(|(i, &y)| PlotPoint::new(i as f64, y)).collect()
        };
        let item = MeshedRuns {
            base: PlotItemBase::new(String::new()),
            paths: vec![(Color32::RED, path(&[0.2, 0.4, 0.6])), (Color32::BLUE, path(&[0.5, 0.5]))],
            // The second head is far outside the frame: not drawn.
            heads: vec![
                (Color32::RED, PlotPoint::new(2.0, 0.6)),
                (Color32::BLUE, PlotPoint::new(1.0, 40.0)),
            ],
        };
        let ctx = egui::Context::default();
        let mut shapes = Vec::new();
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            item.shapes(ui, &transform, &mut shapes);
        });
        out.textures_delta.clear();
        let [egui::Shape::Mesh(mesh)] = shapes.as_slice() else { panic!("one mesh: {shapes:?}") };
        // Three segments (4 vertices, 2 triangles each), one head (two hexagons of 7, 6).
        assert_eq!(mesh.vertices.len(), 3 * 4 + 2 * 7);
        assert_eq!(mesh.indices.len(), 3 * 6 + 2 * 18);
        let centre = transform.position_from_point(&PlotPoint::new(2.0, 0.6));
        let rim = &mesh.vertices[12..19];
        assert_eq!(rim[0].pos, centre);
        assert!((rim[1].pos.distance(centre) - (HEAD_RADIUS + 0.9)).abs() < 1e-4);
        assert_eq!(mesh.vertices[19].color, Color32::RED, "the head over its rim");
        assert!(!item.allow_hover() && item.name().is_empty(), "no hover, no legend entry");
    }
}
