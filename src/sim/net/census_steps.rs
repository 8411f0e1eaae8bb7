//! A census cut into units of work ([`CensusSteps`]): the same census as
//! [`network_census`], bit for bit, computed a few units at a time, so that
//! where there are no threads (the browser) it runs between frames and the page never freezes.
//! A unit is one training path, one search or one descent: tens of milliseconds for the
//! networks of the census window.

use super::census::{
    Census, CensusSettings, Found, Start, StartKind, descent, path_inits, search_one, starts_on,
    training_path,
};
use super::network::Network;
use crate::sim::OptimizerSpec;
use crate::sim::run::parallel::par_map;
use crate::sim::run::progress::{Cancelled, Progress};

/// Where a census is.
enum Phase {
    /// Training the paths the starts are drawn along.
    Paths { inits: Vec<(StartKind, OptimizerSpec, u64)>, paths: Vec<Vec<Vec<f64>>> },
    /// Searching from each start.
    Search { starts: Vec<Start>, ends: Vec<Vec<f64>>, outcomes: Vec<Result<Found, f64>> },
    /// Descending from the paths' ends and the saddles found.
    Descend {
        census: Census,
        origins: Vec<(Option<usize>, Vec<f64>)>,
        outcomes: Vec<Result<Found, f64>>,
    },
    /// Handed over.
    Done,
}

/// A network's census in resumable steps.
pub struct CensusSteps {
    net: Network,
    settings: CensusSettings,
    phase: Phase,
}

impl CensusSteps {
    /// The census of `net` with `settings`, not started.
    pub fn new(net: Network, settings: CensusSettings) -> Self {
        let inits = path_inits(&settings);
        Self { net, settings, phase: Phase::Paths { inits, paths: Vec::new() } }
    }

    /// Does at most `units` units of work (in parallel where there are threads); the census
    /// once it is complete.
    ///
    /// # Errors
    /// [`Cancelled`] when `progress` was cancelled.
    pub fn advance(
        &mut self,
        units: usize,
        progress: &Progress,
    ) -> Result<Option<Census>, Cancelled> {
        let units = units.max(1);
        let (net, settings) = (&self.net, &self.settings);
        match &mut self.phase {
            Phase::Paths { inits, paths } => {
                let next = &inits[paths.len()..paths.len().saturating_add(units).min(inits.len())];
                paths.extend(par_map(next, 2, |init| training_path(net, settings, init)));
                if paths.len() == inits.len() {
                    let kept: Vec<(StartKind, Vec<Vec<f64>>)> = inits
                        .iter()
                        .zip(std::mem::take(paths))
                        .filter(|(_, p)| !p.is_empty())
                        .map(|((kind, _, _), p)| (*kind, p))
                        .collect();
                    let starts = starts_on(net, settings, &kept);
                    let ends = kept.iter().filter_map(|(_, p)| p.last().cloned()).collect();
                    progress.set_total(starts.len() as u64);
                    self.phase = Phase::Search { starts, ends, outcomes: Vec::new() };
                }
            }
            Phase::Search { starts, ends, outcomes } => {
                let next =
                    &starts[outcomes.len()..outcomes.len().saturating_add(units).min(starts.len())];
                for outcome in par_map(next, 2, |s| search_one(net, s, progress)) {
                    outcomes.push(outcome?);
                }
                if outcomes.len() == starts.len() {
                    let census = Census::of_searches(std::mem::take(outcomes));
                    let origins = census.descent_origins(net, ends);
                    progress.set_total(progress.done() + origins.len() as u64);
                    self.phase = Phase::Descend { census, origins, outcomes: Vec::new() };
                }
            }
            Phase::Descend { census, origins, outcomes } => {
                let next = &origins
                    [outcomes.len()..outcomes.len().saturating_add(units).min(origins.len())];
                for outcome in par_map(next, 1, |(_, theta)| descent(net, theta, progress)) {
                    outcomes.push(outcome?);
                }
                if outcomes.len() == origins.len() {
                    let mut census = std::mem::replace(census, Census::of_searches(Vec::new()));
                    census.take_descents(origins, std::mem::take(outcomes));
                    self.phase = Phase::Done;
                    return Ok(Some(census));
                }
            }
            Phase::Done => return Err(Cancelled),
        }
        progress.check()?;
        Ok(None)
    }
}

/// A census of a network's loss: the searches for critical points of any index from
/// [`network_starts`] ([`search`]), then the descents to minima from the training paths' ends
/// and from every saddle found ([`Census::descend`]).
///
/// # Errors
/// [`Cancelled`] when `progress` was cancelled.
pub fn network_census(
    net: &Network,
    settings: &CensusSettings,
    progress: &Progress,
) -> Result<Census, Cancelled> {
    let mut steps = CensusSteps::new(net.clone(), *settings);
    loop {
        if let Some(census) = steps.advance(usize::MAX, progress)? {
            return Ok(census);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::net::Architecture;
    use crate::sim::net::data::Dataset;

    #[test]
    fn a_census_one_unit_at_a_time_is_the_census_in_one_go() {
        let rows = Dataset::Moons.generate(30, 0.1, 3);
        let arch = Architecture::parse("2-4-1").expect("an architecture");
        let net = Network::new(arch, rows, 1e-3).expect("a network");
        let settings = CensusSettings::new(16, 2);
        let whole = network_census(&net, &settings, &Progress::default()).expect("not cancelled");
        let mut steps = CensusSteps::new(net, settings);
        let progress = Progress::default();
        let mut calls = 0;
        let sliced = loop {
            calls += 1;
            if let Some(census) = steps.advance(1, &progress).expect("not cancelled") {
                break census;
            }
        };
        assert_eq!(sliced, whole);
        // Every path, search and descent was a call of its own.
        assert_eq!(calls, 12 + whole.searches());
        assert!(whole.descents > 0, "the census descended");
        // Handed over once.
        assert!(steps.advance(1, &progress).is_err());
    }

    #[test]
    fn a_cancelled_census_stops_between_units() {
        let rows = Dataset::Moons.generate(30, 0.1, 3);
        let net = Network::new(Architecture::parse("2-4-1").expect("arch"), rows, 1e-3)
            .expect("a network");
        let mut steps = CensusSteps::new(net, CensusSettings::new(16, 2));
        let progress = Progress::default();
        assert!(matches!(steps.advance(1, &progress), Ok(None)));
        progress.cancel();
        assert!(steps.advance(1, &progress).is_err());
    }
}
