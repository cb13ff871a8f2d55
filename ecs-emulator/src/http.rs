//! HTTP/1.1 framing for the emulator: request heads parsed with `httparse`, bodies read into
//! buffers sized by their declared length, and a deadline on every phase. Hand-framed rather than
//! hyper's server because every protocol-level rejection (431, 414, 400, 413, 408, 503) must be an
//! ECS error document, and idle, header and body deadlines must be separate; hyper answers the
//! first with empty bodies and has one header timer for both idle and head.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout, timeout_at};

/// The server's limits: timeouts, sizes and counts. Every field has a default of seconds or a
/// few MB; the binary takes each as a flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// A connection with no request started for this long is closed (`--idle-timeout`, 30 s).
    pub idle_timeout: Duration,
    /// A request's head (request line and headers) must arrive within this of its first byte;
    /// otherwise 408 (`--header-timeout`, 10 s).
    pub header_read_timeout: Duration,
    /// A request's whole body must arrive within this of its head; otherwise 408
    /// (`--body-timeout`, 10 s).
    pub body_timeout: Duration,
    /// Connections served at once; one more is answered 503 `ServiceUnavailable` and closed
    /// (`--max-connections`, 512).
    pub max_connections: usize,
    /// Largest request head, request line included: 431 beyond (`--max-header-bytes`, 32 KiB).
    pub max_head_bytes: usize,
    /// Longest request target (path and query): 414 beyond (`--max-uri-bytes`, 16 KiB).
    pub max_uri_bytes: usize,
    /// Largest request body: 413 beyond (`--max-body-bytes`, 1 MiB).
    pub max_body_bytes: usize,
    /// Body bytes buffered at once over all connections; a body waits (within its deadline)
    /// for room (`--max-body-buffer`, 64 MiB).
    pub max_buffered_body_bytes: usize,
    /// Size of the request log; the oldest records go first (`--request-log-bytes`, 32 MiB).
    pub request_log_bytes: usize,
    /// Bytes of params kept per logged request; the rest is cut and the record says so
    /// (`--request-log-params-bytes`, 16 KiB).
    pub request_log_params_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            idle_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_connections: 512,
            max_head_bytes: 32 << 10,
            max_uri_bytes: 16 << 10,
            max_body_bytes: 1 << 20,
            max_buffered_body_bytes: 64 << 20,
            request_log_bytes: 32 << 20,
            request_log_params_bytes: 16 << 10,
        }
    }
}

/// Header fields one request may have (httparse needs the array up front).
const MAX_HEADERS: usize = 100;
/// How long a refused connection is drained after its answer, so the client reads it instead of
/// a reset.
const LINGER: Duration = Duration::from_millis(500);

/// A request as received.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: String,
    /// Path and query (origin form).
    pub target: String,
    /// Lower-case names, in order.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An answer to write.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// What the service does with a request.
pub(crate) enum Answer {
    Reply(Reply),
    /// Close the connection without answering (a scripted fault).
    Drop,
}

/// The request side of a connection: answers requests and words protocol rejections.
pub(crate) trait Service {
    fn call(&self, request: Request) -> impl Future<Output = Answer> + Send;
    /// An error document for a rejection before any request could be read.
    fn reject(&self, status: u16, message: String) -> Reply;
}

/// A rejection: status and message.
struct Reject(u16, String);

