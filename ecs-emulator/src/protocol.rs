//! The RPC gateway: reading params from query and form body, common-param checks, V2 and V3
//! signature verification, replay and clock-skew protection, and rendering answers.

use std::collections::HashMap;
use std::time::Duration;

use ecs_api::Credentials;
use ecs_api::dynamic::{OPERATIONS, OperationEntry};
use ecs_api::signer::{v2, v3};
use time::OffsetDateTime;

use crate::errors::ApiError;
use crate::world::Account;

/// How far a request's timestamp may be from the server clock, and how long nonces are remembered.
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);
pub const API_VERSION: &str = "2014-05-26";

/// Which signature scheme a request uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Scheme {
    /// `Signature` param, HMAC-SHA1.
    V2,
    /// `Authorization: ACS3-HMAC-SHA256 ...`.
    V3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// A request as received, params decoded.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub scheme: Scheme,
    pub method: String,
    pub path: String,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// Form-body pairs, decoded, in order.
    pub form: Vec<(String, String)>,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body_sha256: String,
}

/// Params the gateway consumes; never business params.
const GATEWAY: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "SecurityToken",
    "Signature",
];

/// Internal params the live API accepts on every action: ignored where the page does not document
/// them (a server must not be stricter than the live API), checked like any param where it does.
pub(crate) const ACCEPTED: &[&str] = &[
    "OwnerId",
    "ResourceOwnerId",
    "OwnerAccount",
    "ResourceOwnerAccount",
    "ResourceGroupId",
];

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space). A malformed `%` escape is kept
/// literally, as lenient servers do; bytes that are not UTF-8 after decoding are refused.
pub fn decode_pairs(s: &str) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::new();
    for seg in s.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = seg.split_once('=').unwrap_or((seg, ""));
        out.push((decode(k)?, decode(v)?));
    }
    Ok(out)
}

fn decode(s: &str) -> Result<String, ApiError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| ApiError::invalid("A parameter is not valid UTF-8 once decoded."))
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl Parsed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last value of a param from query or body (later duplicates win, as in `ParamMap`).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.all_pairs()
            .filter(|(k, _)| *k == name)
            .last()
            .map(|(_, v)| v)
    }

    pub fn all_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query
            .iter()
            .chain(self.form.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The action: `Action` for V2, `x-acs-action` for V3 (falling back to a param).
    pub fn action(&self) -> Option<&str> {
        match self.scheme {
            Scheme::V2 => self.param("Action"),
            Scheme::V3 => self.header("x-acs-action").or_else(|| self.param("Action")),
        }
        .filter(|a| !a.is_empty())
    }

    fn version(&self) -> Option<&str> {
        match self.scheme {
            Scheme::V2 => self.param("Version"),
            Scheme::V3 => self
                .header("x-acs-version")
                .or_else(|| self.param("Version")),
        }
        .filter(|a| !a.is_empty())
    }

    /// `Format=XML` (any case) answers XML; otherwise JSON, also when a V3 caller asks by `Accept`.
    pub fn format(&self) -> Format {
        match self.param("Format") {
            Some(f) if f.eq_ignore_ascii_case("xml") => Format::Xml,
            Some(_) => Format::Json,
            None => match self.header("accept") {
                Some(a) if a.contains("xml") && !a.contains("json") => Format::Xml,
                _ => Format::Json,
            },
        }
    }

    /// Business params: everything but the gateway's common params.
    pub fn business_params(&self) -> Vec<(String, String)> {
        self.all_pairs()
            .filter(|(k, _)| !GATEWAY.contains(k))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }
}

