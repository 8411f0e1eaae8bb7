//! Data-parallel work on rayon's pools: deterministic (results come back in input order
//! whatever the thread count). Which pool runs it is the caller's choice ([`crate::jobs::pool`]
//! installs one for a background job); called from anywhere else, rayon's global pool.

use rayon::prelude::*;

/// How many threads the pool running the caller has.
pub fn thread_count() -> usize {
    rayon::current_num_threads()
}

/// How many cores the machine has, asked once.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `items.iter().map(f).collect()`, in parallel. Below `min_items` everything runs on the
/// caller.
pub fn par_map<T: Sync, R: Send>(
    items: &[T],
    min_items: usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() < min_items {
        return items.iter().map(&f).collect();
    }
    items.par_iter().with_max_len(1).map(f).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn par_map_keeps_the_order() {
        let items: Vec<u64> = (0..10_001).collect();
        let squares = par_map(&items, 1, |&i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        assert!(par_map(&[] as &[u64], 0, |&i| i).is_empty());
    }
}
