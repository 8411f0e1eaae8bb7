//! The lexer: a formula's text cut into tokens, each with its column.

use std::fmt;

use super::error::FormulaError;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
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
pub(super) struct Spanned {
    pub(super) tok: Tok,
    pub(super) column: usize,
}

/// Cuts `source` into tokens, [`Tok::End`] last.
pub(super) fn lex(source: &str) -> Result<Vec<Spanned>, FormulaError> {
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
            number(&chars, &mut i)?
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            Tok::Name(chars[start..i].iter().collect())
        } else {
            i += 1;
            symbol(c, chars.get(i).copied(), column)?
        };
        out.push(Spanned { tok, column });
    }
    out.push(Spanned { tok: Tok::End, column: chars.len() + 1 });
    Ok(out)
}

/// The number starting at `chars[*i]`, leaving `*i` after it.
fn number(chars: &[char], i: &mut usize) -> Result<Tok, FormulaError> {
    let start = *i;
    let column = start + 1;
    let digits = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
    };
    digits(i);
    if *i < chars.len() && chars[*i] == '.' {
        *i += 1;
        digits(i);
    }
    // An exponent only when digits follow: `2e` is 2 times e, an error further on.
    if *i < chars.len() && (chars[*i] == 'e' || chars[*i] == 'E') {
        let sign = usize::from(matches!(chars.get(*i + 1), Some('+' | '-')));
        if chars.get(*i + 1 + sign).is_some_and(char::is_ascii_digit) {
            *i += 1 + sign;
            digits(i);
        }
    }
    let text: String = chars[start..*i].iter().collect();
    let value: f64 =
        text.parse().map_err(|_| FormulaError::new(column, format!("'{text}' is not a number")))?;
    if !value.is_finite() {
        return Err(FormulaError::new(
            column,
            format!("the number {text} is too large (the largest is about 1.8e308)"),
        ));
    }
    Ok(Tok::Num(value))
}

/// The operator or parenthesis `c` at `column`, `next` the character after it.
fn symbol(c: char, next: Option<char>, column: usize) -> Result<Tok, FormulaError> {
    match c {
        '+' | '-' | '*' | '/' | '^' => {
            if c == '*' && next == Some('*') {
                return Err(FormulaError::new(column, "'**' is written '^' here: x^2"));
            }
            Ok(Tok::Op(c))
        }
        '(' => Ok(Tok::Open),
        ')' => Ok(Tok::Close),
        '[' | '{' => Err(FormulaError::new(column, format!("'{c}': use '(' for grouping"))),
        ']' | '}' => Err(FormulaError::new(column, format!("'{c}': use ')' for grouping"))),
        _ => Err(FormulaError::new(
            column,
            format!(
                "unexpected character '{}'; a formula uses numbers, x, y, \
                 + - * / ^, parentheses and functions such as exp(…)",
                c.escape_debug()
            ),
        )),
    }
}
