//! PyTorch's tensor operations on the plane's 2-vectors, in PyTorch's rounding: what every
//! optimizer's scalar update is written with, so it reads like `torch/optim/*.py`.

use super::super::real::Real;
use super::super::{Gradient, Point};

/// PyTorch's `torch.lerp(start, end, weight)`, with its two-sided formula for accuracy.
#[inline]
pub(super) fn lerp(start: f64, end: f64, weight: f64) -> f64 {
    if weight.abs() < 0.5 {
        start + weight * (end - start)
    } else {
        end - (end - start) * (1.0 - weight)
    }
}

/// [`lerp`] per coordinate.
#[inline]
pub(super) fn lerp2(start: Gradient, end: Gradient, weight: f64) -> Gradient {
    Gradient::new(lerp(start.x, end.x, weight), lerp(start.y, end.y, weight))
}

/// `self + value * t1 * t2`, PyTorch's `addcmul`.
#[inline]
pub(super) fn addcmul(s: Gradient, t1: Gradient, t2: Gradient, value: f64) -> Gradient {
    Gradient::new(s.x + value * t1.x * t2.x, s.y + value * t1.y * t2.y)
}

/// `self + value * t1 / t2`, PyTorch's `addcdiv`.
#[inline]
pub(super) fn addcdiv(s: Point, t1: Gradient, t2: Gradient, value: f64) -> Point {
    Point::new(s.x + value * t1.x / t2.x, s.y + value * t1.y / t2.y)
}

/// The square root per coordinate.
#[inline]
pub(super) fn sqrt2(v: Gradient) -> Gradient {
    Gradient::new(v.x.sqrt(), v.y.sqrt())
}

/// `v + eps` per coordinate.
#[inline]
pub(super) fn add_scalar(v: Gradient, eps: f64) -> Gradient {
    Gradient::new(v.x + eps, v.y + eps)
}

/// L2 weight decay, `grad = grad.add(param, alpha=weight_decay)`, skipped at 0 as PyTorch
/// skips it.
#[inline(always)]
pub(super) fn l2_decay(g: Gradient, p: Point, weight_decay: f64) -> Gradient {
    if weight_decay != 0.0 { g + p * weight_decay } else { g }
}

/// [`l2_decay`] of one coordinate, in `T`.
#[inline(always)]
pub(super) fn l2<T: Real>(g: T, p: T, wd: T) -> T {
    if wd != T::default() { g + p * wd } else { g }
}

/// `torch.sign`: −1, 0 (of the same sign) or 1 (NaN stays NaN), unlike `f64::signum`, which
/// gives 1 for 0.
#[inline(always)]
pub(crate) fn sign<T: Real>(v: T) -> T {
    let zero = T::default();
    if v > zero {
        T::of(1.0)
    } else if v < zero {
        T::of(-1.0)
    } else {
        v * zero
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lerp_matches_both_branches() {
        assert_eq!(lerp(1.0, 3.0, 0.25), 1.5);
        assert_eq!(lerp(1.0, 3.0, 0.75), 2.5);
    }
}
