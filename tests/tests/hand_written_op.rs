//! An operation with no doc yet, written by hand with the same derives the generator uses.

use ecs_api::operation::{ErrorMeta, IdempotentInput, Operation, ServiceError};
use ecs_api::wire::{FromParams, RuleKind, ToParams, Validate, ValidationMode};
use ecs_api::{FromParams, ToParams, Validate};

#[derive(Debug, Clone, PartialEq, Default, ToParams, FromParams, Validate)]
struct StartInstancesInput {
    #[ecs(wire = "RegionId", required)]
    region_id: Option<String>,
    #[ecs(
        wire = "InstanceId",
        required,
        count(min = 1, max = 100),
        length(max = 64)
    )]
    instance_ids: Vec<String>,
    #[ecs(wire = "BatchOptimization", one_of("SuccessFirst", "AllTogether"))]
    batch_optimization: Option<String>,
    #[ecs(wire = "DryRun")]
    dry_run: Option<bool>,
}

impl IdempotentInput for StartInstancesInput {
    fn region_id(&self) -> Option<&str> {
        self.region_id.as_deref()
    }
    fn set_region_id(&mut self, region: String) {
        self.region_id = Some(region);
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct StartInstancesOutput {
    #[serde(rename = "RequestId")]
    #[allow(dead_code)]
    request_id: String,
}

#[derive(Debug)]
struct StartInstancesError(ErrorMeta);

impl std::fmt::Display for StartInstancesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl std::error::Error for StartInstancesError {}
impl ServiceError for StartInstancesError {
    fn from_meta(meta: ErrorMeta) -> Self {
        StartInstancesError(meta)
    }
    fn meta(&self) -> &ErrorMeta {
        &self.0
    }
    fn is_retryable(&self) -> bool {
        ecs_api::error::CommonErrorCode::RETRYABLE_PREFIXES
            .iter()
            .any(|p| self.0.code.starts_with(p))
    }
}

struct StartInstances;

impl Operation for StartInstances {
    const ACTION: &'static str = "StartInstances";
    const VERSION: &'static str = "2014-05-26";
    const IDEMPOTENCY_TOKEN: Option<&'static str> = None;
    const READ_ONLY: bool = false;
    type Input = StartInstancesInput;
    type Output = StartInstancesOutput;
    type Error = StartInstancesError;
}

fn input() -> StartInstancesInput {
    StartInstancesInput {
        region_id: Some("cn-hangzhou".into()),
        instance_ids: vec!["i-1".into(), "i-2".into()],
        batch_optimization: Some("AllTogether".into()),
        dry_run: Some(true),
    }
}

#[test]
fn hand_written_input_flattens_and_parses_back() {
    let pairs: Vec<(String, String)> = input()
        .to_params()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("RegionId", "cn-hangzhou"),
            ("InstanceId.1", "i-1"),
            ("InstanceId.2", "i-2"),
            ("BatchOptimization", "AllTogether"),
            ("DryRun", "true"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    let back =
        StartInstancesInput::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .unwrap();
    assert_eq!(back, input());
    assert!(back.validate(ValidationMode::Strict).is_ok());
}

#[test]
fn hand_written_input_is_validated() {
    let mut bad = input();
    bad.instance_ids = (0..101).map(|i| format!("i-{i}")).collect();
    bad.batch_optimization = Some("Sometimes".into());
    bad.region_id = None;
    let report = bad.validate(ValidationMode::Strict);
    let rules: Vec<(String, RuleKind)> = report
        .errors
        .iter()
        .map(|v| (v.param.clone(), v.rule))
        .collect();
    assert_eq!(
        rules,
        [
            ("RegionId".to_owned(), RuleKind::Required),
            ("InstanceId".to_owned(), RuleKind::Count),
            ("BatchOptimization".to_owned(), RuleKind::Enum),
        ]
    );
    // Lenient mode keeps counts and required params, drops enumerations.
    let lenient = bad.validate(ValidationMode::Lenient);
    assert_eq!(lenient.errors.len(), 2);
    assert!(bad.validate(ValidationMode::Off).is_ok());
}

#[test]
fn hand_written_operation_plugs_into_the_client() {
    // Compiles only if the hand-written types satisfy what `Client::call` needs.
    fn _accepts(client: &ecs_api::Client) {
        let options = ecs_api::CallOptions::default();
        let _future = client.call::<StartInstances>(input(), &options);
    }
    assert_eq!(StartInstances::ACTION, "StartInstances");
}
