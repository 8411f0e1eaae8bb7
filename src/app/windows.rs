//! Which panels and windows are open: one set, changed only by [`Command::Toggle`] and
//! [`Command::Open`](super::Command::Open), read by every panel through the context.
//!
//! [`Command::Toggle`]: super::Command::Toggle

use super::Panel;

/// The panels and windows that are open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Windows {
    /// The narrate section of the teaching panel.
    pub narrate: bool,
    /// The race section of the teaching panel.
    pub race: bool,
    /// The basins section of the teaching panel.
    pub basins: bool,
    /// The "why saddles dominate in high dimensions" window.
    pub high_dim: bool,
    /// The saddle census window.
    pub census: bool,
    /// The spectrum window.
    pub spectrum: bool,
    /// The keyboard shortcuts overlay.
    pub help: bool,
    /// The side and bottom panels.
    pub side_panels: bool,
}

impl Default for Windows {
    fn default() -> Self {
        Self {
            narrate: false,
            race: false,
            basins: false,
            high_dim: false,
            census: false,
            spectrum: false,
            help: false,
            side_panels: true,
        }
    }
}

impl Windows {
    /// Whether `panel` is open.
    pub fn is_open(&self, panel: Panel) -> bool {
        match panel {
            Panel::Narrate => self.narrate,
            Panel::Race => self.race,
            Panel::Basins => self.basins,
            Panel::HighDim => self.high_dim,
            Panel::Help => self.help,
            Panel::SidePanels => self.side_panels,
            Panel::Census => self.census,
            Panel::Spectrum => self.spectrum,
        }
    }

    /// Opens or closes `panel`.
    pub fn set(&mut self, panel: Panel, open: bool) {
        let flag = match panel {
            Panel::Narrate => &mut self.narrate,
            Panel::Race => &mut self.race,
            Panel::Basins => &mut self.basins,
            Panel::HighDim => &mut self.high_dim,
            Panel::Help => &mut self.help,
            Panel::SidePanels => &mut self.side_panels,
            Panel::Census => &mut self.census,
            Panel::Spectrum => &mut self.spectrum,
        };
        *flag = open;
    }

    /// Whether a section of the teaching panel (narrate, race, basins) is open.
    pub fn teaching(&self) -> bool {
        self.narrate || self.race || self.basins
    }
}
