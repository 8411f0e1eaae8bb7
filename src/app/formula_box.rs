//! The formula box: the text a person types for f(x, y), which may not parse, and whether an
//! edit waits to be applied (after a pause in typing, so that half-typed formulas never flash
//! on screen).

use crate::scene::SurfaceChoice;
use crate::sim::{self, Builtin};

/// Seconds of no typing after which an edited formula is applied.
pub const FORMULA_PAUSE: f64 = 0.6;

/// The formula box's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormulaBox {
    /// The box's text, which may not parse.
    pub text: String,
    /// Why `text` does not parse, if it does not.
    pub error: Option<String>,
    /// When the box was last edited, while the edit waits to be applied.
    pending: Option<f64>,
}

impl FormulaBox {
    /// The box showing `text` (a surface's formula or label), with nothing pending.
    pub fn showing(text: String) -> Self {
        Self { text, error: None, pending: None }
    }

    /// Shows the surface now in use: its formula or label, no error, nothing pending.
    pub fn show(&mut self, text: String) {
        self.text = text;
        self.error = None;
    }

    /// The box was edited to `text` at time `now` (seconds): says at once whether it parses.
    /// Returns the text to apply at once (an Enter was typed), else waits for a pause.
    pub fn edit(&mut self, text: String, now: f64) -> Option<String> {
        if text.contains('\n') {
            self.pending = None;
            return Some(text.replace(['\n', '\r'], ""));
        }
        self.error = sim::Formula::parse(&text).err().map(|e| e.to_string());
        self.text = text;
        self.pending = Some(now);
        None
    }

    /// At time `now`: the text to apply when typing has paused long enough (`Ok`), else how
    /// many seconds are left to wait (`Err`, `None` when nothing waits).
    pub fn due(&mut self, now: f64) -> Result<String, Option<f64>> {
        let Some(edited) = self.pending else { return Err(None) };
        let waited = now - edited;
        if waited >= FORMULA_PAUSE {
            self.pending = None;
            Ok(self.text.clone())
        } else {
            Err(Some(FORMULA_PAUSE - waited))
        }
    }

    /// Sets the text: parses it, and returns the surface it names when it parses (a built-in
    /// one when it is a built-in's formula, whatever its spacing).
    pub fn set_text(&mut self, text: String) -> Option<SurfaceChoice> {
        let choice = match sim::Formula::parse(&text) {
            Ok(_) => {
                self.error = None;
                let found = Builtin::ALL.into_iter().find(|b| squash(b.formula()) == squash(&text));
                Some(match found {
                    Some(b) => SurfaceChoice::Builtin(b),
                    None => SurfaceChoice::Formula(text.clone()),
                })
            }
            Err(e) => {
                self.error = Some(e.to_string());
                None
            }
        };
        self.text = text;
        choice
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect()
}
