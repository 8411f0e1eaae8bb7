//! Fewer points for the same picture: a polyline simplified to what a pixel can show.
//!
//! A 2000-step trajectory that converges puts hundreds of points on the same pixel, and a
//! contour traced at one sample per pixel has a point every pixel along a smooth curve; drawing
//! them all costs time and file size for nothing. Reumann–Witkam simplification keeps a point
//! only where the line leaves a strip `tolerance` pixels wide around its current direction, so
//! straight stretches and clusters collapse and no drawn point moves by more than the
//! tolerance. Used by the figure painters and by the app's plot.

/// Indices of the points to draw of a polyline of `n` points whose point `i` is at pixel
/// `at(i)`, keeping every kept point within `tolerance` pixels of the original line. The first
/// and last points are always kept; indices are increasing.
pub fn simplify_by(n: usize, at: impl Fn(usize) -> (f64, f64), tolerance: f64) -> Vec<u32> {
    if n <= 2 {
        return (0..n as u32).collect();
    }
    let mut kept = vec![0u32];
    let mut anchor = at(0);
    // The direction of the strip, once a point is far enough from the anchor to define it.
    let mut direction: Option<(f64, f64)> = None;
    // How far along the direction the line has come from the anchor: a turn back is a vertex.
    let mut furthest = 0.0f64;
    let mut previous = 0usize;
    for i in 1..n {
        let p = at(i);
        let (dx, dy) = (p.0 - anchor.0, p.1 - anchor.1);
        if !(dx.is_finite() && dy.is_finite()) {
            // Keep non-finite values and their neighbours exactly; start afresh after them.
            if kept.last() != Some(&(previous as u32)) {
                kept.push(previous as u32);
            }
            kept.push(i as u32);
            anchor = p;
            direction = None;
            furthest = 0.0;
            previous = i;
            continue;
        }
        match direction {
            None => {
                let length = dx.hypot(dy);
                if length > tolerance {
                    direction = Some((dx / length, dy / length));
                    furthest = length;
                }
            }
            Some((ux, uy)) => {
                // Distance from the strip's centre line, and whether the line turned back.
                let off = (dx * uy - dy * ux).abs();
                let along = dx * ux + dy * uy;
                if off > tolerance || along < furthest - tolerance {
                    kept.push(previous as u32);
                    anchor = at(previous);
                    let (dx, dy) = (p.0 - anchor.0, p.1 - anchor.1);
                    let length = dx.hypot(dy);
                    direction = (length > tolerance).then(|| (dx / length, dy / length));
                    furthest = length;
                } else {
                    furthest = furthest.max(along);
                }
            }
        }
        previous = i;
    }
    if kept.last() != Some(&((n - 1) as u32)) {
        kept.push((n - 1) as u32);
    }
    kept
}
