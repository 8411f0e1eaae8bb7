//! `losscape`: the app, or the simulation core on the command line.

use std::process::ExitCode;

use clap::Parser;
use losscape::cli::{Cli, run_main};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(command) = &cli.command {
        if cli.scene.is_some() {
            eprintln!("error: --scene opens the app; it does not go with a sub-command");
            return ExitCode::from(2);
        }
        return run_main(command);
    }
    match losscape::app::session::run(cli.scene) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
