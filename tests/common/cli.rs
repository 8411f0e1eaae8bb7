//! The command line run as a real process, for the suites that test it: one way to run it, to
//! expect success or a clear failure, and a temporary folder per suite.

use std::path::PathBuf;
use std::process::{Command, Output};

/// `losscape ARGS…` run to its end (with backtraces on, so that a panic would say so).
pub fn losscape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_losscape"))
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("the binary runs")
}

/// The standard output of `losscape ARGS…`, which must succeed.
pub fn ok(args: &[&str]) -> String {
    let o = losscape(args);
    assert!(o.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// The standard error of `losscape ARGS…`, which must fail without a panic.
pub fn fails(args: &[&str]) -> String {
    failure(args).1
}

/// The exit code and standard error of `losscape ARGS…`, which must fail without a panic.
pub fn failure(args: &[&str]) -> (Option<i32>, String) {
    let o = losscape(args);
    assert!(!o.status.success(), "{args:?} should fail");
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    (o.status.code(), err)
}

/// `name` in a folder of `suite`'s own for this process.
pub fn temp(suite: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("losscape-{suite}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}
