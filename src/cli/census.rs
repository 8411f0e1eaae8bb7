//! `losscape census` (SPEC §4): the critical points of a small network's loss (or of several
//! networks', side by side), their index against their loss and two Hessian spectra (Dauphin et
//! al. 2014, Fig. 1a, c, d), as CSV, PNG or SVG.

use std::io::Write;

use clap::Args;

use super::data::{CENSUS_DEFAULT_POINTS, DataArgs, network};
use super::files::FigureFiles;
use super::{CliError, parse};
use crate::figure::census::{Column, census_svg};
use crate::sim::net::Network;
use crate::sim::net::census::{self, Census, CensusSettings};
use crate::sim::net::census_steps;
use crate::sim::run::progress::Progress;

/// The most networks one census compares.
pub const MAX_NETS: usize = 4;

/// `losscape census`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  losscape census --dataset moons --points 40 --net 2-6-1 --weight-decay 0.001 --starts 80 --seed 3 --out census.csv --params-out params.csv\n  losscape census --data points3d.csv --net 3-4-3 --starts 60 --seed 1 --out census.png"
)]
pub struct CensusArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The network D-H[-H…]-K: D inputs (the data's features), tanh hidden layers, K outputs
    /// (K = 1 the logit of a 0/1 label, K ≥ 2 the logits of K classes), at most 400 parameters
    /// (a census needs the whole Hessian). Several, comma-separated or repeated (e.g.
    /// 2-6-1,2-12-1), are censused on the same data and drawn side by side.
    #[arg(long, value_name = "D-H-…-K", required = true, value_delimiter = ',')]
    pub net: Vec<String>,
    /// Weight decay wd in the loss's (wd/2)·‖θ‖².
    #[arg(long, value_name = "WD", default_value_t = 1e-3, allow_hyphen_values = true, value_parser = parse::WEIGHT_DECAY)]
    pub weight_decay: f64,
    /// Number of searches per network (a third on gd paths, a third on Adam paths, a third
    /// random).
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse::STARTS)]
    pub starts: usize,
    /// Seed of the data set and of every start.
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
    #[command(flatten)]
    pub files: FigureFiles,
}

fn io_err(e: impl std::fmt::Display) -> CliError {
    CliError::Input(e.to_string())
}

/// The figure's size for `nets` networks when `--size` is not given.
pub fn default_size(nets: usize) -> (u32, u32) {
    (960 + 700 * nets.saturating_sub(1).min(MAX_NETS) as u32, 860)
}

