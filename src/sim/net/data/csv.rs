//! Data files: CSV with a header naming the columns, read with errors that say where.

use std::path::Path;

use super::columns::{Columns, MAX_ROWS};

/// A data file that cannot be used: which file, where in it, and what is wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}{place}: {message}", place = place(*line, *column))]
pub struct DataError {
    /// The file as given.
    pub file: String,
    /// 1-based line, 0 when the problem is the whole file.
    pub line: usize,
    /// 1-based column (field number), 0 when the problem is the whole line.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

fn place(line: usize, column: usize) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (l, 0) => format!(": line {l}"),
        (l, c) => format!(": line {l}, column {c}"),
    }
}

/// Reads a CSV data file with the header of `columns` (any order, extra columns ignored).
///
/// # Errors
/// A [`DataError`] naming the file, the line and the column.
pub fn read_csv(path: &Path, columns: Columns) -> Result<Vec<[f64; 3]>, DataError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| DataError {
        file: file.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the file: {e}"),
    })?;
    parse_csv(&text, &file, columns)
}

/// Parses CSV text (see [`read_csv`]); `file` names it in errors.
///
/// # Errors
/// A [`DataError`] naming `file`, the line and the column.
pub fn parse_csv(text: &str, file: &str, columns: Columns) -> Result<Vec<[f64; 3]>, DataError> {
    let err = |line: usize, column: usize, message: String| DataError {
        file: file.to_owned(),
        line,
        column,
        message,
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let wanted = columns.names();
    let Some(header) = lines.find(|(_, l)| !l.trim().is_empty()) else {
        return Err(err(
            0,
            0,
            format!("the file is empty; expected the header {}", wanted.join(",")),
        ));
    };
    let (width, index) = header_index(header, columns).map_err(|(c, m)| err(header.0, c, m))?;
    let mut rows = Vec::new();
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        rows.push(parse_row(text, width, &index, columns).map_err(|(c, m)| err(line, c, m))?);
        if rows.len() > MAX_ROWS {
            return Err(err(line, 0, format!("at most {MAX_ROWS} rows")));
        }
    }
    if rows.is_empty() {
        return Err(err(0, 0, format!("no data rows after the header {}", wanted.join(","))));
    }
    Ok(rows)
}

/// The number of fields of the header `(line, text)` and where each of `columns` is among
/// them; or the column (0: the whole line) and what is wrong.
fn header_index(
    (_, header): (usize, &str),
    columns: Columns,
) -> Result<(usize, [usize; 3]), (usize, String)> {
    let wanted = columns.names();
    let names: Vec<String> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let find = |wanted: &'static [&'static str]| -> Result<[usize; 3], &'static str> {
        let mut index = [0usize; 3];
        for (k, name) in wanted.iter().enumerate() {
            index[k] = names.iter().position(|n| n == name).ok_or(wanted[k])?;
        }
        Ok(index)
    };
    let aliases = columns.aliases();
    let index =
        find(wanted)
            .or_else(|missing| {
                if aliases.is_empty() { Err(missing) } else { find(aliases).map_err(|_| missing) }
            })
            .map_err(|name| {
                let message = format!(
                    "missing column '{name}': the header must name the columns {} (found {})",
                    wanted.join(","),
                    header.trim()
                );
                (0, message)
            })?;
    Ok((names.len(), index))
}

/// One data line of `width` fields, its numbers taken from the fields at `index`; or the
/// column (0: the whole line) and what is wrong.
fn parse_row(
    text: &str,
    width: usize,
    index: &[usize; 3],
    columns: Columns,
) -> Result<[f64; 3], (usize, String)> {
    let wanted = columns.names();
    let fields: Vec<&str> = text.split(',').map(|s| s.trim().trim_matches('"')).collect();
    if fields.len() != width {
        return Err((0, format!("{} fields, but the header has {width}", fields.len())));
    }
    let mut row = [0.0; 3];
    for (k, &i) in index.iter().take(wanted.len()).enumerate() {
        let field = fields[i];
        let v = match field.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            Ok(_) => {
                let message = format!("'{field}' in column '{}' is not a finite number", wanted[k]);
                return Err((i + 1, message));
            }
            Err(_) => {
                return Err((
                    i + 1,
                    format!("'{field}' in column '{}' is not a number", wanted[k]),
                ));
            }
        };
        if columns.labelled() && k == 2 && v != 0.0 && v != 1.0 {
            return Err((i + 1, format!("the label must be 0 or 1, got '{field}'")));
        }
        row[k] = v;
    }
    Ok(row)
}

/// Writes rows as CSV with the header of `columns`.
pub fn to_csv(rows: &[[f64; 3]], columns: Columns) -> String {
    let mut s = columns.names().join(",");
    s.push('\n');
    for r in rows {
        let line = match columns {
            Columns::TU => format!("{:?},{:?}\n", r[0], r[1]),
            _ => format!("{:?},{:?},{}\n", r[0], r[1], r[2]),
        };
        s.push_str(&line);
    }
    s
}
