//! `losscape`: the app, or the simulation core on the command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let scene = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("--scene"), Some(path)) => Some(path.into()),
        (Some(other), _) => {
            eprintln!("error: unexpected argument '{other}'\nusage: losscape [--scene FILE]");
            return ExitCode::from(2);
        }
    };
    match losscape::app::run(scene) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
