//! Request signing for the ECS RPC API, usable on its own (e.g. for presigned URLs).
//!
//! Alibaba Cloud's documentation names the schemes "signature method V2" and "V3":
//! - [`v3`]: `ACS3-HMAC-SHA256` over a canonical request, sent in the `Authorization` header (the
//!   default, as in the official SDKs).
//! - [`v2`]: HMAC-SHA1 over the canonicalized query. Its wire value is `SignatureVersion=1.0`;
//!   Alibaba marks it discontinued, but some endpoints and tools still need it.
//!
//! Clock and nonce are traits so that tests can pin them; both signers expose their intermediate
//! strings (canonical query, string to sign) for tests and debugging.

pub mod v2;
pub mod v3;

use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use time::OffsetDateTime;

/// Which signature scheme requests carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignatureVersion {
    /// "Signature method V2": HMAC-SHA1 over the canonicalized query, sent on the wire as
    /// `SignatureVersion=1.0`. Documented as discontinued; kept for endpoints that need it.
    V2,
    /// "Signature method V3": `ACS3-HMAC-SHA256` in the `Authorization` header, the default (as in
    /// the official SDKs).
    #[default]
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
        let v = unique_u128();
        let mut out = String::with_capacity(32);
        for i in (0..32).rev() {
            out.push(HEX_LOWER[((v >> (i * 4)) & 0xF) as usize] as char);
        }
        out
    }
}

/// A per-process random seed drawn once, mixed with a counter: values never repeat within the
/// process and cost no system call (one `getrandom` per request showed up in the end-to-end bench).
fn seed_and_count() -> (u128, u64) {
    static SEED: OnceLock<u128> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| uuid::Uuid::new_v4().as_u128());
    (seed, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A value unique within the process and unpredictable across processes.
fn unique_u128() -> u128 {
    let (seed, n) = seed_and_count();
    // Multiplying by an odd constant is a bijection, so distinct counters give distinct values.
    seed ^ u128::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835)
}

/// A fresh idempotency token in UUID v4 form: 58 random bits per process in the first half, the
/// counter in the second (below the variant bits), so tokens never repeat within a process.
pub(crate) fn fresh_client_token() -> String {
    let (seed, n) = seed_and_count();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&((seed >> 64) as u64).to_be_bytes());
    bytes[8..].copy_from_slice(&n.to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
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
/// The same as bytes, so eight lookups can be AND-ed together.
static UNRESERVED_U8: [u8; 256] = {
    let t = unreserved_table();
    let mut u = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        u[i] = t[i] as u8;
        i += 1;
    }
    u
};

/// How many of the 8 bytes from the start of `c` are unreserved before the first reserved one.
#[inline(always)]
fn unreserved_run(c: &[u8; 8]) -> usize {
    let t = &UNRESERVED_U8;
    let mask = u32::from(t[c[0] as usize])
        | u32::from(t[c[1] as usize]) << 1
        | u32::from(t[c[2] as usize]) << 2
        | u32::from(t[c[3] as usize]) << 3
        | u32::from(t[c[4] as usize]) << 4
        | u32::from(t[c[5] as usize]) << 5
        | u32::from(t[c[6] as usize]) << 6
        | u32::from(t[c[7] as usize]) << 7;
    mask.trailing_ones() as usize
}

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
    out.push_str(std::str::from_utf8(&timestamp_bytes(t)).unwrap_or_default());
}

/// The UTC timestamp as `YYYY-MM-DDThh:mm:ssZ`.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let mut s = String::with_capacity(20);
    write_timestamp(&mut s, t);
    s
}

/// Appends `s` percent-encoded (see [`percent_encode_into`]) to `out`.
///
/// Copies each run of unreserved bytes whole: ids and names are mostly one run, so this is a
/// scan and a `memcpy` per value.
#[inline]
pub(crate) fn encode_str(out: &mut String, s: &str) {
    encode_runs::<false>(out, &mut String::new(), s);
}

/// [`encode_str`], and `s` encoded twice appended to `twice`: the form V2's string to sign holds
/// (the canonical query encoded again, so each escape `%XY` becomes `%25XY`). Both come from one
/// scan, so the string to sign needs no pass of its own.
#[inline]
pub(crate) fn encode_str_twice(out: &mut String, twice: &mut String, s: &str) {
    encode_runs::<true>(out, twice, s);
}

