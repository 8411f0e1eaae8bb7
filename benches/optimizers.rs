//! Steps per second of every optimizer (being written).
fn main() {}
