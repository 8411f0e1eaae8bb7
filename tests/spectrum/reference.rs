//! The reference: the loss written as plain scalar loops, generic over num-dual's numbers, and
//! its exact value, gradient and Hessian from second-order dual numbers.

use nalgebra::{DMatrix, DVector};
use num_dual::{Dual2DVec64, DualNum, hessian};

use losscape::sim::net::spectrum::Loss;

/// L(θ) by one scalar forward pass per row: z = W·a + b layer by layer, tanh between;
/// `ln(1 + eᶻ) − y·z` for one output, `max + ln Σ e^(z−max) − z_y` for several.
pub fn loss_generic<T: DualNum<Primitive = f64>>(loss: &Loss, theta: &[T]) -> T {
    let widths = loss.widths().as_slice();
    let (x, labels) = (loss.data().x(), loss.data().labels());
    let mut total = T::from(0.0);
    for (r, &y) in labels.iter().enumerate() {
        let mut a: Vec<T> = (0..x.ncols()).map(|j| T::from(x[(r, j)])).collect();
        let mut offset = 0;
        for (k, w) in widths.windows(2).enumerate() {
            let (inputs, outputs) = (w[0], w[1]);
            let z: Vec<T> = (0..outputs)
                .map(|o| {
                    let mut s = theta[offset + inputs * outputs + o].clone();
                    for (i, ai) in a.iter().enumerate() {
                        s += theta[offset + o * inputs + i].clone() * ai.clone();
                    }
                    s
                })
                .collect();
            offset += inputs * outputs + outputs;
            a = if k + 2 < widths.len() { z.iter().map(|v| v.tanh()).collect() } else { z };
        }
        total += if a.len() == 1 {
            let z = a[0].clone();
            let softplus =
                if z.re() > 0.0 { z.clone() + (-z.clone()).exp().ln_1p() } else { z.exp().ln_1p() };
            softplus - z * y as f64
        } else {
            let max = a.iter().map(|v| v.re()).fold(f64::NEG_INFINITY, f64::max);
            let sum: T = a.iter().map(|v| (v.clone() - max).exp()).sum();
            sum.ln() + max - a[y].clone()
        };
    }
    let mut out = total / labels.len() as f64;
    let wd = loss.weight_decay();
    if wd > 0.0 {
        let sq: T = theta.iter().map(|t| t.clone() * t.clone()).sum();
        out += sq * (0.5 * wd);
    }
    out
}

/// L(θ), ∇L(θ) and ∇²L(θ), exact, from second-order dual numbers.
pub fn exact(loss: &Loss, theta: &[f64]) -> (f64, Vec<f64>, DMatrix<f64>) {
    let x = DVector::from_column_slice(theta);
    let (value, grad, hess) =
        hessian(|t: DVector<Dual2DVec64>| loss_generic(loss, t.as_slice()), &x);
    (value, grad.as_slice().to_vec(), hess)
}
