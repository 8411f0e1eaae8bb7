//! One timeline for all optimizers: the current step, play/pause, speed.

/// The time between frames while many runs play where they are drawn as one mesh (the
/// browser): about eight frames a second.
const PACED_FRAME: std::time::Duration = std::time::Duration::from_millis(120);

/// Asks for the next frame of a playing animation of `runs` runs: at once, or paced where many
/// runs are drawn in software WebGL (the browser, beyond [`crate::platform::MESHED_RUNS`]), whose
/// GPU process they keep busy for much of a frame, so that the page is not starved.
pub fn request_next_frame(ctx: &egui::Context, runs: usize) {
    if crate::platform::MESHED_RUNS.is_some_and(|most| runs > most) {
        ctx.request_repaint_after(PACED_FRAME);
    } else {
        ctx.request_repaint();
    }
}

/// Where the animation is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Playback {
    /// The step shown: every trajectory is drawn up to it.
    pub step: usize,
    /// Whether the step advances by itself.
    pub playing: bool,
    /// Fractional steps accumulated between frames.
    carry: f64,
}

impl Playback {
    /// Advances by `dt` seconds at `speed` steps per second, up to `last`; stops at the end.
    pub fn advance(&mut self, dt: f64, speed: f64, last: usize) {
        if !self.playing {
            return;
        }
        self.carry += dt.clamp(0.0, 0.25) * speed;
        let whole = self.carry.floor();
        self.carry -= whole;
        self.step = self.step.saturating_add(whole as usize).min(last);
        if self.step >= last {
            self.playing = false;
        }
    }

    /// Play from where it is, or from the start if at the end; pause if playing.
    pub fn toggle(&mut self, last: usize) {
        if self.playing {
            self.playing = false;
        } else {
            if self.step >= last {
                self.step = 0;
            }
            self.playing = last > 0;
            self.carry = 0.0;
        }
    }

    /// One step forward (pauses).
    pub fn forward(&mut self, last: usize) {
        self.playing = false;
        self.step = (self.step + 1).min(last);
    }

    /// One step back (pauses).
    pub fn back(&mut self) {
        self.playing = false;
        self.step = self.step.saturating_sub(1);
    }

    /// Back to step 0, paused.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Jumps to `step` (clamped to `last`).
    pub fn seek(&mut self, step: usize, last: usize) {
        self.step = step.min(last);
        self.carry = 0.0;
    }

    /// Keeps the step within `last` (new runs may be shorter), playing on otherwise.
    pub fn clamp(&mut self, last: usize) {
        if self.step > last {
            self.seek(last, last);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plays_at_speed_and_stops_at_the_end() {
        let mut p = Playback::default();
        p.toggle(100);
        assert!(p.playing);
        for _ in 0..10 {
            p.advance(0.05, 60.0, 100);
        }
        assert_eq!(p.step, 30);
        p.advance(0.25, 1000.0, 100);
        assert_eq!((p.step, p.playing), (100, false));
        p.toggle(100);
        assert_eq!((p.step, p.playing), (0, true), "play at the end restarts");
    }

    #[test]
    fn stepping_pauses_and_clamps() {
        let mut p = Playback { playing: true, ..Default::default() };
        p.back();
        assert_eq!((p.step, p.playing), (0, false));
        p.forward(1);
        p.forward(1);
        assert_eq!(p.step, 1);
        p.seek(500, 40);
        assert_eq!(p.step, 40);
    }
}
