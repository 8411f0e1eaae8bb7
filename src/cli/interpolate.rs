//! `losscape interpolate`: train a network, write the 1-D line from θ₀ to the trained θ.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::data::{NetArgs, trained};
use super::files::save;
use super::{CliError, out_extension, parse};
use crate::figure;
use crate::sim::net;

/// `losscape interpolate`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  losscape interpolate --dataset moons --net 2-16-16-1 --train adam:lr=0.01 --train-steps 2000 --seed 0 --out line.png\n  losscape interpolate --dataset digits --net 64-8-10 --train adam:lr=0.01 --train-steps 300 --out digits-line.csv"
)]
pub struct InterpolateArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// Points on the line from α = −0.5 to 1.5.
    #[arg(long, value_name = "N", default_value_t = 201, value_parser = parse::SIDE)]
    pub grid: usize,
    /// Output: .png (the plot) or .csv (alpha,loss).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Size of the PNG in pixels.
    #[arg(long, value_name = "WxH", default_value = "900x560", value_parser = parse::size)]
    pub size: (u32, u32),
}

/// `losscape interpolate`: trains, prints the loss, and the line from θ₀ to θ.
pub fn interpolate_command(args: &InterpolateArgs, out: &mut impl Write) -> Result<(), CliError> {
    let extension = out_extension(&args.out, &["png", "csv"])?;
    let (net, training) = trained(&args.net, out)?;
    let line = net::interpolate(&net, &training.theta0, &training.theta, -0.5, 1.5, args.grid);
    let bytes = if extension == "csv" {
        let mut s = String::from("alpha,loss\n");
        for (a, l) in &line {
            s.push_str(&format!("{a:?},{l:?}\n"));
        }
        s.into_bytes()
    } else {
        let svg = figure::network::line_svg(&line, &net, args.size);
        let pixmap =
            figure::raster::rasterize_svg(&svg, 1.0).map_err(|e| CliError::Input(e.to_string()))?;
        figure::raster::png_bytes(&pixmap).map_err(|e| CliError::Input(e.to_string()))?
    };
    save(&args.out, &bytes)?;
    writeln!(out, "wrote {} ({} points, α from -0.5 to 1.5)", args.out.display(), line.len())?;
    out.flush()?;
    Ok(())
}
