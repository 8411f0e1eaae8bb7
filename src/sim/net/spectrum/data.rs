//! Labelled data: a matrix of features, one row per example, and an integer label per row;
//! read from `x1,…,xD,label` CSV, made from a built-in 2-D data set, or the UCI optical digits
//! shipped with the project.

use std::io::Read;
use std::sync::OnceLock;

use nalgebra::DMatrix;

use super::SpectrumError;
use crate::sim::net::data::{DataError, Features, parse_features};

/// The optical digits as shipped: scikit-learn's `digits.csv.gz`, 1 797 rows of 64 pixel
/// counts 0…16 and the digit, no header.
const DIGITS_GZ: &[u8] = include_bytes!("../../../../assets/data/digits.csv.gz");
/// Rows (images) of the digits.
pub const DIGITS_ROWS: usize = 1797;
/// Features (8 × 8 pixels) of the digits.
pub const DIGITS_FEATURES: usize = 64;
/// Classes (the digits 0…9).
pub const DIGITS_CLASSES: usize = 10;

/// The UCI optical recognition of handwritten digits data set (E. Alpaydin and C. Kaynak,
/// 1998; CC BY 4.0; the copy scikit-learn ships as `load_digits`): 1 797 images of 8 × 8 = 64
/// pixels, each pixel the count of ink in a 4 × 4 block, 0…16, here divided by 16 so that every
/// feature is in [0, 1]; the label is the digit 0…9. Embedded in the binary, so it works from
/// any directory; decompressed and parsed once per process.
pub fn digits() -> Labelled {
    static DIGITS: OnceLock<Labelled> = OnceLock::new();
    DIGITS
        .get_or_init(|| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(DIGITS_GZ)
                .read_to_string(&mut text)
                .expect("the embedded digits decompress (a test holds it)");
            let mut table =
                parse_features(&text, "digits.csv.gz").expect("the embedded digits parse");
            table.values.iter_mut().for_each(|v| *v /= 16.0);
            Labelled::from_features(table).expect("the embedded digits are valid")
        })
        .clone()
}

/// Labelled data from `x1,…,xD,label` CSV text (see
/// [`parse_features`](crate::sim::net::data::parse_features)); `file` names it in errors.
///
/// # Errors
/// The [`DataError`] of a bad file (file, line, column).
pub fn parse_labelled(text: &str, file: &str) -> Result<Labelled, DataError> {
    let table = parse_features(text, file)?;
    Labelled::from_features(table).map_err(|e| DataError {
        file: file.to_owned(),
        line: 0,
        column: 0,
        message: e.to_string(),
    })
}

/// Examples and their labels: `x` is rows × D (one example per row), `labels[i]` the class of
/// row i. Checked on construction: at least one row and one feature, one label per row, every
/// feature finite. Whether the labels fit a network (below K, or 0/1 for K = 1) is checked by
/// [`Loss::new`](super::Loss::new).
#[derive(Clone, Debug, PartialEq)]
pub struct Labelled {
    x: DMatrix<f64>,
    labels: Vec<usize>,
}

impl Labelled {
    /// Labelled data from features (rows × D) and one label per row.
    ///
    /// # Errors
    /// [`SpectrumError::Data`] for no rows, no features, a label count that is not the row
    /// count, or a feature that is not finite (naming its row and column).
    pub fn new(x: DMatrix<f64>, labels: Vec<usize>) -> Result<Self, SpectrumError> {
        let (rows, cols) = x.shape();
        if rows == 0 || cols == 0 {
            return Err(SpectrumError::Data(format!(
                "the data has {rows} rows and {cols} features; it needs at least one of each"
            )));
        }
        if labels.len() != rows {
            return Err(SpectrumError::Data(format!(
                "the data has {rows} rows but {} labels",
                labels.len()
            )));
        }
        if let Some(k) = x.iter().position(|v| !v.is_finite()) {
            return Err(SpectrumError::Data(format!(
                "row {}, feature {} is {}, not a finite number",
                k % rows + 1,
                k / rows + 1,
                x[k]
            )));
        }
        Ok(Self { x, labels })
    }

