//! The loss of one row at the network's output, written once for both implementations of a
//! network's loss: the per-row passes of [`Network`](super::Network), generic over the scalar
//! (dual numbers give the slice's and the census's exact derivatives), and the spectrum's
//! matrix passes ([`Loss`](super::spectrum::Loss)). Both call [`cross_entropy`] for every row
//! and check the labels with [`check_labels`], so the two can only differ in the order of their
//! sums.
//!
//! With logits z (K of them) and the row's label y:
//! - K = 1, the logit of a binary label (PyTorch's `BCEWithLogitsLoss`):
//!   `ℓ = softplus(z) − y·z`, p = σ(z), and ∂ℓ/∂z = p − y;
//! - K ≥ 2, the logits of K classes (PyTorch's `CrossEntropyLoss`):
//!   `ℓ = logsumexp(z) − z_y` computed as `ln Σⱼ e^(zⱼ − m) + m − z_y` with m = max zⱼ (so no
//!   e^z overflows), p = softmax(z), and ∂ℓ/∂zⱼ = pⱼ − [j = y].

use crate::sim::surfaces::dual::Scalar;

/// `softplus(z) = ln(1 + eᶻ)` without overflow, on any scalar.
#[inline]
pub fn softplus<T: Scalar>(z: T) -> T {
    if z.re() > 0.0 { z + (-z).exp().ln_1p() } else { z.exp().ln_1p() }
}

/// The logistic function `σ(z) = 1/(1 + e⁻ᶻ)` without overflow, on any scalar.
#[inline]
pub fn sigmoid<T: Scalar>(z: T) -> T {
    if z.re() >= 0.0 {
        ((-z).exp() + 1.0).recip()
    } else {
        let e = z.exp();
        e / (e + 1.0)
    }
}

/// ℓ(z, y) of one row (see the module's doc), writing the probabilities p (σ(z) for one logit,
/// softmax(z) for several) into `probs` if given; ∂ℓ/∂z is then p minus the one-hot label
/// ([`target`]; p − y for one logit). ℓ is the same number with or without `probs`. The shift
/// m of the logsumexp is the largest logit's value taken as a constant, which leaves ℓ and
/// every derivative of it unchanged.
///
/// # Panics
/// If `probs` is shorter than `z`, or (K ≥ 2) `label` is not below K.
#[inline]
pub fn cross_entropy<T: Scalar>(z: &[T], label: usize, probs: Option<&mut [T]>) -> T {
    if let [z] = z {
        if let Some(p) = probs {
            p[0] = sigmoid(*z);
        }
        return softplus(*z) - *z * label as f64;
    }
    let max = z.iter().map(|v| v.re()).fold(f64::NEG_INFINITY, f64::max);
    let mut total = T::from(0.0);
    match probs {
        Some(probs) => {
            for (p, &zj) in probs.iter_mut().zip(z) {
                *p = (zj - max).exp();
                total += *p;
            }
            for p in &mut probs[..z.len()] {
                *p /= total;
            }
        }
        None => {
            for &zj in z {
                total += (zj - max).exp();
            }
        }
    }
    total.ln() + max - z[label]
}

/// The class logits `z` predict: the first largest logit's index (K ≥ 2), or 1 where the one
/// logit is positive (K = 1).
#[inline]
pub fn predict(z: &[f64]) -> usize {
    if let [z] = z {
        return usize::from(*z > 0.0);
    }
    let mut best = 0;
    for (j, &v) in z.iter().enumerate() {
        if v > z[best] {
            best = j;
        }
    }
    best
}

/// The one-hot label: 1 at `label`, else 0; for one logit, the label itself (0 or 1).
#[inline]
pub fn target(label: usize, j: usize, outputs: usize) -> f64 {
    if outputs == 1 { label as f64 } else { f64::from(u8::from(j == label)) }
}

/// What the labels of a network with `outputs` logits may be, for a message: "0 or 1 (one
/// output: a binary logit)" or "0 to K − 1 (K outputs)".
pub fn labels_wanted(outputs: usize) -> String {
    match outputs {
        0 | 1 => "0 or 1 (one output: a binary logit)".to_owned(),
        k => format!("0 to {} ({k} outputs)", k - 1),
    }
}

/// Whether every label fits a network with `outputs` logits: below K, or 0/1 for K = 1.
///
/// # Errors
/// The first row (0-based) whose label does not fit, and a message naming its row (1-based),
/// its label and what the labels may be.
pub fn check_labels(labels: &[usize], outputs: usize) -> Result<(), (usize, String)> {
    let classes = outputs.max(2);
    match labels.iter().position(|&y| y >= classes) {
        None => Ok(()),
        Some(i) => Err((
            i,
            format!("row {} has label {}; labels are {}", i + 1, labels[i], labels_wanted(outputs)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_dual::Dual64;

    #[test]
    fn softmax_cross_entropy_is_stable_and_its_derivative_is_p_minus_the_label() {
        // Logits of 1000: e^1000 overflows, the shifted sum does not.
        let z = [1000.0_f64, 999.0, 990.0];
        let mut p = [0.0_f64; 3];
        let l = cross_entropy(&z, 1, Some(&mut p[..]));
        assert_eq!(cross_entropy(&z, 1, None).to_bits(), l.to_bits());
        assert_eq!((predict(&z), predict(&[3.0, 5.0, 5.0]), predict(&[-0.1])), (0, 1, 0));
        let lse = 1000.0 + (1.0 + (-1.0f64).exp() + (-10.0f64).exp()).ln();
        assert!((l - (lse - 999.0)).abs() < 1e-12, "{l}");
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        // A dual number along logit 2 carries ∂ℓ/∂z₂ = p₂ − 0.
        let zd = [Dual64::from(1000.0), Dual64::from(999.0), Dual64::new(990.0, 1.0)];
        let mut pd = [Dual64::from(0.0); 3];
        let ld = cross_entropy(&zd, 1, Some(&mut pd[..]));
        assert_eq!(ld.re, l);
        assert!((ld.eps - p[2]).abs() < 1e-15);
        // One logit: BCE with logits.
        let mut q = [0.0_f64];
        let b = cross_entropy(&[0.3], 1, Some(&mut q[..]));
        assert_eq!(q[0], sigmoid(0.3));
        assert!((b - (1.0 + (-0.3f64).exp()).ln()).abs() < 1e-15);
        assert_eq!((target(1, 0, 1), target(2, 2, 3), target(2, 0, 3)), (1.0, 1.0, 0.0));
    }

    #[test]
    fn labels_beyond_the_outputs_are_named() {
        assert!(check_labels(&[0, 1, 1], 1).is_ok());
        assert!(check_labels(&[0, 1, 1], 2).is_ok());
        let (row, message) = check_labels(&[0, 2, 1], 1).unwrap_err();
        assert_eq!(row, 1);
        assert!(message.contains("row 2 has label 2; labels are 0 or 1"), "{message}");
        let (_, message) = check_labels(&[0, 3], 3).unwrap_err();
        assert!(message.contains("labels are 0 to 2 (3 outputs)"), "{message}");
    }
}
