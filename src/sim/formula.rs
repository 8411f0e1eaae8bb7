//! Typed formula surfaces: f(x, y) parsed from text, differentiated exactly.

use super::{Gradient, Hessian, Point, Surface};

/// A parsed formula f(x, y). (The parser lands in the next commit.)
#[derive(Clone, Debug)]
pub struct Formula {
    source: String,
}

/// Why a formula does not parse.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct FormulaError {
    /// 1-based column (in characters) where the problem is.
    pub column: usize,
    /// What went wrong and what was expected there.
    pub message: String,
}

impl Formula {
    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Self, FormulaError> {
        Err(FormulaError {
            column: 1,
            message: format!("formulas are not supported yet: {source}"),
        })
    }

    /// The formula as typed.
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl Surface for Formula {
    fn value(&self, _p: Point) -> f64 {
        f64::NAN
    }
    fn value_grad(&self, _p: Point) -> (f64, Gradient) {
        (f64::NAN, Gradient::zeros())
    }
    fn value_grad_hessian(&self, _p: Point) -> (f64, Gradient, Hessian) {
        (f64::NAN, Gradient::zeros(), Hessian::zeros())
    }
}
