//! Signature V3 (`ACS3-HMAC-SHA256`).
//!
//! CanonicalRequest = `METHOD\npath\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nHashedPayload`;
//! StringToSign = `ACS3-HMAC-SHA256\n` + hex(SHA-256(CanonicalRequest));
//! Signature = hex(HMAC-SHA256(secret, StringToSign)).

use hmac::Mac as _;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

use super::{CallInfo, timestamp_bytes, write_timestamp};
use crate::credentials::Credentials;
use crate::wire::SortedParams;

pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// hex(SHA-256("")): the payload hash of the empty body the RPC calls send.
pub const EMPTY_PAYLOAD_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// hex(SHA-256(body)).
pub fn hash_payload(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// What a V3 signature covers.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    /// Every header to sign (`host` and all `x-acs-*` at least); names any case.
    pub headers: &'a [(&'a str, &'a str)],
    pub hashed_payload: &'a str,
}

/// Every intermediate result of a V3 signature.
#[derive(Clone, PartialEq, Eq)]
pub struct V3Signature {
    pub canonical_query: String,
    pub canonical_headers: String,
    pub signed_headers: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    /// Lower-case hex.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

impl std::fmt::Debug for V3Signature {
    // Signed headers may include the STS token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::error::redact;
        f.debug_struct("V3Signature")
            .field("canonical_query", &self.canonical_query)
            .field("canonical_headers", &redact(&self.canonical_headers))
            .field("signed_headers", &self.signed_headers)
            .field("canonical_request", &redact(&self.canonical_request))
            .field("string_to_sign", &self.string_to_sign)
            .finish_non_exhaustive()
    }
}

/// CanonicalQueryString: the same canonical form V2 signs, so both schemes share one implementation.
pub use super::canonical_query;

/// Signs `req` with `credentials`.
pub fn sign(credentials: &Credentials, req: &Request<'_>) -> V3Signature {
    let canonical_query = canonical_query(req.query);

    let mut headers: Vec<(String, &str)> = req
        .headers
        .iter()
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
        .collect();
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut canonical_headers = String::new();
    let mut signed_headers = String::new();
    for (i, (k, v)) in headers.iter().enumerate() {
        canonical_headers.push_str(k);
        canonical_headers.push(':');
        canonical_headers.push_str(v);
        canonical_headers.push('\n');
        if i > 0 {
            signed_headers.push(';');
        }
        signed_headers.push_str(k);
    }

    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        req.path,
        canonical_query,
        canonical_headers,
        signed_headers,
        req.hashed_payload
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let mut mac = credentials.v3_key().clone();
    mac.update(string_to_sign.as_bytes());
    let signature = hex::encode(mac.finalize().into_bytes());
    let authorization = format!(
        "{ALGORITHM} Credential={},SignedHeaders={},Signature={}",
        credentials.access_key_id(),
        signed_headers,
        signature
    );
    V3Signature {
        canonical_query,
        canonical_headers,
        signed_headers,
        canonical_request,
        string_to_sign,
        signature,
        authorization,
    }
}

/// One RPC call to sign with V3 (`POST /`, empty body, business params in the query).
#[derive(Debug, Clone, Copy)]
pub struct RpcRequest<'a, K = std::borrow::Cow<'static, str>, V = std::borrow::Cow<'a, str>> {
    pub method: &'a str,
    /// `host[:port]` exactly as the HTTP client will send it.
    pub host: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    pub params: &'a [(K, V)],
    pub timestamp: OffsetDateTime,
    pub nonce: &'a str,
}

/// A signed V3 RPC request: the query to send and the headers to add (including `Authorization`).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRpc {
    pub query: String,
    /// Lower-case names; `host` is left to the HTTP client, which sends the same value.
    pub headers: Vec<(&'static str, String)>,
    pub signature: V3Signature,
}

