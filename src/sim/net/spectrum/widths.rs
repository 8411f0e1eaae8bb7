//! The widths `D-H[-H…]-K` of a fully connected network, each layer's place in the flat
//! parameter vector θ, and PyTorch's default initialisation of θ.

use super::SpectrumError;
use crate::sim::net::Layer;
use crate::sim::net::architecture::{init_layers, layers_of};

/// The most parameters a network may have. Lanczos keeps every basis vector (full
/// reorthogonalisation), so M steps hold M·n numbers: 90 steps of 10⁶ parameters are 720 MB.
pub const MAX_PARAMS: usize = 1_000_000;

/// The layer widths, inputs first, outputs last: `[D, H₁, …, K]`, at least two, each ≥ 1,
/// at most [`MAX_PARAMS`] parameters in all.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Widths(Vec<usize>);

impl Widths {
    /// Widths from numbers: at least two (inputs and outputs), each ≥ 1, at most
    /// [`MAX_PARAMS`] parameters.
    ///
    /// # Errors
    /// [`SpectrumError::Widths`] saying what is wrong.
    pub fn new(widths: Vec<usize>) -> Result<Self, SpectrumError> {
        let text = widths.iter().map(usize::to_string).collect::<Vec<_>>().join("-");
        let bad = |message: String| SpectrumError::Widths { text: text.clone(), message };
        if widths.len() < 2 {
            return Err(bad("at least two widths: the inputs and the outputs".into()));
        }
        if let Some(i) = widths.iter().position(|&w| w == 0) {
            return Err(bad(format!("width {} is 0; every layer has at least 1 unit", i + 1)));
        }
        match count_params(&widths) {
            Some(n) if n <= MAX_PARAMS => Ok(Self(widths)),
            Some(n) => Err(bad(format!("{n} parameters, more than the {MAX_PARAMS} allowed"))),
            None => Err(bad(format!("more parameters than the {MAX_PARAMS} allowed"))),
        }
    }

    /// Parses `D-H[-H…]-K`, e.g. `64-256-256-10`.
    ///
    /// # Errors
    /// [`SpectrumError::Widths`] naming the part that is not a width, or what is out of range.
    pub fn parse(text: &str) -> Result<Self, SpectrumError> {
        let widths = text
            .trim()
            .split('-')
            .map(|p| {
                p.trim().parse::<usize>().map_err(|_| SpectrumError::Widths {
                    text: text.to_owned(),
                    message: format!("'{}' is not a width (a whole number ≥ 1)", p.trim()),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(widths).map_err(|e| match e {
            SpectrumError::Widths { message, .. } => {
                SpectrumError::Widths { text: text.to_owned(), message }
            }
            other => other,
        })
    }

    /// The widths, inputs first.
    pub fn as_slice(&self) -> &[usize] {
        &self.0
    }

    /// The number of input features D.
    pub fn inputs(&self) -> usize {
        self.0[0]
    }

    /// The number of outputs K: 1 is a binary logit, K ≥ 2 are K class logits.
    pub fn outputs(&self) -> usize {
        self.0[self.0.len() - 1]
    }

    /// The layers, input side first, with their offsets in θ.
    pub fn layers(&self) -> Vec<Layer> {
        layers_of(&self.0)
    }

    /// The number of parameters n = Σ (inputs·outputs + outputs) over the layers.
    pub fn n_params(&self) -> usize {
        self.0.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }
}

/// The parameter count, or `None` on overflow.
fn count_params(widths: &[usize]) -> Option<usize> {
    widths
        .windows(2)
        .try_fold(0usize, |n, w| n.checked_add(w[0].checked_mul(w[1])?.checked_add(w[1])?))
}

impl std::fmt::Display for Widths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(usize::to_string).collect();
        f.write_str(&parts.join("-"))
    }
}

impl std::str::FromStr for Widths {
    type Err = SpectrumError;
    fn from_str(s: &str) -> Result<Self, SpectrumError> {
        Self::parse(s)
    }
}

/// PyTorch's default initialisation of `nn.Linear`, drawn from a seed: every weight and bias
/// of a layer with fan-in `in` uniform on (−1/√in, 1/√in) (`kaiming_uniform_(a=√5)` works out
/// to that bound for the weight, and the bias uses the same bound). The same distribution as
/// PyTorch's, not its draws: ChaCha8 from `seed`, the same θ₀ on every machine, and the same
/// θ₀ as [`Architecture::init`](crate::sim::net::Architecture::init) of the same widths.
pub fn init(widths: &Widths, seed: u64) -> Vec<f64> {
    init_layers(&widths.layers(), seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::net::Architecture;

    #[test]
    fn a_two_d_network_gets_the_landscapes_layers_and_initialisation() {
        let arch = Architecture::parse("2-16-8-1").unwrap();
        let widths = Widths::parse("2-16-8-1").unwrap();
        assert_eq!(widths.layers(), arch.layers());
        assert_eq!(widths.n_params(), arch.n_params());
        assert_eq!(init(&widths, 9), arch.init(9));
        let last = widths.layers()[2];
        assert_eq!(last.end(), widths.n_params());
    }
}