/// Checks done before authentication: action and version. Every action of the generated
/// registry is known (matched exactly, as the service does).
pub fn check_action(p: &Parsed) -> Result<&'static OperationEntry, ApiError> {
    let Some(action) = p.action() else {
        return Err(ApiError::missing("Action"));
    };
    let Some(known) = OPERATIONS.iter().find(|e| e.action == action) else {
        return Err(ApiError::with_message(
            "InvalidAction.NotFound",
            format!(
                "Specified api is not found, please check your url and method. Action: {action}"
            ),
        ));
    };
    match p.version() {
        None => Err(ApiError::missing("Version")),
        Some(API_VERSION) => Ok(known),
        Some(_) => Err(ApiError::with_message(
            "InvalidParameter",
            "The specified parameter `Action or Version` is not valid.",
        )),
    }
}

/// Nonces seen in the last [`MAX_SKEW`], per access key.
#[derive(Debug, Default)]
pub struct NonceCache {
    seen: HashMap<(String, String), OffsetDateTime>,
    last_purge: Option<OffsetDateTime>,
}

impl NonceCache {
    /// Records the nonce; false when it was already used within the window.
    fn check_and_insert(&mut self, key_id: &str, nonce: &str, now: OffsetDateTime) -> bool {
        // Purge at most once a minute so the map stays bounded without a scan per request.
        if self
            .last_purge
            .is_none_or(|t| now - t > time::Duration::minutes(1))
        {
            self.seen.retain(|_, t| now - *t < MAX_SKEW);
            self.last_purge = Some(now);
        }
        let key = (key_id.to_owned(), nonce.to_owned());
        match self.seen.get(&key) {
            Some(t) if now - *t < MAX_SKEW => false,
            _ => {
                self.seen.insert(key, now);
                true
            }
        }
    }
}

/// Parses `YYYY-MM-DDThh:mm:ssZ` exactly.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::PrimitiveDateTime::parse(s, fmt)
        .ok()
        .map(|t| t.assume_utc())
}

/// A request whose signature, time and token checked out: only its nonce is left to consume
/// ([`Verified::consume_nonce`]), under the nonce cache's own lock.
#[derive(Debug)]
pub struct Verified {
    pub caller: String,
    nonce: String,
}

impl Verified {
    /// Records the nonce; `SignatureNonceUsed` when the key used it within [`MAX_SKEW`].
    pub fn consume_nonce(
        self,
        nonces: &mut NonceCache,
        now: OffsetDateTime,
    ) -> Result<String, ApiError> {
        if nonces.check_and_insert(&self.caller, &self.nonce, now) {
            Ok(self.caller)
        } else {
            Err(ApiError::of("SignatureNonceUsed"))
        }
    }
}

/// Checks everything of the request's authentication but its nonce: pure, so it runs outside
/// every lock. `account` looks a key id up in the world.
pub fn verify(
    p: &Parsed,
    account: impl FnOnce(&str) -> Option<Account>,
    now: OffsetDateTime,
) -> Result<Verified, ApiError> {
    match p.scheme {
        Scheme::V2 => verify_v2(p, account, now),
        Scheme::V3 => verify_v3(p, account, now),
    }
}

fn required<'a>(p: &'a Parsed, name: &str, shown: &str) -> Result<&'a str, ApiError> {
    p.param(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing(shown))
}

fn verify_v2(
    p: &Parsed,
    account: impl FnOnce(&str) -> Option<Account>,
    now: OffsetDateTime,
) -> Result<Verified, ApiError> {
    let key_id = required(p, "AccessKeyId", "AccessKeyId")?;
    let signature = required(p, "Signature", "Signature")?;
    // The service's own message spells it `TimeStamp`.
    let timestamp = required(p, "Timestamp", "TimeStamp")?;
    let nonce = required(p, "SignatureNonce", "SignatureNonce")?;
    if let Some(m) = p.param("SignatureMethod")
        && m != "HMAC-SHA1"
    {
        return Err(ApiError::with_message(
            "UnsupportedSignatureMethod",
            format!("Specified signature method {m} is not supported."),
        ));
    }
    if let Some(v) = p.param("SignatureVersion")
        && v != "1.0"
    {
        // The service's misspelling, kept verbatim.
        return Err(ApiError::of("InvalidParamater"));
    }
    check_time(timestamp, now)?;
    let account = find_account(account, key_id)?;

    let pairs: Vec<(&str, &str)> = p.all_pairs().filter(|(k, _)| *k != "Signature").collect();
    let creds = Credentials::new(&account.access_key_id, &account.access_key_secret);
    let expected = v2::sign_params(&creds, &p.method, &pairs);
    if !constant_time_eq(expected.signature.as_bytes(), signature.as_bytes()) {
        return Err(ApiError::with_message(
            "SignatureDoesNotMatch",
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{}",
                expected.string_to_sign
            ),
        ));
    }
    check_token(&account, p.param("SecurityToken"), now)?;
    Ok(Verified {
        caller: account.access_key_id,
        nonce: nonce.to_owned(),
    })
}

