//! The architecture `D-H[-H…]-K`: layer widths, each layer's place in the flat parameter
//! vector θ, and PyTorch's initialisation of θ.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::error::NetError;

/// The most hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// The widest hidden layer.
pub const MAX_WIDTH: usize = 256;
/// The most inputs D (features of a data row).
pub const MAX_INPUTS: usize = 4096;
/// The most outputs K (classes; labels are 0 to K − 1, or 0/1 for K = 1), as many as a data
/// file's labels may name.
pub const MAX_OUTPUTS: usize = crate::sim::net::data::MAX_CLASSES;

/// The layer widths, `[D, H₁, …, K]`: D inputs, tanh hidden layers, K outputs (K = 1 the logit
/// of a binary label, K ≥ 2 the logits of K classes).
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
    /// Parses `D-H[-H…]-K`: 1 to [`MAX_INPUTS`] inputs, one to [`MAX_HIDDEN_LAYERS`] hidden
    /// layers of 1 to [`MAX_WIDTH`] units, 1 to [`MAX_OUTPUTS`] outputs.
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
        let (inputs, outputs) = (sizes[0], sizes[sizes.len() - 1]);
        if !(1..=MAX_INPUTS).contains(&inputs) {
            return Err(bad(format!(
                "the first width is the number of inputs (features), 1 to {MAX_INPUTS}, not {inputs}"
            )));
        }
        if !(1..=MAX_OUTPUTS).contains(&outputs) {
            return Err(bad(format!(
                "the last width is the number of outputs (1: a binary logit, K ≥ 2: K classes), \
                 1 to {MAX_OUTPUTS}, not {outputs}"
            )));
        }
        if sizes.len() - 2 > MAX_HIDDEN_LAYERS {
            return Err(bad(format!("at most {MAX_HIDDEN_LAYERS} hidden layers")));
        }
        if let Some(w) = sizes[1..sizes.len() - 1].iter().find(|&&w| w == 0 || w > MAX_WIDTH) {
            return Err(bad(format!("a hidden layer has 1 to {MAX_WIDTH} units, not {w}")));
        }
        Ok(Self { sizes })
    }

    /// The number of inputs D.
    pub fn inputs(&self) -> usize {
        self.sizes[0]
    }

    /// The number of outputs K: 1 is the logit of a binary label, K ≥ 2 the logits of K
    /// classes.
    pub fn outputs(&self) -> usize {
        self.sizes[self.sizes.len() - 1]
    }

    /// The number of classes its labels may name: K, or 2 for K = 1 (labels 0 and 1).
    pub fn classes(&self) -> usize {
        self.outputs().max(2)
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
