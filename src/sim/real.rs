//! The two floating-point types a run can be computed in: `f64` (PyTorch's `torch.float64`, what
//! every trajectory on screen uses) and `f32` (`torch.float32`, PyTorch's default dtype, what a
//! student's own script computes in unless told otherwise).
//!
//! The built-in surfaces and the [batch kernel](super::batch) are written once over [`Real`];
//! each operation rounds to the type it runs in, as PyTorch's kernels do for a tensor of that
//! dtype: constants and per-step scalars (`lr / (1 − β₁ᵗ)`, `√(1 − β₂ᵗ)`) are computed in `f64`,
//! as Python computes them, then rounded to the tensor's type.

use std::fmt;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

/// A floating-point type the simulator can compute in: `f32` or `f64`.
pub trait Real:
    Copy
    + Default
    + PartialOrd
    + fmt::Debug
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
{
    /// The nearest value of this type to `v` (`v` itself for `f64`).
    fn of(v: f64) -> Self;
    /// This value as an `f64` (exact: every `f32` is an `f64`).
    fn to_f64(self) -> f64;
    /// The correctly rounded square root.
    fn sqrt(self) -> Self;
    /// `eˣ`.
    fn exp(self) -> Self;
    /// The sine.
    fn sin(self) -> Self;
    /// The cosine.
    fn cos(self) -> Self;
    /// The larger of the two (the other if one is NaN), as `f64::max`.
    fn max(self, other: Self) -> Self;
    /// Neither infinite nor NaN.
    fn is_finite(self) -> bool;
}

macro_rules! real {
    ($t:ty) => {
        impl Real for $t {
            #[inline(always)]
            fn of(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            real!(@forward $t: sqrt exp sin cos);
            #[inline(always)]
            fn max(self, other: Self) -> Self {
                <$t>::max(self, other)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
        }
    };
    (@forward $t:ty: $($f:ident)*) => {
        $(
            #[inline(always)]
            fn $f(self) -> Self {
                <$t>::$f(self)
            }
        )*
    };
}
real!(f32);
real!(f64);

/// Which type a batch of runs computes in, by PyTorch's names.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    /// `torch.float32`: single precision, twice the lanes per vector register, and a divider and
    /// square-root unit that is faster still. A basin map in it takes about half the time.
    Float32,
    /// `torch.float64`: double precision, bit for bit what the app's trajectories compute.
    #[default]
    Float64,
}

impl Dtype {
    /// Both, the default first.
    pub const ALL: [Dtype; 2] = [Dtype::Float64, Dtype::Float32];

    /// PyTorch's name: `float32` or `float64`.
    pub fn name(self) -> &'static str {
        match self {
            Dtype::Float32 => "float32",
            Dtype::Float64 => "float64",
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dtype {
    type Err = String;

    /// `float32`/`f32` or `float64`/`f64`, in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "float32" | "f32" => Ok(Dtype::Float32),
            "float64" | "f64" => Ok(Dtype::Float64),
            other => Err(format!("unknown dtype '{other}': expected float32 or float64")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtypes_parse_by_pytorch_name_and_short_name() {
        assert_eq!("float32".parse(), Ok(Dtype::Float32));
        assert_eq!(" F64 ".parse(), Ok(Dtype::Float64));
        for d in Dtype::ALL {
            assert_eq!(d.name().parse(), Ok(d));
        }
        let err = "half".parse::<Dtype>().unwrap_err();
        assert!(err.contains("'half'") && err.contains("float32 or float64"), "{err}");
    }

    #[test]
    fn f32_rounds_constants_and_f64_keeps_them() {
        assert_eq!(f64::of(0.1), 0.1);
        assert_eq!(f32::of(0.1), 0.1_f32);
        assert_ne!(f32::of(0.1).to_f64(), 0.1);
        assert_eq!(Real::max(f32::NAN, 2.0), 2.0);
    }
}
