//! Data for the model surfaces and the networks: CSV files a person brings, and built-in data
//! sets drawn from a seed.
//!
//! A data set is a list of rows of three numbers. For the regression models the rows are
//! `(t, u, 0)` (input, target); for logistic regression and the networks they are
//! `(a, b, label)` with the label 0 or 1. The header of a CSV file names the columns
//! ([`Columns`]); a file that is empty, lacks a column, holds a non-number or a label other than
//! 0/1 is a [`DataError`] that names the file, the line and the column. Networks of real size
//! read tables of D features and a class label per row, `x1,…,xD,label` ([`Features`]), with
//! the same errors.

use std::fmt;

mod columns;
mod csv;
mod draw;

pub use columns::{Columns, MAX_ROWS};
pub use csv::{
    DataError, Features, MAX_CLASSES, MAX_VALUES, parse_csv, parse_features, parse_features_for,
    read_csv, read_features, read_features_for, to_csv,
};
use draw::{Draw, standardise};

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
        let mut draw = Draw::new(noise, seed);
        let n = points;
        match self {
            Dataset::Linear => draw.regression(n, -1.0..1.0, |t| 1.5 * t + 0.5),
            Dataset::Unscaled => draw.regression(n, 0.0..10.0, |t| 0.8 * t + 1.0),
            Dataset::Standardised => standardise(draw.regression(n, 0.0..10.0, |t| 0.8 * t + 1.0)),
            Dataset::Tanh => draw.regression(n, -2.0..2.0, |t| 1.5 * (1.2 * t).tanh()),
            Dataset::Separable => draw.clusters(n, true),
            Dataset::Overlapping => draw.clusters(n, false),
            Dataset::Moons => draw.moons(n),
            Dataset::Circles => draw.circles(n),
            Dataset::Xor => draw.xor(n),
            Dataset::Spirals => draw.spirals(n),
        }
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
        let text = to_csv(&rows, Columns::X1X2Label);
        assert_eq!(parse_csv(&text, "d.csv", Columns::X1X2Label).unwrap(), rows);
        let e = parse_csv("a,b,label\n1,2,0\n1,x,1\n", "d.csv", Columns::X1X2Label).unwrap_err();
        assert_eq!((e.line, e.column), (3, 2), "{e}");
        assert!(e.to_string().starts_with("d.csv: line 3, column 2: 'x'"), "{e}");
        let e = parse_csv("a,b,label\n1,2,2\n", "d.csv", Columns::X1X2Label).unwrap_err();
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
    fn feature_tables_read_with_or_without_a_header_and_errors_say_where() {
        let t = parse_features("x2,label,x1,note\n0.5,3,1,a\n-1,0,2e-3,b\n", "f.csv").unwrap();
        assert_eq!((t.features, t.values, t.labels), (2, vec![1.0, 0.5, 2e-3, -1.0], vec![3, 0]));
        let t = parse_features("\u{feff}1,2,3,1\n\n4,5,6,0.0\n", "f.csv").unwrap();
        assert_eq!((t.features, t.labels), (3, vec![1, 0]));
        assert_eq!(t.values, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let message = |text: &str| parse_features(text, "f.csv").unwrap_err().to_string();
        let e = parse_features("x1,x2,label\n1,2,0\n1,y,1\n", "f.csv").unwrap_err();
        assert_eq!((e.line, e.column), (3, 2), "{e}");
        assert!(e.to_string().starts_with("f.csv: line 3, column 2: 'y' in column 'x2'"), "{e}");
        assert!(message("x1,x2,label\n1,2,2.5\n").contains(
            "line 2, column 3: the label must be a whole number from 0 to 999, got '2.5'"
        ));
        assert!(message("x1,x2,label\n1,2,-1\n").contains("got '-1'"));
        assert!(message("x1,x2,label\n1,2,1000\n").contains("got '1000'"));
        assert!(message("x1,x3,label\n1,2,0\n").contains("missing column 'x2'"));
        assert!(message("x1,x2,y\n1,2,0\n").contains("missing column 'label'"));
        assert!(message("a,label\n1,0\n").contains("no feature column x1"));
        // The models' older two-feature header.
        let t = parse_features("b,label,a\n2,1,3\n", "f.csv").unwrap();
        assert_eq!((t.features, t.values, t.labels), (2, vec![3.0, 2.0], vec![1]));
        // Labels bounded by a network's outputs, where they are.
        let for_net = |text: &str, k: usize| parse_features_for(text, "f.csv", k);
        assert_eq!(for_net("x1,label\n1,1\n", 1).unwrap().labels, [1]);
        let e = for_net("x1,label\n1,0\n1,2\n", 1).unwrap_err().to_string();
        assert!(e.contains("line 3, column 2: the label must be 0 or 1 (one output"), "{e}");
        assert_eq!(for_net("x1,label\n1,2\n", 3).unwrap().labels, [2]);
        let e = for_net("label,x1\n3,0.5\n", 3).unwrap_err().to_string();
        assert!(
            e.contains("line 2, column 1: the label must be 0 to 2 (3 outputs), got '3'"),
            "{e}"
        );
        assert!(message("x1,label\n1,0\n1,2,0\n").contains("line 3: 3 fields"));
        assert!(message("1,0\n1\n").contains("line 2: 1 fields, but the first line has 2"));
        assert!(message("7\n").contains("at least one feature and a label"));
        assert!(message("x1,label\n1,inf\n").contains("not a finite number"));
        assert!(message("").contains("empty"));
        assert!(message("x1,label\n").contains("no data rows"));
        let missing = read_features(std::path::Path::new("/nonexistent/f.csv")).unwrap_err();
        assert!(missing.to_string().starts_with("/nonexistent/f.csv: cannot read the file"));
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
