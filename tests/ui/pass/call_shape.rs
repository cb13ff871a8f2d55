//! Locks the public call shape of CreateSnapshotGroup: if a rename breaks user code, this fails.
use ecs_api::error::CommonErrorCode;
use ecs_api::operation::create_snapshot_group::{
    CreateSnapshotGroupError, CreateSnapshotGroupErrorKind as Kind,
};
use ecs_api::types::Tag;
use ecs_api::{CallOptions, Client, SdkError};

#[allow(dead_code)]
async fn call(client: &Client) -> Result<String, SdkError<CreateSnapshotGroupError>> {
    let out = client
        .create_snapshot_group("i-bp1example")
        .exclude_disk_id("d-bp1example")
        .set_exclude_disk_ids(["d-1", "d-2"])
        .tag(Tag::new().key("team").value("storage"))
        .name("nightly")
        .description("nightly backup")
        .instant_access(true)
        .instant_access_retention_days(3)
        .client_token("token-1")
        .region_id("cn-hangzhou")
        .call_options(CallOptions::default())
        .send()
        .await?;
    let _: Option<String> = out.request_id;
    Ok(out.snapshot_group_id.unwrap_or_default())
}

#[allow(dead_code)]
fn classify(err: &SdkError<CreateSnapshotGroupError>) -> &'static str {
    match err {
        SdkError::Service(e) if e.kind() == Kind::IncorrectInstanceStatus => "wait",
        SdkError::Service(e) if e.kind() == Kind::Common(CommonErrorCode::Throttling) => "slow down",
        SdkError::Service(e) if e.is_retryable() => "retry",
        SdkError::Service(e) => {
            let _ = (e.code(), e.message(), e.request_id(), e.http_status());
            "final"
        }
        _ => "other",
    }
}

fn main() {}
