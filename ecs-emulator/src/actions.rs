//! Dispatch by action: every operation of the generated registry is answered. A modelled action
//! runs against the state; any other one is validated with its generated code and answered with
//! its page's example response (or refused, with strict actions).

use std::sync::Mutex;

use ecs_api::dynamic::OperationEntry;
use ecs_api::wire::{FromParams, RuleKind, Validate, ValidationMode};
use serde_json::{Map, Value};

use crate::errors::{self, ApiError, Docs};
use crate::protocol::ACCEPTED;
use crate::state::{Outcome, State};
use crate::{describe, group, instance, snapshot};

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

impl Success {
    /// A success that created no snapshot group.
    pub(crate) fn answered(body: Value) -> Success {
        Success {
            body,
            outcome: Outcome::Answered,
        }
    }
}

/// Runs one modelled action for the authenticated caller. It parses and validates its params
/// outside the state lock, taking the lock only to read or change the state.
type Handler = fn(&Mutex<State>, &str, &[(String, String)], &Ctx) -> Result<Success, ApiError>;

/// The actions with a behavioural model, sorted; every other documented action is answered from
/// its page's example response.
const HANDLERS: &[(&str, Handler)] = &[
    ("CreateSnapshot", snapshot::create_snapshot),
    ("CreateSnapshotGroup", group::create_snapshot_group),
    ("DeleteSnapshot", snapshot::delete_snapshot),
    ("DeleteSnapshotGroup", group::delete_snapshot_group),
    ("DescribeDisks", describe::describe_disks),
    ("DescribeInstances", describe::describe_instances),
    ("DescribeSnapshotGroups", describe::describe_snapshot_groups),
    ("DescribeSnapshots", snapshot::describe_snapshots),
    ("ModifySnapshotGroup", group::modify_snapshot_group),
    ("RebootInstance", instance::reboot_instance),
    ("StartInstance", instance::start_instance),
    ("StopInstance", instance::stop_instance),
];

/// The actions with a behavioural model; every other documented action is answered from its
/// page's example response.
pub const MODELLED_ACTIONS: &[&str] = &[
    "CreateSnapshot",
    "CreateSnapshotGroup",
    "DeleteSnapshot",
    "DeleteSnapshotGroup",
    "DescribeDisks",
    "DescribeInstances",
    "DescribeSnapshotGroups",
    "DescribeSnapshots",
    "ModifySnapshotGroup",
    "RebootInstance",
    "StartInstance",
    "StopInstance",
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
    let docs: Docs = entry.documented;
    if let Ok(i) = HANDLERS.binary_search_by(|(a, _)| a.cmp(&entry.action)) {
        // Codes take the status and message the action's own page gives them.
        return HANDLERS[i].1(state, caller, &params, ctx).map_err(|e| e.documented_by(docs));
    }
    (entry.check)(&params, ctx.mode).map_err(|v| errors::violation_error(docs, v))?;
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
        assert!(HANDLERS.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
    }

    #[test]
    fn example_bodies_are_objects_with_a_fresh_request_id() {
        for e in OPERATIONS {
            let body = example_body(e, "RID");
            assert_eq!(body["RequestId"], "RID", "{}", e.action);
        }
    }
}