#[inline(always)]
fn encode_runs<const TWICE: bool>(out: &mut String, twice: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut i = 0;
    loop {
        let run = unreserved_len(&bytes[i..]);
        if run > 0 {
            // A non-empty run is ASCII and is followed by a char start (or the end), so both
            // ends are char boundaries.
            let plain = &s[i..i + run];
            out.push_str(plain);
            if TWICE {
                twice.push_str(plain);
            }
            i += run;
        }
        let Some(&b) = bytes.get(i) else {
            return;
        };
        let e = escape(b);
        out.push_str(e);
        if TWICE {
            twice.push_str("%25");
            twice.push_str(&e[1..]);
        }
        i += 1;
    }
}

/// What a signer adds to the business params of one RPC call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallInfo<'a> {
    pub method: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub timestamp: OffsetDateTime,
    pub nonce: &'a str,
}

/// Business params given as pairs, in the sink the fast signers read.
pub(crate) fn sorted_pairs<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
) -> crate::wire::SortedParams {
    let mut sink = crate::wire::ParamSink::for_signing(params.len(), true);
    for (k, v) in params {
        sink.param(k.as_ref(), v.as_ref());
    }
    sink.into_sorted()
}

/// Length of the leading run of unreserved bytes, 8 bytes at a time while they last.
#[inline(always)]
fn unreserved_len(bytes: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = bytes
        .get(i..i + 8)
        .and_then(|c| <&[u8; 8]>::try_from(c).ok())
    {
        let run = unreserved_run(chunk);
        i += run;
        if run < 8 {
            return i;
        }
    }
    i + bytes[i..]
        .iter()
        .position(|&b| !UNRESERVED[b as usize])
        .unwrap_or(bytes.len() - i)
}

/// The UTC timestamp `YYYY-MM-DDThh:mm:ssZ` on the stack.
pub(crate) fn timestamp_bytes(t: OffsetDateTime) -> [u8; 20] {
    let t = t.to_offset(time::UtcOffset::UTC);
    let year = t.year().clamp(0, 9999) as u32;
    let mut out = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, n: u32| {
        out[at] = b'0' + (n / 10) as u8;
        out[at + 1] = b'0' + (n % 10) as u8;
    };
    put(0, year / 100);
    put(2, year % 100);
    put(5, u8::from(t.month()).into());
    put(8, t.day().into());
    put(11, t.hour().into());
    put(14, t.minute().into());
    put(17, t.second().into());
    out
}

/// The canonical query both schemes sign (V2's CanonicalizedQuery, V3's CanonicalQueryString):
/// params sorted by raw key bytes, `enc(key)=enc(value)` joined by `&`.
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sort_params(&mut sorted);
    let mut out = String::with_capacity(
        sorted
            .iter()
            .map(|(k, v)| encoded_len(k) + encoded_len(v) + 2)
            .sum(),
    );
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, k);
        out.push('=');
        percent_encode_into(&mut out, v);
    }
    out
}

/// Sorts params by raw key bytes (`ExcludeDiskId.1 < ExcludeDiskId.10 < ExcludeDiskId.2`).
pub(crate) fn sort_params(params: &mut [(&str, &str)]) {
    params.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_tokens_are_distinct_uuid_v4_within_the_service_limit() {
        let tokens: std::collections::BTreeSet<String> =
            (0..10_000).map(|_| fresh_client_token()).collect();
        assert_eq!(tokens.len(), 10_000);
        for t in tokens.iter().take(5) {
            let u = uuid::Uuid::parse_str(t).expect("a UUID");
            assert_eq!(u.get_version_num(), 4);
            // ClientToken: ASCII, at most 64 characters.
            assert!(t.is_ascii() && t.len() <= 64);
        }
    }

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
    fn chunked_encoders_match_the_plain_one() {
        for s in [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            "abcdefgh ",
            "a b*c~d/e+f=g&h%",
            "nightly-db_snapshots:2024.05 快照 group*~ and a longer tail",
            "%%%%%%%%%%%%%%%%%",
        ] {
            let plain = percent_encode(s);
            let (mut once, mut twice) = ("x".to_owned(), "y".to_owned());
            encode_str_twice(&mut once, &mut twice, s);
            assert_eq!(once, format!("x{plain}"));
            assert_eq!(twice, format!("y{}", percent_encode(&plain)));
            let mut alone = String::new();
            encode_str(&mut alone, s);
            assert_eq!(alone, plain);
        }
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
