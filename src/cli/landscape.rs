//! `losscape landscape`: train a network `D-H[-H…]-K`, map a 2-D slice of its loss around the
//! trained parameters.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::data::{NetArgs, trained};
use super::files::save;
use super::{CliError, out_extension, parse};
use crate::figure;
use crate::sim::Point;
use crate::sim::Surface;
use crate::sim::net::{Directions, Slice};

fn parse_directions(s: &str) -> Result<Directions, String> {
    Directions::from_name(s).ok_or_else(|| format!("'{s}' is not one of filter, raw, init, pca"))
}

/// `losscape landscape`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  losscape landscape --dataset moons --net 2-16-16-1 --train adam:lr=0.01 --train-steps 2000 --seed 0 --out moons-slice.png\n  losscape landscape --dataset spirals --net 2-32-32-1 --train adam:lr=0.01 --train-steps 3000 --seed 1 --directions raw --grid 41 --span 1 --out slice.csv --save slice.json\n  losscape landscape --dataset digits --net 64-8-10 --train adam:lr=0.01 --train-steps 300 --seed 0 --out digits-slice.png"
)]
pub struct LandscapeArgs {
    #[command(flatten)]
    pub net: NetArgs,
    /// The slice's directions: filter (filter-normalised Gaussian), raw (Gaussian as drawn),
    /// init (δ = θ₀ − θ, η filter-normalised), pca (the training path's two principal
    /// directions).
    #[arg(long, value_name = "KIND", default_value = "filter", value_parser = parse_directions)]
    pub directions: Directions,
    /// Points per side of the map.
    #[arg(long, value_name = "G", default_value_t = 51, value_parser = parse::SIDE)]
    pub grid: usize,
    /// The map covers [−A, A]².
    #[arg(long, value_name = "A", default_value_t = 1.0, value_parser = parse::SPAN)]
    pub span: f64,
    /// Output: .png (the slice with the projected training path) or .csv (alpha,beta,loss).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Also write {"theta0","theta","delta","eta"} as JSON.
    #[arg(long, value_name = "FILE.json")]
    pub save: Option<PathBuf>,
    /// Size of the PNG in pixels.
    #[arg(long, value_name = "WxH", default_value = "900x820", value_parser = parse::size)]
    pub size: (u32, u32),
}

/// The JSON of `landscape --save`.
#[derive(serde::Serialize)]
struct Saved<'a> {
    theta0: &'a [f64],
    theta: &'a [f64],
    delta: &'a [f64],
    eta: &'a [f64],
}

/// `losscape landscape`: trains, prints the loss, maps the slice.
pub fn landscape_command(args: &LandscapeArgs, out: &mut impl Write) -> Result<(), CliError> {
    let extension = out_extension(&args.out, &["png", "csv"])?;
    let (net, training) = trained(&args.net, out)?;
    let slice = Slice::of_training(net, &training, args.directions, args.net.seed, args.span);
    let started = std::time::Instant::now();
    let g = args.grid;
    let axis: Vec<f64> =
        (0..g).map(|i| -args.span + 2.0 * args.span * i as f64 / (g - 1) as f64).collect();
    let bytes = if extension == "csv" {
        let mut values = vec![0.0; g * g];
        slice.sample_grid(&axis, &axis, &mut values);
        let mut s = String::with_capacity(g * g * 60);
        s.push_str("alpha,beta,loss\n");
        for (j, b) in axis.iter().enumerate() {
            for (i, a) in axis.iter().enumerate() {
                s.push_str(&format!("{a:?},{b:?},{:?}\n", values[j * g + i]));
            }
        }
        s.into_bytes()
    } else {
        let (width, height) = args.size;
        let fig =
            figure::network::slice_figure(&slice, &training, args.directions, g, (width, height))
                .map_err(|e| CliError::Input(e.to_string()))?;
        figure::raster::to_png(&fig, None).map_err(|e| CliError::Input(e.to_string()))?
    };
    save(&args.out, &bytes)?;
    if let Some(path) = &args.save {
        let doc = Saved {
            theta0: &training.theta0,
            theta: slice.theta(),
            delta: slice.delta(),
            eta: slice.eta(),
        };
        let json = serde_json::to_string(&doc).map_err(std::io::Error::from)?;
        save(path, json.as_bytes())?;
    }
    writeln!(
        out,
        "slice ({} directions) at (0, 0): loss {}; wrote {} in {:.3} s",
        args.directions.name(),
        figure::network::short(slice.value(Point::new(0.0, 0.0))),
        args.out.display(),
        started.elapsed().as_secs_f64()
    )?;
    out.flush()?;
    Ok(())
}
