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
    let (text, file) = read_text(path)?;
    parse_csv(&text, &file, columns)
}

/// The text of a data file and its name for errors.
fn read_text(path: &Path) -> Result<(String, String), DataError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text, file)),
        Err(e) => Err(DataError {
            file,
            line: 0,
            column: 0,
            message: format!("cannot read the file: {e}"),
        }),
    }
}

/// A [`DataError`] in `file` at `line` and `column` (0: the whole file or line).
fn error_in(file: &str) -> impl Fn(usize, usize, String) -> DataError + '_ {
    move |line, column, message| DataError { file: file.to_owned(), line, column, message }
}

/// The non-blank lines of `text` as (1-based line number, line without its `\r`).
fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty())
}

/// The fields of a line, trimmed, quotes removed.
fn fields(text: &str) -> Vec<&str> {
    text.split(',').map(|s| s.trim().trim_matches('"')).collect()
}

/// The finite number in `field`, the `index`-th field (0-based) of its line, in the column
/// named `name`; or the column (1-based) and what is wrong.
fn number(field: &str, index: usize, name: &str) -> Result<f64, (usize, String)> {
    match field.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err((index + 1, format!("'{field}' in column '{name}' is not a finite number"))),
        Err(_) => Err((index + 1, format!("'{field}' in column '{name}' is not a number"))),
    }
}

