//! `losscape critical`: the critical points of a surface as CSV.

use std::io::Write;

use clap::Args;

use super::{CliError, SurfaceArgs, parse, resolve};
use crate::sim::{Domain, critical_points};

/// `losscape critical`.
#[derive(Debug, Args)]
pub struct CriticalArgs {
    #[command(flatten)]
    pub surface: SurfaceArgs,
    /// The domain X0,X1,Y0,Y1 (default: the surface's own; [-3,3]² for a formula).
    #[arg(long, value_name = "X0,X1,Y0,Y1", allow_hyphen_values = true, value_parser = parse::domain)]
    pub domain: Option<Domain>,
}

pub(super) fn critical_command(args: &CriticalArgs, out: &mut impl Write) -> Result<(), CliError> {
    let surface = resolve(&args.surface)?;
    let domain = args.domain.unwrap_or_else(|| surface.default_domain());
    writeln!(out, "x,y,value,kind,eig1,eig2")?;
    for c in critical_points(&surface, &domain) {
        writeln!(
            out,
            "{:?},{:?},{:?},{},{:?},{:?}",
            c.point.x, c.point.y, c.value, c.kind, c.eigenvalues[0], c.eigenvalues[1]
        )?;
    }
    out.flush()?;
    Ok(())
}