impl std::fmt::Debug for SignedRpc {
    // Headers hold the STS token: show only non-secret values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| match *k {
                "x-acs-security-token" | "authorization" => (*k, "***"),
                _ => (*k, v.as_str()),
            })
            .collect();
        f.debug_struct("SignedRpc")
            .field("query", &self.query)
            .field("headers", &headers)
            .finish_non_exhaustive()
    }
}

/// Builds the `x-acs-*` headers (plus `x-acs-accesskey-id` / `x-acs-security-token` for STS) and signs.
pub fn sign_rpc<K: AsRef<str>, V: AsRef<str>>(
    credentials: &Credentials,
    req: &RpcRequest<'_, K, V>,
) -> SignedRpc {
    let mut date = String::with_capacity(20);
    write_timestamp(&mut date, req.timestamp);
    let mut headers: Vec<(&'static str, String)> = vec![
        ("x-acs-action", req.action.to_owned()),
        ("x-acs-version", req.version.to_owned()),
        ("x-acs-date", date),
        ("x-acs-signature-nonce", req.nonce.to_owned()),
        ("x-acs-content-sha256", EMPTY_PAYLOAD_SHA256.to_owned()),
    ];
    if let Some(token) = credentials.security_token() {
        headers.push(("x-acs-accesskey-id", credentials.access_key_id().to_owned()));
        headers.push(("x-acs-security-token", token.to_owned()));
    }
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(headers.len() + 1);
    signed.push(("host", req.host));
    signed.extend(headers.iter().map(|(k, v)| (*k, v.as_str())));
    let query: Vec<(&str, &str)> = req
        .params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    let signature = sign(
        credentials,
        &Request {
            method: req.method,
            path: "/",
            query: &query,
            headers: &signed,
            hashed_payload: EMPTY_PAYLOAD_SHA256,
        },
    );
    headers.push(("authorization", signature.authorization.clone()));
    SignedRpc {
        query: signature.canonical_query.clone(),
        headers,
        signature,
    }
}

/// What [`sign_sorted`] produces: the URL and the headers to send.
pub(crate) struct SignedUrl {
    /// `prefix` + canonical query.
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
}

const SIGNED_HEADERS: &str =
    "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
const SIGNED_HEADERS_STS: &str = "host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;\
x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version";

