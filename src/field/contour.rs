//! Contour lines by marching squares, joined into polylines.
//!
//! The method (Lorensen & Cline's marching cubes in two dimensions):
//!
//! 1. Each grid node gets its *band*, the number of levels `≤` its value (a binary search into the
//!    sorted levels, once per node). A node is *above* level `k` when its band exceeds `k`.
//! 2. A cell (four neighbouring nodes) is crossed by exactly the levels `k` with
//!    `min band ≤ k < max band` of its corners, so each cell is listed under the levels that cross
//!    it and no other level looks at it. Cells with a NaN corner are skipped.
//! 3. For each level, the line is walked from cell to cell across the edges it crosses, so the
//!    segments come out already joined: an open polyline ends on the grid's border or at a NaN
//!    cell; a closed one ends with its first point. The crossing on an edge is the linear
//!    interpolation of the level between the edge's two nodes. In a saddle cell (diagonal corners
//!    above, the other two below) the average of the four corners decides which corners the line
//!    joins: the above corners when it is above the level.
//!
//! Steps 1 and 2 run over bands of rows in parallel, step 3 over levels.

use rayon::prelude::*;

use super::{ColorScale, Field, par_row_bands_on, threads_for};

/// Below this many grid nodes contours are traced on the calling thread alone.
const PARALLEL_MIN_NODES: usize = 16 * 1024;

/// Nodes (cells) compared at once when banding nodes (looking for crossed cells).
const CHUNK: usize = 32;

/// The band of a NaN node.
const NAN_BAND: u16 = u16::MAX;

/// The most levels traced at once (bands are `u16`, one value kept for NaN).
const MAX_LEVELS: usize = NAN_BAND as usize - 1;

/// The contour line of one level: the polylines, in surface coordinates, along which the
/// (bilinearly interpolated) field equals `level`.
#[derive(Clone, Debug, PartialEq)]
pub struct ContourLine {
    /// The value of the field along the line.
    pub level: f64,
    /// Joined polylines of `[x, y]` points, each at least two distinct points. A closed polyline
    /// ends with a copy of its first point.
    pub polylines: Vec<Vec<[f64; 2]>>,
}

impl ContourLine {
    /// The number of points of all the polylines.
    pub fn point_count(&self) -> usize {
        self.polylines.iter().map(Vec::len).sum()
    }
}

/// `count` contour levels evenly spaced between `min` and `max` (exclusive) in the colour
/// scale's space: linearly, or logarithmically when `log` (see [`ColorScale::levels`]).
/// Empty when `min` and `max` are not finite with `min < max`.
pub fn contour_levels(min: f64, max: f64, count: usize, log: bool) -> Vec<f64> {
    ColorScale::new(min, max, log).levels(count)
}

/// The contour lines of `field` at `levels`, by marching squares (see the [module
/// docs](self)).
///
/// Returns one [`ContourLine`] per distinct finite level, sorted increasing (levels outside the
/// field's range have no polylines; NaN levels and those past the first 65 534 are dropped).
/// Points are in surface coordinates and lie between the outermost cell centres, so inside the
/// field's domain.
pub fn contours(field: &Field, levels: &[f64]) -> Vec<ContourLine> {
    let threads = threads_for(field.nx() * field.ny(), PARALLEL_MIN_NODES);
    contours_with_threads(field, levels, threads)
}

/// [`contours`] with its work split over `threads` threads (at least one; more than the machine
/// has is allowed), whatever the size of the field: bands of rows for steps 1 and 2, levels
/// shared out for step 3 (see the [module docs](self)). The lines are the same for every
/// count; [`contours`] takes the machine's cores, or one thread for a small field. A test holds
/// one thread against several with this.
pub fn contours_with_threads(field: &Field, levels: &[f64], threads: usize) -> Vec<ContourLine> {
    let mut levels: Vec<f64> = levels.iter().copied().filter(|v| v.is_finite()).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    levels.truncate(MAX_LEVELS);
    let mut lines: Vec<ContourLine> =
        levels.iter().map(|&level| ContourLine { level, polylines: Vec::new() }).collect();
    let (nx, ny) = (field.nx(), field.ny());
    if levels.is_empty() || nx < 2 || ny < 2 {
        return lines;
    }

    // 1. The band of every node.
    let mut bands = vec![0u16; nx * ny];
    let values = field.values();
    par_row_bands_on(threads, &mut bands, nx, |first_row, out| {
        let start = first_row * nx;
        let end = start + out.len();
        band_nodes(&levels, &values[start..end], out);
    });

    // 2. The cells each level crosses.
    let grid = Grid {
        values,
        bands: &bands,
        nx,
        ny,
        xs: (0..nx).map(|i| field.x(i)).collect(),
        ys: (0..ny).map(|j| field.y(j)).collect(),
    };
    let crossed = grid.crossed_cells(levels.len(), threads);

    // 3. Walk each level's lines, levels shared out among the threads.
    let threads = threads.clamp(1, levels.len());
    let trace = |visited: &mut Visited, k: usize| {
        let level = Level { index: k, value: levels[k] };
        let polylines = grid.trace_level(level, &crossed[k], visited);
        visited.clear(&crossed[k], nx);
        (k, polylines)
    };
    let traced: Vec<(usize, Vec<Vec<[f64; 2]>>)> = if threads <= 1 {
        let mut visited = Visited::new(nx * ny);
        (0..levels.len()).map(|k| trace(&mut visited, k)).collect()
    } else {
        (0..levels.len())
            .into_par_iter()
            .with_max_len(1)
            .map_init(|| Visited::new(nx * ny), trace)
            .collect()
    };
    for (k, polylines) in traced {
        lines[k].polylines = polylines;
    }
    lines
}

