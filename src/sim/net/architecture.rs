//! The architecture `2-H[-H…]-1`: layer widths, each layer's place in the flat parameter
//! vector θ, and PyTorch's initialisation of θ.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::NetError;

/// The most hidden layers, and the widest hidden layer.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// The widest hidden layer.
pub const MAX_WIDTH: usize = 256;

/// The layer widths, `[2, H₁, …, 1]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Architecture {
    pub(super) sizes: Vec<usize>,
}

impl TryFrom<String> for Architecture {
    type Error = NetError;
    fn try_from(s: String) -> Result<Self, NetError> {
        Architecture::parse(&s)
    }
}

impl From<Architecture> for String {
    fn from(a: Architecture) -> String {
        a.to_string()
    }
}

impl std::fmt::Display for Architecture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.sizes.iter().map(usize::to_string).collect();
        f.write_str(&parts.join("-"))
    }
}

/// One `nn.Linear` layer's place in θ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Inputs.
    pub inputs: usize,
    /// Outputs.
    pub outputs: usize,
    /// Offset of the weight (outputs × inputs, row-major) in θ; the bias follows it.
    pub offset: usize,
}

impl Layer {
    /// Offset of the bias in θ.
    pub fn bias_offset(&self) -> usize {
        self.offset + self.inputs * self.outputs
    }

    /// One past the layer's last number in θ.
    pub fn end(&self) -> usize {
        self.bias_offset() + self.outputs
    }
}

/// The layers of the widths `[D, H₁, …, K]`, input side first, with their offsets in θ.
pub(crate) fn layers_of(sizes: &[usize]) -> Vec<Layer> {
    let mut offset = 0;
    sizes
        .windows(2)
        .map(|w| {
            let l = Layer { inputs: w[0], outputs: w[1], offset };
            offset = l.end();
            l
        })
        .collect()
}

/// PyTorch's default initialisation of `nn.Linear` layers from a seed: every weight and bias of
/// a layer with `in` inputs uniform in ±1/√in (`kaiming_uniform_(a=√5)` works out to that bound
/// for the weight, and the bias uses the same one). The draws are ChaCha8's, not PyTorch's
/// generator: the same seed gives the same θ₀ on every machine.
pub(crate) fn init_layers(layers: &[Layer], seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut theta = Vec::with_capacity(layers.last().map_or(0, Layer::end));
    for l in layers {
        let bound = 1.0 / (l.inputs as f64).sqrt();
        theta.extend((l.offset..l.end()).map(|_| rng.random_range(-bound..bound)));
    }
    theta
}

impl Architecture {
    /// Parses `2-H[-H…]-1`: two inputs, one to [`MAX_HIDDEN_LAYERS`] hidden layers of 1 to
    /// [`MAX_WIDTH`] units, one output.
    ///
    /// # Errors
    /// [`NetError::Architecture`] saying what is wrong.
    pub fn parse(text: &str) -> Result<Self, NetError> {
        let bad = |message: String| NetError::Architecture { text: text.to_owned(), message };
        let sizes = text
            .trim()
            .split(['-', 'x'])
            .map(|p| p.trim().parse::<usize>().map_err(|_| bad(format!("'{p}' is not a width"))))
            .collect::<Result<Vec<_>, _>>()?;
        if sizes.len() < 3 {
            return Err(bad("at least one hidden layer".into()));
        }
        if sizes[0] != 2 {
            return Err(bad(format!(
                "the input is 2-D (x1, x2), so the first width is 2, not {}",
                sizes[0]
            )));
        }
        if sizes[sizes.len() - 1] != 1 {
            return Err(bad("the output is one logit, so the last width is 1".into()));
        }
        if sizes.len() - 2 > MAX_HIDDEN_LAYERS {
            return Err(bad(format!("at most {MAX_HIDDEN_LAYERS} hidden layers")));
        }
        if let Some(w) = sizes[1..sizes.len() - 1].iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            return Err(bad(format!("a hidden layer has 1 to {MAX_WIDTH} units, not {w}")));
        }
        Ok(Self { sizes })
    }

    /// The widths, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The layers, input side first, with their offsets in θ.
    pub fn layers(&self) -> Vec<Layer> {
        layers_of(&self.sizes)
    }

    /// The number of parameters.
    pub fn n_params(&self) -> usize {
        self.sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
    }

    /// PyTorch's default initialisation of `nn.Linear` from a seed: every weight and bias of a
    /// layer with `in` inputs uniform in ±1/√in (`kaiming_uniform_(a=√5)` works out to that
    /// bound). The draws are ChaCha8's, not PyTorch's generator: the same seed gives the same
    /// θ₀ on every machine.
    pub fn init(&self, seed: u64) -> Vec<f64> {
        init_layers(&self.layers(), seed)
    }
}
