//! How a synchronous `Store` talks to an asynchronous client without ever starting a runtime
//! inside the caller's.
//!
//! tokio-postgres splits a connection in two: a `Connection` future that owns the socket and
//! must be polled for anything to move, and a `Client` whose requests are messages sent to it
//! over channels. The [`Driver`] owns one current-thread tokio runtime on a thread of its own
//! ("flowdeck-postgres"), where connects are run and every `Connection` of the store (and of
//! its change feeds) is spawned. The trait methods then wait for the `Client`'s futures on
//! the calling thread with [`block_on`], which parks the thread until the driver wakes it:
//! no tokio context is needed there, so this is the same from a plain thread, from inside a
//! tokio worker, or from a current-thread runtime (whose only thread blocks, as it would on an
//! SQLite call, while the driver's thread does the I/O). The `postgres` crate cannot do this:
//! it runs its own runtime on the caller's thread and panics inside another.
//!
//! The runtime is created and dropped on the driver's thread only, so dropping the store from
//! an async task is safe too. It stops when the last handle (the store or a feed) is dropped.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::StoreError;

/// The runtime thread. Shared (`Arc`) by the store and its change feeds.
#[derive(Debug)]
pub(crate) struct Driver {
    handle: Handle,
    /// Dropped with the driver: the thread's `block_on` returns and the runtime (with every
    /// connection task still on it) is dropped there.
    _stop: oneshot::Sender<()>,
}

impl Driver {
    /// Starts the runtime thread.
    pub(crate) fn start() -> Result<Arc<Driver>, StoreError> {
        let failed = |e: std::io::Error| {
            StoreError::Io(format!(
                "the PostgreSQL client thread cannot be started: {e}"
            ))
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(failed)?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("flowdeck-postgres".into())
            .spawn(move || {
                runtime.block_on(async {
                    // Err when the sender is dropped: that is the stop signal.
                    let _ = stopped.await;
                });
            })
            .map_err(failed)?;
        Ok(Arc::new(Driver {
            handle,
            _stop: stop,
        }))
    }

    /// Runs `task` on the driver's runtime and waits for its result on this thread. For work
    /// that needs the runtime's reactor or timers (connecting); `None` if the runtime stopped
    /// before the task finished.
    pub(crate) fn run<F, T>(&self, task: F) -> Option<T>
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = tx.send(task.await);
        });
        rx.recv().ok()
    }
}

/// Wakes a parked thread.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `future` to completion on this thread, parking between polls. Only for futures that
/// need no runtime of their own (a `Client`'s requests, which wait on channels the driver's
/// connection task answers). Spurious wake-ups only cost a poll.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_on_waits_for_a_future_completed_on_the_driver() {
        let driver = Driver::start().unwrap_or_else(|e| panic!("{e}"));
        let (tx, rx) = oneshot::channel();
        // A task on the driver completes the future this thread waits for.
        driver.run(async move {
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                let _ = tx.send(42);
            });
        });
        assert_eq!(block_on(rx).ok(), Some(42));
        assert_eq!(driver.run(async { 7 }), Some(7));
    }

    #[tokio::test]
    async fn it_works_from_inside_a_current_thread_runtime() {
        let driver = Driver::start().unwrap_or_else(|e| panic!("{e}"));
        let (tx, rx) = oneshot::channel();
        driver.run(async move {
            tokio::spawn(async move {
                let _ = tx.send("from the driver");
            });
        });
        assert_eq!(block_on(rx).ok(), Some("from the driver"));
        assert_eq!(driver.run(async { 1 + 1 }), Some(2));
        // Dropped inside the runtime: the driver's runtime is dropped on its own thread.
        drop(driver);
    }
}
