//! A look-alike server that is never dropped.
//!
//! wiremock's `MockServer` verifies its expectations when dropped, with
//! `futures::executor::block_on` nested inside the test's tokio task. Once that task has spent
//! tokio's cooperative budget, every poll of the nested future gets Pending and an immediate
//! wake, so the drop spins for ever (gdb: `Semaphore::add_permits_locked` under
//! `MockServer::drop`, a whole core for many minutes), hanging the test binary and so CI. It
//! was seen in `poller_faults` and `credential_scope`. Every look-alike server in the tests is
//! therefore kept for the life of the process: a few sockets and threads, and no verification
//! lost (the tests assert on what was received themselves).

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