/// Serves one connection until it closes, idles out, or a request is refused.
pub(crate) async fn serve(
    mut stream: TcpStream,
    limits: &Limits,
    body_budget: &Arc<Semaphore>,
    service: &impl Service,
) {
    let mut buf = BytesMut::with_capacity(4096);
    loop {
        if buf.is_empty() {
            match timeout(limits.idle_timeout, stream.read_buf(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => {}
                // Idle too long, closed, or broken: nothing in flight, nothing to answer.
                _ => return,
            }
        }
        let request = match read_request(&mut stream, &mut buf, limits, body_budget).await {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(Reject(status, message)) => {
                let reply = service.reject(status, message);
                let _ = write_reply(&mut stream, reply, false, false, limits).await;
                linger(stream).await;
                return;
            }
        };
        let keep_alive = request.keep_alive;
        let head_only = request.request.method == "HEAD";
        let reply = match service.call(request.request).await {
            Answer::Reply(r) => r,
            Answer::Drop => return,
        };
        if write_reply(&mut stream, reply, keep_alive, head_only, limits)
            .await
            .is_err()
            || !keep_alive
        {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

/// Answers a connection beyond the limit and closes it.
pub(crate) async fn refuse(mut stream: TcpStream, reply: Reply, limits: &Limits) {
    let _ = write_reply(&mut stream, reply, false, false, limits).await;
    linger(stream).await;
}

struct Received {
    request: Request,
    keep_alive: bool,
}

/// Reads one request from `buf` and the stream. `Ok(None)`: the peer closed mid-request.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    limits: &Limits,
    body_budget: &Arc<Semaphore>,
) -> Result<Option<Received>, Reject> {
    let head_deadline = Instant::now() + limits.header_read_timeout;
    // Only look for a complete head once its blank line is in: a dripped head is not reparsed
    // per byte.
    let mut scanned: usize = 0;
    loop {
        let end = head_end(buf, scanned.saturating_sub(3));
        scanned = buf.len();
        if let Some(end) = end {
            if end > limits.max_head_bytes {
                return Err(too_large_head(limits));
            }
            break;
        }
        if buf.len() >= limits.max_head_bytes {
            // Not even the request line ended within the limit: its target is too long.
            return Err(if !buf.contains(&b'\n') {
                uri_too_long(buf.len(), limits)
            } else {
                too_large_head(limits)
            });
        }
        buf.reserve(4096.min(limits.max_head_bytes - buf.len()).max(1));
        match timeout_at(head_deadline, stream.read_buf(buf)).await {
            Err(_) => {
                return Err(Reject(
                    408,
                    format!(
                        "The request head did not arrive within {} s (header read timeout).",
                        limits.header_read_timeout.as_secs_f64()
                    ),
                ));
            }
            Ok(Ok(0)) | Ok(Err(_)) => return Ok(None),
            Ok(Ok(_)) => {}
        }
    }

    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut fields);
    let head_len = match parsed.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err(malformed("incomplete request head")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Reject(
                431,
                format!("The request has more than {MAX_HEADERS} header fields."),
            ));
        }
        Err(e) => return Err(malformed(&e.to_string())),
    };
    let method = parsed.method.unwrap_or_default().to_owned();
    let target = parsed.path.unwrap_or_default();
    if target.len() > limits.max_uri_bytes {
        return Err(uri_too_long(target.len(), limits));
    }
    let target = origin_form(target).ok_or_else(|| malformed("request target"))?;
    let http10 = parsed.version == Some(0);
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let _ = buf.split_to(head_len);

    fn get<'h>(
        headers: &'h [(String, String)],
        name: &'h str,
    ) -> impl Iterator<Item = &'h (String, String)> {
        headers.iter().filter(move |(k, _)| k == name)
    }
    let has_token = |name: &str, token: &str| {
        get(&headers, name).any(|(_, v)| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    let keep_alive = if http10 {
        has_token("connection", "keep-alive")
    } else {
        !has_token("connection", "close")
    };
    let chunked = match get(&headers, "transfer-encoding").last() {
        None => false,
        Some((_, v)) if v.trim().to_ascii_lowercase().ends_with("chunked") => true,
        Some((_, v)) => {
            return Err(Reject(
                400,
                format!(
                    "Transfer-Encoding {v:?} is not supported; send chunked or Content-Length."
                ),
            ));
        }
    };
    let lengths: Vec<&str> = get(&headers, "content-length")
        .map(|(_, v)| v.trim())
        .collect();
    let length = match (lengths.first(), chunked) {
        (None, _) => None,
        // Both framings at once is how requests are smuggled: refused, as RFC 9112 allows.
        (Some(_), true) => return Err(malformed("both Content-Length and Transfer-Encoding")),
        (Some(first), false) => {
            if lengths.iter().any(|other| other != first) {
                return Err(malformed(
                    "Content-Length given twice with different values",
                ));
            }
            Some(
                first
                    .parse::<usize>()
                    .map_err(|_| malformed("Content-Length is not a number"))?,
            )
        }
    };
    drop(lengths);
    if let Some(n) = length
        && n > limits.max_body_bytes
    {
        return Err(body_too_large(limits));
    }
    let wants_body = chunked || length.is_some_and(|n| n > 0);
    if wants_body && !http10 && has_token("expect", "100-continue") {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await;
    }

    let body_deadline = Instant::now() + limits.body_timeout;
    let body_timeout = || {
        Reject(
            408,
            format!(
                "The request body did not arrive within {} s (body timeout).",
                limits.body_timeout.as_secs_f64()
            ),
        )
    };
    let body = if !wants_body {
        Bytes::new()
    } else {
        // Room for the body in the shared budget first: many slow bodies wait, they do not pile up.
        let want = length.unwrap_or(limits.max_body_bytes);
        let permits = u32::try_from(want.min(limits.max_buffered_body_bytes)).unwrap_or(u32::MAX);
        let _permit = match timeout_at(body_deadline, body_budget.acquire_many(permits)).await {
            Ok(Ok(p)) => p,
            Ok(Err(_)) => return Ok(None),
            Err(_) => return Err(body_timeout()),
        };
        let read = async {
            match length {
                Some(n) => read_exact_into(stream, buf, n)
                    .await
                    .map(|()| buf.split_to(n)),
                None => read_chunked(stream, buf, limits).await,
            }
        };
        match timeout_at(body_deadline, read).await {
            Err(_) => return Err(body_timeout()),
            Ok(Err(BodyError::Closed)) => return Ok(None),
            Ok(Err(BodyError::Reject(r))) => return Err(r),
            Ok(Ok(body)) => body.freeze(),
        }
    };
    Ok(Some(Received {
        request: Request {
            method,
            target,
            headers,
            body,
        },
        keep_alive,
    }))
}

enum BodyError {
    Closed,
    Reject(Reject),
}

/// Reads until `buf` holds `n` bytes, growing it once to exactly that.
async fn read_exact_into(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    n: usize,
) -> Result<(), BodyError> {
    if buf.len() < n {
        buf.reserve(n - buf.len());
    }
    while buf.len() < n {
        match stream.read_buf(buf).await {
            Ok(0) | Err(_) => return Err(BodyError::Closed),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Decodes a chunked body (trailers read and dropped), at most `max_body_bytes` of data.
async fn read_chunked(
    stream: &mut TcpStream,
    buf: &mut BytesMut,
    limits: &Limits,
) -> Result<BytesMut, BodyError> {
    let mut body = BytesMut::new();
    loop {
        let (consumed, size) = loop {
            match httparse::parse_chunk_size(buf) {
                Ok(httparse::Status::Complete(c)) => break c,
                Ok(httparse::Status::Partial) if buf.len() < 1024 => {
                    read_more(stream, buf, 1024).await?;
                }
                _ => return Err(BodyError::Reject(malformed("chunk size line"))),
            }
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if size > limits.max_body_bytes - body.len() {
            return Err(BodyError::Reject(body_too_large(limits)));
        }
        let _ = buf.split_to(consumed);
        if size == 0 {
            // Trailer fields, then the blank line.
            loop {
                if let Some(end) = find(buf, b"\r\n") {
                    let _ = buf.split_to(end + 2);
                    if end == 0 {
                        return Ok(body);
                    }
                    continue;
                }
                if buf.len() > limits.max_head_bytes {
                    return Err(BodyError::Reject(too_large_head(limits)));
                }
                read_more(stream, buf, 1024).await?;
            }
        }
        read_exact_into(stream, buf, size + 2).await?;
        body.extend_from_slice(&buf[..size]);
        if &buf[size..size + 2] != b"\r\n" {
            return Err(BodyError::Reject(malformed("chunk not ended by CRLF")));
        }
        let _ = buf.split_to(size + 2);
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut BytesMut, n: usize) -> Result<(), BodyError> {
    buf.reserve(n);
    match stream.read_buf(buf).await {
        Ok(0) | Err(_) => Err(BodyError::Closed),
        Ok(_) => Ok(()),
    }
}

/// Writes the answer within the idle timeout (a client that does not read is dropped).
async fn write_reply(
    stream: &mut TcpStream,
    reply: Reply,
    keep_alive: bool,
    head_only: bool,
    limits: &Limits,
) -> std::io::Result<()> {
    let reason = http::StatusCode::from_u16(reply.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown");
    let mut out = Vec::with_capacity(256 + reply.body.len());
    out.extend_from_slice(format!("HTTP/1.1 {} {reason}\r\n", reply.status).as_bytes());
    for (name, value) in &reply.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("content-length: {}\r\n", reply.body.len()).as_bytes());
    if !keep_alive {
        out.extend_from_slice(b"connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(&reply.body);
    }
    match timeout(limits.idle_timeout, stream.write_all(&out)).await {
        Ok(r) => r,
        Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
    }
}

/// Closes after an error answer: stop writing, then read (and drop) what the client still sends
/// for a moment, so it gets the answer rather than a reset.
async fn linger(mut stream: TcpStream) {
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 4096];
    let deadline = Instant::now() + LINGER;
    let mut drained = 0usize;
    while drained < 1 << 20 {
        match timeout_at(deadline, stream.read(&mut sink)).await {
            Ok(Ok(n)) if n > 0 => drained += n,
            _ => return,
        }
    }
}

/// Where the head ends (just past its blank line), if it is complete; `from`: where a blank line
/// could start that an earlier call has not seen.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let rest = &buf[from.min(buf.len())..];
    let crlf = find(rest, b"\r\n\r\n").map(|i| from + i + 4);
    let lf = find(rest, b"\n\n").map(|i| from + i + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `/path?query` from any request-target form the emulator accepts (origin or absolute).
fn origin_form(target: &str) -> Option<String> {
    if target.starts_with('/') {
        return Some(target.to_owned());
    }
    let rest = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))?;
    Some(match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => rest[i..].to_owned(),
        Some(i) => format!("/{}", &rest[i..]),
        None => "/".to_owned(),
    })
}

fn malformed(what: &str) -> Reject {
    Reject(400, format!("The HTTP request is malformed: {what}."))
}

fn too_large_head(limits: &Limits) -> Reject {
    Reject(
        431,
        format!(
            "The request line and headers exceed {} bytes (max_head_bytes).",
            limits.max_head_bytes
        ),
    )
}

fn uri_too_long(len: usize, limits: &Limits) -> Reject {
    Reject(
        414,
        format!(
            "The request target is at least {len} bytes; the limit is {} (max_uri_bytes).",
            limits.max_uri_bytes.min(limits.max_head_bytes)
        ),
    )
}

fn body_too_large(limits: &Limits) -> Reject {
    Reject(
        413,
        format!(
            "The request body exceeds {} bytes (max_body_bytes).",
            limits.max_body_bytes
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_end_at_the_first_blank_line() {
        assert_eq!(
            head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody", 0),
            Some(27)
        );
        assert_eq!(
            head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody", 22),
            Some(27)
        );
        assert_eq!(head_end(b"GET / HTTP/1.1\nHost: x\n\n", 0), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n", 0), None);
    }

    #[test]
    fn targets_become_origin_form() {
        assert_eq!(origin_form("/?a=b").as_deref(), Some("/?a=b"));
        assert_eq!(origin_form("http://h:1/p?x").as_deref(), Some("/p?x"));
        assert_eq!(origin_form("http://h:1?x").as_deref(), Some("/?x"));
        assert_eq!(origin_form("http://h").as_deref(), Some("/"));
        assert_eq!(origin_form("*"), None);
    }
}
