//! Data for the model surfaces and the networks: CSV files a person brings, and built-in data
//! sets drawn from a seed.
//!
//! A data set is a list of rows of three numbers. For the regression models the rows are
//! `(t, u, 0)` (input, target); for logistic regression and the networks they are
//! `(a, b, label)` with the label 0 or 1. The header of a CSV file names the columns
//! ([`Columns`]); a file that is empty, lacks a column, holds a non-number or a label other than
//! 0/1 is a [`DataError`] that names the file, the line and the column.

use std::fmt;
use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

/// The most rows a data set may have (a model or a network is evaluated over all of them at
/// every step).
pub const MAX_ROWS: usize = 100_000;

/// The columns a data file must have, in its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// `t,u`: an input and a target (linreg, deep-linear, tanh-unit).
    TU,
    /// `a,b,label`: two inputs and a 0/1 label (logreg).
    ABLabel,
    /// `x1,x2,label`: a point of the plane and its 0/1 class (the networks).
    X1X2Label,
}

impl Columns {
    /// The column names, in the order rows hold them.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Columns::TU => &["t", "u"],
            Columns::ABLabel => &["a", "b", "label"],
            Columns::X1X2Label => &["x1", "x2", "label"],
        }
    }

    /// Whether the last column is a 0/1 label.
    pub fn labelled(self) -> bool {
        !matches!(self, Columns::TU)
    }
}

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
    let header = loop {
        match lines.next() {
            None => {
                return Err(err(
                    0,
                    0,
                    format!("the file is empty; expected the header {}", wanted.join(",")),
                ));
            }
            Some((_, l)) if l.trim().is_empty() => continue,
            Some(h) => break h,
        }
    };
    let names: Vec<String> = header
        .1
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    let mut index = [0usize; 3];
    for (k, name) in wanted.iter().enumerate() {
        index[k] = names.iter().position(|n| n == name).ok_or_else(|| {
            err(
                header.0,
                0,
                format!(
                    "missing column '{name}': the header must name the columns {} (found {})",
                    wanted.join(","),
                    header.1.trim()
                ),
            )
        })?;
    }
    let mut rows = Vec::new();
    for (line, text) in lines {
        if text.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = text.split(',').map(|s| s.trim().trim_matches('"')).collect();
        if fields.len() != names.len() {
            return Err(err(
                line,
                0,
                format!("{} fields, but the header has {}", fields.len(), names.len()),
            ));
        }
        let mut row = [0.0; 3];
        for (k, &i) in index.iter().take(wanted.len()).enumerate() {
            let field = fields[i];
            let v = match field.parse::<f64>() {
                Ok(v) if v.is_finite() => v,
                Ok(_) => {
                    return Err(err(
                        line,
                        i + 1,
                        format!("'{field}' in column '{}' is not a finite number", wanted[k]),
                    ));
                }
                Err(_) => {
                    return Err(err(
                        line,
                        i + 1,
                        format!("'{field}' in column '{}' is not a number", wanted[k]),
                    ));
                }
            };
            if columns.labelled() && k == 2 && v != 0.0 && v != 1.0 {
                return Err(err(line, i + 1, format!("the label must be 0 or 1, got '{field}'")));
            }
            row[k] = v;
        }
        rows.push(row);
        if rows.len() > MAX_ROWS {
            return Err(err(line, 0, format!("at most {MAX_ROWS} rows")));
        }
    }
    if rows.is_empty() {
        return Err(err(0, 0, format!("no data rows after the header {}", wanted.join(","))));
    }
    Ok(rows)
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

/// A built-in data set, drawn from a seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dataset {
    /// `t,u`: u = 1.5·t + 0.5 + noise, t uniform in [−1, 1].
    Linear,
    /// `t,u`: an unscaled feature, t uniform in [0, 10] (mean 5), u = 0.8·t + 1 + noise: the
    /// regression's loss is a long ravine.
    Unscaled,
    /// `t,u`: the same draw as `unscaled` with t standardised (mean 0, standard deviation 1):
    /// a round bowl.
    Standardised,
    /// `t,u`: u = 1.5·tanh(1.2·t) + noise, t uniform in [−2, 2] (the tanh unit's data).
    Tanh,
    /// `a,b,label`: two clusters that a line through the origin separates (logistic regression
    /// has no finite minimum).
    Separable,
    /// `a,b,label`: two overlapping clusters (logistic regression has a finite minimum).
    Overlapping,
    /// `x1,x2,label`: two interleaving half circles (scikit-learn's `make_moons`).
    Moons,
    /// `x1,x2,label`: a circle inside a circle (`make_circles`, factor 0.5).
    Circles,
    /// `x1,x2,label`: uniform in [−1, 1]², label 1 where x1·x2 > 0.
    Xor,
    /// `x1,x2,label`: two interleaved spirals.
    Spirals,
}

