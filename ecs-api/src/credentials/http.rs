//! What every credential source shares: an HTTP client that never follows redirects, bounded
//! body reads, and bounded reads of regular files off the async runtime.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Credential files (CLI config, INI file, OIDC token) are a few KB; this bounds what is read.
pub const MAX_CREDENTIALS_FILE_BYTES: u64 = 1024 * 1024;

/// A client for credential endpoints: redirects are never followed (a redirect could carry the
/// metadata token, or bring back keys, from another host); `no_proxy` for link-local services.
pub(crate) fn strict_http_client(
    connect_timeout: Duration,
    no_proxy: bool,
) -> Result<reqwest::Client, String> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none());
    if no_proxy {
        b = b.no_proxy();
    }
    b.build().map_err(|e| e.to_string())
}

/// Why an answer could not be read. Never holds a URL (it may carry a signature).
#[derive(Debug)]
pub(crate) enum ReadError {
    Transport(reqwest::Error),
    TooLarge(usize),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Transport(e) => {
                let kind = if e.is_connect() {
                    "connection failed"
                } else if e.is_timeout() {
                    "timed out"
                } else {
                    "request failed"
                };
                // The error's source chain without its URL.
                let mut msg = kind.to_owned();
                let mut src = std::error::Error::source(e);
                while let Some(s) = src {
                    msg.push_str(": ");
                    msg.push_str(&s.to_string());
                    src = s.source();
                }
                f.write_str(&msg)
            }
            ReadError::TooLarge(limit) => write!(f, "the answer is larger than {limit} bytes"),
        }
    }
}

impl From<reqwest::Error> for ReadError {
    fn from(e: reqwest::Error) -> Self {
        ReadError::Transport(e.without_url())
    }
}

/// The body, refused as soon as it passes `limit` bytes (never buffered beyond it).
pub(crate) async fn read_capped(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, ReadError> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(ReadError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why a credentials file could not be read.
#[derive(Debug)]
pub(crate) enum FileError {
    NotFound,
    NotRegular,
    TooLarge,
    Io(std::io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotFound => f.write_str("not found"),
            FileError::NotRegular => f.write_str(
                "not a regular file (a FIFO, device, socket or directory, or a link to one)",
            ),
            FileError::TooLarge => write!(f, "larger than {MAX_CREDENTIALS_FILE_BYTES} bytes"),
            FileError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// Reads a small regular file (symlinks followed only to regular files). Blocking: call it from
/// [`read_small_file`] or a blocking context. The type is checked before opening (opening a FIFO
/// blocks) and again on the open handle.
pub(crate) fn read_small_file_blocking(path: &Path) -> Result<String, FileError> {
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => FileError::NotFound,
        _ => FileError::Io(e),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular);
    }
    if meta.len() > MAX_CREDENTIALS_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(FileError::NotRegular);
    }
    let mut text = String::new();
    file.take(MAX_CREDENTIALS_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(FileError::Io)?;
    if text.len() as u64 > MAX_CREDENTIALS_FILE_BYTES {
        return Err(FileError::TooLarge);
    }
    Ok(text)
}

/// [`read_small_file_blocking`] on tokio's blocking pool, so the runtime never waits on the disk.
pub(crate) async fn read_small_file(path: PathBuf) -> Result<String, FileError> {
    match tokio::task::spawn_blocking(move || read_small_file_blocking(&path)).await {
        Ok(r) => r,
        Err(e) => Err(FileError::Io(std::io::Error::other(e.to_string()))),
    }
}
