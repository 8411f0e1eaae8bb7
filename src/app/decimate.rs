//! Fewer points for the same picture: a polyline simplified to what a screen can show.
//!
//! A 2000-step trajectory that converges puts hundreds of points on the same pixel, and a loss
//! curve over 2000 steps has several points per pixel column; drawing them all costs the frame
//! its budget. Reumann–Witkam simplification keeps a point only where the line leaves a strip
//! `tolerance` pixels wide around its current direction, so straight stretches and clusters
//! collapse and no drawn point moves by more than the tolerance.

use egui_plot::PlotPoint;

use crate::figure::decimate::simplify_by;

/// Indices of the points of `points` to draw, for a view where one pixel is `px_x` by `px_y`
/// data units, keeping every kept point within `tolerance` pixels of the original line. The
/// first and last points are always kept; indices are increasing.
pub fn simplify(points: &[PlotPoint], px_x: f64, px_y: f64, tolerance: f64) -> Vec<u32> {
    if !(px_x > 0.0 && px_y > 0.0) {
        return (0..points.len() as u32).collect();
    }
    simplify_by(points.len(), |i| (points[i].x / px_x, points[i].y / px_y), tolerance)
}

/// The simplified points of a polyline up to index `head` (inclusive), from the indices that
/// [`simplify`] kept for the whole line: the kept points before `head`, then `head` itself.
pub fn prefix(points: &[PlotPoint], kept: &[u32], head: usize) -> Vec<PlotPoint> {
    let k = kept.partition_point(|&i| (i as usize) <= head);
    let mut out: Vec<PlotPoint> = kept[..k].iter().map(|&i| points[i as usize]).collect();
    if kept[..k].last().map(|&i| i as usize) != Some(head) && head < points.len() {
        out.push(points[head]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(points: &[(f64, f64)]) -> Vec<PlotPoint> {
        points.iter().map(|&(x, y)| PlotPoint::new(x, y)).collect()
    }

    /// The largest distance, in pixels, of any original point from the simplified polyline.
    fn max_error(points: &[PlotPoint], kept: &[u32]) -> f64 {
        let mut worst: f64 = 0.0;
        for w in kept.windows(2) {
            let (a, b) = (points[w[0] as usize], points[w[1] as usize]);
            for p in &points[w[0] as usize..=w[1] as usize] {
                let (abx, aby) = (b.x - a.x, b.y - a.y);
                let len2 = abx * abx + aby * aby;
                let t = if len2 == 0.0 {
                    0.0
                } else {
                    (((p.x - a.x) * abx + (p.y - a.y) * aby) / len2).clamp(0.0, 1.0)
                };
                let d = (p.x - (a.x + t * abx)).hypot(p.y - (a.y + t * aby));
                worst = worst.max(d);
            }
        }
        worst
    }

    #[test]
    fn a_straight_line_and_a_cluster_collapse() {
        let straight: Vec<PlotPoint> =
            (0..1000).map(|i| PlotPoint::new(f64::from(i), 2.0 * f64::from(i))).collect();
        assert_eq!(simplify(&straight, 1.0, 1.0, 0.5), vec![0, 999]);
        let mut converging = straight[..10].to_vec();
        converging.extend((0..1000).map(|i| PlotPoint::new(9.0 + 1e-3 / f64::from(i + 1), 18.0)));
        assert!(simplify(&converging, 1.0, 1.0, 0.5).len() <= 4);
    }

    #[test]
    fn curves_keep_their_shape_within_the_tolerance() {
        let spiral: Vec<PlotPoint> = (0..2000)
            .map(|i| {
                let t = f64::from(i) / 50.0;
                PlotPoint::new(
                    100.0 * (-t / 10.0).exp() * t.cos(),
                    100.0 * (-t / 10.0).exp() * t.sin(),
                )
            })
            .collect();
        let kept = simplify(&spiral, 1.0, 1.0, 0.5);
        assert!(kept.len() < 600, "{} of 2000 kept", kept.len());
        assert!(kept.windows(2).all(|w| w[0] < w[1]));
        assert_eq!((kept[0], *kept.last().unwrap()), (0, 1999));
        // The tolerance bounds the deviation, up to the strip's slack at a turn.
        assert!(max_error(&spiral, &kept) <= 1.0, "{}", max_error(&spiral, &kept));
    }

    #[test]
    fn a_turn_back_is_kept() {
        let there_and_back = line(&[(0.0, 0.0), (5.0, 0.0), (10.0, 0.0), (5.0, 0.0), (0.0, 0.0)]);
        let kept = simplify(&there_and_back, 1.0, 1.0, 0.5);
        assert_eq!(kept, vec![0, 2, 4]);
    }

    #[test]
    fn non_finite_values_and_tiny_inputs_are_kept_as_they_are() {
        assert_eq!(simplify(&line(&[]), 1.0, 1.0, 0.5), Vec::<u32>::new());
        assert_eq!(simplify(&line(&[(1.0, 1.0)]), 1.0, 1.0, 0.5), vec![0]);
        let with_inf =
            line(&[(0.0, 0.0), (1.0, 1.0), (2.0, f64::INFINITY), (3.0, 3.0), (4.0, 4.0)]);
        let kept = simplify(&with_inf, 1.0, 1.0, 0.5);
        assert!(kept.contains(&2) && kept.contains(&1) && kept.contains(&4), "{kept:?}");
        assert_eq!(simplify(&with_inf, 0.0, 1.0, 0.5).len(), 5, "a degenerate view keeps all");
    }

    #[test]
    fn the_prefix_ends_at_the_head() {
        let pts: Vec<PlotPoint> = (0..100).map(|i| PlotPoint::new(f64::from(i), 0.0)).collect();
        let kept = simplify(&pts, 1.0, 1.0, 0.5);
        assert_eq!(kept, vec![0, 99]);
        let p = prefix(&pts, &kept, 40);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].x, p[1].x), (0.0, 40.0));
        assert_eq!(prefix(&pts, &kept, 99).len(), 2);
        assert_eq!(prefix(&pts, &kept, 0).len(), 1);
    }
}
