pub mod app;
pub mod field;
pub mod scene;
pub mod sim;
