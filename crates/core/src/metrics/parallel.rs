//! Work split over the machine's cores where the data is independent (per service, per slice of
//! events), with scoped threads: results come back in input order, so the outcome never
//! depends on the number of cores. Small inputs stay on the calling thread.

use std::num::NonZero;

/// Below this much work, a thread costs more than it saves.
const MIN_WORK: usize = 20_000;

/// Threads to use: the cores there are, at most 8.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism()
        .map(NonZero::get)
        .unwrap_or(1)
        .clamp(1, 8)
}

/// `f` over contiguous chunks of `items`, one chunk per thread, results in order.
pub(crate) fn map_chunks<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> R + Sync,
{
    let threads = threads();
    if threads == 1 || items.len() < MIN_WORK {
        return vec![f(items)];
    }
    let size = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(size)
            .map(|chunk| scope.spawn(move || f(chunk)))
            .collect();
        join_all(handles)
    })
}

/// `f` over every item, the items split into runs of about equal `weight`, one run per
/// thread, results in input order.
pub(crate) fn map_weighted<T, R, W, F>(items: Vec<T>, weight: W, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    W: Fn(&T) -> usize,
    F: Fn(T) -> R + Sync,
{
    let threads = threads();
    let total: usize = items.iter().map(&weight).sum();
    if threads == 1 || items.len() < 2 || total < MIN_WORK {
        return items.into_iter().map(f).collect();
    }
    let share = total.div_ceil(threads).max(1);
    let mut runs: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut current: Vec<T> = Vec::new();
    let mut filled = 0;
    for item in items {
        filled += weight(&item);
        current.push(item);
        if filled >= share && runs.len() + 1 < threads {
            runs.push(std::mem::take(&mut current));
            filled = 0;
        }
    }
    runs.push(current);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || run.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        join_all(handles).into_iter().flatten().collect()
    })
}

/// Joins in order. A panic in a worker is a bug; it is raised again here, as if the work had
/// run on this thread.
fn join_all<R>(handles: Vec<std::thread::ScopedJoinHandle<'_, R>>) -> Vec<R> {
    handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
        .collect()
}
