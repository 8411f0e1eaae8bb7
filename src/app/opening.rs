//! Files a person opens in the app: a scene (`.json`) replaces the scene, a data file (`.csv`)
//! becomes the data of the model or network lesson on screen. They come from a drop on the
//! window, a drop on the page or the browser's file picker ([`crate::platform::take_opened`]);
//! what they hold is checked as a scene file is, so a bad file changes nothing and says why.

use crate::app::Command;
use crate::platform::OpenedFile;
use crate::scene::{Scene, SurfaceChoice};
use crate::sim::net::NetData;
use crate::sim::net::data::{Columns, parse_csv};

/// What a picker asks for: the files losscape opens.
pub const ACCEPT: &str = ".json,.csv";

/// The command that opens `file` over `scene`, and what to say; or why it cannot be opened.
///
/// # Errors
/// What is wrong with the file, naming it (and the line and field where it is wrong).
pub fn command(file: OpenedFile, scene: &Scene) -> Result<(Command, String), String> {
    let OpenedFile { name, path, contents } = file;
    let bytes = contents.map_err(|e| format!("{name} not opened: {e}"))?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not text"))?;
        return data_command(&text, &name, scene);
    }
    if !lower.ends_with(".json") {
        return Err(format!("{name}: losscape opens scenes (.json) and data (.csv)"));
    }
    let opened = match &path {
        // On the desktop, by its path: a data file named beside the scene is found.
        Some(path) => Scene::load(path),
        None => match String::from_utf8(bytes) {
            Ok(text) => Scene::from_json(&text, &name),
            Err(_) => return Err(format!("scene not loaded: {name} is not text")),
        },
    };
    match opened {
        Ok(scene) => Ok((Command::LoadScene(Box::new(scene)), format!("opened {name}"))),
        Err(e) => Err(format!("scene not loaded: {e}")),
    }
}

/// A CSV as the data of the lesson on screen.
fn data_command(text: &str, name: &str, scene: &Scene) -> Result<(Command, String), String> {
    let said = |rows: usize| format!("{rows} data points from {name}");
    match &scene.surface {
        SurfaceChoice::Model(model) => {
            let rows = parse_csv(text, name, model.kind().columns()).map_err(|e| e.to_string())?;
            let message = said(rows.len());
            Ok((Command::SetModelData(rows), message))
        }
        SurfaceChoice::Network(spec) => {
            let rows = parse_csv(text, name, Columns::X1X2Label).map_err(|e| e.to_string())?;
            let message = said(rows.len());
            let mut spec = spec.clone();
            spec.data = NetData::Points(rows);
            Ok((Command::SetSurface(SurfaceChoice::Network(spec)), message))
        }
        _ => Err(format!(
            "{name}: data goes to a model or a network lesson; open one first (Lessons menu)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::PRESETS;

    fn file(name: &str, text: &str) -> OpenedFile {
        OpenedFile { name: name.to_owned(), path: None, contents: Ok(text.as_bytes().to_vec()) }
    }

    #[test]
    fn a_scene_file_opens_as_its_scene() {
        let here = PRESETS[0].scene().expect("preset");
        let plateau = PRESETS[1].scene().expect("preset");
        let (command, said) =
            command(file("plateau.json", &plateau.to_json()), &here).expect("opens");
        assert_eq!(command, Command::LoadScene(Box::new(plateau)));
        assert_eq!(said, "opened plateau.json");
    }

    #[test]
    fn a_bad_file_says_which_and_where() {
        let here = PRESETS[0].scene().expect("preset");
        let e = command(file("lesson.json", "{\"surface\": {\"builtin\": \"nope\"}}"), &here)
            .expect_err("not a scene");
        assert!(e.contains("lesson.json") && e.contains("nope"), "{e}");
        let e = command(file("notes.txt", "hello"), &here).expect_err("not a scene");
        assert!(e.contains("notes.txt"), "{e}");
        let unreadable = OpenedFile {
            name: "big.json".to_owned(),
            path: None,
            contents: Err("too large".to_owned()),
        };
        let e = command(unreadable, &here).expect_err("not read");
        assert!(e.contains("big.json") && e.contains("too large"), "{e}");
        // Data with no model or network on screen: said, not ignored.
        let e = command(file("d.csv", "x1,x2,label\n0,0,1\n"), &here).expect_err("no model");
        assert!(e.contains("d.csv") && e.contains("model"), "{e}");
    }

    #[test]
    fn a_csv_becomes_the_network_lessons_data() {
        let spec: crate::sim::net::NetSpec = serde_json::from_str(
            r#"{"net": "2-4-1", "data": {"dataset": {"name": "moons", "points": 20}}}"#,
        )
        .expect("a network spec");
        let here = Scene::new(SurfaceChoice::Network(spec));
        let (command, said) =
            command(file("mine.csv", "x1,x2,label\n0,0,1\n1,0.5,0\n"), &here).expect("opens");
        let Command::SetSurface(SurfaceChoice::Network(spec)) = command else {
            panic!("not a network: {command:?}")
        };
        assert_eq!(spec.data, NetData::Points(vec![[0.0, 0.0, 1.0], [1.0, 0.5, 0.0]]));
        assert_eq!(said, "2 data points from mine.csv");
        let e = command_err(&here, "mine.csv", "x1,x2,label\n0,zero,1\n");
        assert!(e.contains("mine.csv") && e.contains("line 2"), "{e}");
    }

    fn command_err(scene: &Scene, name: &str, text: &str) -> String {
        command(file(name, text), scene).expect_err("a bad CSV")
    }
}
