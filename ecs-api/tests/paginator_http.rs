//! Paginators through real HTTP on 127.0.0.1: the requests each page sends (page number or token,
//! page size) and the items that come back, for both paging styles.

mod common;

use std::sync::Arc;

use common::{RecordingSleep, Reply, TestServer};
use ecs_api::operation::{ErrorMeta, IdempotentInput, Operation, ServiceError};
use ecs_api::paginator::{PageStyle, Paginated};
use ecs_api::{CallOptions, Client, Config, Credentials, Paginator, SdkError};
use ecs_api::{FromParams, ToParams, Validate};
use futures_util::StreamExt as _;
use serde::Deserialize;

// ---- a hand-written paginated operation of each style, as the generator would emit them ----

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
struct DescribeWidgetsInput {
    #[ecs(wire = "RegionId", required)]
    region_id: Option<String>,
    #[ecs(wire = "PageNumber", range(min = 1))]
    page_number: Option<i32>,
    #[ecs(wire = "PageSize", range(min = 1, max = 50))]
    page_size: Option<i32>,
    #[ecs(wire = "NextToken")]
    next_token: Option<String>,
    #[ecs(wire = "MaxResults", range(min = 1, max = 100))]
    max_results: Option<i32>,
}

impl IdempotentInput for DescribeWidgetsInput {
    fn region_id(&self) -> Option<&str> {
        self.region_id.as_deref()
    }
    fn set_region_id(&mut self, region: String) {
        self.region_id = Some(region);
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Widget {
    #[serde(rename = "WidgetId")]
    id: String,
}

#[derive(Debug, Default, Deserialize)]
struct WidgetList {
    #[serde(rename = "Widget", default)]
    widget: Vec<Widget>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DescribeWidgetsOutput {
    #[serde(rename = "TotalCount")]
    total_count: Option<i64>,
    #[serde(rename = "NextToken")]
    next_token: Option<String>,
    #[serde(rename = "Widgets")]
    widgets: Option<WidgetList>,
}

#[derive(Debug)]
struct WidgetsError(ErrorMeta);

impl std::fmt::Display for WidgetsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for WidgetsError {}
impl ServiceError for WidgetsError {
    fn from_meta(meta: ErrorMeta) -> Self {
        WidgetsError(meta)
    }
    fn meta(&self) -> &ErrorMeta {
        &self.0
    }
    fn is_retryable(&self) -> bool {
        false
    }
}

fn take(output: &mut DescribeWidgetsOutput) -> Vec<Widget> {
    output
        .widgets
        .as_mut()
        .map(|w| std::mem::take(&mut w.widget))
        .unwrap_or_default()
}

fn put(output: &mut DescribeWidgetsOutput, items: Vec<Widget>) {
    output
        .widgets
        .get_or_insert_with(WidgetList::default)
        .widget = items;
}

/// PageNumber style, at most 50 per page.
struct DescribeWidgets;
impl Operation for DescribeWidgets {
    const READ_ONLY: bool = true;
    const ACTION: &'static str = "DescribeWidgets";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    type Input = DescribeWidgetsInput;
    type Output = DescribeWidgetsOutput;
    type Error = WidgetsError;
}
impl Paginated for DescribeWidgets {
    type Item = Widget;
    const STYLE: PageStyle = PageStyle::PageNumber;
    const MAX_PAGE_SIZE: Option<i64> = Some(50);
    fn page_size(input: &DescribeWidgetsInput) -> Option<i64> {
        input.page_size.map(i64::from)
    }
    fn set_page_size(input: &mut DescribeWidgetsInput, size: i64) {
        input.page_size = Some(i32::try_from(size).unwrap_or(i32::MAX));
    }
    fn page_number(input: &DescribeWidgetsInput) -> Option<i64> {
        input.page_number.map(i64::from)
    }
    fn set_page_number(input: &mut DescribeWidgetsInput, n: i64) {
        input.page_number = Some(i32::try_from(n).unwrap_or(i32::MAX));
    }
    fn total_count(output: &DescribeWidgetsOutput) -> Option<i64> {
        output.total_count
    }
    fn take_items(output: &mut DescribeWidgetsOutput) -> Vec<Widget> {
        take(output)
    }
    fn put_items(output: &mut DescribeWidgetsOutput, items: Vec<Widget>) {
        put(output, items)
    }
}

/// NextToken style, at most 100 per page.
struct ListWidgets;
impl Operation for ListWidgets {
    const READ_ONLY: bool = true;
    const ACTION: &'static str = "ListWidgets";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    type Input = DescribeWidgetsInput;
    type Output = DescribeWidgetsOutput;
    type Error = WidgetsError;
}
impl Paginated for ListWidgets {
    type Item = Widget;
    const STYLE: PageStyle = PageStyle::NextToken;
    const MAX_PAGE_SIZE: Option<i64> = Some(100);
    fn page_size(input: &DescribeWidgetsInput) -> Option<i64> {
        input.max_results.map(i64::from)
    }
    fn set_page_size(input: &mut DescribeWidgetsInput, size: i64) {
        input.max_results = Some(i32::try_from(size).unwrap_or(i32::MAX));
    }
    fn set_next_token(input: &mut DescribeWidgetsInput, token: String) {
        input.next_token = Some(token);
    }
    fn next_token(output: &DescribeWidgetsOutput) -> Option<&str> {
        output.next_token.as_deref()
    }
    fn total_count(output: &DescribeWidgetsOutput) -> Option<i64> {
        output.total_count
    }
    fn take_items(output: &mut DescribeWidgetsOutput) -> Vec<Widget> {
        take(output)
    }
    fn put_items(output: &mut DescribeWidgetsOutput, items: Vec<Widget>) {
        put(output, items)
    }
}

// ---- helpers ----

fn client_for(server: &TestServer) -> Client {
    Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(Credentials::new("testid", "testsecret"))
            .endpoint(server.endpoint())
            .sleep_impl(Arc::new(RecordingSleep::default()))
            .build()
            .unwrap(),
    )
}

/// A page of widgets `ids`, with `TotalCount` and `NextToken` when given.
fn page(ids: &[&str], total: Option<i64>, token: Option<&str>) -> Reply {
    let widgets: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"WidgetId":"{id}"}}"#))
        .collect();
    let mut body = format!(
        r#"{{"RequestId":"req","Widgets":{{"Widget":[{}]}}"#,
        widgets.join(",")
    );
    if let Some(t) = total {
        body.push_str(&format!(r#","TotalCount":{t}"#));
    }
    if let Some(t) = token {
        body.push_str(&format!(r#","NextToken":"{t}""#));
    }
    body.push('}');
    Reply::json(200, &body)
}

fn ids(items: &[Widget]) -> Vec<&str> {
    items.iter().map(|w| w.id.as_str()).collect()
}

/// `name` as each request carried it.
fn sent(server: &TestServer, name: &str) -> Vec<Option<String>> {
    server.seen().iter().map(|s| s.param(name)).collect()
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some((*v).to_owned())).collect()
}

fn input() -> DescribeWidgetsInput {
    DescribeWidgetsInput::default()
}

// ---- PageNumber ----

#[tokio::test]
async fn page_numbers_count_up_and_every_item_arrives_in_order() {
    let server = TestServer::start(vec![
        page(&["w-1", "w-2"], Some(5), None),
        page(&["w-3", "w-4"], Some(5), None),
        page(&["w-5"], Some(5), None),
    ])
    .await;
    let client = client_for(&server);
    let items = Paginator::<DescribeWidgets>::new(&client, input(), CallOptions::default())
        .page_size(2)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["w-1", "w-2", "w-3", "w-4", "w-5"]);
    assert_eq!(sent(&server, "PageNumber"), some(&["1", "2", "3"]));
    assert_eq!(sent(&server, "PageSize"), some(&["2", "2", "2"]));
    assert_eq!(sent(&server, "Action"), some(&["DescribeWidgets"; 3]));
    assert_eq!(sent(&server, "NextToken"), [None, None, None]);
    // Each page is a signed call like any other.
    let creds = Credentials::new("testid", "testsecret");
    assert!(server.seen().iter().all(|s| s.verify_v2(&creds)));
}

#[tokio::test]
async fn without_a_size_the_maximum_is_asked_and_a_larger_one_is_clamped() {
    let server = TestServer::start(vec![page(&["w-1"], Some(1), None)]).await;
    let client = client_for(&server);
    let pages: Vec<_> = Paginator::<DescribeWidgets>::new(&client, input(), CallOptions::default())
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 1);
    let mut asked = input();
    asked.page_size = Some(500);
    asked.page_number = Some(4);
    let items = Paginator::<DescribeWidgets>::new(&client, asked, CallOptions::default())
        .collect_items()
        .await
        .unwrap();
    assert_eq!(ids(&items), ["w-1"]);
    assert_eq!(sent(&server, "PageSize"), some(&["50", "50"]));
    // Paging starts where the input says.
    assert_eq!(sent(&server, "PageNumber"), some(&["1", "4"]));
}

#[tokio::test]
async fn an_error_ends_the_stream_after_it_is_yielded() {
    let server = TestServer::start(vec![
        page(&["w-1", "w-2"], Some(9), None),
        Reply::error(400, "InvalidParameter", "bad page"),
        page(&["never"], Some(9), None),
    ])
    .await;
    let client = client_for(&server);
    let got: Vec<_> = Paginator::<DescribeWidgets>::new(&client, input(), CallOptions::default())
        .page_size(2)
        .items()
        .collect()
        .await;
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].as_ref().unwrap().id, "w-1");
    assert_eq!(got[1].as_ref().unwrap().id, "w-2");
    assert_eq!(
        got[2].as_ref().unwrap_err().code(),
        Some("InvalidParameter")
    );
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_page_size_the_doc_forbids_is_a_validation_error_before_any_request() {
    let server = TestServer::start(vec![page(&["w-1"], Some(1), None)]).await;
    let client = client_for(&server);
    let err = Paginator::<DescribeWidgets>::new(&client, input(), CallOptions::default())
        .page_size(0)
        .collect_items()
        .await
        .unwrap_err();
    assert!(matches!(err, SdkError::Validation(_)), "{err:?}");
    assert!(server.seen().is_empty());
}