/// The band of each value: how many `levels` (sorted) are `≤` it, [`NAN_BAND`] for NaN.
///
/// Neighbouring nodes mostly share a band, so a run of [`CHUNK`] values is first tested against
/// the band of the value before it (the comparisons vectorise), and only a chunk that leaves it
/// is binary-searched value by value.
fn band_nodes(levels: &[f64], values: &[f64], bands: &mut [u16]) {
    let top = levels.len();
    // The current band and its interval [low, high).
    let (mut band, mut low, mut high) = (0usize, f64::NEG_INFINITY, levels[0]);
    for (out, chunk) in bands.chunks_mut(CHUNK).zip(values.chunks(CHUNK)) {
        // NaN fails both comparisons.
        if chunk.iter().fold(true, |all, &v| all & (v >= low) & (v < high)) {
            out.fill(band as u16);
            continue;
        }
        for (out, &v) in out.iter_mut().zip(chunk) {
            if v >= low && v < high {
                *out = band as u16;
            } else if v.is_nan() {
                *out = NAN_BAND;
            } else {
                band = levels.partition_point(|&l| l <= v);
                low = if band == 0 { f64::NEG_INFINITY } else { levels[band - 1] };
                high = if band == top { f64::INFINITY } else { levels[band] };
                *out = band as u16;
            }
        }
    }
}

/// Edges of a cell, counter-clockwise from the bottom.
const BOTTOM: u8 = 0;
const RIGHT: u8 = 1;
const TOP: u8 = 2;
const LEFT: u8 = 3;

/// The segments of each marching-squares case, as pairs of the edges they join (`u8::MAX` for
/// none). The case's bits say which corners are above the level: 1 bottom-left, 2 bottom-right,
/// 4 top-right, 8 top-left. Saddle cases 5 and 10 are listed with their centre below the level;
/// [`SADDLE_ABOVE`] has them with the centre above.
const SEGMENTS: [[(u8, u8); 2]; 16] = {
    const NO: (u8, u8) = (u8::MAX, u8::MAX);
    [
        [NO, NO],                       // 0: all below
        [(LEFT, BOTTOM), NO],           // 1
        [(BOTTOM, RIGHT), NO],          // 2
        [(LEFT, RIGHT), NO],            // 3
        [(RIGHT, TOP), NO],             // 4
        [(BOTTOM, LEFT), (RIGHT, TOP)], // 5: BL, TR above; centre below cuts them off
        [(BOTTOM, TOP), NO],            // 6
        [(TOP, LEFT), NO],              // 7
        [(TOP, LEFT), NO],              // 8
        [(BOTTOM, TOP), NO],            // 9
        [(BOTTOM, RIGHT), (TOP, LEFT)], // 10: BR, TL above; centre below cuts them off
        [(RIGHT, TOP), NO],             // 11
        [(LEFT, RIGHT), NO],            // 12
        [(BOTTOM, RIGHT), NO],          // 13
        [(LEFT, BOTTOM), NO],           // 14
        [NO, NO],                       // 15: all above
    ]
};

/// Saddle cases 5 and 10 with the centre above the level: the below corners are cut off.
const SADDLE_ABOVE: [[(u8, u8); 2]; 2] =
    [[(BOTTOM, RIGHT), (TOP, LEFT)], [(BOTTOM, LEFT), (RIGHT, TOP)]];

/// A level being traced: its index among the sorted levels and its value.
#[derive(Clone, Copy)]
struct Level {
    index: usize,
    value: f64,
}

