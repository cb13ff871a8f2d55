//! Dispatch by action: every operation of the generated registry is answered. A modelled action
//! runs against the state; any other one is validated with its generated code and answered with
//! its page's example response (or refused, with strict actions).

use std::sync::Mutex;

use ecs_api::dynamic::OperationEntry;
use ecs_api::operation::Operation;
use ecs_api::operation::create_snapshot_group::{CreateSnapshotGroup, CreateSnapshotGroupOutput};
use ecs_api::operation::describe_disks::DescribeDisks;
use ecs_api::operation::describe_instances::DescribeInstances;
use ecs_api::operation::describe_snapshot_groups::DescribeSnapshotGroups;
use ecs_api::wire::{FromParams, RuleKind, Validate, ValidationMode};
use serde_json::{Map, Value};

use crate::answer::spec;
use crate::describe;
use crate::errors::{self, ApiError, Docs};
use crate::protocol::ACCEPTED;
use crate::server::lock;
use crate::state::{self, Outcome, State};

/// What a handler needs besides the state and the params.
pub(crate) struct Ctx<'a> {
    pub mode: ValidationMode,
    pub strict_actions: bool,
    pub request_id: &'a str,
}

/// A success: the body (before rendering) and what happened.
pub(crate) struct Success {
    pub body: Value,
    pub outcome: Outcome,
}

/// Runs one modelled action for the authenticated caller. It parses and validates its params and
/// renders its answer outside the state lock, taking the lock only to read or change the state.
type Handler = fn(&Mutex<State>, &str, &[(String, String)], &Ctx) -> Result<Success, ApiError>;

const HANDLERS: &[(&str, Handler)] = &[
    (CreateSnapshotGroup::ACTION, create_snapshot_group),
    (DescribeDisks::ACTION, describe::describe_disks),
    (DescribeInstances::ACTION, describe::describe_instances),
    (
        DescribeSnapshotGroups::ACTION,
        describe::describe_snapshot_groups,
    ),
];

/// The actions with a behavioural model; every other documented action is answered from its
/// page's example response.
pub const MODELLED_ACTIONS: &[&str] = &[
    CreateSnapshotGroup::ACTION,
    DescribeDisks::ACTION,
    DescribeInstances::ACTION,
    DescribeSnapshotGroups::ACTION,
];

pub(crate) fn is_modelled(action: &str) -> bool {
    MODELLED_ACTIONS.contains(&action)
}

/// Answers `entry`'s action for `caller`: params first (the generated parser and validators),
/// then the model, or the page's example.
pub(crate) fn dispatch(
    entry: &'static OperationEntry,
    state: &Mutex<State>,
    caller: &str,
    params: Vec<(String, String)>,
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let params = without_undocumented_accepted(entry, params);
    if let Some((_, handler)) = HANDLERS.iter().find(|(a, _)| *a == entry.action) {
        return handler(state, caller, &params, ctx);
    }
    (entry.check)(&params, ctx.mode)
        .map_err(|v| errors::violation_error(errors::common_docs, v))?;
    if ctx.strict_actions {
        return Err(ApiError::with_message(
            "InvalidAction.NotFound",
            format!(
                "{} is documented but ecs-emulator does not model it, and strict actions are on; it would be answered from its page's example otherwise.",
                entry.action
            ),
        ));
    }
    Ok(Success {
        body: example_body(entry, ctx.request_id),
        outcome: Outcome::Answered,
    })
}

/// The page's example of a success with a fresh `RequestId`; only the `RequestId` when the page
/// has no example the emulator can read.
pub(crate) fn example_body(entry: &OperationEntry, request_id: &str) -> Value {
    let mut body = entry
        .example_response
        .and_then(example_object)
        .unwrap_or_default();
    body.insert("RequestId".into(), Value::String(request_id.to_owned()));
    Value::Object(body)
}

/// The page's example success response of `action` as the emulator answers it (`RequestId`
/// aside), or `None` when the action is unknown or its page has no example it can read.
pub fn example_response(action: &str) -> Option<Value> {
    let entry = ecs_api::dynamic::OPERATIONS
        .iter()
        .find(|e| e.action == action)?;
    entry
        .example_response
        .and_then(example_object)
        .map(Value::Object)
}

/// An example as an object: the JSON itself, else the JSON after the HTTP status and header lines
/// some pages show, else bare fields some pages show without their braces.
fn example_object(text: &str) -> Option<Map<String, Value>> {
    let parse = |t: &str| serde_json::from_str::<Map<String, Value>>(t).ok();
    parse(text)
        .or_else(|| text.find('{').and_then(|i| parse(&text[i..])))
        .or_else(|| parse(&format!("{{{text}}}")))
}

/// Drops the always-accepted internal params ([`ACCEPTED`]) the page does not document; a page
/// that documents one gets it checked like any other param.
fn without_undocumented_accepted(
    entry: &OperationEntry,
    mut params: Vec<(String, String)>,
) -> Vec<(String, String)> {
    if !params.iter().any(|(k, _)| ACCEPTED.contains(&k.as_str())) {
        return params;
    }
    let Err(violations) = (entry.check)(&params, ValidationMode::Off) else {
        return params;
    };
    let unknown: Vec<String> = violations
        .into_iter()
        .filter(|v| v.rule == RuleKind::Unknown && ACCEPTED.contains(&v.param.as_str()))
        .map(|v| v.param)
        .collect();
    params.retain(|(k, _)| !unknown.contains(k));
    params
}

/// Parses and validates a modelled action's input with its generated code.
pub(crate) fn input<I: FromParams + Validate>(
    params: &[(String, String)],
    mode: ValidationMode,
    docs: Docs,
) -> Result<I, ApiError> {
    let input = I::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|v| errors::violation_error(docs, v))?;
    let report = input.validate(mode);
    if report.errors.is_empty() {
        Ok(input)
    } else {
        Err(errors::violation_error(docs, report.errors))
    }
}

fn create_snapshot_group(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let input = state::parse_input(&pairs, ctx.mode)?;
    let (group_id, created) = lock(state).create_snapshot_group(caller, input)?;
    let mut out = CreateSnapshotGroupOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    out.snapshot_group_id = Some(group_id.clone());
    let outcome = if created {
        Outcome::Created {
            snapshot_group_id: group_id,
        }
    } else {
        Outcome::Replayed {
            snapshot_group_id: group_id,
        }
    };
    Ok(Success {
        body: spec!("CreateSnapshotGroup").body(&out),
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use ecs_api::dynamic::OPERATIONS;

    use super::*;

    #[test]
    fn every_modelled_action_is_in_the_registry_and_has_a_handler() {
        for a in MODELLED_ACTIONS {
            assert!(OPERATIONS.iter().any(|e| e.action == *a), "{a}");
            assert!(HANDLERS.iter().any(|(h, _)| h == a), "{a}");
        }
        assert_eq!(HANDLERS.len(), MODELLED_ACTIONS.len());
    }

    #[test]
    fn example_bodies_are_objects_with_a_fresh_request_id() {
        for e in OPERATIONS {
            let body = example_body(e, "RID");
            assert_eq!(body["RequestId"], "RID", "{}", e.action);
        }
    }
}
