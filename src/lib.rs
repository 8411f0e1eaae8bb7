pub mod app;
pub mod budget;
pub mod cli;
pub mod field;
pub mod figure;
pub mod jobs;
pub mod platform;
pub mod scene;
pub mod sim;
#[cfg(target_arch = "wasm32")]
mod web;
