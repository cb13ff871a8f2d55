//! Signature V1 (`SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`).
//!
//! CanonicalizedQuery = sorted `enc(key)=enc(value)` joined by `&`;
//! StringToSign = `METHOD&%2F&` + enc(CanonicalizedQuery);
//! Signature = Base64(HMAC-SHA1(secret + "&", StringToSign)).

use base64::Engine as _;
use hmac::Mac as _;
use time::OffsetDateTime;

use super::{
    encoded_len, percent_encode_into, percent_encode_once_and_twice, sort_params, write_timestamp,
};
use crate::credentials::Credentials;

/// The intermediate and final results of signing a full param set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V1Signature {
    pub canonical_query: String,
    pub string_to_sign: String,
    /// Base64 HMAC-SHA1, not yet percent-encoded.
    pub signature: String,
}

/// Canonicalized query of `params` (every param that is sent, except `Signature`).
pub fn canonical_query(params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<(&str, &str)> = params.to_vec();
    sort_params(&mut sorted);
    let mut out = String::with_capacity(
        sorted
            .iter()
            .map(|(k, v)| encoded_len(k) + encoded_len(v) + 2)
            .sum(),
    );
    write_canonical(&mut out, &sorted);
    out
}

fn write_canonical(out: &mut String, sorted: &[(&str, &str)]) {
    for (i, (k, v)) in sorted.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode_into(out, k);
        out.push('=');
        percent_encode_into(out, v);
    }
}

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
    let mut mac = credentials.v1_key().clone();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Signs a complete param set (common params included), returning every intermediate result.
pub fn sign_params(
    credentials: &Credentials,
    method: &str,
    params: &[(&str, &str)],
) -> V1Signature {
    let canonical_query = canonical_query(params);
    let string_to_sign = string_to_sign(method, &canonical_query);
    let signature = sign_string(credentials, &string_to_sign);
    V1Signature {
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
    query: String,
    canonical_len: usize,
    string_to_sign: String,
    signature: String,
}

impl std::fmt::Debug for SignedQuery {
    // The query holds the STS token: show it redacted.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedQuery")
            .field("query", &crate::error::redact(&self.query))
            .finish_non_exhaustive()
    }
}

impl SignedQuery {
    /// The whole query to send, `Signature` last.
    pub fn query(&self) -> &str {
        &self.query
    }
    pub fn into_query(self) -> String {
        self.query
    }
    /// The canonicalized query the signature covers (the query without `&Signature=…`).
    pub fn canonical_query(&self) -> &str {
        &self.query[..self.canonical_len]
    }
    /// The string that was signed.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }
    /// Base64 signature, not percent-encoded.
    pub fn signature(&self) -> &str {
        &self.signature
    }
}

/// Adds the common params (`Action`, `Version`, `Format=JSON`, `AccessKeyId`, `SignatureMethod`,
/// `SignatureVersion`, `SignatureNonce`, `Timestamp`, and `SecurityToken` for STS) and signs.
///
/// Built for speed: params sorted by reference, the query and the string to sign written in one pass
/// into pre-sized buffers, and the HMAC started from the key state precomputed in `Credentials`.
pub fn sign_rpc<K: AsRef<str>, V: AsRef<str>>(
    credentials: &Credentials,
    req: &RpcRequest<'_, K, V>,
) -> SignedQuery {
    let mut ts = String::with_capacity(20);
    write_timestamp(&mut ts, req.timestamp);

    let mut all: Vec<(&str, &str)> = Vec::with_capacity(req.params.len() + 9);
    all.extend(req.params.iter().map(|(k, v)| (k.as_ref(), v.as_ref())));
    all.push(("Action", req.action));
    all.push(("Version", req.version));
    all.push(("Format", "JSON"));
    all.push(("AccessKeyId", credentials.access_key_id()));
    all.push(("SignatureMethod", "HMAC-SHA1"));
    all.push(("SignatureVersion", "1.0"));
    all.push(("SignatureNonce", req.nonce));
    all.push(("Timestamp", &ts));
    if let Some(token) = credentials.security_token() {
        all.push(("SecurityToken", token));
    }
    sort_params(&mut all);

    // Most keys and values are unreserved; the slack covers a few escapes, and the tail the
    // `&Signature=` (11) plus an encoded 28-char base64 signature (at most 36).
    let raw: usize = all.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut query = String::with_capacity(raw + raw / 8 + 64);
    let mut sts = String::with_capacity(raw + raw / 4 + 32);
    sts.push_str(req.method);
    sts.push_str("&%2F&");
    // One pass builds the canonical query and its encoded form (the string to sign) together.
    for (i, (k, v)) in all.iter().enumerate() {
        if i > 0 {
            query.push('&');
            sts.push_str("%26");
        }
        percent_encode_once_and_twice(&mut query, &mut sts, k);
        query.push('=');
        sts.push_str("%3D");
        percent_encode_once_and_twice(&mut query, &mut sts, v);
    }
    let canonical_len = query.len();

    let mut mac = credentials.v1_key().clone();
    mac.update(sts.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut b64 = [0u8; 28];
    let n = base64::engine::general_purpose::STANDARD
        .encode_slice(digest, &mut b64)
        .unwrap_or(0);
    let signature = String::from_utf8_lossy(&b64[..n]).into_owned();

    query.push_str("&Signature=");
    percent_encode_into(&mut query, &signature);
    SignedQuery {
        query,
        canonical_len,
        string_to_sign: sts,
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
    let mut url = String::with_capacity(base.len() + 2 + signed.query.len());
    url.push_str(base);
    url.push_str("/?");
    url.push_str(&signed.query);
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
    }
}
