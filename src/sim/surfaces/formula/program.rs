//! Evaluation: the folded tree compiled to a flat stack program that runs over any
//! [`Scalar`] (`f64` for f, dual numbers for its derivatives).

use super::tree::{BinOp, Expr, Func, small_int};
use crate::sim::surfaces::dual::Scalar;

/// One instruction of the stack program. `C` variants carry a constant operand folded in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Op {
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
pub(super) struct Program {
    pub(super) ops: Vec<Op>,
    pub(super) depth: usize,
}

/// The stack depth up to which evaluation needs no allocation.
pub(super) const INLINE_STACK: usize = 16;

impl Program {
    pub(super) fn compile(expr: &Expr) -> Self {
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
    pub(super) fn eval<T: Scalar>(&self, x: T, y: T) -> T {
        if self.depth <= INLINE_STACK {
            let mut stack = [x; INLINE_STACK];
            self.run(&mut stack, x, y)
        } else {
            let mut stack = vec![x; self.depth];
            self.run(&mut stack, x, y)
        }
    }

    #[inline]
    fn run<T: Scalar>(&self, stack: &mut [T], x: T, y: T) -> T {
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

/// The one instruction applying `op` (not `^`) with the constant `c` as its right operand, or
/// as its left one when `constant_first`.
fn fused(op: BinOp, c: f64, constant_first: bool) -> Op {
    match (op, constant_first) {
        // Addition and multiplication commute exactly in floating point.
        (BinOp::Add, _) => Op::AddC(c),
        (BinOp::Mul, _) => Op::MulC(c),
        (BinOp::Sub, false) => Op::SubC(c),
        (BinOp::Sub, true) => Op::RSubC(c),
        (_, false) => Op::DivC(c),
        (_, true) => Op::RDivC(c),
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
                ops.push(fused(*op, *c, false));
            }
            (op, Expr::Num(c), b) => {
                emit(b, ops);
                ops.push(fused(*op, *c, true));
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
