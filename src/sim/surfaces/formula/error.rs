//! Why a formula does not parse: the column and what was expected there.

/// Why a formula does not parse.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct FormulaError {
    /// 1-based column (in characters) where the problem is.
    pub column: usize,
    /// What went wrong and what was expected there.
    pub message: String,
}

impl FormulaError {
    pub(super) fn new(column: usize, message: impl Into<String>) -> Self {
        Self { column, message: message.into() }
    }
}