/// `Credential=…,SignedHeaders=…,Signature=…` after the algorithm name.
struct V3Auth<'a> {
    credential: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

fn parse_v3_authorization(value: &str) -> Option<V3Auth<'_>> {
    let rest = value.strip_prefix(v3::ALGORITHM)?.trim_start();
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => {}
        }
    }
    Some(V3Auth {
        credential: credential.filter(|c| !c.is_empty())?,
        signed_headers: signed_headers.filter(|c| !c.is_empty())?,
        signature: signature.filter(|c| !c.is_empty())?,
    })
}

fn verify_v3(
    p: &Parsed,
    account: impl FnOnce(&str) -> Option<Account>,
    now: OffsetDateTime,
) -> Result<Verified, ApiError> {
    let auth = p
        .header("authorization")
        .and_then(parse_v3_authorization)
        .ok_or_else(|| {
            ApiError::with_message(
                "IncompleteSignature",
                "The Authorization header must be `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.",
            )
        })?;
    let date = p
        .header("x-acs-date")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing("TimeStamp"))?;
    let nonce = p
        .header("x-acs-signature-nonce")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing("SignatureNonce"))?;
    check_time(date, now)?;
    let account = find_account(account, auth.credential)?;

    // Every x-acs-* header and host must be signed, or they could be changed in flight.
    let signed: Vec<&str> = auth.signed_headers.split(';').collect();
    for (name, _) in &p.headers {
        if (name == "host" || name.starts_with("x-acs-")) && !signed.contains(&name.as_str()) {
            return Err(ApiError::with_message(
                "IncompleteSignature",
                format!("The header `{name}` must be in SignedHeaders."),
            ));
        }
    }
    let hashed_payload = p.header("x-acs-content-sha256").unwrap_or(&p.body_sha256);
    if !hashed_payload.eq_ignore_ascii_case(&p.body_sha256) {
        return Err(ApiError::with_message(
            "SignatureDoesNotMatch",
            "x-acs-content-sha256 does not match the SHA-256 of the body.",
        ));
    }
    let headers: Vec<(&str, String)> = signed
        .iter()
        .map(|name| {
            let values: Vec<&str> = p
                .headers
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.trim())
                .collect();
            (*name, values.join(","))
        })
        .collect();
    let header_refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let query: Vec<(&str, &str)> = p
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let creds = Credentials::new(&account.access_key_id, &account.access_key_secret);
    let expected = v3::sign(
        &creds,
        &v3::Request {
            method: &p.method,
            path: &p.path,
            query: &query,
            headers: &header_refs,
            hashed_payload,
        },
    );
    if !constant_time_eq(
        expected.signature.as_bytes(),
        auth.signature.to_ascii_lowercase().as_bytes(),
    ) {
        return Err(ApiError::with_message(
            "SignatureDoesNotMatch",
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{}",
                expected.string_to_sign
            ),
        ));
    }
    check_token(&account, p.header("x-acs-security-token"), now)?;
    Ok(Verified {
        caller: account.access_key_id,
        nonce: nonce.to_owned(),
    })
}