// ---- NextToken ----

#[tokio::test]
async fn next_tokens_are_sent_back_and_every_item_arrives_in_order() {
    let server = TestServer::start(vec![
        page(&["w-1", "w-2"], None, Some("t-1")),
        page(&[], None, Some("t-2")),
        page(&["w-3"], None, Some("")),
    ])
    .await;
    let client = client_for(&server);
    let mut items = Paginator::<ListWidgets>::new(&client, input(), CallOptions::default())
        .page_size(2)
        .items();
    let mut got = Vec::new();
    while let Some(item) = items.next().await {
        got.push(item.unwrap());
    }
    assert_eq!(ids(&got), ["w-1", "w-2", "w-3"]);
    assert_eq!(
        sent(&server, "NextToken"),
        [None, Some("t-1".into()), Some("t-2".into())]
    );
    assert_eq!(sent(&server, "MaxResults"), some(&["2", "2", "2"]));
    assert_eq!(sent(&server, "PageNumber"), [None, None, None]);
}

#[tokio::test]
async fn a_server_sending_back_the_same_token_is_not_followed_forever() {
    // The server answers `t-1` to every request (it repeats its last reply).
    let server = TestServer::start(vec![page(&["w-1"], None, Some("t-1"))]).await;
    let client = client_for(&server);
    let pages: Vec<_> = Paginator::<ListWidgets>::new(&client, input(), CallOptions::default())
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert_eq!(sent(&server, "NextToken"), [None, Some("t-1".to_owned())]);
    assert_eq!(sent(&server, "MaxResults"), some(&["100", "100"]));
}

#[test]
fn streams_can_be_sent_to_other_tasks() {
    fn assert_send<T: Send>(_: &T) {}
    let client = Client::new(
        Config::builder()
            .region("cn-hangzhou")
            .signature_version(ecs_api::SignatureVersion::V2)
            .credentials(Credentials::new("id", "secret"))
            .build()
            .unwrap(),
    );
    let p = || Paginator::<ListWidgets>::new(&client, input(), CallOptions::default());
    assert_send(&p().pages());
    assert_send(&p().items());
    assert_send(&p().collect_items());
    assert!(format!("{:?}", p().page_size(7)).contains("page_size: Some(7)"));
}
