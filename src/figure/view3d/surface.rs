//! The surface layer of a 3-D frame: the mesh's vertices projected and lit, and its triangles
//! rasterised with their colours, contour lines and depths.

use super::{Mesh3d, Viewport, dot, normalize};

/// A projected, lit vertex.
#[derive(Clone, Copy, Debug)]
pub(super) struct Vert {
    x: f32,
    y: f32,
    w: f32,
    t: f32,
    shade: f32,
}

/// Every vertex projected and lit: Lambert from a light above the camera's left shoulder
/// (fixed to the camera, so every side of a hill reads the same way as the camera turns), plus
/// ambient; both faces lit.
pub(super) fn shade_vertices(mesh: &Mesh3d, view: &Viewport) -> Vec<Vert> {
    let light = normalize([
        -0.45 * view.right[0] + 0.8 * view.up[0] + 0.55 * view.dir[0],
        -0.45 * view.right[1] + 0.8 * view.up[1] + 0.55 * view.dir[1],
        -0.45 * view.right[2] + 0.8 * view.up[2] + 0.55 * view.dir[2],
    ]);
    let n = mesh.n;
    let mut out = Vec::with_capacity(n * n);
    for j in 0..n {
        for i in 0..n {
            let k = j * n + i;
            let z = mesh.z[k];
            let p = [f64::from(mesh.xs[i]), f64::from(mesh.ys[j]), f64::from(z)];
            let s = view.project(p);
            let nv = mesh.normal[k].map(f64::from);
            // The face seen: flip a normal that points away from the camera.
            let to_cam = [
                -p[0] + view.dir[0] * view.distance,
                -p[1] + view.dir[1] * view.distance,
                -p[2] + view.dir[2] * view.distance,
            ];
            let nv = if dot(nv, to_cam) < 0.0 { nv.map(|c| -c) } else { nv };
            let lambert = dot(nv, light).max(0.0);
            let shade = 0.5 + 0.6 * lambert;
            out.push(Vert {
                x: s.x as f32,
                y: s.y as f32,
                w: if z.is_finite() { s.w as f32 } else { f32::NAN },
                t: mesh.t[k],
                shade: shade as f32,
            });
        }
    }
    out
}

