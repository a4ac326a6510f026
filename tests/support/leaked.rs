//! A look-alike server that is never dropped.
//!
//! wiremock's `MockServer` verifies its expectations when dropped, with
//! `futures::executor::block_on` on the lock its request handler takes. Dropped inside a
//! multi-threaded tokio test while a request of the code under test is still in flight (a
//! poller between retries), that nested executor was seen to spin forever (a gdb backtrace
//! in `Semaphore::add_permits_locked` under `MockServer::drop`, 19 minutes at half a core),
//! hanging the whole test binary and so CI. The tests that leave requests in flight keep
//! their servers for the life of the process instead: a few sockets, no verification lost
//! (they assert on what was received themselves).

use std::mem::ManuallyDrop;
use std::ops::Deref;

pub struct Leaked<T>(ManuallyDrop<T>);

/// Wraps `server` so it is never dropped.
pub fn leaked<T>(server: T) -> Leaked<T> {
    Leaked(ManuallyDrop::new(server))
}

impl<T> Deref for Leaked<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
