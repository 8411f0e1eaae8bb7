//! The parser: recursive descent over the tokens, the grammar in each rule's doc comment,
//! nesting depth bounded by [`MAX_DEPTH`].

use super::error::FormulaError;
use super::lexer::{Spanned, Tok};
use super::tree::{BinOp, Expr, Func};

/// The deepest nesting accepted: parentheses, function calls, signs and powers.
pub const MAX_DEPTH: usize = 64;

/// What may start an operand, for messages.
const OPERAND: &str = "a number, x, y, a function such as exp(…), or '('";

pub(super) struct Parser {
    pub(super) toks: Vec<Spanned>,
    pub(super) pos: usize,
    pub(super) depth: usize,
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
    pub(super) fn formula(&mut self) -> Result<Expr, FormulaError> {
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
        self.left_associative([('+', BinOp::Add), ('-', BinOp::Sub)], Self::product)
    }

    /// product := unary (('*' | '/') unary)*
    fn product(&mut self) -> Result<Expr, FormulaError> {
        self.left_associative([('*', BinOp::Mul), ('/', BinOp::Div)], Self::unary)
    }

    /// operand (op operand)* for the two operators `ops` of one precedence level, grouped to
    /// the left: `a - b - c` is `(a - b) - c`.
    fn left_associative(
        &mut self,
        ops: [(char, BinOp); 2],
        operand: fn(&mut Self) -> Result<Expr, FormulaError>,
    ) -> Result<Expr, FormulaError> {
        let mut left = operand(self)?;
        while let Some(&(_, op)) = ops.iter().find(|(c, _)| self.peek().tok == Tok::Op(*c)) {
            self.next();
            let right = operand(self)?;
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
