//! Request signing for the ECS RPC API, usable on its own (e.g. for presigned URLs).
//!
//! - [`v1`]: `SignatureVersion=1.0`, HMAC-SHA1 over the canonicalized query (the default).
//! - [`v3`]: `ACS3-HMAC-SHA256` over a canonical request, sent in the `Authorization` header.
//!
//! Clock and nonce are traits so that tests can pin them; both signers expose their intermediate
//! strings (canonical query, string to sign) for tests and debugging.

pub mod v1;
pub mod v3;

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use time::OffsetDateTime;

/// Which signature scheme requests carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// HMAC-SHA1 over the canonicalized query (`SignatureVersion=1.0`), as the reference doc specifies.
    #[default]
    V1,
    /// `ACS3-HMAC-SHA256`, the current official SDKs' default.
    V3,
}

/// Where the signer reads the time from; injectable so tests get fixed timestamps.
pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> OffsetDateTime;
}

/// The system clock (UTC).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that always says the same time.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// Produces the `SignatureNonce` / `x-acs-signature-nonce` of each attempt.
pub trait NonceSource: Send + Sync + fmt::Debug {
    fn nonce(&self) -> String;
}

/// Unique nonces without a syscall per request: a random 128-bit seed drawn once per process, plus a
/// counter mixed in by an odd multiplier (a bijection, so nonces never repeat within a process and
/// are unpredictable across processes). 32 lower-case hex characters.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomNonce;

impl NonceSource for RandomNonce {
    fn nonce(&self) -> String {
        static SEED: OnceLock<u128> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = *SEED.get_or_init(|| uuid::Uuid::new_v4().as_u128());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed) as u128;
        let v = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835);
        let mut out = String::with_capacity(32);
        for i in (0..32).rev() {
            out.push(HEX_LOWER[((v >> (i * 4)) & 0xF) as usize] as char);
        }
        out
    }
}

/// A nonce source that always returns the same value (tests and vectors only: the service rejects a
/// reused nonce).
#[derive(Debug, Clone)]
pub struct FixedNonce(pub String);

impl NonceSource for FixedNonce {
    fn nonce(&self) -> String {
        self.0.clone()
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// RFC 3986 unreserved bytes: `A-Z a-z 0-9 - _ . ~` stay as they are.
const fn unreserved_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'~';
        i += 1;
    }
    t
}
static UNRESERVED: [bool; 256] = unreserved_table();

/// `%00%01…%FF`: the escape of byte `b` is `PCT[3 * b..3 * b + 3]`, so escaping is a `push_str` of a
/// static slice instead of three char pushes.
const PCT_BYTES: [u8; 768] = {
    let mut t = [0u8; 768];
    let mut i = 0;
    while i < 256 {
        t[3 * i] = b'%';
        t[3 * i + 1] = HEX_UPPER[i >> 4];
        t[3 * i + 2] = HEX_UPPER[i & 0xF];
        i += 1;
    }
    t
};
pub(crate) const PCT: &str = match std::str::from_utf8(&PCT_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("the escape table is ASCII"),
};

/// The escape of byte `b`, `%XY`.
#[inline]
pub(crate) fn escape(b: u8) -> &'static str {
    let i = 3 * b as usize;
    &PCT[i..i + 3]
}

/// Appends `s` percent-encoded as the signature spec wants: unreserved bytes kept, every other byte
/// `%XY` with upper-case hex (space → `%20`, `*` → `%2A`, `~` kept).
pub fn percent_encode_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    // Copy runs of unreserved bytes in one go: most ids and names are a single run.
    for (i, &b) in bytes.iter().enumerate() {
        if !UNRESERVED[b as usize] {
            // Non-empty runs hold only unreserved (ASCII) bytes, so both ends are char boundaries;
            // empty runs are skipped because `start` may then sit inside a multi-byte char.
            if start < i {
                out.push_str(&s[start..i]);
            }
            out.push_str(escape(b));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push_str(&s[start..]);
    }
}

/// Appends `s` encoded once to `once` and twice to `twice` in a single pass (the V1 canonical query
/// and its string-to-sign form: the second encoding only turns each `%` into `%25`).
pub(crate) fn percent_encode_once_and_twice(once: &mut String, twice: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !UNRESERVED[b as usize] {
            if start < i {
                once.push_str(&s[start..i]);
                twice.push_str(&s[start..i]);
            }
            let e = escape(b);
            once.push_str(e);
            twice.push_str("%25");
            twice.push_str(&e[1..]);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        once.push_str(&s[start..]);
        twice.push_str(&s[start..]);
    }
}

/// `s` percent-encoded (see [`percent_encode_into`]).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    percent_encode_into(&mut out, s);
    out
}

/// The length `s` takes once percent-encoded, for pre-sizing buffers.
pub fn encoded_len(s: &str) -> usize {
    s.len() + 2 * s.bytes().filter(|&b| !UNRESERVED[b as usize]).count()
}

/// Appends the UTC timestamp exactly as `YYYY-MM-DDThh:mm:ssZ` (no fractional seconds).
pub fn write_timestamp(out: &mut String, t: OffsetDateTime) {
    let t = t.to_offset(time::UtcOffset::UTC);
    let year = t.year().clamp(0, 9999) as u32;
    let parts = [
        (year / 100) as u8,
        (year % 100) as u8,
        b'-',
        u8::from(t.month()),
        b'-',
        t.day(),
        b'T',
        t.hour(),
        b':',
        t.minute(),
        b':',
        t.second(),
        b'Z',
    ];
    // Even slots are two-digit numbers; odd slots are separators (the two year halves are both
    // numbers, so handle them first).
    push2(out, parts[0]);
    push2(out, parts[1]);
    for pair in parts[2..].chunks(2) {
        out.push(pair[0] as char);
        if let Some(&n) = pair.get(1) {
            push2(out, n);
        }
    }
}

fn push2(out: &mut String, n: u8) {
    out.push((b'0' + n / 10) as char);
    out.push((b'0' + n % 10) as char);
}

/// The UTC timestamp as `YYYY-MM-DDThh:mm:ssZ`.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let mut s = String::with_capacity(20);
    write_timestamp(&mut s, t);
    s
}

/// Sorts params by raw key bytes (`ExcludeDiskId.1 < ExcludeDiskId.10 < ExcludeDiskId.2`).
pub(crate) fn sort_params(params: &mut [(&str, &str)]) {
    params.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_keeps_unreserved() {
        assert_eq!(
            percent_encode("a b*c~d/e+f=g&h%"),
            "a%20b%2Ac~d%2Fe%2Bf%3Dg%26h%25"
        );
        assert_eq!(percent_encode("快"), "%E5%BF%AB");
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(encoded_len("a b*快"), percent_encode("a b*快").len());
    }

    #[test]
    fn timestamp_format_is_exact() {
        let t = time::macros::datetime!(2016-02-23 12:46:24.123456 UTC);
        assert_eq!(format_timestamp(t), "2016-02-23T12:46:24Z");
        let t = time::macros::datetime!(2024-01-05 03:04:05 +08:00);
        assert_eq!(format_timestamp(t), "2024-01-04T19:04:05Z");
    }

    #[test]
    fn random_nonces_differ() {
        let a = RandomNonce.nonce();
        let b = RandomNonce.nonce();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
