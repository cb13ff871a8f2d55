//! Signature V2 (`SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`).
//!
//! CanonicalizedQuery = sorted `enc(key)=enc(value)` joined by `&`;
//! StringToSign = `METHOD&%2F&` + enc(CanonicalizedQuery);
//! Signature = Base64(HMAC-SHA1(secret + "&", StringToSign)).

use base64::Engine as _;
use hmac::Mac as _;
use time::OffsetDateTime;

use super::{
    CallInfo, encode_str, encoded_len, percent_encode_into, sorted_pairs, timestamp_bytes,
};
use crate::credentials::Credentials;
use crate::wire::SortedParams;

/// The intermediate and final results of signing a full param set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Signature {
    pub canonical_query: String,
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1, not yet percent-encoded.
    pub signature: String,
}

/// Canonicalized query of `params` (every param that is sent, except `Signature`): the same
/// canonical form V3 signs, so both schemes share one implementation.
pub use super::canonical_query;

/// `METHOD&%2F&enc(canonical_query)`.
pub fn string_to_sign(method: &str, canonical_query: &str) -> String {
    let mut out = String::with_capacity(method.len() + 5 + encoded_len(canonical_query));
    out.push_str(method);
    out.push_str("&%2F&");
    percent_encode_into(&mut out, canonical_query);
    out
}

/// Base64(HMAC-SHA1(secret + "&", string_to_sign)).
pub fn sign_string(credentials: &Credentials, string_to_sign: &str) -> String {
    let mut mac = credentials.v2_key().clone();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Signs a complete param set (common params included), returning every intermediate result.
pub fn sign_params(
    credentials: &Credentials,
    method: &str,
    params: &[(&str, &str)],
) -> V2Signature {
    let canonical_query = canonical_query(params);
    let string_to_sign = string_to_sign(method, &canonical_query);
    let signature = sign_string(credentials, &string_to_sign);
    V2Signature {
        canonical_query,
        string_to_sign,
        signature,
    }
}

/// One RPC call to sign: the business params plus what the signer adds.
#[derive(Debug, Clone, Copy)]
pub struct RpcRequest<'a, K = std::borrow::Cow<'static, str>, V = std::borrow::Cow<'a, str>> {
    pub method: &'a str,
    pub action: &'a str,
    pub version: &'a str,
    /// Business params as flattened by `ToParams` (any string-like pairs).
    pub params: &'a [(K, V)],
    pub timestamp: OffsetDateTime,
    pub nonce: &'a str,
}

/// A signed query string, ready to send (`...&Signature=...`).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedQuery {
    /// `prefix` (empty, or the URL up to `?` when signing for [`crate::Client::prepare`]) + query.
    buf: String,
    start: usize,
    /// End of the canonical query in `buf`.
    canonical_end: usize,
    string_to_sign: String,
    /// Base64 of a 20-byte digest: always 28 ASCII bytes.
    signature: [u8; 28],
}

impl std::fmt::Debug for SignedQuery {
    // The query holds the STS token: show it redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedQuery")
            .field("query", &crate::error::redact(self.query()))
            .finish_non_exhaustive()
    }
}

impl SignedQuery {
    /// The whole query to send, `Signature` last.
    pub fn query(&self) -> &str {
        &self.buf[self.start..]
    }
    /// The canonicalized query the signature covers (the query without `&Signature=…`).
    pub fn canonical_query(&self) -> &str {
        &self.buf[self.start..self.canonical_end]
    }
    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }
    /// Base64 signature, not percent-encoded.
    pub fn signature(&self) -> &str {
        std::str::from_utf8(&self.signature).unwrap_or_default()
    }
    /// The prefix given to [`sign_rpc_after`] followed by the query, without a copy.
    pub(crate) fn into_prefixed(self) -> String {
        self.buf
    }
}

/// Adds the common params (`Action`, `Version`, `Format=JSON`, `AccessKeyId`, `SignatureMethod`,
/// `SignatureVersion`, `SignatureNonce`, `Timestamp`, and `SecurityToken` for STS) and signs.
///
/// Built for speed: params encoded once into one buffer (and a second one with the twice-encoded
/// form the string to sign holds) and sorted as packed integer keys, the canonical query and the
/// string to sign copied from them in runs, and the HMAC started from the key state precomputed in
/// `Credentials` and fed as the string to sign is produced.
pub fn sign_rpc<K: AsRef<str>, V: AsRef<str>>(
    credentials: &Credentials,
    req: &RpcRequest<'_, K, V>,
) -> SignedQuery {
    let call = CallInfo {
        method: req.method,
        action: req.action,
        version: req.version,
        timestamp: req.timestamp,
        nonce: req.nonce,
    };
    sign_sorted(credentials, &call, &sorted_pairs(req.params), "")
}

/// [`sign_rpc`] of params already in a sorted sink, writing the query after `prefix` in the same
/// buffer, so that the full URL (`endpoint/?query`) costs no extra allocation or copy.
pub(crate) fn sign_sorted(
    credentials: &Credentials,
    call: &CallInfo<'_>,
    params: &SortedParams,
    prefix: &str,
) -> SignedQuery {
    sign_into(credentials, call, params, prefix, true)
}