    /// A feature table as read from CSV.
    ///
    /// # Errors
    /// As [`Labelled::new`].
    pub fn from_features(table: Features) -> Result<Self, SpectrumError> {
        let rows = table.labels.len();
        if table.features == 0 || table.values.len() != rows * table.features {
            return Err(SpectrumError::Data(format!(
                "{} numbers do not make {rows} rows of {} features",
                table.values.len(),
                table.features
            )));
        }
        let x = DMatrix::from_row_slice(rows, table.features, &table.values);
        Self::new(x, table.labels)
    }

    /// Two-feature rows `(x1, x2, label)`, as the built-in 2-D data sets make them (labels 0
    /// or 1).
    ///
    /// # Errors
    /// As [`Labelled::new`], and for a label that is not a whole number ≥ 0.
    pub fn from_rows(rows: &[[f64; 3]]) -> Result<Self, SpectrumError> {
        if let Some(i) = rows.iter().position(|r| !(r[2] >= 0.0 && r[2].fract() == 0.0)) {
            return Err(SpectrumError::Data(format!(
                "row {} has label {}, not a whole number ≥ 0",
                i + 1,
                rows[i][2]
            )));
        }
        let x = DMatrix::from_fn(rows.len(), 2, |i, j| rows[i][j]);
        Self::new(x, rows.iter().map(|r| r[2] as usize).collect())
    }

    /// The number of classes the labels name: the largest label + 1.
    pub fn classes(&self) -> usize {
        self.labels.iter().max().map_or(0, |&m| m + 1)
    }

    /// The features, rows × D.
    pub fn x(&self) -> &DMatrix<f64> {
        &self.x
    }

    /// The label of each row.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// The number of rows (examples).
    pub fn rows(&self) -> usize {
        self.x.nrows()
    }

    /// The number of features D.
    pub fn features(&self) -> usize {
        self.x.ncols()
    }

    /// Rows `start..start + len` as their own data (the labels go with them).
    pub(crate) fn block(&self, start: usize, len: usize) -> Self {
        Self {
            x: self.x.rows(start, len).into_owned(),
            labels: self.labels[start..start + len].to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digits_are_the_uci_set_scaled_to_the_unit_interval() {
        let d = digits();
        assert_eq!((d.rows(), d.features(), d.classes()), (DIGITS_ROWS, DIGITS_FEATURES, 10));
        assert_eq!(DIGITS_CLASSES, 10);
        // Pixel counts 0…16 divided by 16: multiples of 1/16 in [0, 1], both ends present.
        assert!(d.x().iter().all(|&v| (0.0..=1.0).contains(&v) && (v * 16.0).fract() == 0.0));
        assert_eq!(d.x().max(), 1.0);
        assert_eq!(d.x().min(), 0.0);
        // scikit-learn's first image is a 0; every class has 174 to 183 images.
        assert_eq!(d.labels()[0], 0);
        assert_eq!(d.x()[(0, 2)], 5.0 / 16.0);
        for class in 0..10 {
            let count = d.labels().iter().filter(|&&y| y == class).count();
            assert!((174..=183).contains(&count), "class {class}: {count}");
        }
        assert_eq!(digits(), d);
    }

    #[test]
    fn tables_and_two_d_rows_become_labelled_data() {
        let d = parse_labelled("x1,x2,x3,label\n1,2,3,4\n5,6,7,0\n", "t.csv").unwrap();
        assert_eq!((d.rows(), d.features(), d.classes()), (2, 3, 5));
        assert_eq!(d.x()[(1, 2)], 7.0);
        let e = parse_labelled("x1,label\n1,x\n", "t.csv").unwrap_err();
        assert_eq!((e.file.as_str(), e.line, e.column), ("t.csv", 2, 2));
        let d = Labelled::from_rows(&[[0.5, -1.0, 1.0], [2.0, 3.0, 0.0]]).unwrap();
        assert_eq!((d.rows(), d.features(), d.labels()), (2, 2, &[1, 0][..]));
        assert_eq!(d.x()[(0, 1)], -1.0);
        assert!(Labelled::from_rows(&[[0.0, 0.0, 0.5]]).is_err());
        assert!(Labelled::from_rows(&[]).is_err());
    }
}