/// `losscape census`: runs the census of each network, prints the counts, writes the files.
pub fn census_command(
    args: &CensusArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(), CliError> {
    let files = args.files.check(&[])?;
    let (nets, what) = networks(args)?;
    let settings = CensusSettings::new(args.starts, args.seed);
    let mut censuses: Vec<Census> = Vec::new();
    for (k, (net, name)) in nets.iter().enumerate() {
        let started = std::time::Instant::now();
        let progress = Progress::default();
        let result = super::with_progress(
            err,
            50,
            || census_steps::network_census(net, &settings, &progress),
            |err| {
                let done = progress.done() as usize;
                let (of, starts) = (nets.len(), args.starts);
                write!(err, "\r{name} ({}/{of}): {done}/{starts} searches", k + 1)
            },
        );
        let c = result.map_err(io_err)?;
        let elapsed = started.elapsed().as_secs_f64();
        report(out, args, net, &what, &c, elapsed)?;
        censuses.push(c);
    }
    let named: Vec<(&str, &Census)> =
        nets.iter().map(|(_, name)| name.as_str()).zip(&censuses).collect();
    let columns: Vec<Column<'_>> =
        named.iter().map(|&(arch, census)| Column { arch, census }).collect();
    let widest = nets.iter().map(|(net, _)| net.n_params()).max().unwrap_or(0);
    files.write(
        out,
        || census_csv_many(&named),
        |size| census_svg(&columns, &what, size),
        default_size(columns.len()),
        || params_csv(&named, widest),
    )?;
    out.flush()?;
    Ok(())
}

/// The networks of `--net` on the data, each with its name, and what the data are.
fn networks(args: &CensusArgs) -> Result<(Vec<(Network, String)>, String), CliError> {
    if args.net.len() > MAX_NETS {
        return Err(CliError::Input(format!(
            "--net: at most {MAX_NETS} networks in one census (got {})",
            args.net.len()
        )));
    }
    let mut nets: Vec<(Network, String)> = Vec::new();
    let mut what = String::new();
    for arch in &args.net {
        let (net, w) = network(
            arch.trim(),
            &args.data,
            (args.seed, args.weight_decay),
            CENSUS_DEFAULT_POINTS,
        )?;
        census::check_params(net.n_params()).map_err(|e| {
            CliError::Input(format!(
                "--net {}: {e}; `losscape spectrum` estimates the Hessian's spectrum of larger \
                 networks",
                arch.trim()
            ))
        })?;
        what = w;
        let name = net.architecture().to_string();
        nets.push((net, name));
    }
    Ok((nets, what))
}

/// The three lines that tell what one network's census found.
fn report(
    out: &mut impl Write,
    args: &CensusArgs,
    net: &Network,
    what: &str,
    c: &Census,
    elapsed: f64,
) -> Result<(), CliError> {
    writeln!(
        out,
        "census of {} ({} parameters) on {what}, weight decay {}: {} searches in {elapsed:.3} s on {} threads",
        net.architecture(),
        net.n_params(),
        args.weight_decay,
        c.searches(),
        crate::sim::run::parallel::thread_count(),
    )?;
    writeln!(
        out,
        "found {} distinct critical points ({} accepted searches, copies by symmetry merged): {} minima, {} saddles",
        c.points.len(),
        c.accepted,
        c.minima(),
        c.saddles()
    )?;
    writeln!(
        out,
        "rejected {} searches that ended with ‖∇L‖ ≥ 1e-8 (gradient-flat points, stalls or divergence); {} of the searches were descents to a minimum",
        c.rejected(),
        c.descents
    )?;
    for pair in c.pairs.iter().take(3) {
        let (s, m) = (&c.points[pair.saddle], &c.points[pair.minimum]);
        writeln!(
            out,
            "stuck on a saddle, nearly as good as the minimum: the saddle at loss {} (λ_min {:.2e}) is {:.2e} above the minimum at loss {}",
            crate::figure::network::short(s.loss),
            s.min_eig(),
            s.loss - m.loss,
            crate::figure::network::short(m.loss),
        )?;
    }
    if c.pairs.len() > 3 {
        writeln!(out, "… and {} more saddles beside a minimum", c.pairs.len() - 3)?;
    }
    Ok(())
}

/// The CSV `loss,index,negative,grad_norm,min_eig,max_eig`, one row per distinct point, of one
/// or several networks' censuses: with several, a first column `net`.
pub fn census_csv_many(named: &[(&str, &Census)]) -> String {
    let many = named.len() > 1;
    let mut s = String::new();
    if many {
        s.push_str("net,");
    }
    s.push_str("loss,index,negative,grad_norm,min_eig,max_eig\n");
    for (name, c) in named {
        for p in &c.points {
            if many {
                s.push_str(name);
                s.push(',');
            }
            s.push_str(&format!(
                "{:?},{:?},{},{:?},{:?},{:?}\n",
                p.loss,
                p.index,
                p.negative,
                p.grad_norm,
                p.min_eig(),
                p.max_eig()
            ));
        }
    }
    s
}

/// `--params-out`: `p0,p1,…`, one row per point; with several networks a first column `net`
/// and as many `p` columns as the largest network has, shorter rows ending in empty cells.
/// `n` is the largest network's parameter count.
pub fn params_csv(named: &[(&str, &Census)], n: usize) -> String {
    let many = named.len() > 1;
    let mut s = String::new();
    let mut header: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
    if many {
        header.insert(0, "net".to_owned());
    }
    s.push_str(&header.join(","));
    s.push('\n');
    for (name, c) in named {
        for p in &c.points {
            let mut row: Vec<String> = p.theta.iter().map(|v| format!("{v:?}")).collect();
            if many {
                row.resize(n, String::new());
                row.insert(0, (*name).to_owned());
            }
            s.push_str(&row.join(","));
            s.push('\n');
        }
    }
    s
}
