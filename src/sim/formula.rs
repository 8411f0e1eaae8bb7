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
use num_dual::{Dual2SVec64, DualNum, DualSVec64};

use super::{Gradient, Hessian, Point, Surface};

/// The longest formula accepted, in characters.
pub const MAX_LEN: usize = 4096;
/// The deepest nesting accepted: parentheses, function calls, signs and powers.
pub const MAX_DEPTH: usize = 64;

/// The functions a formula may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Func {
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
    const ALL: [Func; 11] = [
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

    fn name(self) -> &'static str {
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

    fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    #[inline]
    fn apply<T: Real>(self, a: T) -> T {
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
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinOp {
    fn apply(self, a: f64, b: f64) -> f64 {
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
fn small_int(b: f64) -> Option<i32> {
    (b.fract() == 0.0 && b.abs() <= 64.0).then_some(b as i32)
}

/// The expression tree.
#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Num(f64),
    X,
    Y,
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Call(Func, Box<Expr>),
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

impl FormulaError {
    fn new(column: usize, message: impl Into<String>) -> Self {
        Self { column, message: message.into() }
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Op(char),
    Open,
    Close,
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Num(v) => write!(f, "the number {v}"),
            Tok::Name(n) => write!(f, "'{n}'"),
            Tok::Op(c) => write!(f, "'{c}'"),
            Tok::Open => f.write_str("'('"),
            Tok::Close => f.write_str("')'"),
            Tok::End => f.write_str("the end of the formula"),
        }
    }
}

/// A token and its 1-based column.
#[derive(Clone, Debug)]
struct Spanned {
    tok: Tok,
    column: usize,
}

fn lex(source: &str) -> Result<Vec<Spanned>, FormulaError> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i < chars.len() && chars[i] == '.' {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            // An exponent only when digits follow: `2e` is 2 times e, an error further on.
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let sign = usize::from(matches!(chars.get(i + 1), Some('+' | '-')));
                if chars.get(i + 1 + sign).is_some_and(char::is_ascii_digit) {
                    i += 1 + sign;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            let value: f64 = text
                .parse()
                .map_err(|_| FormulaError::new(column, format!("'{text}' is not a number")))?;
            if !value.is_finite() {
                return Err(FormulaError::new(
                    column,
                    format!("the number {text} is too large (the largest is about 1.8e308)"),
                ));
            }
            Tok::Num(value)
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            Tok::Name(chars[start..i].iter().collect())
        } else {
            i += 1;
            match c {
                '+' | '-' | '*' | '/' | '^' => {
                    if c == '*' && chars.get(i) == Some(&'*') {
                        return Err(FormulaError::new(column, "'**' is written '^' here: x^2"));
                    }
                    Tok::Op(c)
                }
                '(' => Tok::Open,
                ')' => Tok::Close,
                '[' | '{' => {
                    return Err(FormulaError::new(column, format!("'{c}': use '(' for grouping")));
                }
                ']' | '}' => {
                    return Err(FormulaError::new(column, format!("'{c}': use ')' for grouping")));
                }
                _ => {
                    return Err(FormulaError::new(
                        column,
                        format!(
                            "unexpected character '{}'; a formula uses numbers, x, y, \
                             + - * / ^, parentheses and functions such as exp(…)",
                            c.escape_debug()
                        ),
                    ));
                }
            }
        };
        out.push(Spanned { tok, column });
    }
    out.push(Spanned { tok: Tok::End, column: chars.len() + 1 });
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser

/// What may start an operand, for messages.
const OPERAND: &str = "a number, x, y, a function such as exp(…), or '('";

struct Parser {
    toks: Vec<Spanned>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Spanned {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> Spanned {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    /// Enters one level of nesting at `column`.
    fn enter(&mut self, column: usize) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(FormulaError::new(
                column,
                format!("nested too deeply (more than {MAX_DEPTH} levels)"),
            ))
        } else {
            Ok(())
        }
    }

    /// formula := sum END
    fn formula(&mut self) -> Result<Expr, FormulaError> {
        if self.peek().tok == Tok::End {
            return Err(FormulaError::new(
                1,
                "the formula is empty; type an f(x, y) such as x^2 + 3*y^2",
            ));
        }
        let e = self.sum()?;
        let t = self.peek().clone();
        match t.tok {
            Tok::End => Ok(e),
            Tok::Close => Err(FormulaError::new(t.column, "')' without a matching '('")),
            Tok::Num(_) | Tok::Name(_) | Tok::Open => Err(FormulaError::new(
                t.column,
                format!(
                    "expected an operator (+ - * / ^) before {}; multiplication is written '*', as in 2*x",
                    t.tok
                ),
            )),
            Tok::Op(_) => Err(FormulaError::new(t.column, format!("unexpected {}", t.tok))),
        }
    }

    /// sum := product (('+' | '-') product)*
    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.product()?;
        while let Tok::Op(c @ ('+' | '-')) = self.peek().tok {
            self.next();
            let right = self.product()?;
            let op = if c == '+' { BinOp::Add } else { BinOp::Sub };
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// product := unary (('*' | '/') unary)*
    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Tok::Op(c @ ('*' | '/')) = self.peek().tok {
            self.next();
            let right = self.unary()?;
            let op = if c == '*' { BinOp::Mul } else { BinOp::Div };
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    /// unary := ('-' | '+') unary | power
    fn unary(&mut self) -> Result<Expr, FormulaError> {
        match self.peek().tok {
            Tok::Op(c @ ('-' | '+')) => {
                let column = self.next().column;
                self.enter(column)?;
                let operand = self.unary()?;
                self.depth -= 1;
                Ok(if c == '-' { Expr::Neg(Box::new(operand)) } else { operand })
            }
            _ => self.power(),
        }
    }

    /// power := atom ('^' unary)?   (right-associative, tighter than a sign on its left)
    fn power(&mut self) -> Result<Expr, FormulaError> {
        let base = self.atom()?;
        if self.peek().tok == Tok::Op('^') {
            let column = self.next().column;
            self.enter(column)?;
            let exponent = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Bin(BinOp::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    /// atom := NUMBER | x | y | pi | e | FUNC '(' sum ')' | '(' sum ')'
    fn atom(&mut self) -> Result<Expr, FormulaError> {
        let t = self.next();
        match t.tok {
            Tok::Num(v) => Ok(Expr::Num(v)),
            Tok::Open => self.group(t.column),
            Tok::Name(name) => match name.as_str() {
                "x" => Ok(Expr::X),
                "y" => Ok(Expr::Y),
                "pi" => Ok(Expr::Num(std::f64::consts::PI)),
                "e" => Ok(Expr::Num(std::f64::consts::E)),
                _ => {
                    let Some(func) = Func::from_name(&name) else {
                        return Err(unknown_name(&name, t.column));
                    };
                    let open = self.next();
                    if open.tok != Tok::Open {
                        return Err(FormulaError::new(
                            open.column,
                            format!("expected '(' after the function {name}, as in {name}(x)"),
                        ));
                    }
                    Ok(Expr::Call(func, Box::new(self.group(open.column)?)))
                }
            },
            Tok::End => Err(FormulaError::new(
                t.column,
                format!("the formula ended early: expected {OPERAND}"),
            )),
            Tok::Close => {
                Err(FormulaError::new(t.column, format!("expected {OPERAND} before ')'")))
            }
            Tok::Op(c) => {
                Err(FormulaError::new(t.column, format!("expected {OPERAND}, found '{c}'")))
            }
        }
    }

    /// The rest of a parenthesised group whose '(' is at `open`.
    fn group(&mut self, open: usize) -> Result<Expr, FormulaError> {
        self.enter(open)?;
        let inner = self.sum()?;
        self.depth -= 1;
        let close = self.next();
        match close.tok {
            Tok::Close => Ok(inner),
            Tok::End => Err(FormulaError::new(
                close.column,
                format!("expected ')' to close the '(' at column {open}"),
            )),
            other => Err(FormulaError::new(
                close.column,
                format!(
                    "expected ')' to close the '(' at column {open}, or an operator, found {other}"
                ),
            )),
        }
    }
}

/// The error for a name that is neither a variable, a constant nor a function.
fn unknown_name(name: &str, column: usize) -> FormulaError {
    let hint = if name.len() > 1 && name.chars().all(|c| matches!(c, 'x' | 'y')) {
        let product: Vec<String> = name.chars().map(String::from).collect();
        format!(" (a product is written with '*': {})", product.join("*"))
    } else if name == "log" {
        " (the natural logarithm is ln)".to_owned()
    } else if name == "X" || name == "Y" {
        format!(" (variables are lower-case: {})", name.to_lowercase())
    } else {
        String::new()
    };
    let funcs: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
    FormulaError::new(
        column,
        format!("unknown name '{name}'{hint}; known: x, y, pi, e, {}", funcs.join(", ")),
    )
}

// ---------------------------------------------------------------------------------------------
// Program

/// One instruction of the stack program. `C` variants carry a constant operand folded in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    X,
    Y,
    Const(f64),
    Add,
    Sub,
    Mul,
    Div,
    /// `a^b` with both on the stack: `exp(b·ln a)`.
    Pow,
    Neg,
    /// `t + c`.
    AddC(f64),
    /// `t − c`.
    SubC(f64),
    /// `c − t`.
    RSubC(f64),
    /// `t · c`.
    MulC(f64),
    /// `t / c`.
    DivC(f64),
    /// `c / t`.
    RDivC(f64),
    Square,
    Powi(i32),
    Powf(f64),
    Call(Func),
}

/// The compiled program and the stack depth it needs.
#[derive(Clone, Debug, PartialEq)]
struct Program {
    ops: Vec<Op>,
    depth: usize,
}

/// The stack depth up to which evaluation needs no allocation.
const INLINE_STACK: usize = 16;

impl Program {
    fn compile(expr: &Expr) -> Self {
        let mut ops = Vec::new();
        emit(&fold(expr), &mut ops);
        let mut depth = 0usize;
        let mut max = 0usize;
        for op in &ops {
            match op {
                Op::X | Op::Y | Op::Const(_) => depth += 1,
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => depth -= 1,
                _ => {}
            }
            max = max.max(depth);
        }
        Program { ops, depth: max }
    }

    #[inline]
    fn eval<T: Real>(&self, x: T, y: T) -> T {
        if self.depth <= INLINE_STACK {
            let mut stack = [x; INLINE_STACK];
            self.run(&mut stack, x, y)
        } else {
            let mut stack = vec![x; self.depth];
            self.run(&mut stack, x, y)
        }
    }

    #[inline]
    fn run<T: Real>(&self, stack: &mut [T], x: T, y: T) -> T {
        // `sp` is the number of values on the stack; the top is `stack[sp - 1]`. The compiler
        // guarantees a well-formed program: every operand is there when it is read.
        let mut sp = 0usize;
        for &op in &self.ops {
            match op {
                Op::X => {
                    stack[sp] = x;
                    sp += 1;
                }
                Op::Y => {
                    stack[sp] = y;
                    sp += 1;
                }
                Op::Const(c) => {
                    stack[sp] = T::from(c);
                    sp += 1;
                }
                Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => {
                    sp -= 1;
                    let (a, b) = (stack[sp - 1], stack[sp]);
                    stack[sp - 1] = match op {
                        Op::Add => a + b,
                        Op::Sub => a - b,
                        Op::Mul => a * b,
                        Op::Div => a / b,
                        _ => a.powd(b),
                    };
                }
                _ => {
                    let t = &mut stack[sp - 1];
                    *t = match op {
                        Op::Neg => -*t,
                        Op::AddC(c) => *t + c,
                        Op::SubC(c) => *t - c,
                        Op::RSubC(c) => T::from(c) - *t,
                        Op::MulC(c) => *t * c,
                        Op::DivC(c) => *t / c,
                        Op::RDivC(c) => T::from(c) / *t,
                        Op::Square => *t * *t,
                        Op::Powi(n) => t.powi(n),
                        Op::Powf(c) => t.pow_const(c),
                        Op::Call(f) => f.apply(*t),
                        _ => unreachable!("operands are handled above"),
                    };
                }
            }
        }
        stack[0]
    }
}

/// Folds constant sub-expressions to numbers (the same operations in the same order, so the
/// result is bit-for-bit what evaluating them would give).
fn fold(expr: &Expr) -> Expr {
    match expr {
        Expr::Num(_) | Expr::X | Expr::Y => expr.clone(),
        Expr::Neg(a) => match fold(a) {
            Expr::Num(v) => Expr::Num(-v),
            a => Expr::Neg(Box::new(a)),
        },
        Expr::Call(f, a) => match fold(a) {
            Expr::Num(v) => Expr::Num(f.apply(v)),
            a => Expr::Call(*f, Box::new(a)),
        },
        Expr::Bin(op, a, b) => match (fold(a), fold(b)) {
            (Expr::Num(a), Expr::Num(b)) => Expr::Num(op.apply(a, b)),
            (a, b) => Expr::Bin(*op, Box::new(a), Box::new(b)),
        },
    }
}

/// Emits the stack code of a folded tree.
fn emit(expr: &Expr, ops: &mut Vec<Op>) {
    match expr {
        Expr::Num(v) => ops.push(Op::Const(*v)),
        Expr::X => ops.push(Op::X),
        Expr::Y => ops.push(Op::Y),
        Expr::Neg(a) => {
            emit(a, ops);
            ops.push(Op::Neg);
        }
        Expr::Call(f, a) => {
            emit(a, ops);
            ops.push(Op::Call(*f));
        }
        Expr::Bin(op, a, b) => match (op, &**a, &**b) {
            (BinOp::Pow, a, Expr::Num(n)) => {
                emit(a, ops);
                ops.push(match small_int(*n) {
                    Some(1) => return,
                    Some(2) => Op::Square,
                    Some(n) => Op::Powi(n),
                    None => Op::Powf(*n),
                });
            }
            (BinOp::Pow, a, b) => {
                emit(a, ops);
                emit(b, ops);
                ops.push(Op::Pow);
            }
            (op, a, Expr::Num(c)) => {
                emit(a, ops);
                ops.push(match op {
                    BinOp::Add => Op::AddC(*c),
                    BinOp::Sub => Op::SubC(*c),
                    BinOp::Mul => Op::MulC(*c),
                    _ => Op::DivC(*c),
                });
            }
            (op, Expr::Num(c), b) => {
                emit(b, ops);
                ops.push(match op {
                    // Addition and multiplication commute exactly in floating point.
                    BinOp::Add => Op::AddC(*c),
                    BinOp::Mul => Op::MulC(*c),
                    BinOp::Sub => Op::RSubC(*c),
                    _ => Op::RDivC(*c),
                });
            }
            (op, a, b) => {
                emit(a, ops);
                emit(b, ops);
                ops.push(match op {
                    BinOp::Add => Op::Add,
                    BinOp::Sub => Op::Sub,
                    BinOp::Mul => Op::Mul,
                    _ => Op::Div,
                });
            }
        },
    }
}

/// The numbers a program runs on: `f64`, and the dual numbers that carry derivatives along.
trait Real: DualNum<Primitive = f64> + Copy {
    /// `self^c` for a constant non-integer `c`; at 0, the limit for `c > 1` (where
    /// [`DualNum::powf`]'s chain rule would multiply 0 by infinity).
    #[inline]
    fn pow_const(self, c: f64) -> Self {
        if c > 1.0 && self.re() == 0.0 { Self::from(0.0) } else { self.powf(c) }
    }
}

impl Real for f64 {}
impl Real for DualSVec64<2> {}
impl Real for Dual2SVec64<2> {}

// ---------------------------------------------------------------------------------------------
// The surface

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
        let e = err("x^^2");
        assert_eq!(e.column, 3);
        assert!(e.message.contains("expected a number"), "{e}");
        let e = err("(x + y");
        assert_eq!(e.column, 7);
        assert!(e.message.contains("to close the '(' at column 1"), "{e}");
        let e = err("x + foo(y)");
        assert_eq!(e.column, 5);
        assert!(e.message.contains("unknown name 'foo'"), "{e}");
        let e = err("2x");
        assert_eq!(e.column, 2);
        assert!(e.message.contains("2*x"), "{e}");
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