/// [`sign_rpc`] without the intermediate strings, for [`crate::Client::prepare`]: the canonical
/// query is copied from the sorted, already encoded params after `prefix` (the URL up to `?`), and
/// the canonical request is streamed into SHA-256 instead of being assembled. Same result as
/// [`sign_rpc`] (tested below).
pub(crate) fn sign_sorted(
    credentials: &Credentials,
    req: &CallInfo<'_>,
    host: &str,
    params: &SortedParams,
    prefix: &str,
) -> SignedUrl {
    let mut url = String::with_capacity(prefix.len() + params.encoded_len());
    url.push_str(prefix);
    params.write_query(&mut url, &[], None::<fn(&str)>);

    let date = timestamp_bytes(req.timestamp);
    let date = std::str::from_utf8(&date).unwrap_or_default();
    let sts_pair = credentials
        .security_token()
        .map(|t| (credentials.access_key_id(), t));
    // Canonical headers in name order; `sign` trims values, so do the same.
    let mut canonical: [(&str, &str); 8] = [("", ""); 8];
    let mut n = 0;
    canonical[n] = ("host", host);
    n += 1;
    if let Some((id, _)) = sts_pair {
        canonical[n] = ("x-acs-accesskey-id", id);
        n += 1;
    }
    for h in [
        ("x-acs-action", req.action),
        ("x-acs-content-sha256", EMPTY_PAYLOAD_SHA256),
        ("x-acs-date", date),
    ] {
        canonical[n] = h;
        n += 1;
    }
    if let Some((_, token)) = sts_pair {
        canonical[n] = ("x-acs-security-token", token);
        n += 1;
    }
    for h in [
        ("x-acs-signature-nonce", req.nonce),
        ("x-acs-version", req.version),
    ] {
        canonical[n] = h;
        n += 1;
    }
    let signed_headers = if sts_pair.is_some() {
        SIGNED_HEADERS_STS
    } else {
        SIGNED_HEADERS
    };

    let mut hash = Sha256::new();
    hash.update(req.method.as_bytes());
    hash.update(b"\n/\n");
    hash.update(&url.as_bytes()[prefix.len()..]);
    hash.update(b"\n");
    for (name, value) in &canonical[..n] {
        hash.update(name.as_bytes());
        hash.update(b":");
        hash.update(value.trim().as_bytes());
        hash.update(b"\n");
    }
    hash.update(b"\n");
    hash.update(signed_headers.as_bytes());
    hash.update(b"\n");
    hash.update(EMPTY_PAYLOAD_SHA256.as_bytes());

    let mut sts = [0u8; ALGORITHM.len() + 1 + 64];
    sts[..ALGORITHM.len()].copy_from_slice(ALGORITHM.as_bytes());
    sts[ALGORITHM.len()] = b'\n';
    let _ = hex::encode_to_slice(hash.finalize(), &mut sts[ALGORITHM.len() + 1..]);
    let mut mac = credentials.v3_key().clone();
    mac.update(&sts);
    let mut signature = [0u8; 64];
    let _ = hex::encode_to_slice(mac.finalize().into_bytes(), &mut signature);
    let signature = std::str::from_utf8(&signature).unwrap_or_default();

    let id = credentials.access_key_id();
    let mut authorization = String::with_capacity(
        ALGORITHM.len() + 40 + id.len() + signed_headers.len() + signature.len(),
    );
    for part in [
        ALGORITHM,
        " Credential=",
        id,
        ",SignedHeaders=",
        signed_headers,
        ",Signature=",
        signature,
    ] {
        authorization.push_str(part);
    }

    let mut headers: Vec<(&'static str, String)> = Vec::with_capacity(8);
    headers.push(("x-acs-action", req.action.to_owned()));
    headers.push(("x-acs-version", req.version.to_owned()));
    headers.push(("x-acs-date", date.to_owned()));
    headers.push(("x-acs-signature-nonce", req.nonce.to_owned()));
    headers.push(("x-acs-content-sha256", EMPTY_PAYLOAD_SHA256.to_owned()));
    if let Some((id, token)) = sts_pair {
        headers.push(("x-acs-accesskey-id", id.to_owned()));
        headers.push(("x-acs-security-token", token.to_owned()));
    }
    headers.push(("authorization", authorization));
    SignedUrl { url, headers }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_matches_sign_rpc() {
        let params = vec![
            ("InstanceId".to_owned(), "i-bp1****".to_owned()),
            ("Name".to_owned(), "快照 group*~".to_owned()),
            ("ExcludeDiskId.10".to_owned(), "d-10".to_owned()),
            ("ExcludeDiskId.2".to_owned(), "d-2".to_owned()),
        ];
        for creds in [
            Credentials::new("testid", "testsecret"),
            Credentials::with_security_token("stsid", "stssecret", "tok/en+="),
        ] {
            let req = RpcRequest {
                method: "POST",
                host: "ecs.cn-hangzhou.aliyuncs.com",
                action: "CreateSnapshotGroup",
                version: "2014-05-26",
                params: &params,
                timestamp: time::macros::datetime!(2024-05-26 08:00:00 UTC),
                nonce: "n-1",
            };
            let slow = sign_rpc(&creds, &req);
            let call = CallInfo {
                method: req.method,
                action: req.action,
                version: req.version,
                timestamp: req.timestamp,
                nonce: req.nonce,
            };
            let sorted = crate::signer::sorted_pairs(req.params);
            let fast = sign_sorted(&creds, &call, req.host, &sorted, "https://h/?");
            assert_eq!(fast.url, format!("https://h/?{}", slow.query));
            assert_eq!(fast.headers, slow.headers);
        }
    }
}
