//! `ecs_api::dynamic`: calls by action name with wire params, against a scripted local server and
//! the emulator. Built only with the `dynamic` feature.

mod common;

use common::{Reply, TestServer, ThingError};
use ecs_api::dynamic::{self, DynError, FailureKind, OPERATIONS};
use ecs_api::operation::{IdempotentInput, Operation};
use ecs_api::paginator::{PageStyle, Paginated};
use ecs_api::wire::RuleKind;
use ecs_api::{CallOptions, Client, Config, Credentials, FromParams, ToParams, Validate};
use serde_json::json;

fn client(endpoint: &str) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .endpoint(endpoint)
            .credentials(Credentials::new("testid", "testsecret"))
            .build()
            .unwrap(),
    )
}

fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn call(client: &Client, pairs: &[(&str, &str)]) -> Result<serde_json::Value, DynError> {
    let entry = dynamic::find(OPERATIONS, "CreateSnapshotGroup").unwrap();
    (entry.call)(client, params(pairs), CallOptions::default().no_retry()).await
}

#[tokio::test]
async fn call_sends_the_wire_params_and_returns_the_output_by_wire_name() {
    let server = TestServer::start(vec![Reply::ok("ssg-1")]).await;
    let c = client(&server.endpoint());
    let out = call(
        &c,
        &[
            ("InstanceId", "i-1"),
            ("ExcludeDiskId.1", "d-1"),
            ("ExcludeDiskId.2", "d-2"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "storage"),
            ("Name", "nightly"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        json!({"RequestId": "req-ok", "SnapshotGroupId": "ssg-1"})
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let p = |k| seen[0].param(k);
    assert_eq!(p("Action").as_deref(), Some("CreateSnapshotGroup"));
    assert_eq!(p("RegionId").as_deref(), Some("cn-hangzhou"));
    assert_eq!(p("ExcludeDiskId.2").as_deref(), Some("d-2"));
    assert_eq!(p("Tag.1.Value").as_deref(), Some("storage"));
    assert!(p("ClientToken").is_some());
    assert!(seen[0].verify_v2(&Credentials::new("testid", "testsecret")));
}

#[tokio::test]
async fn every_violation_is_reported_and_nothing_is_sent() {
    let server = TestServer::start(vec![Reply::ok("ssg-1")]).await;
    let c = client(&server.endpoint());

    // Params that parse: unknown and repeated keys plus every documented rule broken.
    let e = call(
        &c,
        &[
            ("InstanceId", "i-1"),
            ("Name", "_x"),
            ("Description", "http://no"),
            ("Colour", "blue"),
            ("Tag.1.Key", "a"),
            ("Tag.1.Key", "b"),
        ],
    )
    .await
    .unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let named = |e: &DynError| -> Vec<(String, RuleKind)> {
        e.violations()
            .iter()
            .map(|v| (v.param.clone(), v.rule))
            .collect()
    };
    let got = named(&e);
    for want in [
        ("Name", RuleKind::FirstChar),
        ("Description", RuleKind::NotPrefix),
        ("Colour", RuleKind::Unknown),
        ("Tag.1.Key", RuleKind::Malformed),
    ] {
        assert!(
            got.contains(&(want.0.to_owned(), want.1)),
            "{want:?} missing from {got:?}"
        );
    }
    let text = e.to_string();
    assert!(
        text.contains("Colour: not a parameter of this operation"),
        "{text}"
    );
    assert!(text.contains("[InvalidSnapshotName.Malformed]"), "{text}");

    // Params that do not parse: malformed and missing values, plus the unknown key.
    let e = call(&c, &[("InstantAccess", "yes"), ("Colour", "blue")])
        .await
        .unwrap_err();
    let got = named(&e);
    assert!(got.contains(&("InstantAccess".into(), RuleKind::Malformed)));
    assert!(got.contains(&("InstanceId".into(), RuleKind::Required)));
    assert!(got.contains(&("Colour".into(), RuleKind::Unknown)));

    // Valid params with one rule broken: reported by the client's own validation.
    let e = call(&c, &[("InstanceId", "i-1"), ("Name", "x")])
        .await
        .unwrap_err();
    assert_eq!(named(&e), vec![("Name".to_owned(), RuleKind::Length)]);
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn service_and_transport_errors_exit_1() {
    let server = TestServer::start(vec![Reply::error(
        403,
        "IncorrectInstanceStatus",
        "The current status of the resource does not support this operation.",
    )])
    .await;
    let c = client(&server.endpoint());
    let e = call(&c, &[("InstanceId", "i-1")]).await.unwrap_err();
    assert_eq!(e.exit_code(), 1);
    assert_eq!(e.code(), Some("IncorrectInstanceStatus"));
    assert_eq!(e.request_id(), Some("req-IncorrectInstanceStatus"));
    assert_eq!(e.service().map(|m| m.http_status), Some(403));
    let text = e.to_string();
    assert!(
        text.contains("Code:      IncorrectInstanceStatus"),
        "{text}"
    );
    assert!(
        text.contains("RequestId: req-IncorrectInstanceStatus"),
        "{text}"
    );

    // Nothing listens on the port of a dropped listener.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client(&format!("http://127.0.0.1:{port}"));
    let e = call(&c, &[("InstanceId", "i-1")]).await.unwrap_err();
    assert!(
        matches!(
            e,
            DynError::Failed {
                kind: FailureKind::Transport,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.exit_code(), 1);
    assert!(!e.to_string().contains("testid"), "{e}");
}

#[tokio::test]
async fn call_against_the_emulator() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let c = client(&emu.url());
    let out = call(
        &c,
        &[
            ("InstanceId", "i-emu-running"),
            ("ExcludeDiskId.1", "d-emu-data2"),
        ],
    )
    .await
    .unwrap();
    let id = out["SnapshotGroupId"].as_str().unwrap();
    assert!(id.starts_with("ssg-"), "{out}");
    assert!(out["RequestId"].is_string());
    assert_eq!(emu.snapshot_groups().len(), 1);

    let e = call(&c, &[("InstanceId", "i-emu-starting")])
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("IncorrectInstanceStatus"), "{e}");
    assert!(e.request_id().is_some());
}

// ---- hand-written paged operations ----

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
struct ListInput {
    #[ecs(wire = "RegionId", required)]
    region_id: Option<String>,
    /// JSON array text on the wire, as the aliyun CLI sends it.
    #[ecs(wire = "InstanceIds")]
    instance_ids: Option<serde_json::Value>,
    #[ecs(wire = "PageNumber", range(min = 1))]
    page_number: Option<i64>,
    #[ecs(wire = "PageSize", range(min = 1, max = 2))]
    page_size: Option<i64>,
    #[ecs(wire = "NextToken")]
    next_token: Option<String>,
}

impl IdempotentInput for ListInput {
    fn region_id(&self) -> Option<&str> {
        self.region_id.as_deref()
    }
    fn set_region_id(&mut self, region: String) {
        self.region_id = Some(region);
    }
}

#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
struct ListOutput {
    #[serde(rename = "RequestId")]
    request_id: Option<String>,
    #[serde(rename = "TotalCount", skip_serializing_if = "Option::is_none")]
    total_count: Option<i64>,
    #[serde(rename = "NextToken", skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    #[serde(rename = "Items")]
    items: Vec<String>,
}

struct ListThings;
impl Operation for ListThings {
    const READ_ONLY: bool = true;
    const ACTION: &'static str = "DescribeThings";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    type Input = ListInput;
    type Output = ListOutput;
    type Error = ThingError;
}
impl Paginated for ListThings {
    type Item = String;
    const STYLE: PageStyle = PageStyle::PageNumber;
    const MAX_PAGE_SIZE: Option<i64> = Some(2);
    fn page_size(input: &ListInput) -> Option<i64> {
        input.page_size
    }
    fn set_page_size(input: &mut ListInput, size: i64) {
        input.page_size = Some(size);
    }
    fn page_number(input: &ListInput) -> Option<i64> {
        input.page_number
    }
    fn set_page_number(input: &mut ListInput, n: i64) {
        input.page_number = Some(n);
    }
    fn total_count(output: &ListOutput) -> Option<i64> {
        output.total_count
    }
    fn take_items(output: &mut ListOutput) -> Vec<String> {
        std::mem::take(&mut output.items)
    }
    fn put_items(output: &mut ListOutput, items: Vec<String>) {
        output.items = items;
    }
}

struct ScanThings;
impl Operation for ScanThings {
    const READ_ONLY: bool = true;
    const ACTION: &'static str = "ListThings";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    type Input = ListInput;
    type Output = ListOutput;
    type Error = ThingError;
}
impl Paginated for ScanThings {
    type Item = String;
    const STYLE: PageStyle = PageStyle::NextToken;
    const MAX_PAGE_SIZE: Option<i64> = None;
    fn page_size(input: &ListInput) -> Option<i64> {
        input.page_size
    }
    fn set_page_size(input: &mut ListInput, size: i64) {
        input.page_size = Some(size);
    }
    fn set_next_token(input: &mut ListInput, token: String) {
        input.next_token = Some(token);
    }
    fn next_token(output: &ListOutput) -> Option<&str> {
        output.next_token.as_deref()
    }
    fn take_items(output: &mut ListOutput) -> Vec<String> {
        std::mem::take(&mut output.items)
    }
    fn put_items(output: &mut ListOutput, items: Vec<String>) {
        output.items = items;
    }
}

fn page(body: serde_json::Value) -> Reply {
    Reply::json(200, &body.to_string())
}

#[tokio::test]
async fn all_pages_by_page_number_gathers_items_into_the_last_page() {
    let server = TestServer::start(vec![
        page(json!({"RequestId": "r1", "TotalCount": 5, "Items": ["a", "b"]})),
        page(json!({"RequestId": "r2", "TotalCount": 5, "Items": ["c", "d"]})),
        page(json!({"RequestId": "r3", "TotalCount": 5, "Items": ["e"]})),
        page(json!({"RequestId": "r4", "TotalCount": 5, "Items": ["never asked"]})),
    ])
    .await;
    let c = client(&server.endpoint());
    let out = dynamic::all_pages::<ListThings>(
        &c,
        params(&[("InstanceIds", r#"["i-1","i-2"]"#)]),
        CallOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        json!({"RequestId": "r3", "TotalCount": 5, "Items": ["a", "b", "c", "d", "e"]})
    );
    let seen = server.seen();
    let pages: Vec<_> = seen.iter().map(|s| s.param("PageNumber")).collect();
    assert_eq!(
        pages,
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
    assert!(
        seen.iter()
            .all(|s| s.param("PageSize").as_deref() == Some("2"))
    );
    assert_eq!(
        seen[0].param("InstanceIds").as_deref(),
        Some(r#"["i-1","i-2"]"#)
    );

    // Invalid params stop before the first page.
    let e = dynamic::all_pages::<ListThings>(
        &c,
        params(&[("PageSize", "9"), ("Bogus", "1")]),
        CallOptions::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert_eq!(e.violations().len(), 2, "{e}");
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn all_pages_by_next_token_follows_the_tokens() {
    let server = TestServer::start(vec![
        page(json!({"RequestId": "r1", "NextToken": "t1", "Items": ["a"]})),
        page(json!({"RequestId": "r2", "NextToken": "t2", "Items": ["b", "c"]})),
        page(json!({"RequestId": "r3", "NextToken": "", "Items": []})),
    ])
    .await;
    let c = client(&server.endpoint());
    let out = dynamic::all_pages::<ScanThings>(&c, Vec::new(), CallOptions::default())
        .await
        .unwrap();
    assert_eq!(
        out,
        json!({"RequestId": "r3", "NextToken": "", "Items": ["a", "b", "c"]})
    );
    let tokens: Vec<_> = server.seen().iter().map(|s| s.param("NextToken")).collect();
    assert_eq!(tokens, [None, Some("t1".into()), Some("t2".into())]);

    // A service repeating its token would page forever: stopped with an error.
    let server = TestServer::start(vec![page(
        json!({"RequestId": "r", "NextToken": "same", "Items": ["x"]}),
    )])
    .await;
    let c = client(&server.endpoint());
    let e = dynamic::all_pages::<ScanThings>(&c, Vec::new(), CallOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            DynError::Failed {
                kind: FailureKind::Pagination,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(server.seen().len(), 2);
}

/// Wire params of a page's example request (`https://…/?Action=X\n&RegionId=…`), without the
/// action and the common params the page leaves as a placeholder.
fn example_pairs(text: &str) -> Option<Vec<(String, String)>> {
    let query = text.split_once('?')?.1;
    let mut pairs = Vec::new();
    for part in query.split(['&', '\n']).map(str::trim) {
        let Some((k, v)) = part.split_once('=') else {
            continue;
        };
        if k == "Action" || k.starts_with('<') {
            continue;
        }
        let v = percent_encoding::percent_decode_str(v).decode_utf8().ok()?;
        pairs.push((k.to_owned(), v.trim_matches(['\'', '"']).to_owned()));
    }
    Some(pairs)
}

/// Every operation's documented example request passes the generated validation in strict mode
/// (no documented rule is stricter than the page's own example). Reads the committed specs.
#[test]
fn every_example_request_validates_in_strict_mode() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/ecs");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let spec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let op = &spec["operation"];
        let Some(action) = op["name"].as_str() else {
            continue;
        };
        let Some(found) = dynamic::find(OPERATIONS, action) else {
            continue;
        };
        let requests = op["examples"]["requests"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for request in requests {
            let Some(pairs) = request["text"].as_str().and_then(example_pairs) else {
                continue;
            };
            checked += 1;
            if let Err(violations) = (found.check)(&pairs, ecs_api::wire::ValidationMode::Strict) {
                // The examples leave out common params (`RegionId`) and mask values (`****`);
                // their wire form is the parser's business, checked elsewhere.
                let broken: Vec<String> = violations
                    .iter()
                    .filter(|v| {
                        !matches!(
                            v.rule,
                            RuleKind::Unknown | RuleKind::Required | RuleKind::Malformed
                        ) && !v.actual.contains("****")
                    })
                    .map(|v| format!("{} {} {} {}", v.param, v.rule, v.limit, v.actual))
                    .collect();
                if !broken.is_empty() {
                    failures.push(format!("{action}: {}", broken.join("; ")));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} example requests found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The broken rules of `pairs` for `action` in strict mode, as `(param, rule)`.
fn broken(action: &str, pairs: &[(&str, &str)]) -> Vec<(String, RuleKind)> {
    let entry = dynamic::find(OPERATIONS, action).unwrap();
    match (entry.check)(&params(pairs), ecs_api::wire::ValidationMode::Strict) {
        Ok(()) => Vec::new(),
        Err(vs) => {
            // Unknown or malformed params stop before validation: the test would prove nothing.
            let early: Vec<&str> = vs
                .iter()
                .filter(|v| matches!(v.rule, RuleKind::Unknown | RuleKind::Malformed))
                .map(|v| v.param.as_str())
                .collect();
            assert!(early.is_empty(), "{action}: {early:?}");
            vs.into_iter().map(|v| (v.param, v.rule)).collect()
        }
    }
}

/// Each rule kind the prose readers add accepts the page's example value and refuses a value just
/// past each bound, through the generated validators of real operations.
#[test]
fn new_rule_kinds_accept_the_examples_and_refuse_just_past_the_bounds() {
    let broke = |action: &str, pairs: &[(&str, &str)], param: &str, rule: RuleKind| {
        broken(action, pairs).contains(&(param.to_owned(), rule))
    };
    // Range with an escape value: -1 (permanently), 1 to 65535.
    let policy = |days: &str| {
        let p = [
            ("regionId", "cn-hangzhou"),
            ("repeatWeekdays", "[\"1\"]"),
            ("timePoints", "[\"1\"]"),
            ("retentionDays", "30"),
            ("CopiedSnapshotsRetentionDays", days),
        ];
        broke(
            "CreateAutoSnapshotPolicy",
            &p,
            "CopiedSnapshotsRetentionDays",
            RuleKind::Range,
        )
    };
    assert!(!policy("30") && !policy("-1") && !policy("1") && !policy("65535"));
    assert!(policy("0") && policy("65536") && policy("-2"));
    // Base64 and its size in bytes.
    let command = |content: &str, rule| {
        let p = [
            ("RegionId", "cn-hangzhou"),
            ("Name", "demo"),
            ("Type", "RunShellScript"),
            ("CommandContent", content),
        ];
        broke("CreateCommand", &p, "CommandContent", rule)
    };
    assert!(!command("ZWNobyAxMjM=", RuleKind::Format));
    assert!(command("echo 123", RuleKind::Format));
    let at_limit = "A".repeat(16384);
    let past = "A".repeat(16388);
    assert!(!command(&at_limit, RuleKind::Bytes) && !command(&at_limit, RuleKind::Format));
    assert!(command(&past, RuleKind::Bytes));
    // UTC times at the page's precision.
    let host = |time: &str| {
        let p = [
            ("RegionId", "cn-hangzhou"),
            ("DedicatedHostType", "ddh.g5"),
            ("AutoReleaseTime", time),
        ];
        broke(
            "AllocateDedicatedHosts",
            &p,
            "AutoReleaseTime",
            RuleKind::Format,
        )
    };
    assert!(!host("2019-08-21T12:30:24Z"));
    assert!(host("2019-08-21T24:30:24Z") && host("2019-08-21T12:30Z") && host("2019-08-21"));
    let spec = |start: &str| {
        let p = [("InstanceId", "i-1"), ("StartTime", start)];
        broke(
            "ModifyInstanceNetworkSpec",
            &p,
            "StartTime",
            RuleKind::Format,
        )
    };
    assert!(
        !spec("2017-12-05T22:40Z") && spec("2017-12-05T22:60Z") && spec("2017-12-05T22:40:00Z")
    );
    // ASCII only.
    let token = |t: &str| {
        let p = [
            ("RegionId", "cn-hangzhou"),
            ("DedicatedHostType", "ddh.g5"),
            ("ClientToken", t),
        ];
        broke(
            "AllocateDedicatedHosts",
            &p,
            "ClientToken",
            RuleKind::Charset,
        )
    };
    assert!(!token("123e4567-e89b-12d3-a456-426655440000") && token("tökén"));
    // Lower bound from "greater than or equal to 2".
    let partitions = |n: &str| {
        let p = [
            ("RegionId", "cn-hangzhou"),
            ("InstanceType", "ecs.g6.large"),
            ("StorageSetPartitionNumber", n),
        ];
        broke(
            "CreateInstance",
            &p,
            "StorageSetPartitionNumber",
            RuleKind::Range,
        )
    };
    assert!(!partitions("2") && partitions("1"));
    // Items of a JSON array: up to 100 instance IDs.
    let ids = |n: usize| {
        let list: Vec<String> = (0..n).map(|i| format!("\"i-{i}\"")).collect();
        let value = format!("[{}]", list.join(","));
        let p = [("RegionId", "cn-hangzhou"), ("InstanceIds", value.as_str())];
        broke("DescribeInstances", &p, "InstanceIds", RuleKind::Count)
    };
    assert!(!ids(2) && !ids(100) && ids(101));
    // At least one of two params; one param needs another.
    let rule = |extra: &[(&str, &str)]| {
        let mut p = vec![("RegionId", "cn-hangzhou")];
        p.extend_from_slice(extra);
        broken("DeleteLaunchTemplate", &p)
            .iter()
            .any(|(_, r)| *r == RuleKind::AnyOf)
    };
    assert!(rule(&[]) && !rule(&[("LaunchTemplateId", "lt-1")]));
    assert!(!rule(&[("LaunchTemplateName", "web")]));
    // Removed by an override: an IPv6-only security group rule sets neither IPv4 source.
    let ipv6_only = [
        ("RegionId", "cn-hangzhou"),
        ("SecurityGroupId", "sg-1"),
        ("IpProtocol", "tcp"),
        ("PortRange", "22/22"),
        ("Ipv6SourceCidrIp", "2001:250:6000::/48"),
    ];
    assert!(broken("AuthorizeSecurityGroup", &ipv6_only).is_empty());
    let deploy = |extra: &[(&str, &str)]| {
        let mut p = vec![("RegionId", "cn-hangzhou"), ("InstanceId", "i-1")];
        p.extend_from_slice(extra);
        broke(
            "ModifyInstanceDeployment",
            &p,
            "InstanceType",
            RuleKind::Requires,
        )
    };
    assert!(deploy(&[("InstanceType", "ecs.g6.large")]));
    assert!(!deploy(&[
        ("InstanceType", "ecs.g6.large"),
        ("DedicatedHostId", "dh-1")
    ]));
    assert!(!deploy(&[]));
}
