//! What the client infers from every page, checked over real HTTP on 127.0.0.1 with generated
//! operations: one ClientToken across retries, no retry of a non-idempotent call that may have
//! reached the service, read-only calls retried, paginators walking every page, JSON-array params,
//! and secrets kept out of Debug and validation messages.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{RecordingSleep, Reply, TestServer};
use ecs_api::{Client, Config, Credentials, SdkError};
use futures_util::TryStreamExt as _;

fn client(server: &TestServer) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(Credentials::new("testid", "testsecret"))
            .endpoint(server.endpoint())
            .sleep_impl(Arc::new(RecordingSleep::default()))
            .attempt_timeout(Duration::from_millis(300))
            .build()
            .unwrap(),
    )
}

fn instances_page(ids: &[&str], total: usize) -> Reply {
    let items: Vec<String> = ids
        .iter()
        .map(|i| format!(r#"{{"InstanceId":"{i}"}}"#))
        .collect();
    Reply::json(
        200,
        &format!(
            r#"{{"RequestId":"r","TotalCount":{total},"Instances":{{"Instance":[{}]}}}}"#,
            items.join(",")
        ),
    )
}

#[tokio::test]
async fn a_retried_run_instances_carries_one_client_token() {
    let server = TestServer::start(vec![
        Reply::hang(),
        Reply::error(500, "InternalError", "try later"),
        Reply::json(
            200,
            r#"{"RequestId":"r","InstanceIdSets":{"InstanceIdSet":["i-1"]}}"#,
        ),
    ])
    .await;
    client(&server)
        .run_instances()
        .image_id("m-1")
        .instance_type("ecs.g6.large")
        .send()
        .await
        .expect("third attempt succeeds");
    let tokens: Vec<Option<String>> = server
        .seen()
        .iter()
        .map(|s| s.param("ClientToken"))
        .collect();
    assert_eq!(tokens.len(), 3, "{tokens:?}");
    assert!(tokens[0].as_deref().is_some_and(|t| !t.is_empty()));
    assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
}

#[tokio::test]
async fn a_delete_that_timed_out_or_failed_server_side_is_not_retried() {
    for first in [Reply::hang(), Reply::error(500, "InternalError", "boom")] {
        let server = TestServer::start(vec![first, Reply::json(200, r#"{"RequestId":"r"}"#)]).await;
        let err = client(&server)
            .delete_instance("i-1")
            .send()
            .await
            .expect_err("no second attempt");
        assert!(
            matches!(err, SdkError::Timeout { .. } | SdkError::Service(_)),
            "{err}"
        );
        assert_eq!(server.seen().len(), 1, "DeleteInstance was sent again");
    }
}

#[tokio::test]
async fn a_delete_that_was_throttled_is_retried() {
    let server = TestServer::start(vec![
        Reply::error(400, "Throttling", "slow down"),
        Reply::json(200, r#"{"RequestId":"r"}"#),
    ])
    .await;
    client(&server)
        .delete_instance("i-1")
        .send()
        .await
        .expect("the throttled attempt never took effect");
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_read_only_call_is_retried_after_a_timeout() {
    let server = TestServer::start(vec![Reply::hang(), instances_page(&["i-1"], 1)]).await;
    let out = client(&server)
        .describe_instances()
        .send()
        .await
        .expect("retried");
    assert_eq!(out.instances.len(), 1);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn the_paginator_walks_every_page_at_the_documented_maximum() {
    let server = TestServer::start(vec![
        instances_page(&["i-1", "i-2"], 5),
        instances_page(&["i-3", "i-4"], 5),
        instances_page(&["i-5"], 5),
    ])
    .await;
    let items: Vec<_> = client(&server)
        .describe_instances()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = items.into_iter().filter_map(|i| i.instance_id).collect();
    assert_eq!(ids, ["i-1", "i-2", "i-3", "i-4", "i-5"]);
    let seen = server.seen();
    let pages: Vec<Option<String>> = seen.iter().map(|s| s.param("PageNumber")).collect();
    assert_eq!(
        pages,
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
    // The page asks for at most 100 per page (the documented maximum).
    assert!(
        seen.iter()
            .all(|s| s.param("PageSize").as_deref() == Some("100"))
    );
}

#[tokio::test]
async fn json_array_params_are_lists_sent_as_one_json_value() {
    let server = TestServer::start(vec![instances_page(&[], 0)]).await;
    client(&server)
        .describe_instances()
        .set_instance_ids(["i-1", "i-2"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.seen()[0].param("InstanceIds").as_deref(),
        Some(r#"["i-1","i-2"]"#)
    );
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_validation_messages() {
    let server = TestServer::start(vec![Reply::json(200, r#"{"RequestId":"r"}"#)]).await;
    let client = client(&server);
    let request = client
        .run_instances()
        .image_id("m-1")
        .password("S3cret-pw!");
    let shown = format!("{:?}", request.input());
    assert!(
        shown.contains("m-1") && !shown.contains("S3cret"),
        "{shown}"
    );
    let err = client
        .run_instances()
        .password("Sh0rt")
        .send()
        .await
        .expect_err("8 to 30 characters");
    let text = format!("{err} {err:?}");
    assert!(text.contains("Password"), "{text}");
    assert!(!text.contains("Sh0rt"), "{text}");
    assert!(server.seen().is_empty(), "nothing is sent");
}