/// The signed URL `prefix` + query, for [`crate::Client::prepare`]: the string to sign goes to
/// the HMAC only, never into a buffer of its own.
pub(crate) fn signed_url(
    credentials: &Credentials,
    call: &CallInfo<'_>,
    params: &SortedParams,
    prefix: &str,
) -> String {
    sign_into(credentials, call, params, prefix, false).into_prefixed()
}

fn sign_into(
    credentials: &Credentials,
    call: &CallInfo<'_>,
    params: &SortedParams,
    prefix: &str,
    keep_string_to_sign: bool,
) -> SignedQuery {
    let ts = timestamp_bytes(call.timestamp);
    let ts = std::str::from_utf8(&ts).unwrap_or_default();
    // In key order, to be merged with the sorted business params.
    let all = [
        ("AccessKeyId", credentials.access_key_id()),
        ("Action", call.action),
        ("Format", "JSON"),
        (
            "SecurityToken",
            credentials.security_token().unwrap_or_default(),
        ),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", call.nonce),
        ("SignatureVersion", "1.0"),
        ("Timestamp", ts),
        ("Version", call.version),
    ];
    debug_assert!(all.is_sorted_by_key(|(k, _)| *k));
    let mut common: [(&str, &str); 9] = [("", ""); 9];
    let mut n = 0;
    for (k, v) in all {
        if k != "SecurityToken" || credentials.security_token().is_some() {
            common[n] = (k, v);
            n += 1;
        }
    }
    let common = &common[..n];
    let extra: usize = common.iter().map(|(k, v)| k.len() + v.len() + 2).sum();

    // Worst case for the common params, exact for the rest, so the buffer is allocated once.
    let mut query =
        String::with_capacity(prefix.len() + params.encoded_len() + 3 * extra + 16 + 3 * 28);
    query.push_str(prefix);
    let mut kept = keep_string_to_sign.then(|| {
        String::with_capacity(call.method.len() + 5 + 2 * (params.encoded_len() + 3 * extra))
    });
    let mut mac = credentials.v2_key().clone();
    let feed = |piece: &str| {
        mac.update(piece.as_bytes());
        if let Some(kept) = &mut kept {
            kept.push_str(piece);
        }
    };
    {
        let mut feed = feed;
        feed(call.method);
        feed("&%2F&");
        params.write_query(&mut query, common, Some(&mut feed));
    }
    let canonical_end = query.len();

    let digest = mac.finalize().into_bytes();
    let mut signature = [0u8; 28];
    let _ = base64::engine::general_purpose::STANDARD.encode_slice(digest, &mut signature);

    query.push_str("&Signature=");
    encode_str(
        &mut query,
        std::str::from_utf8(&signature).unwrap_or_default(),
    );
    SignedQuery {
        buf: query,
        start: prefix.len(),
        canonical_end,
        string_to_sign: kept.unwrap_or_default(),
        signature,
    }
}

/// A presigned URL: `endpoint` (e.g. `https://ecs.cn-beijing.aliyuncs.com`) + `/?` + the signed query.
pub fn presigned_url<K: AsRef<str>, V: AsRef<str>>(
    endpoint: &str,
    credentials: &Credentials,
    req: &RpcRequest<'_, K, V>,
) -> String {
    let signed = sign_rpc(credentials, req);
    let base = endpoint.trim_end_matches('/');
    let mut url = String::with_capacity(base.len() + 2 + signed.query().len());
    url.push_str(base);
    url.push_str("/?");
    url.push_str(signed.query());
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_signature_matches_plain_one() {
        let creds = Credentials::new("testid", "testsecret");
        let params = vec![
            ("InstanceId".to_owned(), "i-bp1****".to_owned()),
            ("Name".to_owned(), "快照 group*~".to_owned()),
        ];
        let req = RpcRequest {
            method: "POST",
            action: "CreateSnapshotGroup",
            version: "2014-05-26",
            params: &params,
            timestamp: time::macros::datetime!(2024-05-26 08:00:00 UTC),
            nonce: "n-1",
        };
        let signed = sign_rpc(&creds, &req);
        let sts = signed.string_to_sign().to_owned();
        assert_eq!(sts, string_to_sign("POST", signed.canonical_query()));
        assert_eq!(signed.signature(), sign_string(&creds, &sts));
        assert!(
            signed
                .query()
                .starts_with("AccessKeyId=testid&Action=CreateSnapshotGroup&Format=JSON&")
        );
        assert!(
            signed
                .query()
                .contains("&Name=%E5%BF%AB%E7%85%A7%20group%2A~&")
        );
        let call = CallInfo {
            method: req.method,
            action: req.action,
            version: req.version,
            timestamp: req.timestamp,
            nonce: req.nonce,
        };
        let prefixed = sign_sorted(&creds, &call, &sorted_pairs(req.params), "https://h/?");
        assert_eq!(prefixed.query(), signed.query());
        assert_eq!(prefixed.canonical_query(), signed.canonical_query());
        assert_eq!(prefixed.signature(), signed.signature());
        assert_eq!(
            prefixed.into_prefixed(),
            format!("https://h/?{}", signed.query())
        );
    }
}