impl Dataset {
    /// Every built-in data set.
    pub const ALL: [Dataset; 10] = [
        Dataset::Linear,
        Dataset::Unscaled,
        Dataset::Standardised,
        Dataset::Tanh,
        Dataset::Separable,
        Dataset::Overlapping,
        Dataset::Moons,
        Dataset::Circles,
        Dataset::Xor,
        Dataset::Spirals,
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Linear => "linear",
            Dataset::Unscaled => "unscaled",
            Dataset::Standardised => "standardised",
            Dataset::Tanh => "tanh",
            Dataset::Separable => "separable",
            Dataset::Overlapping => "overlapping",
            Dataset::Moons => "moons",
            Dataset::Circles => "circles",
            Dataset::Xor => "xor",
            Dataset::Spirals => "spirals",
        }
    }

    /// Looks a data set up by name (`standardized` is accepted too).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase();
        let name = if name == "standardized" { "standardised".to_owned() } else { name };
        Self::ALL.into_iter().find(|d| d.name() == name)
    }

    /// The columns its rows have.
    pub fn columns(self) -> Columns {
        match self {
            Dataset::Linear | Dataset::Unscaled | Dataset::Standardised | Dataset::Tanh => {
                Columns::TU
            }
            Dataset::Separable | Dataset::Overlapping => Columns::ABLabel,
            _ => Columns::X1X2Label,
        }
    }

    /// The noise used when none is asked for.
    pub fn default_noise(self) -> f64 {
        match self {
            Dataset::Linear | Dataset::Unscaled | Dataset::Standardised => 0.3,
            Dataset::Tanh => 0.1,
            Dataset::Separable | Dataset::Overlapping => 0.0,
            Dataset::Moons | Dataset::Spirals => 0.1,
            Dataset::Circles => 0.08,
            Dataset::Xor => 0.0,
        }
    }

    /// `points` rows drawn from `seed` with Gaussian `noise` (standard deviation; added to the
    /// target for the regressions, to each coordinate for the classifications). The same
    /// arguments give the same rows on every machine (ChaCha8).
    pub fn generate(self, points: usize, noise: f64, seed: u64) -> Vec<[f64; 3]> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let noise = if noise.is_finite() && noise > 0.0 { noise } else { 0.0 };
        let normal = Normal::new(0.0, 1.0).expect("unit normal");
        let gauss = move |rng: &mut ChaCha8Rng| noise * normal.sample(rng);
        let n = points;
        let half = n / 2;
        let mut rows = Vec::with_capacity(n);
        match self {
            Dataset::Linear => {
                for _ in 0..n {
                    let t = rng.random_range(-1.0..1.0);
                    rows.push([t, 1.5 * t + 0.5 + gauss(&mut rng), 0.0]);
                }
            }
            Dataset::Unscaled | Dataset::Standardised => {
                for _ in 0..n {
                    let t = rng.random_range(0.0..10.0);
                    rows.push([t, 0.8 * t + 1.0 + gauss(&mut rng), 0.0]);
                }
                if self == Dataset::Standardised && n > 0 {
                    let mean = rows.iter().map(|r| r[0]).sum::<f64>() / n as f64;
                    let var = rows.iter().map(|r| (r[0] - mean).powi(2)).sum::<f64>() / n as f64;
                    let sd = if var > 0.0 { var.sqrt() } else { 1.0 };
                    for r in &mut rows {
                        r[0] = (r[0] - mean) / sd;
                    }
                }
            }
            Dataset::Tanh => {
                for _ in 0..n {
                    let t = rng.random_range(-2.0..2.0);
                    rows.push([t, 1.5 * (1.2 * t).tanh() + gauss(&mut rng), 0.0]);
                }
            }
            Dataset::Separable | Dataset::Overlapping => {
                // Clusters around ±(1, 0.5); separable ones keep a margin from the line a + b = 0
                // through the origin.
                let spread = if self == Dataset::Separable { 0.4 } else { 0.9 };
                for i in 0..n {
                    let label = if i < half { 1.0 } else { 0.0 };
                    let sign = if label == 1.0 { 1.0 } else { -1.0 };
                    loop {
                        let a = sign * 1.0 + spread * normal.sample(&mut rng);
                        let b = sign * 0.5 + spread * normal.sample(&mut rng);
                        if self == Dataset::Overlapping || sign * (a + b) > 0.2 {
                            rows.push([a, b, label]);
                            break;
                        }
                    }
                }
            }
            Dataset::Moons => {
                let outer = n - half;
                for i in 0..outer {
                    let t = std::f64::consts::PI * i as f64 / (outer.max(2) - 1) as f64;
                    rows.push([t.cos() + gauss(&mut rng), t.sin() + gauss(&mut rng), 0.0]);
                }
                for i in 0..half {
                    let t = std::f64::consts::PI * i as f64 / (half.max(2) - 1) as f64;
                    rows.push([
                        1.0 - t.cos() + gauss(&mut rng),
                        0.5 - t.sin() + gauss(&mut rng),
                        1.0,
                    ]);
                }
            }
            Dataset::Circles => {
                let outer = n - half;
                for (count, radius, label) in [(outer, 1.0, 0.0), (half, 0.5, 1.0)] {
                    for i in 0..count {
                        let t = std::f64::consts::TAU * i as f64 / count.max(1) as f64;
                        rows.push([
                            radius * t.cos() + gauss(&mut rng),
                            radius * t.sin() + gauss(&mut rng),
                            label,
                        ]);
                    }
                }
            }
            Dataset::Xor => {
                for _ in 0..n {
                    let x1: f64 = rng.random_range(-1.0..1.0);
                    let x2: f64 = rng.random_range(-1.0..1.0);
                    let label = if x1 * x2 > 0.0 { 1.0 } else { 0.0 };
                    rows.push([x1 + gauss(&mut rng), x2 + gauss(&mut rng), label]);
                }
            }
            Dataset::Spirals => {
                let outer = n - half;
                for (count, phase, label) in [(outer, 0.0, 0.0), (half, std::f64::consts::PI, 1.0)]
                {
                    for i in 0..count {
                        let s = i as f64 / count.max(1) as f64;
                        let r = 0.1 + 0.9 * s;
                        let t = 1.75 * std::f64::consts::TAU * s + phase;
                        rows.push([
                            r * t.cos() + gauss(&mut rng),
                            r * t.sin() + gauss(&mut rng),
                            label,
                        ]);
                    }
                }
            }
        }
        rows
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The names of the built-in data sets with the given columns, for error messages.
pub fn names_with(columns: Columns) -> String {
    Dataset::ALL
        .iter()
        .filter(|d| d.columns() == columns)
        .map(|d| d.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_and_errors_say_where() {
        let rows = vec![[1.0, 2.0, 0.0], [-0.5, 3.25, 1.0]];
        let text = to_csv(&rows, Columns::ABLabel);
        assert_eq!(parse_csv(&text, "d.csv", Columns::ABLabel).unwrap(), rows);
        let e = parse_csv("a,b,label\n1,2,0\n1,x,1\n", "d.csv", Columns::ABLabel).unwrap_err();
        assert_eq!((e.line, e.column), (3, 2), "{e}");
        assert!(e.to_string().starts_with("d.csv: line 3, column 2: 'x'"), "{e}");
        let e = parse_csv("a,b,label\n1,2,2\n", "d.csv", Columns::ABLabel).unwrap_err();
        assert!(e.to_string().contains("label must be 0 or 1"), "{e}");
        let e = parse_csv("t,v\n1,2\n", "d.csv", Columns::TU).unwrap_err();
        assert!(e.to_string().contains("missing column 'u'"), "{e}");
        assert!(parse_csv("", "d.csv", Columns::TU).unwrap_err().to_string().contains("empty"));
        assert!(
            parse_csv("t,u\n", "d.csv", Columns::TU).unwrap_err().to_string().contains("no data")
        );
        // Columns in another order, and extra ones, are fine.
        let rows = parse_csv("u,extra,t\n2,9,1\n", "d.csv", Columns::TU).unwrap();
        assert_eq!(rows, vec![[1.0, 2.0, 0.0]]);
    }

    #[test]
    fn data_sets_are_seeded_and_labelled() {
        for d in Dataset::ALL {
            let a = d.generate(50, d.default_noise(), 7);
            assert_eq!(a, d.generate(50, d.default_noise(), 7));
            assert_eq!(a.len(), 50);
            if d.columns().labelled() {
                assert!(a.iter().all(|r| r[2] == 0.0 || r[2] == 1.0));
                assert!(a.iter().any(|r| r[2] == 0.0) && a.iter().any(|r| r[2] == 1.0), "{d}");
            }
        }
        let s = Dataset::Standardised.generate(100, 0.3, 1);
        let mean = s.iter().map(|r| r[0]).sum::<f64>() / 100.0;
        assert!(mean.abs() < 1e-12);
        // Separable: the line a + b = 0 separates the labels.
        for r in Dataset::Separable.generate(100, 0.0, 3) {
            assert_eq!(r[0] + r[1] > 0.0, r[2] == 1.0);
        }
    }
}
