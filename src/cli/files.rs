//! The files `census` and `spectrum` write: `--out` (may repeat: the command's table as .csv,
//! or its figure as .png or .svg), `--params-out` (θ as CSV) and the figure's `--size`. One
//! flattened clap struct, one check of the extensions before any work, one writer.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, out_extension, parse};
use crate::figure;

/// `--out`, `--params-out` and `--size`.
#[derive(Clone, Debug, Args)]
pub struct FigureFiles {
    /// Output, may repeat: .csv (the table above), .png or .svg (the figure).
    #[arg(long, value_name = "FILE")]
    pub out: Vec<PathBuf>,
    /// Also write the parameters θ as CSV, one row each (PyTorch's nn.Linear order; see above
    /// for what a row is).
    #[arg(long, value_name = "FILE.csv")]
    pub params_out: Option<PathBuf>,
    /// Size of the PNG or SVG in pixels (default: see above).
    #[arg(long, value_name = "WxH", value_parser = parse::size)]
    pub size: Option<(u32, u32)>,
}

/// What an `--out` file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Csv,
    Png,
    Svg,
}

/// The files, checked: their kinds are known before anything is computed.
#[derive(Debug)]
pub struct Checked<'a> {
    outs: Vec<(&'a Path, Kind)>,
    files: &'a FigureFiles,
}

impl FigureFiles {
    /// Checks every file's extension, and that each of `more_csv` (flag, file) ends in .csv.
    pub fn check<'a>(
        &'a self,
        more_csv: &[(&str, Option<&Path>)],
    ) -> Result<Checked<'a>, CliError> {
        let mut outs = Vec::new();
        for path in &self.out {
            let kind = match out_extension(path, &["csv", "png", "svg"])?.as_str() {
                "csv" => Kind::Csv,
                "png" => Kind::Png,
                _ => Kind::Svg,
            };
            outs.push((path.as_path(), kind));
        }
        let params = ("--params-out", self.params_out.as_deref());
        for &(flag, path) in std::iter::once(&params).chain(more_csv) {
            if let Some(path) = path {
                out_extension(path, &["csv"]).map_err(|_| {
                    CliError::Input(format!("{flag} {}: the file must end in .csv", path.display()))
                })?;
            }
        }
        Ok(Checked { outs, files: self })
    }
}

impl Checked<'_> {
    /// Writes every `--out` file (the table from `csv`, the figure from `svg` at `--size` or
    /// `default_size`), then `--params-out` from `params`, saying `wrote FILE` for each.
    pub fn write(
        &self,
        out: &mut impl Write,
        csv: impl Fn() -> String,
        svg: impl Fn((u32, u32)) -> String,
        default_size: (u32, u32),
        params: impl FnOnce() -> String,
    ) -> Result<(), CliError> {
        for &(path, kind) in &self.outs {
            let bytes = match kind {
                Kind::Csv => csv().into_bytes(),
                Kind::Svg => svg(self.files.size.unwrap_or(default_size)).into_bytes(),
                Kind::Png => {
                    let svg = svg(self.files.size.unwrap_or(default_size));
                    let pixmap = figure::raster::rasterize_svg(&svg, 1.0).map_err(input)?;
                    figure::raster::png_bytes(&pixmap).map_err(input)?
                }
            };
            wrote(out, path, &bytes)?;
        }
        if let Some(path) = &self.files.params_out {
            wrote(out, path, params().as_bytes())?;
        }
        Ok(())
    }
}

fn input(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// Writes `bytes` to `path` atomically: a failed write leaves the old file whole.
pub fn save(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    figure::write_atomic(path, bytes).map_err(input)
}

/// Saves `bytes` to `path` and says so.
pub fn wrote(out: &mut impl Write, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    save(path, bytes)?;
    writeln!(out, "wrote {}", path.display())?;
    Ok(())
}