/// A cell, by the grid indices `(i, j)` of its bottom-left node.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Cell {
    i: usize,
    j: usize,
}

/// Which edges the walks of the current level went through: a bit per edge, two edges per node
/// (the one to the right, the one upwards). Cleared after each level by the cells it crossed.
struct Visited {
    bits: Vec<u64>,
}

impl Visited {
    fn new(nodes: usize) -> Self {
        Self { bits: vec![0; (2 * nodes).div_ceil(64)] }
    }

    /// Marks `edge`, returning whether it was marked already.
    #[inline]
    fn test_and_set(&mut self, edge: usize) -> bool {
        let (word, bit) = (edge / 64, 1u64 << (edge % 64));
        let seen = self.bits[word] & bit != 0;
        self.bits[word] |= bit;
        seen
    }

    #[inline]
    fn is_set(&self, edge: usize) -> bool {
        self.bits[edge / 64] & (1u64 << (edge % 64)) != 0
    }

    /// Unmarks every edge of `cells` (bottom-left node indices) of a grid `nx` nodes wide.
    fn clear(&mut self, cells: &[u32], nx: usize) {
        for &cell in cells {
            let n = cell as usize;
            for edge in [2 * n, 2 * n + 1, 2 * (n + 1) + 1, 2 * (n + nx)] {
                self.bits[edge / 64] = 0;
            }
        }
    }
}

/// The field's values and node bands, with the geometry of cells and edges.
///
/// Node `(i, j)` is `n = j·nx + i`. Cell `(i, j)` has corners `n`, `n + 1`, `n + nx + 1`,
/// `n + nx` (bottom-left, bottom-right, top-right, top-left). Edge `2n` joins node `n` to
/// `n + 1`, edge `2n + 1` joins `n` to `n + nx`.
struct Grid<'a> {
    values: &'a [f64],
    bands: &'a [u16],
    nx: usize,
    ny: usize,
    /// The nodes' x coordinates, [`Field::x`].
    xs: Vec<f64>,
    /// The nodes' y coordinates, [`Field::y`].
    ys: Vec<f64>,
}

