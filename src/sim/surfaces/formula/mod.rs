//! Typed formula surfaces: f(x, y) parsed from text, differentiated exactly.
//!
//! A recursive-descent parser turns the text into a small expression tree; the tree is folded
//! and compiled to a flat stack program; the program runs over any [`num_dual::DualNum`] number.
//! Plain `f64` gives f, [`DualSVec64<2>`] gives f and ∇f, [`Dual2SVec64<2>`] gives f, ∇f and
//! ∇²f: forward-mode automatic differentiation, exact to rounding, no finite differences.
//!
//! Syntax (SPEC §2): numbers (`1`, `2.5`, `1e-3`), `x`, `y`, `+ - * / ^`, parentheses, the
//! functions `sin cos tan exp ln sqrt abs tanh sinh cosh atan` and the constants `pi` and `e`.
//! `^` binds tighter than unary minus and associates to the right: `-x^2` is `-(x^2)` and
//! `2^3^2` is `2^9`. A formula that does not parse is a [`FormulaError`] naming the column and
//! what was expected there; the parser never panics, whatever the input.

use std::fmt;

use nalgebra::{Const, U1};
use num_dual::{Dual2SVec64, DualSVec64};

use super::surface::Surface;
use crate::sim::{Gradient, Hessian, Point};

mod error;
mod lexer;
mod parser;
mod program;
mod tree;

pub use error::FormulaError;
pub use parser::MAX_DEPTH;

use lexer::lex;
use parser::Parser;
use program::Program;

/// The longest formula accepted, in characters.
pub const MAX_LEN: usize = 4096;

/// A parsed formula f(x, y), ready to evaluate with exact derivatives.
#[derive(Clone, Debug)]
pub struct Formula {
    source: String,
    program: Program,
}

