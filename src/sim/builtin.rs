//! The catalogue of built-in surfaces: the lecture's five and eight classic test functions.
//!
//! Each surface ships f, its gradient and its Hessian side by side, written out by hand (as
//! argmin-testfunctions does), and a property test holds the derivatives to central finite
//! differences (`tests/surfaces.rs`). The formula string of each is valid formula syntax and
//! gives the same surface.

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use super::real::Real;
use super::{Domain, Gradient, Hessian, Point, Surface};

/// One of the catalogue's surfaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Builtin {
    /// Local-optima bowls: a wide bowl with four Gaussian wells (four minima, three saddles).
    Bowls,
    /// The plain saddle `x² − y²`.
    Saddle,
    /// A saddle at the origin between two valleys at (0, ±1).
    EscapeSaddle,
    /// The monkey saddle `x³ − 3xy²`: three valleys down, a degenerate critical point.
    MonkeySaddle,
    /// An inverted Gaussian: a minimum in a basin surrounded by a vast flat plateau.
    Plateau,
    /// An elongated bowl (a ravine): condition number 20.
    ElongatedBowl,
    /// Rosenbrock's banana valley, minimum at (1, 1).
    Rosenbrock,
    /// Himmelblau's function: four minima of equal value 0.
    Himmelblau,
    /// Beale's function, minimum at (3, 0.5).
    Beale,
    /// Booth's function, minimum at (1, 3).
    Booth,
    /// Rastrigin's function: a grid of local minima, global minimum at the origin.
    Rastrigin,
    /// The six-hump camel: six minima (two global), two maxima.
    SixHumpCamel,
    /// The Styblinski–Tang function: four minima, global at (−2.9035…, −2.9035…).
    StyblinskiTang,
}

/// The four Gaussian wells of [`Builtin::Bowls`]: depth, centre x, centre y, width s in
/// `depth·exp(−((x−cx)² + (y−cy)²)/s)`.
const WELLS: [(f64, f64, f64, f64); 4] =
    [(1.2, 1.5, 1.0, 0.8), (0.8, -1.5, -0.5, 0.6), (0.6, 0.2, -1.8, 0.5), (0.5, -0.8, 2.0, 0.4)];

/// The constants of Beale's three residuals `cᵢ − x + x·yⁱ`.
const BEALE: [f64; 3] = [1.5, 2.25, 2.625];

impl Builtin {
    /// Every built-in surface, the lecture's five first.
    pub const ALL: [Builtin; 13] = [
        Builtin::Bowls,
        Builtin::Saddle,
        Builtin::EscapeSaddle,
        Builtin::MonkeySaddle,
        Builtin::Plateau,
        Builtin::ElongatedBowl,
        Builtin::Rosenbrock,
        Builtin::Himmelblau,
        Builtin::Beale,
        Builtin::Booth,
        Builtin::Rastrigin,
        Builtin::SixHumpCamel,
        Builtin::StyblinskiTang,
    ];

