pub mod app;
pub mod cli;
pub mod field;
pub mod figure;
pub mod io;
pub mod scene;
pub mod sim;