impl PartialEq for Formula {
    /// Two formulas are equal when they were typed the same.
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Formula {
    /// Parses `source`, or says where and why it does not parse.
    pub fn parse(source: &str) -> Result<Self, FormulaError> {
        let len = source.chars().count();
        if len > MAX_LEN {
            return Err(FormulaError::new(
                MAX_LEN + 1,
                format!("the formula is too long ({len} characters; at most {MAX_LEN})"),
            ));
        }
        let toks = lex(source)?;
        let expr = Parser { toks, pos: 0, depth: 0 }.formula()?;
        Ok(Self { source: source.to_owned(), program: Program::compile(&expr) })
    }

    /// The formula as typed.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The number of instructions the formula compiled to (after constant folding).
    pub fn program_len(&self) -> usize {
        self.program.ops.len()
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for Formula {
    type Err = FormulaError;
    fn from_str(s: &str) -> Result<Self, FormulaError> {
        Formula::parse(s)
    }
}

impl Surface for Formula {
    #[inline]
    fn value(&self, p: Point) -> f64 {
        self.program.eval(p.x, p.y)
    }

    #[inline]
    fn value_grad(&self, p: Point) -> (f64, Gradient) {
        let x = DualSVec64::<2>::from_re(p.x).derivative(0);
        let y = DualSVec64::<2>::from_re(p.y).derivative(1);
        let r = self.program.eval(x, y);
        (r.re, r.eps.unwrap_generic(Const::<2>, U1))
    }

    #[inline]
    fn value_grad_hessian(&self, p: Point) -> (f64, Gradient, Hessian) {
        let x = Dual2SVec64::<2>::from_re(p.x).derivative(0);
        let y = Dual2SVec64::<2>::from_re(p.y).derivative(1);
        let r = self.program.eval(x, y);
        let g = r.v1.unwrap_generic(U1, Const::<2>).transpose();
        (r.re, g, r.v2.unwrap_generic(Const::<2>, Const::<2>))
    }
}

#[cfg(test)]
mod tests {
    use super::program::{INLINE_STACK, Op};
    use super::tree::{BinOp, Expr};
    use super::*;

    fn parse(s: &str) -> Expr {
        let toks = lex(s).unwrap();
        Parser { toks, pos: 0, depth: 0 }.formula().unwrap()
    }

    fn eval(s: &str, x: f64, y: f64) -> f64 {
        Formula::parse(s).unwrap().value(Point::new(x, y))
    }

    fn err(s: &str) -> FormulaError {
        Formula::parse(s).unwrap_err()
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(eval("-x^2", 3.0, 0.0), -9.0);
        assert_eq!(eval("2^3^2", 0.0, 0.0), 512.0);
        assert_eq!(eval("1 - 2 - 3", 0.0, 0.0), -4.0);
        assert_eq!(eval("8 / 4 / 2", 0.0, 0.0), 1.0);
        assert_eq!(eval("1 + 2 * 3 ^ 2", 0.0, 0.0), 19.0);
        assert_eq!(eval("2^-1", 0.0, 0.0), 0.5);
        assert_eq!(eval("-2^2", 0.0, 0.0), -4.0);
        assert_eq!(eval("(-2)^2", 0.0, 0.0), 4.0);
        assert_eq!(eval("x*y - y/x", 2.0, 4.0), 6.0);
        assert_eq!(eval("--x", 2.0, 0.0), 2.0);
        assert_eq!(eval("x^y", 2.0, 3.0), 8.0);
    }

    #[test]
    fn numbers_constants_and_functions() {
        assert_eq!(eval("1e-3 + .5 + 2. + 1E2", 0.0, 0.0), 0.001 + 0.5 + 2.0 + 100.0);
        assert_eq!(eval("pi", 0.0, 0.0), std::f64::consts::PI);
        assert_eq!(eval("e", 0.0, 0.0), std::f64::consts::E);
        assert_eq!(eval("exp(1)", 0.0, 0.0), std::f64::consts::E);
        for (f, v) in [
            ("sin", 0.3f64.sin()),
            ("cos", 0.3f64.cos()),
            ("tan", 0.3f64.tan()),
            ("ln", 0.3f64.ln()),
            ("sqrt", 0.3f64.sqrt()),
            ("tanh", 0.3f64.tanh()),
            ("sinh", 0.3f64.sinh()),
            ("cosh", 0.3f64.cosh()),
            ("atan", 0.3f64.atan()),
            ("abs", 0.3),
        ] {
            assert_eq!(eval(&format!("{f}(x)"), 0.3, 0.0), v, "{f}");
        }
        assert_eq!(eval("abs(x)", -0.3, 0.0), 0.3);
    }

    #[test]
    fn constants_fold_and_operands_fuse() {
        let f = Formula::parse("(1-x)^2 + 100*(y-x^2)^2").unwrap();
        assert_eq!(
            f.program.ops,
            [
                Op::X,
                Op::RSubC(1.0),
                Op::Square,
                Op::Y,
                Op::X,
                Op::Square,
                Op::Sub,
                Op::Square,
                Op::MulC(100.0),
                Op::Add
            ]
        );
        assert_eq!(
            Formula::parse("2*pi*3").unwrap().program.ops,
            [Op::Const(2.0 * std::f64::consts::PI * 3.0)]
        );
        assert_eq!(Formula::parse("x^1").unwrap().program.ops, [Op::X]);
        assert_eq!(Formula::parse("x^3").unwrap().program.ops, [Op::X, Op::Powi(3)]);
        assert_eq!(Formula::parse("x^0.5").unwrap().program.ops, [Op::X, Op::Powf(0.5)]);
    }

    #[test]
    fn gradient_and_hessian_are_exact() {
        let f = Formula::parse("x^3*y + sin(x*y)").unwrap();
        let (x, y) = (0.7, -1.3);
        let (v, g, h) = f.value_grad_hessian(Point::new(x, y));
        let c = (x * y).cos();
        let s = (x * y).sin();
        assert!((v - (x * x * x * y + s)).abs() < 1e-15);
        assert!((g.x - (3.0 * x * x * y + y * c)).abs() < 1e-14);
        assert!((g.y - (x * x * x + x * c)).abs() < 1e-14);
        assert!((h[(0, 0)] - (6.0 * x * y - y * y * s)).abs() < 1e-14);
        assert!((h[(0, 1)] - (3.0 * x * x + c - x * y * s)).abs() < 1e-14);
        assert_eq!(h[(0, 1)], h[(1, 0)]);
        assert!((h[(1, 1)] - (-x * x * s)).abs() < 1e-14);
        let (v2, g2) = f.value_grad(Point::new(x, y));
        assert_eq!((v, g), (v2, g2));
    }

    #[test]
    fn fractional_powers_at_zero_are_their_limits() {
        let f = Formula::parse("x^1.5 + y^2.5").unwrap();
        let (v, g) = f.value_grad(Point::new(0.0, 0.0));
        assert_eq!((v, g.x, g.y), (0.0, 0.0, 0.0));
        let (v, g) = f.value_grad(Point::new(4.0, 1.0));
        assert_eq!(v, 9.0);
        assert!((g.x - 3.0).abs() < 1e-15 && (g.y - 2.5).abs() < 1e-15);
    }

    #[test]
    fn unary_minus_binds_looser_than_power_in_the_tree() {
        assert_eq!(
            parse("-x^2"),
            Expr::Neg(Box::new(Expr::Bin(BinOp::Pow, Box::new(Expr::X), Box::new(Expr::Num(2.0)))))
        );
    }

    #[test]
    fn errors_name_the_column_and_what_was_expected() {
        for (text, column, says) in [
            ("x^^2", 3, "expected a number"),
            ("(x + y", 7, "to close the '(' at column 1"),
            ("x + foo(y)", 5, "unknown name 'foo'"),
            ("2x", 2, "2*x"),
        ] {
            let e = err(text);
            assert_eq!(e.column, column, "{text}");
            assert!(e.message.contains(says), "{e}");
        }
        let e = err("xy");
        assert!(e.message.contains("x*y"), "{e}");
        assert_eq!(err("").column, 1);
        assert_eq!(err("   ").column, 1);
        assert_eq!(err("x +").column, 4);
        assert_eq!(err("x)").column, 2);
        assert_eq!(err("sin x").column, 5);
        assert_eq!(err("x ** 2").column, 3);
        assert_eq!(err("x $ y").column, 3);
        assert_eq!(err("é + x").column, 1);
        assert_eq!(err("é + $").column, 5, "columns count characters, not bytes");
        assert!(err("1e999").message.contains("too large"));
        assert!(err("log(x)").message.contains("ln"));
    }

    #[test]
    fn nesting_and_length_are_bounded() {
        let deep = format!("{}x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(Formula::parse(&deep).is_ok());
        let deeper = format!("{}x{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        assert!(err(&deeper).message.contains("nested too deeply"));
        assert!(err(&"-".repeat(100_000)).message.contains("too long"));
        assert!(err(&format!("{}x", "-".repeat(1000))).message.contains("nested too deeply"));
        assert!(err(&"2^".repeat(500)).message.contains("nested too deeply"));
        // A long flat sum is fine, and deep stacks still evaluate.
        let long = vec!["x"; 2000].join("+");
        assert_eq!(eval(&long, 1.5, 0.0), 3000.0);
        let stacky = format!("{}x{}", "x*(".repeat(40), ")".repeat(40));
        assert_eq!(eval(&stacky, 1.0, 0.0), 1.0);
        assert!(Formula::parse(&stacky).unwrap().program.depth > INLINE_STACK);
    }

    #[test]
    fn huge_values_are_not_errors_but_infinities() {
        let f = Formula::parse("exp(x)^1000").unwrap();
        assert_eq!(f.value(Point::new(10.0, 0.0)), f64::INFINITY);
        let (v, g, h) = f.value_grad_hessian(Point::new(10.0, 0.0));
        assert!(!v.is_finite() && !g.x.is_finite() && !h[(0, 0)].is_finite());
        assert!(Formula::parse("1/0").unwrap().value(Point::new(0.0, 0.0)).is_infinite());
    }
}
