//! A scene in a link (SPEC §7): `…/index.html#scene=` + base64url of the scene's JSON, deflated
//! (zlib) when that makes it shorter. A lecturer puts the link in a slide; the browser version
//! opens it; **File → Copy link** makes one on either side.
//!
//! Plain and deflated links need no marker: a scene's JSON starts with `{` and a zlib stream
//! with `0x78`, so the decoded bytes say which they are. What a link may expand to is bounded
//! ([`MAX_SCENE_BYTES`]), so a crafted link cannot exhaust the page's memory.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

use super::{Scene, SceneError};

/// The key of the scene in a link's fragment: `#scene=…`.
pub const FRAGMENT_KEY: &str = "scene=";

/// Where the browser version is published: the base of the links the desktop copies.
/// A build for another address sets `LOSSCAPE_PAGE_URL`.
pub const PAGE_URL: &str = match option_env!("LOSSCAPE_PAGE_URL") {
    Some(url) => url,
    None => "https://losscape.github.io/losscape/",
};

/// The largest scene JSON a link may expand to (the largest preset is under 4 KiB).
pub const MAX_SCENE_BYTES: u64 = 1 << 20;

/// Below this many bytes of JSON a link is not deflated: zlib's header and checksum would
/// outweigh what it saves.
const DEFLATE_FROM: usize = 160;

/// Why a link does not open a scene: said on the status line of the page that opened it.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The fragment has no `scene=`.
    #[error("the link has no scene (it should end in #scene=…)")]
    NoScene,
    /// Not base64url (a character was lost or changed in copying).
    #[error("the link's scene is damaged (not base64url: {0}); was it cut short when copied?")]
    Base64(base64::DecodeError),
    /// Deflated, but the stream is broken or cut short.
    #[error(
        "the link's scene is damaged (its compressed data is broken: {0}); was it cut short when copied?"
    )]
    Inflate(std::io::Error),
    /// Expands to more than [`MAX_SCENE_BYTES`].
    #[error("the link's scene is larger than {} KiB", MAX_SCENE_BYTES / 1024)]
    TooLarge,
    /// Not UTF-8 text.
    #[error("the link's scene is not text")]
    NotText,
    /// The JSON is not a valid scene.
    #[error("{0}")]
    Scene(#[from] SceneError),
}

/// The fragment (without `#`) that opens `scene`: `scene=` + base64url of its compact JSON,
/// deflated when that is shorter.
pub fn fragment(scene: &Scene) -> String {
    let json = serde_json::to_string(scene).unwrap_or_default();
    let mut bytes = json.into_bytes();
    if bytes.len() >= DEFLATE_FROM {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        if encoder.write_all(&bytes).is_ok()
            && let Ok(deflated) = encoder.finish()
            && deflated.len() < bytes.len()
        {
            bytes = deflated;
        }
    }
    format!("{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The whole link to `scene` on the page at `base` (its address without a fragment).
pub fn link(base: &str, scene: &Scene) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{}", fragment(scene))
}

/// The scene a link's fragment names. `fragment` may start with `#`; other `key=value` pairs
/// beside `scene=` (joined by `&`) are ignored.
///
/// # Errors
/// [`LinkError`]: what is wrong with the link, or the scene's own error.
pub fn parse(fragment: &str) -> Result<Scene, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let encoded = fragment
        .split('&')
        .find_map(|pair| pair.strip_prefix(FRAGMENT_KEY))
        .ok_or(LinkError::NoScene)?;
    // Tolerate what mail and chat programs do to links: padding, spaces, line breaks.
    let encoded: String = encoded.chars().filter(|c| !c.is_whitespace() && *c != '=').collect();
    let bytes = URL_SAFE_NO_PAD.decode(encoded.as_bytes()).map_err(LinkError::Base64)?;
    let json = if bytes.first() == Some(&0x78) {
        let mut text = Vec::new();
        ZlibDecoder::new(bytes.as_slice())
            .take(MAX_SCENE_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(LinkError::Inflate)?;
        text
    } else {
        bytes
    };
    if json.len() as u64 > MAX_SCENE_BYTES {
        return Err(LinkError::TooLarge);
    }
    let text = String::from_utf8(json).map_err(|_| LinkError::NotText)?;
    Ok(Scene::from_json(&text, "link")?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::PRESETS;

    #[test]
    fn every_preset_round_trips_through_its_link() {
        for preset in PRESETS {
            let scene = preset.scene().expect("a preset loads");
            let link = link("https://example.org/losscape/index.html", &scene);
            let (_, fragment) = link.split_once('#').expect("a fragment");
            let back = parse(fragment).expect("the link opens");
            assert_eq!(back.to_json(), scene.to_json(), "{}", preset.file);
            // Long scenes are deflated: the link is shorter than base64 of the JSON.
            let plain = serde_json::to_string(&scene).expect("json").len() * 4 / 3;
            assert!(fragment.len() < plain, "{}: {} ≥ {plain}", preset.file, fragment.len());
        }
    }

    #[test]
    fn a_link_of_plain_json_opens_too() {
        // Whoever writes a link by hand (or in a script) need not deflate it.
        let scene = Scene::new(crate::scene::SurfaceChoice::Builtin(crate::sim::Builtin::Saddle));
        let json = serde_json::to_string(&scene).expect("json");
        let plain = format!("#scene={}", URL_SAFE_NO_PAD.encode(&json));
        assert_eq!(parse(&plain).expect("opens").to_json(), scene.to_json());
    }

    #[test]
    fn a_damaged_link_says_what_is_wrong() {
        let scene = PRESETS[0].scene().expect("preset");
        let good = fragment(&scene);
        assert!(matches!(parse("#other=1"), Err(LinkError::NoScene)));
        assert!(matches!(parse("scene=@@@"), Err(LinkError::Base64(_))));
        // Cut short when copied: the zlib stream ends early.
        let cut = &good[..good.len() / 2];
        let message = parse(cut).expect_err("a cut link does not open").to_string();
        assert!(message.contains("cut short") || message.contains("link"), "{message}");
        // Valid JSON that is not a scene: the scene's own message, naming the link.
        let bad = format!("scene={}", URL_SAFE_NO_PAD.encode(r#"{"surface": 7}"#));
        let message = parse(&bad).expect_err("not a scene").to_string();
        assert!(message.starts_with("link: "), "{message}");
    }

    #[test]
    fn a_link_cannot_expand_past_the_budget() {
        // A megabyte and a half of spaces deflates to a few kilobytes.
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&vec![b' '; 3 << 19]).expect("deflate");
        let bomb = format!("scene={}", URL_SAFE_NO_PAD.encode(encoder.finish().expect("done")));
        assert!(bomb.len() < 20_000);
        assert!(matches!(parse(&bomb), Err(LinkError::TooLarge)));
    }

    #[test]
    fn links_survive_padding_and_line_breaks() {
        let scene = PRESETS[1].scene().expect("preset");
        let good = fragment(&scene);
        let (head, tail) = good.split_at(40);
        let mangled = format!("#{head}\n  {tail}==&theme=light");
        assert_eq!(parse(&mangled).expect("opens").to_json(), scene.to_json());
    }
}