    /// The name used on the command line and in scene files.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Bowls => "bowls",
            Builtin::Saddle => "saddle",
            Builtin::EscapeSaddle => "escape-saddle",
            Builtin::MonkeySaddle => "monkey-saddle",
            Builtin::Plateau => "plateau",
            Builtin::ElongatedBowl => "elongated-bowl",
            Builtin::Rosenbrock => "rosenbrock",
            Builtin::Himmelblau => "himmelblau",
            Builtin::Beale => "beale",
            Builtin::Booth => "booth",
            Builtin::Rastrigin => "rastrigin",
            Builtin::SixHumpCamel => "six-hump-camel",
            Builtin::StyblinskiTang => "styblinski-tang",
        }
    }

    /// f(x, y) in formula syntax: parsing it gives the same surface.
    pub fn formula(self) -> &'static str {
        match self {
            Builtin::Bowls => {
                "0.05*(x^2+y^2) - 1.2*exp(-((x-1.5)^2+(y-1)^2)/0.8) \
                 - 0.8*exp(-((x+1.5)^2+(y+0.5)^2)/0.6) - 0.6*exp(-((x-0.2)^2+(y+1.8)^2)/0.5) \
                 - 0.5*exp(-((x+0.8)^2+(y-2)^2)/0.4)"
            }
            Builtin::Saddle => "x^2 - y^2",
            Builtin::EscapeSaddle => "x^2 + 0.25*(y^2-1)^2",
            Builtin::MonkeySaddle => "x^3 - 3*x*y^2",
            Builtin::Plateau => "1 - exp(-(x^2 + 2*y^2)/2)",
            Builtin::ElongatedBowl => "0.1*x^2 + 2*y^2",
            Builtin::Rosenbrock => "(1-x)^2 + 100*(y-x^2)^2",
            Builtin::Himmelblau => "(x^2+y-11)^2 + (x+y^2-7)^2",
            Builtin::Beale => "(1.5-x+x*y)^2 + (2.25-x+x*y^2)^2 + (2.625-x+x*y^3)^2",
            Builtin::Booth => "(x+2*y-7)^2 + (2*x+y-5)^2",
            Builtin::Rastrigin => "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
            Builtin::SixHumpCamel => "(4-2.1*x^2+x^4/3)*x^2 + x*y + (-4+4*y^2)*y^2",
            Builtin::StyblinskiTang => "0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
        }
    }

    /// The domain the surface is first shown over.
    pub fn domain(self) -> Domain {
        let (x_min, x_max, y_min, y_max) = match self {
            Builtin::Bowls => (-3.0, 3.0, -3.0, 3.0),
            Builtin::Saddle | Builtin::EscapeSaddle => (-2.0, 2.0, -2.0, 2.0),
            Builtin::MonkeySaddle => (-1.5, 1.5, -1.5, 1.5),
            Builtin::Plateau | Builtin::Himmelblau | Builtin::StyblinskiTang => {
                (-5.0, 5.0, -5.0, 5.0)
            }
            Builtin::ElongatedBowl => (-10.0, 10.0, -5.0, 5.0),
            Builtin::Rosenbrock => (-2.0, 2.0, -1.0, 3.0),
            Builtin::Beale => (-4.5, 4.5, -4.5, 4.5),
            Builtin::Booth => (-10.0, 10.0, -10.0, 10.0),
            Builtin::Rastrigin => (-5.12, 5.12, -5.12, 5.12),
            Builtin::SixHumpCamel => (-2.2, 2.2, -1.2, 1.2),
        };
        Domain { x_min, x_max, y_min, y_max }
    }

    /// One line on what the surface teaches.
    pub fn description(self) -> &'static str {
        match self {
            Builtin::Bowls => {
                "local optima: four minima of different depth, three saddles between them"
            }
            Builtin::Saddle => "a plain saddle: down along y, up along x",
            Builtin::EscapeSaddle => "a saddle at the origin between two valleys at (0, ±1)",
            Builtin::MonkeySaddle => {
                "a monkey saddle: three ways down, a degenerate critical point"
            }
            Builtin::Plateau => {
                "a minimum inside a vast plateau where the gradient all but vanishes"
            }
            Builtin::ElongatedBowl => "a ravine: steep across, shallow along (condition number 20)",
            Builtin::Rosenbrock => "Rosenbrock's banana valley: easy to find, slow to follow",
            Builtin::Himmelblau => "four minima of equal depth: the start decides the basin",
            Builtin::Beale => "Beale: sharp ridges and a flat valley floor",
            Builtin::Booth => "Booth: a tilted quadratic bowl",
            Builtin::Rastrigin => "Rastrigin: a regular grid of local minima",
            Builtin::SixHumpCamel => "six-hump camel: six minima, two global",
            Builtin::StyblinskiTang => "Styblinski–Tang: four minima, one global",
        }
    }

    /// The surface's minima, where they are known in closed form or to full precision
    /// (computed with 30-digit arithmetic; see `tests/critical.rs`). Empty where the surface has
    /// no minimum (saddles) or where they are only found numerically (bowls, Rastrigin's local
    /// minima: ask [`critical_points`](super::critical_points)).
    pub fn known_minima(self) -> &'static [[f64; 2]] {
        match self {
            Builtin::Bowls | Builtin::Saddle | Builtin::MonkeySaddle => &[],
            Builtin::EscapeSaddle => &[[0.0, -1.0], [0.0, 1.0]],
            Builtin::Plateau | Builtin::ElongatedBowl | Builtin::Rastrigin => &[[0.0, 0.0]],
            Builtin::Rosenbrock => &[[1.0, 1.0]],
            Builtin::Himmelblau => &[
                [3.0, 2.0],
                [-2.805_118_086_952_745, 3.131_312_518_250_573],
                [-3.779_310_253_377_747, -3.283_185_991_286_169_4],
                [3.584_428_340_330_492, -1.848_126_526_964_403_5],
            ],
            Builtin::Beale => &[[3.0, 0.5]],
            Builtin::Booth => &[[1.0, 3.0]],
            Builtin::SixHumpCamel => &[
                [0.089_842_013_100_318_06, -0.712_656_403_020_739_6],
                [-0.089_842_013_100_318_06, 0.712_656_403_020_739_6],
                [1.703_606_714_969_980_8, -0.796_083_568_672_625_1],
                [-1.703_606_714_969_980_8, 0.796_083_568_672_625_1],
                [1.607_104_752_920_197_2, 0.568_651_454_884_131_4],
                [-1.607_104_752_920_197_2, -0.568_651_454_884_131_4],
            ],
            Builtin::StyblinskiTang => &[[-2.903_534_027_771_177, -2.903_534_027_771_177]],
        }
    }

    /// Looks a surface up by its catalogue name.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown surface name, with the catalogue to choose from.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("unknown surface '{0}'; the surfaces are: {names}", names = Builtin::ALL.map(Builtin::name).join(", "))]
