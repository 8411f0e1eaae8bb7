//! Shapes painted as one mesh where thousands of plot items would cost more than the rest of
//! a frame (the curves of every run, a cloud's heads, many runs on a map in the browser): plain
//! quads and hexagons, no feathering, a few triangles each.

use egui::epaint::{Mesh, Vertex, WHITE_UV};
use egui::{Color32, Pos2};
use egui_plot::{PlotPoint, PlotTransform};

/// The line through `points` (plot coordinates) on screen: a quad `width` wide per segment that
/// may cross the plot's frame (none for the segments wholly outside it, none across a
/// non-finite point).
pub fn polyline(
    mesh: &mut Mesh,
    transform: &PlotTransform,
    points: &[PlotPoint],
    width: f32,
    color: Color32,
) {
    let frame = *transform.frame();
    let mut previous: Option<Pos2> = None;
    for p in points {
        if !(p.x.is_finite() && p.y.is_finite()) {
            previous = None;
            continue;
        }
        let at = transform.position_from_point(p);
        if let Some(from) = previous
            && frame.intersects(egui::Rect::from_two_pos(from, at))
        {
            segment(mesh, from, at, width, color);
        }
        previous = Some(at);
    }
}

/// A segment as a quad `width` wide (no feathering: at a pixel or two a join or an edge cannot
/// be told apart).
pub fn segment(mesh: &mut Mesh, a: Pos2, b: Pos2, width: f32, color: Color32) {
    let d = b - a;
    let length = d.length();
    let n = if length > 1e-6 {
        egui::vec2(-d.y, d.x) * (0.5 * width / length)
    } else {
        egui::vec2(0.0, 0.5 * width)
    };
    let base = mesh.vertices.len() as u32;
    for pos in [a + n, a - n, b - n, b + n] {
        mesh.vertices.push(Vertex { pos, uv: WHITE_UV, color });
    }
    mesh.indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
}

/// A disc as a hexagon fan: seven vertices, six triangles.
pub fn disc(mesh: &mut Mesh, centre: Pos2, r: f32, color: Color32) {
    const HEX: [(f32, f32); 6] = [
        (1.0, 0.0),
        (0.5, 0.866_025_4),
        (-0.5, 0.866_025_4),
        (-1.0, 0.0),
        (-0.5, -0.866_025_4),
        (0.5, -0.866_025_4),
    ];
    let base = mesh.vertices.len() as u32;
    mesh.vertices.push(Vertex { pos: centre, uv: WHITE_UV, color });
    for (dx, dy) in HEX {
        mesh.vertices.push(Vertex {
            pos: Pos2::new(centre.x + r * dx, centre.y + r * dy),
            uv: WHITE_UV,
            color,
        });
    }
    for k in 0..6 {
        mesh.indices.extend([base, base + 1 + k, base + 1 + (k + 1) % 6]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_as_wide_as_asked_and_lies_along_its_ends() {
        let mut mesh = Mesh::default();
        segment(&mut mesh, Pos2::new(0.0, 0.0), Pos2::new(10.0, 0.0), 1.2, Color32::RED);
        let ys: Vec<f32> = mesh.vertices.iter().map(|v| v.pos.y).collect();
        let width = ys.iter().copied().fold(f32::MIN, f32::max)
            - ys.iter().copied().fold(f32::MAX, f32::min);
        assert!((width - 1.2).abs() < 1e-5, "{ys:?}");
        let xs: Vec<f32> = mesh.vertices.iter().map(|v| v.pos.x).collect();
        assert_eq!(xs, [0.0, 0.0, 10.0, 10.0]);
    }

    #[test]
    fn a_disc_is_a_hexagon_of_its_radius_around_its_centre() {
        let mut mesh = Mesh::default();
        disc(&mut mesh, Pos2::new(5.0, 5.0), 2.0, Color32::RED);
        assert_eq!((mesh.vertices.len(), mesh.indices.len()), (7, 18));
        for v in &mesh.vertices[1..] {
            assert!((v.pos.distance(Pos2::new(5.0, 5.0)) - 2.0).abs() < 1e-5);
        }
    }
}
