//! Test support for the workspace-level tests: a loopback HTTP server that records what the
//! client sends and answers with canned responses.
//!
//! Deliberately tiny (std only, one thread, `Connection: close`): it exists to observe the exact
//! URL, headers and body of each request, not to emulate a portal.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Request target, e.g. `/rest/1/secret/crm.item.delete`.
    pub path: String,
    /// Headers with lower-cased names, in order.
    pub headers: Vec<(String, String)>,
    /// Raw body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// A header's value by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    /// When the body is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// A canned answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Duration,
    /// A `Location` header, for redirects.
    pub location: Option<String>,
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply {
            status,
            body: serde_json::to_vec(body).expect("JSON serializes"),
            delay: Duration::ZERO,
            location: None,
        }
    }

    /// A raw answer.
    pub fn raw(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            location: None,
        }
    }

    /// The same answer with a `Location` header.
    #[must_use]
    pub fn location(mut self, url: &str) -> Reply {
        self.location = Some(url.to_owned());
        self
    }

    /// The same answer after `delay`.
    #[must_use]
    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    recorded: Vec<Recorded>,
}

/// A server on `127.0.0.1:<ephemeral>` answering queued replies in order (HTTP 500 when the
/// queue is empty). It runs until the process ends.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl MockServer {
    /// Starts a server.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub fn start() -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                thread::spawn(move || serve(stream, &shared));
            }
        });
        MockServer { addr, state }
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues an answer.
    pub fn reply(&self, reply: Reply) -> &Self {
        self.lock().replies.push_back(reply);
        self
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().recorded.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let reply = {
        let mut s = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        s.recorded.push(request);
        s.replies
            .pop_front()
            .unwrap_or_else(|| Reply::raw(500, "no reply queued"))
    };
    thread::sleep(reply.delay);
    let mut stream = stream;
    let location = reply
        .location
        .as_ref()
        .map(|l| format!("Location: {l}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{location}Connection: close\r\n\r\n",
        reply.status,
        reply.body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply.body);
    let _ = stream.flush();
}

fn read_request(stream: &TcpStream) -> Option<Recorded> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let len = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

/// A loopback port with nothing listening (bound, then released).
///
/// # Panics
/// When no loopback port can be bound.
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    l.local_addr().expect("local addr").port()
}

/// A portal emulated in this process with `config`, and a client of its webhook. Keep the
/// emulator as long as the client is used.
///
/// # Panics
/// When the emulator cannot start.
pub async fn emulated(
    config: bitrix24_emulator::Config,
) -> (bitrix24::Client, bitrix24_emulator::Emulator) {
    let emulator = bitrix24_emulator::Emulator::start(config)
        .await
        .expect("the emulator starts");
    let webhook = emulator.webhook_url().expect("the emulator has a webhook");
    let client = bitrix24::Client::builder()
        .webhook(webhook)
        .allow_http_loopback(true)
        .build()
        .expect("a loopback webhook makes a client");
    (client, emulator)
}

/// The error and its sources, as `anyhow`'s `{:#}` prints them.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The `main` of a worker binary that a test starts: reads the arguments with `parse`, runs
/// `work` on a multi-threaded runtime and prints the line it returns. Exits 2 (with `usage`)
/// for bad arguments, 1 for a failure, both said on stderr after `name`.
pub fn run_worker<A, Fut>(
    name: &str,
    usage: &str,
    parse: impl FnOnce(&[String]) -> Result<A, String>,
    work: impl FnOnce(A) -> Fut,
) -> std::process::ExitCode
where
    Fut: std::future::Future<Output = Result<String, Box<dyn std::error::Error>>>,
{
    use std::process::ExitCode;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{name}: {e}\n{usage}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("{name}: cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(work(args)) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name}: {}", error_chain(e.as_ref()));
            ExitCode::FAILURE
        }
    }
}

/// The README's examples, compiled and run as doc tests.
#[doc = include_str!("../../README.md")]
#[allow(dead_code)]
mod readme {}