pub struct UnknownSurface(pub String);

impl FromStr for Builtin {
    type Err = UnknownSurface;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Builtin::from_name(s).ok_or_else(|| UnknownSurface(s.to_owned()))
    }
}

#[inline(always)]
fn sq<T: Real>(v: T) -> T {
    v * v
}

impl Builtin {
    /// f(x, y) computed in `T`: every constant rounded to `T`, every operation in `T`, as a
    /// PyTorch tensor of that dtype would compute it. For `f64` this is [`Surface::value`].
    #[inline(always)]
    pub fn value_in<T: Real>(self, x: T, y: T) -> T {
        let c = T::of;
        match self {
            Builtin::Bowls => {
                let mut f = c(0.05) * (x * x + y * y);
                for (a, cx, cy, s) in WELLS {
                    f -= c(a) * (-(sq(x - c(cx)) + sq(y - c(cy))) / c(s)).exp();
                }
                f
            }
            Builtin::Saddle => x * x - y * y,
            Builtin::EscapeSaddle => x * x + c(0.25) * sq(y * y - c(1.0)),
            Builtin::MonkeySaddle => x * x * x - c(3.0) * x * y * y,
            Builtin::Plateau => c(1.0) - (-(x * x + c(2.0) * y * y) / c(2.0)).exp(),
            Builtin::ElongatedBowl => c(0.1) * x * x + c(2.0) * y * y,
            Builtin::Rosenbrock => sq(c(1.0) - x) + c(100.0) * sq(y - x * x),
            Builtin::Himmelblau => sq(x * x + y - c(11.0)) + sq(x + y * y - c(7.0)),
            Builtin::Beale => {
                let mut yi = c(1.0);
                let mut f = c(0.0);
                for b in BEALE {
                    yi *= y;
                    f += sq(c(b) - x + x * yi);
                }
                f
            }
            Builtin::Booth => sq(x + c(2.0) * y - c(7.0)) + sq(c(2.0) * x + y - c(5.0)),
            Builtin::Rastrigin => {
                c(20.0) + x * x - c(10.0) * (c(2.0 * PI) * x).cos() + y * y
                    - c(10.0) * (c(2.0 * PI) * y).cos()
            }
            Builtin::SixHumpCamel => {
                let x2 = x * x;
                (c(4.0) - c(2.1) * x2 + x2 * x2 / c(3.0)) * x2
                    + x * y
                    + (c(-4.0) + c(4.0) * y * y) * y * y
            }
            Builtin::StyblinskiTang => {
                let (x2, y2) = (x * x, y * y);
                c(0.5) * (x2 * x2 - c(16.0) * x2 + c(5.0) * x + y2 * y2 - c(16.0) * y2 + c(5.0) * y)
            }
        }
    }

