//! The expression tree a formula parses to: numbers, x, y, operators and function calls.

use crate::sim::surfaces::dual::Scalar;

/// The functions a formula may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Func {
    Sin,
    Cos,
    Tan,
    Exp,
    Ln,
    Sqrt,
    Abs,
    Tanh,
    Sinh,
    Cosh,
    Atan,
}

impl Func {
    pub(super) const ALL: [Func; 11] = [
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Exp,
        Func::Ln,
        Func::Sqrt,
        Func::Abs,
        Func::Tanh,
        Func::Sinh,
        Func::Cosh,
        Func::Atan,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Exp => "exp",
            Func::Ln => "ln",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
            Func::Tanh => "tanh",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Atan => "atan",
        }
    }

    pub(super) fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    #[inline]
    pub(super) fn apply<T: Scalar>(self, a: T) -> T {
        match self {
            Func::Sin => a.sin(),
            Func::Cos => a.cos(),
            Func::Tan => a.tan(),
            Func::Exp => a.exp(),
            Func::Ln => a.ln(),
            Func::Sqrt => a.sqrt(),
            Func::Abs => a.abs(),
            Func::Tanh => a.tanh(),
            Func::Sinh => a.sinh(),
            Func::Cosh => a.cosh(),
            Func::Atan => a.atan(),
        }
    }
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinOp {
    pub(super) fn apply(self, a: f64, b: f64) -> f64 {
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Pow => pow(a, b),
        }
    }
}

/// `a^b` on plain numbers, as the program computes it (integer exponents by `powi`).
fn pow(a: f64, b: f64) -> f64 {
    match small_int(b) {
        Some(n) => a.powi(n),
        None => a.powf(b),
    }
}

/// `b` as an exponent for `powi`, when it is a small integer.
pub(super) fn small_int(b: f64) -> Option<i32> {
    (b.fract() == 0.0 && b.abs() <= 64.0).then_some(b as i32)
}

/// The expression tree.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expr {
    Num(f64),
    X,
    Y,
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Box<Expr>),
}
