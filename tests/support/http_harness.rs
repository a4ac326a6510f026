//! Helpers for tests of the HTTP layer: a client on a paused clock whose I/O runs on a real-time
//! runtime, a raw TCP server for answers wiremock cannot give (bodies cut short), and a global
//! log capture.
//!
//! Paused time and real sockets: with `start_paused = true`, tokio advances its clock whenever
//! the runtime has nothing to do, to the next timer. A request timeout (a timer) pending while a
//! local server answers would then fire at once. So the client's network I/O runs on
//! `io_runtime()` (a normal multi-thread runtime, through `HttpSettings::io_runtime`); the test's
//! paused runtime holds no timer while it waits for the I/O and simply blocks, and the only
//! timers on it are the client's retry waits, which the paused clock skips instantly and
//! exactly. `TokioClock` makes wall time follow the same paused clock, so "wait until
//! x-ratelimit-reset" is measurable to the millisecond.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::TimeZone;
use flowdeck::model::Timestamp;
use flowdeck::sources::http::{
    EtagCache, HttpClient, HttpSettings, Jitter, MemoryEtagCache, TokioClock,
};

/// Wall time at the start of every test: 2025-03-01T12:00:00Z.
pub fn start() -> Timestamp {
    chrono::Utc
        .with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .unwrap()
}

/// The real-time runtime the clients' network I/O runs on.
pub fn io_runtime() -> tokio::runtime::Handle {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .thread_name("http-test-io")
                .build()
                .unwrap()
        })
        .handle()
        .clone()
}

/// Test settings: I/O on the real-time runtime, no jitter (exact waits), 5 retries.
pub fn settings() -> HttpSettings {
    HttpSettings {
        user_agent: "flowdeck-test/1".to_string(),
        jitter: Jitter::Off,
        io_runtime: Some(io_runtime()),
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        ..HttpSettings::default()
    }
}

/// A client with its own memory cache, on a clock following tokio's (paused) time from `start()`.
pub fn client_with(settings: HttpSettings) -> (HttpClient, Arc<MemoryEtagCache>) {
    let cache = Arc::new(MemoryEtagCache::new());
    let client = HttpClient::new(
        settings,
        cache.clone() as Arc<dyn EtagCache>,
        Arc::new(TokioClock::starting_at(start())),
    )
    .unwrap();
    (client, cache)
}

pub fn client() -> (HttpClient, Arc<MemoryEtagCache>) {
    client_with(settings())
}

/// A port on 127.0.0.1 nothing listens on, reserved while the guard lives: a socket bound to it
/// without listening, so connections are refused and no server of a parallel test can be given
/// the port (a port merely freed could be handed to the next `bind(0)`, and then another test's
/// "refused" requests would land on that test's mock server).
pub struct ClosedPort {
    _socket: tokio::net::TcpSocket,
    pub port: u16,
}

pub fn closed_port() -> ClosedPort {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    ClosedPort {
        _socket: socket,
        port,
    }
}

/// A server that answers the n-th connection with the n-th scripted byte string (the last one
/// repeating), written raw, then closes the connection.
pub struct RawServer {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    pub fn start(script: Vec<Vec<u8>>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else {
                    continue;
                };
                let n = count.fetch_add(1, Ordering::SeqCst);
                read_head(&mut stream);
                let answer = script.get(n).or(script.last()).cloned().unwrap_or_default();
                let _ = stream.write_all(&answer);
                let _ = stream.flush();
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        });
        RawServer { addr, connections }
    }

    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).unwrap()
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads a request's head (up to the blank line), byte by byte so nothing of the body is
/// taken; what came before the connection ended or timed out when it is cut short.
pub fn read_head(stream: &mut impl Read) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    head
}

/// A complete HTTP/1.1 answer with a JSON body.
pub fn raw_json(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Everything logged at TRACE, including `log` records of the HTTP stack (reqwest, hyper)
/// bridged into tracing, by any test of this process while at least one [`Logs`] is alive.
/// Outside that window events are dropped at once: a test binary holds many tests, and the
/// others should not pay for formatting every trace line of their requests into memory.
#[derive(Clone)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;
    fn make_writer(&'a self) -> LogCapture {
        self.clone()
    }
}

/// How many [`Logs`] are alive: the capture records only while this is above zero.
static CAPTURING: AtomicUsize = AtomicUsize::new(0);

/// The log capture of one test: capturing from [`logs`] until dropped.
pub struct Logs(LogCapture);

impl Logs {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.0.lock().unwrap()).into_owned()
    }
}

impl Drop for Logs {
    fn drop(&mut self) {
        CAPTURING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts capturing (the global subscriber is installed on first use).
pub fn logs() -> Logs {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::{Layer as _, filter, fmt};
    static CAPTURE: OnceLock<LogCapture> = OnceLock::new();
    let capture = CAPTURE
        .get_or_init(|| {
            let capture = LogCapture(Arc::new(Mutex::new(Vec::new())));
            let recording = filter::filter_fn(|_| CAPTURING.load(Ordering::SeqCst) > 0);
            tracing_subscriber::registry()
                .with(
                    fmt::layer()
                        .with_ansi(false)
                        .with_writer(capture.clone())
                        .with_filter(recording),
                )
                .try_init()
                .unwrap();
            capture
        })
        .clone();
    CAPTURING.fetch_add(1, Ordering::SeqCst);
    Logs(capture)
}