    /// (f, ∂f/∂x, ∂f/∂y) computed in `T`, as [`value_in`](Self::value_in). For `f64` this is
    /// [`Surface::value_grad`].
    ///
    /// Always inlined: with the surface known (the batch kernel), the match folds away and the
    /// arithmetic vectorises.
    #[inline(always)]
    pub fn value_grad_in<T: Real>(self, x: T, y: T) -> (T, T, T) {
        let c = T::of;
        let (gx, gy) = match self {
            Builtin::Bowls => {
                let (mut gx, mut gy) = (c(0.1) * x, c(0.1) * y);
                for (a, cx, cy, s) in WELLS {
                    let (dx, dy) = (x - c(cx), y - c(cy));
                    let t = c(a) * (-(dx * dx + dy * dy) / c(s)).exp();
                    gx += c(2.0) * t * dx / c(s);
                    gy += c(2.0) * t * dy / c(s);
                }
                (gx, gy)
            }
            Builtin::Saddle => (c(2.0) * x, c(-2.0) * y),
            Builtin::EscapeSaddle => (c(2.0) * x, y * (y * y - c(1.0))),
            Builtin::MonkeySaddle => (c(3.0) * (x * x - y * y), c(-6.0) * x * y),
            Builtin::Plateau => {
                let e = (-(x * x + c(2.0) * y * y) / c(2.0)).exp();
                (x * e, c(2.0) * y * e)
            }
            Builtin::ElongatedBowl => (c(0.2) * x, c(4.0) * y),
            Builtin::Rosenbrock => {
                let r = y - x * x;
                (c(-2.0) * (c(1.0) - x) - c(400.0) * x * r, c(200.0) * r)
            }
            Builtin::Himmelblau => {
                let (a, b) = (x * x + y - c(11.0), x + y * y - c(7.0));
                (c(4.0) * x * a + c(2.0) * b, c(2.0) * a + c(4.0) * y * b)
            }
            Builtin::Beale => {
                let (mut gx, mut gy) = (c(0.0), c(0.0));
                let mut yim1 = c(1.0); // y^(i-1)
                for (i, b) in BEALE.into_iter().enumerate() {
                    let n = c((i + 1) as f64);
                    let yi = yim1 * y;
                    let r = c(b) - x + x * yi;
                    gx += c(2.0) * r * (yi - c(1.0));
                    gy += c(2.0) * r * n * x * yim1;
                    yim1 = yi;
                }
                (gx, gy)
            }
            Builtin::Booth => {
                let (a, b) = (x + c(2.0) * y - c(7.0), c(2.0) * x + y - c(5.0));
                (c(2.0) * a + c(4.0) * b, c(4.0) * a + c(2.0) * b)
            }
            Builtin::Rastrigin => (
                c(2.0) * x + c(20.0 * PI) * (c(2.0 * PI) * x).sin(),
                c(2.0) * y + c(20.0 * PI) * (c(2.0 * PI) * y).sin(),
            ),
            Builtin::SixHumpCamel => {
                let x2 = x * x;
                (
                    c(8.0) * x - c(8.4) * x2 * x + c(2.0) * x2 * x2 * x + y,
                    x - c(8.0) * y + c(16.0) * y * y * y,
                )
            }
            Builtin::StyblinskiTang => (
                c(0.5) * (c(4.0) * x * x * x - c(32.0) * x + c(5.0)),
                c(0.5) * (c(4.0) * y * y * y - c(32.0) * y + c(5.0)),
            ),
        };
        (self.value_in(x, y), gx, gy)
    }
}

impl Surface for Builtin {
    #[inline]
    fn value(&self, p: Point) -> f64 {
        self.value_in(p.x, p.y)
    }

    #[inline]
    /// Bowls' wells are separable, `exp(−(dx² + dy²)/s) = exp(−dx²/s)·exp(−dy²/s)`: on a grid
    /// that is one `exp` per column and per row for each well instead of one per sample (the
    /// heatmap of a 1024² view: 8 thousand calls instead of 4 million). Equal to
    /// [`value`](Surface::value) to a few ulps.
    fn sample_grid(&self, xs: &[f64], ys: &[f64], out: &mut [f64]) {
        if *self != Builtin::Bowls || xs.is_empty() {
            return super::surface::sample_pointwise(self, xs, ys, out);
        }
        assert_eq!(out.len(), xs.len() * ys.len(), "grid output of the wrong length");
        // Per column: 0.05·x² and each well's x factor, times its depth.
        let columns: Vec<(f64, [f64; 4])> = xs
            .iter()
            .map(|&x| (0.05 * x * x, WELLS.map(|(a, cx, _, s)| a * (-sq(x - cx) / s).exp())))
            .collect();
        for (row, &y) in out.chunks_exact_mut(xs.len()).zip(ys) {
            let fy = 0.05 * y * y;
            let ey = WELLS.map(|(_, _, cy, s)| (-sq(y - cy) / s).exp());
            for (o, (fx, ex)) in row.iter_mut().zip(&columns) {
                *o = fx + fy - ex[0] * ey[0] - ex[1] * ey[1] - ex[2] * ey[2] - ex[3] * ey[3];
            }
        }
    }