impl Grid<'_> {
    /// For each of `count` levels, the cells it crosses (bottom-left node indices), increasing;
    /// bands of rows on `threads` threads.
    fn crossed_cells(&self, count: usize, threads: usize) -> Vec<Vec<u32>> {
        let (nx, ny) = (self.nx, self.ny);
        // One list per level per band of cell rows; bands are in row order, so concatenating
        // keeps the cells sorted.
        let mut rows: Vec<usize> = (0..ny - 1).collect();
        let per_band = par_row_bands_on(threads, &mut rows, 1, |_, rows| {
            let mut lists: Vec<Vec<u32>> = vec![Vec::new(); count];
            for &j in rows.iter() {
                let below = &self.bands[j * nx..(j + 1) * nx];
                let above = &self.bands[(j + 1) * nx..(j + 2) * nx];
                // Skip runs of cells whose corners all share one band, a chunk at a time (the
                // comparisons vectorise).
                for start in (0..nx - 1).step_by(CHUNK) {
                    let len = CHUNK.min(nx - 1 - start);
                    let (b0, b1) = (&below[start..=start + len], &above[start..=start + len]);
                    let differs = b0[..len]
                        .iter()
                        .zip(&b0[1..])
                        .zip(b1[..len].iter().zip(&b1[1..]))
                        .fold(0u16, |acc, ((&bl, &br), (&tl, &tr))| {
                            acc | (bl ^ br) | (tl ^ tr) | (bl ^ tl)
                        });
                    if differs != 0 {
                        for i in start..start + len {
                            self.list_cell(below, above, Cell { i, j }, &mut lists);
                        }
                    }
                }
            }
            lists
        });

        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); count];
        for band in per_band {
            for (all, part) in lists.iter_mut().zip(band) {
                if all.is_empty() {
                    *all = part;
                } else {
                    all.extend_from_slice(&part);
                }
            }
        }
        lists
    }

    /// Lists `cell` (corner bands in rows `below` and `above`) under every level that crosses it:
    /// the levels `k` with `min band ≤ k < max band`, none when a corner is NaN.
    #[inline]
    fn list_cell(&self, below: &[u16], above: &[u16], cell: Cell, lists: &mut [Vec<u32>]) {
        let i = cell.i;
        let corners = [below[i], below[i + 1], above[i + 1], above[i]];
        let lo = corners.iter().copied().min().unwrap_or(0);
        let hi = corners.iter().copied().max().unwrap_or(0);
        if lo == hi || hi == NAN_BAND {
            return;
        }
        let n = (cell.j * self.nx + i) as u32;
        for list in &mut lists[lo as usize..hi as usize] {
            list.push(n);
        }
    }

    /// The cell whose bottom-left node is `n`.
    #[inline]
    fn cell(&self, n: usize) -> Cell {
        Cell { i: n % self.nx, j: n / self.nx }
    }

    /// The marching-squares case of `cell` at level `k` (bits as in [`SEGMENTS`]).
    #[inline]
    fn case(&self, cell: Cell, k: usize) -> usize {
        let n = cell.j * self.nx + cell.i;
        let above = |node: usize| usize::from(self.bands[node] as usize > k);
        above(n) | above(n + 1) << 1 | above(n + self.nx + 1) << 2 | above(n + self.nx) << 3
    }

    /// The segments of `cell` at `level`, saddles decided by the average of the corners.
    #[inline]
    fn segments(&self, cell: Cell, level: Level) -> [(u8, u8); 2] {
        let case = self.case(cell, level.index);
        if case == 5 || case == 10 {
            let n = cell.j * self.nx + cell.i;
            let v = self.values;
            let centre =
                0.25 * v[n] + 0.25 * v[n + 1] + 0.25 * v[n + self.nx + 1] + 0.25 * v[n + self.nx];
            if centre >= level.value {
                return SADDLE_ABOVE[usize::from(case == 10)];
            }
        }
        SEGMENTS[case]
    }

    /// The edge of `cell` across which the segment entering by `enter` leaves.
    #[inline]
    fn exit(&self, cell: Cell, level: Level, enter: u8) -> Option<u8> {
        self.segments(cell, level).into_iter().find_map(|(a, b)| {
            if a == enter {
                Some(b)
            } else if b == enter {
                Some(a)
            } else {
                None
            }
        })
    }

    /// The global id of `cell`'s edge `side`.
    #[inline]
    fn edge_id(&self, cell: Cell, side: u8) -> usize {
        let n = cell.j * self.nx + cell.i;
        match side {
            BOTTOM => 2 * n,
            RIGHT => 2 * (n + 1) + 1,
            TOP => 2 * (n + self.nx),
            _ => 2 * n + 1,
        }
    }

    /// The cell across `cell`'s edge `side`, if it is in the grid and has no NaN corner, with
    /// the side it is entered by.
    #[inline]
    fn neighbour(&self, cell: Cell, side: u8) -> Option<(Cell, u8)> {
        let Cell { i, j } = cell;
        let next = match side {
            BOTTOM if j > 0 => Cell { i, j: j - 1 },
            RIGHT if i + 2 < self.nx => Cell { i: i + 1, j },
            TOP if j + 2 < self.ny => Cell { i, j: j + 1 },
            LEFT if i > 0 => Cell { i: i - 1, j },
            _ => return None,
        };
        let n = next.j * self.nx + next.i;
        let finite =
            [n, n + 1, n + self.nx + 1, n + self.nx].into_iter().all(|c| self.bands[c] != NAN_BAND);
        finite.then_some((next, (side + 2) % 4))
    }

    /// Where `level` crosses edge `edge` (interpolated linearly between its two nodes, the same
    /// from either cell).
    #[inline]
    fn crossing(&self, edge: usize, level: f64) -> [f64; 2] {
        let (a, up) = (edge / 2, edge % 2 == 1);
        let b = if up { a + self.nx } else { a + 1 };
        let v = self.values;
        let t = (level - v[a]) / (v[b] - v[a]);
        let t = if t.is_nan() { 0.5 } else { t.clamp(0.0, 1.0) };
        let Cell { i, j } = self.cell(a);
        let (x, y) = (self.xs[i], self.ys[j]);
        if up { [x, y + t * (self.ys[j + 1] - y)] } else { [x + t * (self.xs[i + 1] - x), y] }
    }

    /// All the polylines of `level`, which crosses `cells`.
    fn trace_level(
        &self,
        level: Level,
        cells: &[u32],
        visited: &mut Visited,
    ) -> Vec<Vec<[f64; 2]>> {
        let mut polylines = Vec::new();
        for &n in cells {
            let cell = self.cell(n as usize);
            for (a, b) in self.segments(cell, level) {
                if a == u8::MAX || visited.is_set(self.edge_id(cell, a)) {
                    continue;
                }
                let line = self.trace(cell, (a, b), level, visited);
                if line.len() >= 2 {
                    polylines.push(line);
                }
            }
        }
        polylines
    }

    /// The polyline through segment `(a, b)` of `cell`: walked forwards across `b` until it
    /// closes or ends, then (if open) backwards across `a`.
    fn trace(
        &self,
        cell: Cell,
        (a, b): (u8, u8),
        level: Level,
        visited: &mut Visited,
    ) -> Vec<[f64; 2]> {
        let start = self.edge_id(cell, a);
        visited.test_and_set(start);
        let mut forward = vec![self.crossing(start, level.value)];
        if self.walk((cell, b), level, start, visited, &mut forward) {
            return forward;
        }
        let mut backward = Vec::new();
        if let Some((next, enter)) = self.neighbour(cell, a)
            && let Some(exit) = self.exit(next, level, enter)
        {
            self.walk((next, exit), level, usize::MAX, visited, &mut backward);
        }
        if backward.is_empty() {
            return forward;
        }
        backward.reverse();
        if backward.last() == forward.first() {
            backward.pop();
        }
        backward.extend_from_slice(&forward);
        backward
    }

    /// Walks the line out of `cell` across its edge `exit`, pushing each crossing onto `points`
    /// (skipping repeats), until the border, a NaN cell, or edge `close` (then the polyline is
    /// closed with a copy of its first point and `true` returned).
    fn walk(
        &self,
        (mut cell, mut exit): (Cell, u8),
        level: Level,
        close: usize,
        visited: &mut Visited,
        points: &mut Vec<[f64; 2]>,
    ) -> bool {
        loop {
            let edge = self.edge_id(cell, exit);
            if edge == close {
                let first = points[0];
                if points.last() != Some(&first) {
                    points.push(first);
                }
                return true;
            }
            if visited.test_and_set(edge) {
                // Only possible for a broken invariant; stop rather than loop.
                return false;
            }
            let p = self.crossing(edge, level.value);
            if points.last() != Some(&p) {
                points.push(p);
            }
            let Some((next, enter)) = self.neighbour(cell, exit) else { return false };
            let Some(out) = self.exit(next, level, enter) else { return false };
            cell = next;
            exit = out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Domain;

    fn unit() -> Domain {
        Domain::new(0.0, 1.0, 0.0, 1.0).unwrap()
    }

    #[test]
    fn one_cell_cases() {
        // 2 × 2 nodes: one cell. Bottom-left above only.
        let f = Field::from_values(unit(), 2, 2, vec![1.0, 0.0, 0.0, 0.0]).unwrap();
        let lines = contours(&f, &[0.5]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].polylines, vec![vec![[0.25, 0.5], [0.5, 0.25]]]);
    }

    #[test]
    fn saddle_cell_follows_the_centre() {
        // Diagonal corners 1 (BL, TR), others 0; centre 0.5.
        let f = Field::from_values(unit(), 2, 2, vec![1.0, 0.0, 0.0, 1.0]).unwrap();
        // Level 0.4: centre above, the below corners (BR, TL) are cut off.
        let low = &contours(&f, &[0.4])[0].polylines;
        assert_eq!(low.len(), 2);
        // A segment cutting off a corner has its two ends on the corner's two edges.
        let cut_off = |line: &Vec<[f64; 2]>, corner: [f64; 2]| {
            line.len() == 2 && line.iter().all(|p| p[0] == corner[0] || p[1] == corner[1])
        };
        assert!(low.iter().any(|l| cut_off(l, [0.75, 0.25])));
        assert!(low.iter().any(|l| cut_off(l, [0.25, 0.75])));
        // Level 0.6: centre below, the above corners (BL, TR) are cut off.
        let high = &contours(&f, &[0.6])[0].polylines;
        assert!(high.iter().any(|l| cut_off(l, [0.25, 0.25])));
        assert!(high.iter().any(|l| cut_off(l, [0.75, 0.75])));
    }

    #[test]
    fn levels_are_sorted_and_deduplicated() {
        let f = Field::from_values(unit(), 2, 2, vec![0.0, 1.0, 2.0, 3.0]).unwrap();
        let lines = contours(&f, &[2.5, f64::NAN, 0.5, 2.5]);
        let levels: Vec<f64> = lines.iter().map(|l| l.level).collect();
        assert_eq!(levels, vec![0.5, 2.5]);
    }

    #[test]
    fn edges_of_neighbouring_cells_agree() {
        // A line across three cells comes out as one polyline of four points.
        let d = Domain::new(0.0, 4.0, 0.0, 2.0).unwrap();
        let f = Field::from_values(d, 4, 2, vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]).unwrap();
        let lines = contours(&f, &[0.5]);
        assert_eq!(lines[0].polylines.len(), 1);
        let line = &lines[0].polylines[0];
        assert_eq!(line.len(), 4);
        assert!(line.iter().all(|p| p[1] == 1.0));
    }
}
