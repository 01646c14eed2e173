//! The async side: one tokio runtime for every store of the process, and
//! the way blocking callers (scan threads, a resolver called from inside
//! another runtime) wait on it. Futures always run on this runtime; a
//! caller only parks its own thread until the answer arrives over a
//! channel, which works from any thread, inside a runtime or not.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// Installs ring as the process's TLS provider, which the HTTP client
/// needs before it is built. Another part of the process may have
/// installed one already; either way there is one.
pub(crate) fn tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The runtime, started on first use.
pub(crate) fn runtime() -> Result<&'static Runtime, String> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                // Network I/O and TLS only: the scanning is done by the
                // scan threads that read the bodies.
                .worker_threads(2)
                .thread_name("bw-objects")
                .enable_all()
                .build()
                .map_err(|e| format!("starting the object-store runtime: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Runs `fut` on the runtime and waits for its output on this thread.
pub(crate) fn wait<F>(fut: F) -> Result<F::Output, String>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let task = runtime()?.spawn(fut);
    block_on(task).map_err(|e| format!("object-store task failed: {e}"))
}

/// Aborts its task when dropped: a reader or listing nobody reads any
/// more closes its connection instead of filling a channel.
pub(crate) struct AbortOnDrop<T>(pub JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `fut` on this thread, parking between wake-ups. Only for futures
/// that do no I/O of their own (channel receives, join handles): their
/// I/O runs on the runtime.
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        // A wake-up before this park leaves the token set, so it returns
        // at once; spurious returns only cost another poll.
        thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_from_inside_another_runtime() {
        let outer = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let got = outer.block_on(async {
            wait(async {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                42
            })
        });
        assert_eq!(got, Ok(42));
    }
}