    // Always inlined: with the surface known (the batch kernel), the match folds away and the
    // arithmetic vectorises.
    #[inline(always)]
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        let (f, gx, gy) = self.value_grad_in(p.x, p.y);
        (f, Gradient::new(gx, gy))
    }

    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        let (x, y) = (p.x, p.y);
        let (hxx, hxy, hyy) = match self {
            Builtin::Bowls => {
                let (mut hxx, mut hxy, mut hyy) = (0.1, 0.0, 0.1);
                for (a, cx, cy, s) in WELLS {
                    let (dx, dy) = (x - cx, y - cy);
                    let t = a * (-(dx * dx + dy * dy) / s).exp();
                    hxx += t * (2.0 / s - 4.0 * dx * dx / (s * s));
                    hxy -= t * 4.0 * dx * dy / (s * s);
                    hyy += t * (2.0 / s - 4.0 * dy * dy / (s * s));
                }
                (hxx, hxy, hyy)
            }
            Builtin::Saddle => (2.0, 0.0, -2.0),
            Builtin::EscapeSaddle => (2.0, 0.0, 3.0 * y * y - 1.0),
            Builtin::MonkeySaddle => (6.0 * x, -6.0 * y, -6.0 * x),
            Builtin::Plateau => {
                let e = (-(x * x + 2.0 * y * y) / 2.0).exp();
                (e * (1.0 - x * x), -2.0 * x * y * e, e * (2.0 - 4.0 * y * y))
            }
            Builtin::ElongatedBowl => (0.2, 0.0, 4.0),
            Builtin::Rosenbrock => (2.0 + 1200.0 * x * x - 400.0 * y, -400.0 * x, 200.0),
            Builtin::Himmelblau => {
                let (a, b) = (x * x + y - 11.0, x + y * y - 7.0);
                (4.0 * a + 8.0 * x * x + 2.0, 4.0 * (x + y), 2.0 + 4.0 * b + 8.0 * y * y)
            }
            Builtin::Beale => {
                let (mut hxx, mut hxy, mut hyy) = (0.0, 0.0, 0.0);
                let (mut yim2, mut yim1) = (0.0, 1.0); // y^(i-2) (0 for i = 1), y^(i-1)
                for (i, c) in BEALE.into_iter().enumerate() {
                    let n = (i + 1) as f64;
                    let yi = yim1 * y;
                    let r = c - x + x * yi;
                    let (rx, ry) = (yi - 1.0, n * x * yim1);
                    let (rxy, ryy) = (n * yim1, n * (n - 1.0) * x * yim2);
                    hxx += 2.0 * rx * rx;
                    hxy += 2.0 * (rx * ry + r * rxy);
                    hyy += 2.0 * (ry * ry + r * ryy);
                    yim2 = yim1;
                    yim1 = yi;
                }
                (hxx, hxy, hyy)
            }
            Builtin::Booth => (10.0, 8.0, 10.0),
            Builtin::Rastrigin => (
                2.0 + 40.0 * PI * PI * (2.0 * PI * x).cos(),
                0.0,
                2.0 + 40.0 * PI * PI * (2.0 * PI * y).cos(),
            ),
            Builtin::SixHumpCamel => {
                let x2 = x * x;
                (8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0, -8.0 + 48.0 * y * y)
            }
            Builtin::StyblinskiTang => (6.0 * x * x - 16.0, 0.0, 6.0 * y * y - 16.0),
        };
        let (f, g) = self.value_grad(p);
        (f, g, Hessian::new(hxx, hxy, hxy, hyy))
    }
}
