//! `losscape surfaces`: the catalogue of built-in surfaces.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::sim::Builtin;

/// `losscape surfaces`.
#[derive(Debug, Args)]
pub struct SurfacesArgs {
    /// table: aligned for reading; csv: `name,x_min,x_max,y_min,y_max,formula` for scripts.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// Output format of `surfaces`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    Csv,
}

pub(super) fn surfaces_command(args: &SurfacesArgs, out: &mut impl Write) -> Result<(), CliError> {
    match args.format {
        TableFormat::Csv => {
            writeln!(out, "name,x_min,x_max,y_min,y_max,formula")?;
            for b in Builtin::ALL {
                let d = b.domain();
                writeln!(
                    out,
                    "{},{:?},{:?},{:?},{:?},\"{}\"",
                    b.name(),
                    d.x_min,
                    d.x_max,
                    d.y_min,
                    d.y_max,
                    b.formula()
                )?;
            }
        }
        TableFormat::Table => {
            let domains: Vec<String> = Builtin::ALL
                .iter()
                .map(|b| {
                    let d = b.domain();
                    format!("[{}, {}] × [{}, {}]", d.x_min, d.x_max, d.y_min, d.y_max)
                })
                .collect();
            let name_w = Builtin::ALL.iter().map(|b| b.name().len()).max().unwrap_or(0);
            let dom_w = domains.iter().map(|d| d.chars().count()).max().unwrap_or(0);
            writeln!(out, "{:name_w$}  {:dom_w$}  formula", "name", "domain")?;
            for (b, d) in Builtin::ALL.iter().zip(&domains) {
                let pad = dom_w - d.chars().count();
                writeln!(out, "{:name_w$}  {d}{}  {}", b.name(), " ".repeat(pad), b.formula())?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
