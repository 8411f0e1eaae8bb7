//! The numbers exact derivatives ride on: `f64`, and num-dual's dual numbers.
//!
//! A formula's program and a network's forward and backward passes are written once, generic
//! over [`Scalar`]: plain `f64` gives the value, first-order duals carry the gradient (or a
//! Hessian-vector product) along, second-order duals the Hessian too. Forward-mode automatic
//! differentiation, exact to rounding, no finite differences.

use num_dual::DualNum;

/// The numbers the passes run on: `f64` and the dual numbers that carry derivatives along.
pub trait Scalar: DualNum<Primitive = f64> + Copy {
    /// `self^c` for a constant non-integer `c`; at 0, the limit for `c > 1` (where
    /// [`DualNum::powf`]'s chain rule would multiply 0 by infinity).
    #[inline]
    fn pow_const(self, c: f64) -> Self {
        if c > 1.0 && self.re() == 0.0 { Self::from(0.0) } else { self.powf(c) }
    }
}

impl<T: DualNum<Primitive = f64> + Copy> Scalar for T {}
