pub mod app;
pub mod cli;
pub mod field;
pub mod scene;
pub mod sim;