fn check_time(timestamp: &str, now: OffsetDateTime) -> Result<(), ApiError> {
    let t = parse_timestamp(timestamp).ok_or_else(|| {
        ApiError::with_message(
            "InvalidTimeStamp.Format",
            format!("Specified time stamp or date value is not well formatted: {timestamp:?}, expected YYYY-MM-DDThh:mm:ssZ."),
        )
    })?;
    let skew = (now - t).abs();
    if skew > MAX_SKEW {
        return Err(ApiError::with_message(
            "InvalidTimeStamp.Expired",
            format!(
                "Specified time stamp or date value is expired. Request time {timestamp}, server time {}.",
                ecs_api::signer::format_timestamp(now)
            ),
        ));
    }
    Ok(())
}

fn find_account(
    account: impl FnOnce(&str) -> Option<Account>,
    key_id: &str,
) -> Result<Account, ApiError> {
    let account = account(key_id).ok_or_else(|| ApiError::of("InvalidAccessKeyId.NotFound"))?;
    if account.disabled {
        return Err(ApiError::of("InvalidAccessKeyId.Inactive"));
    }
    Ok(account)
}

/// A key with tokens requires one of them; a key without tokens refuses one.
fn check_token(account: &Account, sent: Option<&str>, now: OffsetDateTime) -> Result<(), ApiError> {
    match sent.filter(|t| !t.is_empty()) {
        None if account.security_tokens.is_empty() => Ok(()),
        None => Err(ApiError::with_message(
            "InvalidSecurityToken.Malformed",
            "This AccessKeyId is an STS key: a SecurityToken is required.",
        )),
        Some(token) => {
            let Some(known) = account.security_tokens.iter().find(|t| t.token == token) else {
                return Err(ApiError::of("InvalidSecurityToken.Malformed"));
            };
            let expired = known.expires_at.as_deref().is_some_and(|e| {
                time::OffsetDateTime::parse(e, &time::format_description::well_known::Rfc3339)
                    .map_or(true, |t| t <= now)
            });
            if expired {
                Err(ApiError::of("InvalidSecurityToken.Expired"))
            } else {
                Ok(())
            }
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Escapes text for an XML element.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a flat response object (`fields` in order) as JSON or as `<root>…</root>` XML.
pub fn render(format: Format, root: &str, fields: &[(&str, &str)]) -> (String, &'static str) {
    match format {
        Format::Json => {
            let mut map = serde_json::Map::new();
            for (k, v) in fields {
                map.insert((*k).to_owned(), serde_json::Value::String((*v).to_owned()));
            }
            (
                serde_json::Value::Object(map).to_string(),
                "application/json;charset=utf-8",
            )
        }
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            out.push_str(&format!("<{root}>"));
            for (k, v) in fields {
                out.push_str(&format!("<{k}>{}</{k}>", xml_escape(v)));
            }
            out.push_str(&format!("</{root}>"));
            (out, "text/xml;charset=utf-8")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent() {
        let pairs = decode_pairs("a=x+y&b=x%20y&c=%E5%BF%AB&d&e=%zz&f=%4").unwrap();
        assert_eq!(pairs[0].1, "x y");
        assert_eq!(pairs[1].1, "x y");
        assert_eq!(pairs[2].1, "快");
        assert_eq!(pairs[3], ("d".into(), "".into()));
        assert_eq!(pairs[4].1, "%zz");
        assert_eq!(pairs[5].1, "%4");
        assert!(decode_pairs("a=%FF").is_err());
    }

    #[test]
    fn timestamps() {
        assert!(parse_timestamp("2016-02-23T12:46:24Z").is_some());
        assert!(parse_timestamp("2016-02-23T12:46:24.123Z").is_none());
        assert!(parse_timestamp("2016-02-23 12:46:24").is_none());
        assert!(parse_timestamp("").is_none());
    }
}