/// Rasterises the mesh's triangles into rows `row0 .. row0 + rows` of the image.
#[allow(clippy::too_many_arguments)]
pub(super) fn draw_surface(
    color: &mut [[u8; 4]],
    depth: &mut [f32],
    width: usize,
    row0: usize,
    rows: usize,
    verts: &[Vert],
    n: usize,
    lut: &[[u8; 4]; crate::field::LUT_SIZE],
    levels: usize,
) {
    let y_lo = row0 as f32;
    let y_hi = (row0 + rows) as f32;
    let bands = (levels + 1) as f32;
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let v00 = verts[j * n + i];
            let v10 = verts[j * n + i + 1];
            let v01 = verts[(j + 1) * n + i];
            let v11 = verts[(j + 1) * n + i + 1];
            for tri in [[v00, v10, v11], [v00, v11, v01]] {
                if tri.iter().any(|v| !v.w.is_finite()) {
                    continue;
                }
                let min_y = tri[0].y.min(tri[1].y).min(tri[2].y);
                let max_y = tri[0].y.max(tri[1].y).max(tri[2].y);
                if max_y < y_lo || min_y >= y_hi {
                    continue;
                }
                triangle(color, depth, width, row0, rows, tri, lut, levels, bands);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
#[inline]
fn triangle(
    color: &mut [[u8; 4]],
    depth: &mut [f32],
    width: usize,
    row0: usize,
    rows: usize,
    [a, b, c]: [Vert; 3],
    lut: &[[u8; 4]; crate::field::LUT_SIZE],
    levels: usize,
    bands: f32,
) {
    let area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    if area.abs() < 1e-12 {
        return;
    }
    let inv = 1.0 / area;
    let x0 = a.x.min(b.x).min(c.x).floor().max(0.0) as usize;
    let x1 = (a.x.max(b.x).max(c.x).ceil() as isize).min(width as isize - 1);
    let y0 = (a.y.min(b.y).min(c.y).floor().max(row0 as f32)) as usize;
    let y1 = (a.y.max(b.y).max(c.y).ceil() as isize).min((row0 + rows) as isize - 1);
    if x1 < x0 as isize || y1 < y0 as isize {
        return;
    }
    let (x1, y1) = (x1 as usize, y1 as usize);
    // Attributes as planes over the screen: v(x, y) = v_a + dvdx (x − a.x) + dvdy (y − a.y).
    let plane = |va: f32, vb: f32, vc: f32| {
        let dx = ((vb - va) * (c.y - a.y) - (vc - va) * (b.y - a.y)) * inv;
        let dy = ((vc - va) * (b.x - a.x) - (vb - va) * (c.x - a.x)) * inv;
        (dx, dy)
    };
    let (wdx, wdy) = plane(a.w, b.w, c.w);
    let (tdx, tdy) = plane(a.t, b.t, c.t);
    let (sdx, sdy) = plane(a.shade, b.shade, c.shade);
    // Contour half-width in colour position: 0.7 px along the steepest direction.
    let grad = (tdx * tdx + tdy * tdy).sqrt() * bands;
    let contour = levels > 0 && grad > 0.0;
    let inv_grad = if contour { 1.0 / grad } else { 0.0 };
    // Edge functions, oriented so that inside is positive.
    let sign = area.signum();
    let edge = |p: Vert, q: Vert| {
        let ex = (q.x - p.x) * sign;
        let ey = (q.y - p.y) * sign;
        (p, ex, ey)
    };
    let edges = [edge(a, b), edge(b, c), edge(c, a)];
    for y in y0..=y1 {
        let py = y as f32 + 0.5;
        let row = (y - row0) * width;
        // The row's span inside the three edges, widened by a pixel (the exact test below
        // decides): most of a thin triangle's box is not scanned.
        let (mut lo, mut hi) = (x0 as f32, x1 as f32);
        for &(p, ex, ey) in &edges {
            // Inside: ex·(py − p.y) − ey·(px − p.x) ≥ 0, linear in px.
            let c = ex * (py - p.y);
            if ey > 0.0 {
                hi = hi.min(p.x + c / ey - 0.5 + 1.0);
            } else if ey < 0.0 {
                lo = lo.max(p.x + c / ey - 0.5 - 1.0);
            } else if c < 0.0 {
                lo = hi + 1.0;
            }
        }
        if lo.is_nan() || hi.is_nan() || lo > hi {
            continue;
        }
        let (sx0, sx1) = (lo.floor().max(x0 as f32) as usize, (hi.ceil() as usize).min(x1));
        for x in sx0..=sx1 {
            let px = x as f32 + 0.5;
            let mut inside = true;
            for &(p, ex, ey) in &edges {
                if ex * (py - p.y) - ey * (px - p.x) < 0.0 {
                    inside = false;
                    break;
                }
            }
            if !inside {
                continue;
            }
            let (ddx, ddy) = (px - a.x, py - a.y);
            let w = a.w + wdx * ddx + wdy * ddy;
            let k = row + x;
            if w <= depth[k] {
                continue;
            }
            depth[k] = w;
            let t = (a.t + tdx * ddx + tdy * ddy).clamp(0.0, 1.0);
            let shade = (a.shade + sdx * ddx + sdy * ddy).clamp(0.0, 1.2);
            let base = lut[((t * 255.0) as usize).min(255)];
            let mut rgb = [
                f32::from(base[0]) * shade,
                f32::from(base[1]) * shade,
                f32::from(base[2]) * shade,
            ];
            if contour {
                let u = t * bands;
                let nearest = u.round();
                if nearest >= 1.0 && nearest <= levels as f32 {
                    let dist_px = (u - nearest).abs() * inv_grad;
                    let alpha = (1.0 - dist_px / 0.75).clamp(0.0, 1.0) * 0.55;
                    if alpha > 0.0 {
                        for c in &mut rgb {
                            *c += (255.0 - *c) * alpha;
                        }
                    }
                }
            }
            color[k] =
                [rgb[0].min(255.0) as u8, rgb[1].min(255.0) as u8, rgb[2].min(255.0) as u8, 255];
        }
    }
}
