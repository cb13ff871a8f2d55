//! Helpers shared by the emulator's end-to-end tests (real HTTP on 127.0.0.1).

#![allow(dead_code)]

use std::time::Duration;

use ecs_api::signer::{format_timestamp, percent_encode, v2};
use ecs_api::{Client, Config, Credentials, RetryConfig};
use ecs_emulator::RunningEmulator;

/// A client of `emu` as `testid`, region cn-hangzhou, quick retries.
pub fn client(emu: &RunningEmulator) -> Client {
    client_as(emu, Credentials::new("testid", "testsecret"))
}

pub fn client_as(emu: &RunningEmulator, creds: Credentials) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .endpoint(emu.url())
            .credentials(creds)
            .attempt_timeout(Duration::from_secs(5))
            .retry(
                RetryConfig::standard()
                    .max_attempts(2)
                    .initial_backoff(Duration::from_millis(5)),
            )
            .build()
            .unwrap(),
    )
}

static NONCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// An answer: status, headers, body.
pub struct Raw {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Raw {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
    pub fn code(&self) -> String {
        self.json()["Code"].as_str().unwrap_or_default().to_owned()
    }
    pub fn unmodelled(&self) -> bool {
        self.headers
            .get(ecs_emulator::UNMODELLED_HEADER)
            .is_some_and(|v| v == "true")
    }
}

/// The query of a request for `action` with `params` as `testid`, V2-signed by hand (POST), as
/// any SDK would send it.
pub fn signed_query(action: &str, params: &[(&str, &str)]) -> String {
    let n = NONCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut p: Vec<(String, String)> = vec![
        ("Action".into(), action.into()),
        ("Version".into(), "2014-05-26".into()),
        ("AccessKeyId".into(), "testid".into()),
        ("SignatureMethod".into(), "HMAC-SHA1".into()),
        ("SignatureVersion".into(), "1.0".into()),
        (
            "SignatureNonce".into(),
            format!("t-{}-{n}", std::process::id()),
        ),
        (
            "Timestamp".into(),
            format_timestamp(time::OffsetDateTime::now_utc()),
        ),
    ];
    p.extend(params.iter().map(|(k, v)| ((*k).into(), (*v).into())));
    let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sig = v2::sign_params(&Credentials::new("testid", "testsecret"), "POST", &refs).signature;
    p.push(("Signature".into(), sig));
    p.iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// POSTs `action` with `params` as `testid`, V2-signed by hand, as any SDK would send it.
pub async fn raw(url: &str, action: &str, params: &[(&str, &str)]) -> Raw {
    let query = signed_query(action, params);
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{url}/?{query}"))
        .send()
        .await
        .unwrap();
    Raw {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap(),
    }
}
