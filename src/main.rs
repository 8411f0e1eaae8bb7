//! `losscape`: the app, or the simulation core on the command line.

fn main() {
    println!(
        "losscape {}: the command line arrives with the simulation core",
        env!("CARGO_PKG_VERSION")
    );
}
