//! The columns a data file has, and how many rows a data set may hold.

/// The most rows a data set may have (a model or a network is evaluated over all of them at
/// every step).
pub const MAX_ROWS: usize = 100_000;

/// The columns a data file must have, in its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// `t,u`: an input and a target (linreg, deep-linear, tanh-unit).
    TU,
    /// `x1,x2,label`: two features and a 0/1 label, for every two-feature file (logreg and the
    /// networks alike); the models' older `a,b,label` is read too.
    X1X2Label,
}

impl Columns {
    /// The column names, in the order rows hold them.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Columns::TU => &["t", "u"],
            Columns::X1X2Label => &["x1", "x2", "label"],
        }
    }

    /// The older names a file may use instead of [`names`](Self::names), column for column.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Columns::TU => &[],
            Columns::X1X2Label => &["a", "b", "label"],
        }
    }

    /// Whether the last column is a 0/1 label.
    pub fn labelled(self) -> bool {
        !matches!(self, Columns::TU)
    }
}