/// Parses CSV text (see [`read_csv`]); `file` names it in errors.
///
/// # Errors
/// A [`DataError`] naming `file`, the line and the column.
pub fn parse_csv(text: &str, file: &str, columns: Columns) -> Result<Vec<[f64; 3]>, DataError> {
    let err = error_in(file);
    let mut lines = data_lines(text);
    let wanted = columns.names();
    let Some(header) = lines.next() else {
        return Err(err(
            0,
            0,
            format!("the file is empty; expected the header {}", wanted.join(",")),
        ));
    };
    let (width, index) = header_index(header, columns).map_err(|(c, m)| err(header.0, c, m))?;
    let mut rows = Vec::new();
    for (line, text) in lines {
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
    let fields = fields(text);
    if fields.len() != width {
        return Err((0, format!("{} fields, but the header has {width}", fields.len())));
    }
    let mut row = [0.0; 3];
    for (k, &i) in index.iter().take(wanted.len()).enumerate() {
        let field = fields[i];
        let v = number(field, i, wanted[k])?;
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

/// The most classes a feature table's labels may name (labels 0 to `MAX_CLASSES − 1`).
pub const MAX_CLASSES: usize = 1000;

/// The most numbers a feature table may hold (rows × columns): 80 MB of `f64`.
pub const MAX_VALUES: usize = 10_000_000;

/// A table of D features and an integer label per row, as read from `x1,…,xD,label` CSV.
#[derive(Clone, Debug, PartialEq)]
pub struct Features {
    /// D, the features per row.
    pub features: usize,
    /// The features, row after row (rows × D, row-major).
    pub values: Vec<f64>,
    /// Each row's label, 0 to [`MAX_CLASSES`] − 1.
    pub labels: Vec<usize>,
}

/// Reads a CSV file of D features and a label per row (see [`parse_features`]).
///
/// # Errors
/// A [`DataError`] naming the file, the line and the column.
pub fn read_features(path: &Path) -> Result<Features, DataError> {
    let (text, file) = read_text(path)?;
    parse_features(&text, &file)
}

/// Reads a CSV file of D features and a label per row for a network with `outputs` logits
/// (see [`parse_features_for`]).
///
/// # Errors
/// A [`DataError`] naming the file, the line and the column.
pub fn read_features_for(path: &Path, outputs: usize) -> Result<Features, DataError> {
    let (text, file) = read_text(path)?;
    parse_features_for(&text, &file, outputs)
}

/// Parses CSV text as [`parse_features`] does, for a network with `outputs` logits: each label
/// must fit it (0 or 1 for one output, 0 to K − 1 for K), or the line and column are named.
///
/// # Errors
/// As [`parse_features`], and a label that does not fit the network.
pub fn parse_features_for(text: &str, file: &str, outputs: usize) -> Result<Features, DataError> {
    parse_table(text, file, Some(outputs))
}

/// Parses CSV text of D features and a label per row; `file` names it in errors.
///
/// The header names the columns `x1,…,xD,label` (any order; other columns are ignored; a
/// two-feature file may name them `a,b,label`, the models' older header). A file whose first
/// line is all numbers has no header: its last column is the label and the others are x1…xD in
/// order. A label is a whole number from 0 to [`MAX_CLASSES`] − 1.
///
/// # Errors
/// A [`DataError`] naming `file`, the line and the column: an empty file, a header without
/// `label` or with a gap in x1…xD, a row of the wrong width, a non-number, a bad label, more
/// than [`MAX_ROWS`] rows or [`MAX_VALUES`] numbers.
pub fn parse_features(text: &str, file: &str) -> Result<Features, DataError> {
    parse_table(text, file, None)
}

/// [`parse_features`], the labels bounded by a network's `outputs` if given.
fn parse_table(text: &str, file: &str, outputs: Option<usize>) -> Result<Features, DataError> {
    let err = error_in(file);
    let mut lines = data_lines(text.trim_start_matches('\u{feff}')).peekable();
    let Some(&(first, head)) = lines.peek() else {
        return Err(err(0, 0, "the file is empty; expected the header x1,…,xD,label".into()));
    };
    let headerless = fields(head).iter().all(|f| f.parse::<f64>().is_ok());
    let (width, index) = if headerless {
        let width = fields(head).len();
        if width < 2 {
            return Err(err(first, 0, "a row needs at least one feature and a label".into()));
        }
        (width, (0..width).collect::<Vec<_>>())
    } else {
        lines.next();
        feature_header(head).map_err(|(c, m)| err(first, c, m))?
    };
    let d = index.len() - 1;
    let mut table = Features { features: d, values: Vec::new(), labels: Vec::new() };
    for (line, text) in lines {
        feature_row(text, width, &index, outputs, &mut table).map_err(|(c, m)| err(line, c, m))?;
        if table.labels.len() > MAX_ROWS {
            return Err(err(line, 0, format!("at most {MAX_ROWS} rows")));
        }
        if table.values.len() > MAX_VALUES {
            return Err(err(line, 0, format!("at most {MAX_VALUES} numbers (rows × features)")));
        }
    }
    if table.labels.is_empty() {
        return Err(err(0, 0, "no data rows after the header".into()));
    }
    Ok(table)
}

/// The number of fields of a feature table's header and where x1…xD and the label are among
/// them (the label last); or the column (0: the whole line) and what is wrong.
fn feature_header(header: &str) -> Result<(usize, Vec<usize>), (usize, String)> {
    let names: Vec<String> = fields(header).iter().map(|s| s.to_ascii_lowercase()).collect();
    let missing = |what: String| {
        let found = header.trim();
        (0, format!("{what}: the header must name the columns x1,…,xD,label (found {found})"))
    };
    let label = names.iter().position(|n| n == "label");
    let label = label.ok_or_else(|| missing("missing column 'label'".into()))?;
    let feature = |n: &str| n.strip_prefix('x').and_then(|k| k.parse::<usize>().ok());
    let count = names.iter().filter_map(|n| feature(n)).max().unwrap_or(0);
    let named = |name: &str| names.iter().position(|n| n == name);
    if count == 0
        && let (Some(a), Some(b)) = (named("a"), named("b"))
    {
        // The models' older header of a two-feature file.
        return Ok((names.len(), vec![a, b, label]));
    }
    if count == 0 {
        return Err(missing("no feature column x1".into()));
    }
    let mut index = Vec::with_capacity(count + 1);
    for k in 1..=count {
        let at = names.iter().position(|n| feature(n) == Some(k));
        index.push(
            at.ok_or_else(|| missing(format!("missing column 'x{k}' (there is an x{count})")))?,
        );
    }
    index.push(label);
    Ok((names.len(), index))
}

/// Adds one data line of `width` fields to `table`, the features and the label (last) taken
/// from the fields at `index`, the label below `outputs`' classes if given; or the column (0:
/// the whole line) and what is wrong.
fn feature_row(
    text: &str,
    width: usize,
    index: &[usize],
    outputs: Option<usize>,
    table: &mut Features,
) -> Result<(), (usize, String)> {
    let fields = fields(text);
    if fields.len() != width {
        return Err((0, format!("{} fields, but the first line has {width}", fields.len())));
    }
    let (label_at, features) = index.split_last().expect("a label column");
    for (k, &i) in features.iter().enumerate() {
        table.values.push(number(fields[i], i, &format!("x{}", k + 1))?);
    }
    let field = fields[*label_at];
    let label = number(field, *label_at, "label")?;
    if label < 0.0 || label.fract() != 0.0 || label >= MAX_CLASSES as f64 {
        let message = format!(
            "the label must be a whole number from 0 to {}, got '{field}'",
            MAX_CLASSES - 1
        );
        return Err((label_at + 1, message));
    }
    if let Some(k) = outputs
        && label >= k.max(2) as f64
    {
        let wanted = crate::sim::net::output::labels_wanted(k);
        return Err((label_at + 1, format!("the label must be {wanted}, got '{field}'")));
    }
    table.labels.push(label as usize);
    Ok(())
}
