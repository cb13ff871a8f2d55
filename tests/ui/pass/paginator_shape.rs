//! Locks the paginator's public shape as generated code and a CLI use it: a hand-written paginated
//! operation, a request builder ending in `into_paginator()`, and the three ways to consume it.
use ecs_api::operation::{ErrorMeta, IdempotentInput, Operation, ServiceError};
use ecs_api::paginator::{PageStyle, Paginated};
use ecs_api::{CallOptions, Client, FromParams, Paginator, SdkError, ToParams, Validate};
use futures_util::StreamExt as _;

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
pub struct DescribeThingsInput {
    #[ecs(wire = "RegionId", required)]
    pub region_id: Option<String>,
    #[ecs(wire = "ThingIds", json, count(max = 100), length(max = 64))]
    pub thing_ids: Vec<String>,
    #[ecs(wire = "PageNumber", range(min = 1))]
    pub page_number: Option<i32>,
    #[ecs(wire = "PageSize", range(min = 1, max = 100))]
    pub page_size: Option<i32>,
}

impl IdempotentInput for DescribeThingsInput {
    fn region_id(&self) -> Option<&str> {
        self.region_id.as_deref()
    }
    fn set_region_id(&mut self, region: String) {
        self.region_id = Some(region);
    }
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct DescribeThingsOutput {
    #[serde(rename = "TotalCount")]
    pub total_count: Option<i64>,
    #[serde(rename = "Things", default)]
    pub things: Vec<String>,
}

#[derive(Debug)]
pub struct DescribeThingsError(ErrorMeta);
impl std::fmt::Display for DescribeThingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for DescribeThingsError {}
impl ServiceError for DescribeThingsError {
    fn from_meta(meta: ErrorMeta) -> Self {
        DescribeThingsError(meta)
    }
    fn meta(&self) -> &ErrorMeta {
        &self.0
    }
    fn is_retryable(&self) -> bool {
        false
    }
}

pub struct DescribeThings;
impl Operation for DescribeThings {
    const READ_ONLY: bool = true;
    const ACTION: &'static str = "DescribeThings";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    type Input = DescribeThingsInput;
    type Output = DescribeThingsOutput;
    type Error = DescribeThingsError;
}

impl Paginated for DescribeThings {
    type Item = String;
    const STYLE: PageStyle = PageStyle::PageNumber;
    const MAX_PAGE_SIZE: Option<i64> = Some(100);
    fn page_size(input: &DescribeThingsInput) -> Option<i64> {
        input.page_size.map(i64::from)
    }
    fn set_page_size(input: &mut DescribeThingsInput, size: i64) {
        input.page_size = i32::try_from(size).ok();
    }
    fn page_number(input: &DescribeThingsInput) -> Option<i64> {
        input.page_number.map(i64::from)
    }
    fn set_page_number(input: &mut DescribeThingsInput, n: i64) {
        input.page_number = i32::try_from(n).ok();
    }
    fn total_count(output: &DescribeThingsOutput) -> Option<i64> {
        output.total_count
    }
    fn take_items(output: &mut DescribeThingsOutput) -> Vec<String> {
        std::mem::take(&mut output.things)
    }
    fn put_items(output: &mut DescribeThingsOutput, items: Vec<String>) {
        output.things = items;
    }
}

/// What the generator emits for the builder.
pub struct DescribeThingsRequest<'c> {
    client: &'c Client,
    input: DescribeThingsInput,
    options: CallOptions,
}

impl<'c> DescribeThingsRequest<'c> {
    pub fn into_paginator(self) -> Paginator<'c, DescribeThings> {
        Paginator::new(self.client, self.input, self.options)
    }
}

fn request(client: &Client) -> DescribeThingsRequest<'_> {
    DescribeThingsRequest {
        client,
        input: DescribeThingsInput::default(),
        options: CallOptions::default(),
    }
}

#[allow(dead_code)]
async fn consume(client: &Client) -> Result<usize, SdkError<DescribeThingsError>> {
    let all: Vec<String> = request(client).into_paginator().page_size(50).collect_items().await?;
    let mut pages = request(client).into_paginator().pages();
    while let Some(page) = pages.next().await {
        let out: DescribeThingsOutput = page?;
        let _ = out.total_count;
    }
    let mut items = request(client).into_paginator().items();
    while let Some(item) = items.next().await {
        let _: String = item?;
    }
    Ok(all.len())
}

#[allow(dead_code)]
fn spawnable(client: &'static Client) {
    // A CLI runs paging on another task: the streams and futures must be `Send`.
    fn send<T: Send>(_: T) {}
    send(request(client).into_paginator().pages());
    send(request(client).into_paginator().items());
    send(request(client).into_paginator().collect_items());
    send(consume(client));
}

fn main() {}
