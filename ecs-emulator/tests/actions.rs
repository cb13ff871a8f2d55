//! Every documented action is answered: unmodelled ones from their page's example (and said so),
//! with the gateway and the generated validation applied to all; strict actions refuse them.

mod common;

use common::{client, raw};
use ecs_api::dynamic::OPERATIONS;
use ecs_api::wire::{RuleKind, ValidationMode};
use ecs_api::{CallOptions, SdkError};
use ecs_emulator::{Emulator, MODELLED_ACTIONS, Outcome};

#[tokio::test]
async fn unmodelled_actions_are_answered_from_their_examples_and_say_so() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let c = client(&emu);

    // Three categories: Regions, Regions (with RegionId), Security groups.
    let regions = c.describe_regions().send().await.unwrap();
    assert!(!regions.regions.is_empty(), "{regions:?}");
    let zones = c.describe_zones().send().await.unwrap();
    assert!(!zones.zones.is_empty(), "{zones:?}");
    let groups = c.describe_security_groups().send().await.unwrap();
    assert!(groups.request_id.is_some());
    // Each answer gets a fresh RequestId, not the page's.
    let again = c.describe_regions().send().await.unwrap();
    assert_ne!(regions.request_id, again.request_id);

    let log = emu.requests();
    assert_eq!(log.len(), 4);
    for r in &log {
        assert!(r.unmodelled, "{r:?}");
        assert_eq!(r.outcome, Outcome::Answered, "{r:?}");
    }

    // The header, on raw HTTP; a modelled action has none.
    let r = raw(&emu.url(), "DescribeRegions", &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.unmodelled());
    assert!(
        r.json()["RequestId"]
            .as_str()
            .is_some_and(|id| id.len() == 36)
    );
    let csg = [("RegionId", "cn-hangzhou"), ("InstanceId", "i-emu-running")];
    let r = raw(&emu.url(), "CreateSnapshotGroup", &csg).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.unmodelled());
    assert!(!emu.requests().last().unwrap().unmodelled);
    emu.shutdown().await;
}

#[tokio::test]
async fn unmodelled_actions_are_validated_with_the_generated_code() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let c = client(&emu);

    // Too long a name: the code the generated rule carries (else InvalidParameter).
    let long = "n".repeat(300);
    let params = vec![
        ("RegionId".to_owned(), "cn-hangzhou".to_owned()),
        ("SecurityGroupName".to_owned(), long.clone()),
    ];
    let entry = OPERATIONS
        .iter()
        .find(|e| e.action == "CreateSecurityGroup")
        .unwrap();
    let violations = (entry.check)(&params, ValidationMode::Strict).unwrap_err();
    assert_eq!(violations[0].rule, RuleKind::Length);
    let expected = violations[0].error_code.unwrap_or("InvalidParameter");

    let opts = CallOptions::default()
        .no_retry()
        .validation(ValidationMode::Off);
    let err = c
        .create_security_group()
        .security_group_name(&long)
        .call_options(opts)
        .send()
        .await
        .unwrap_err();
    let SdkError::Service(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!((e.code(), e.http_status()), (expected, 400), "{e}");
    assert!(e.message().contains("SecurityGroupName"), "{e}");
    let last = emu.requests().pop().unwrap();
    assert!(last.unmodelled);
    assert!(
        matches!(&last.outcome, Outcome::Error { code, .. } if code == expected),
        "{last:?}"
    );

    // A missing required param names it; an unknown one is InvalidParameter.
    let r = raw(
        &emu.url(),
        "DeleteSecurityGroup",
        &[("RegionId", "cn-hangzhou")],
    )
    .await;
    assert_eq!((r.status, r.code().as_str()), (400, "MissingParameter"));
    assert!(r.body.contains("`SecurityGroupId`"), "{}", r.body);
    assert!(r.unmodelled());
    let r = raw(&emu.url(), "DescribeRegions", &[("Bogus", "1")]).await;
    assert_eq!((r.status, r.code().as_str()), (400, "InvalidParameter"));
    // Internal params the live API accepts are ignored where the page lacks them.
    let r = raw(&emu.url(), "DescribeRegions", &[("OwnerId", "1")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // An unknown action is still unknown, and not "unmodelled".
    let r = raw(&emu.url(), "DescribeNothing", &[]).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (404, "InvalidAction.NotFound")
    );
    assert!(!r.unmodelled());
    emu.shutdown().await;
}

#[tokio::test]
async fn strict_actions_refuse_what_is_not_modelled() {
    let emu = Emulator::builder()
        .strict_actions(true)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let c = client(&emu);
    let err = c
        .describe_regions()
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    let SdkError::Service(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!((e.code(), e.http_status()), ("InvalidAction.NotFound", 404));
    assert!(e.message().contains("does not model"), "{e}");
    assert!(emu.requests()[0].unmodelled);
    // Modelled actions still work.
    let out = c.describe_instances().send().await.unwrap();
    assert!(!out.instances.is_empty());
    c.create_snapshot_group("i-emu-running")
        .send()
        .await
        .unwrap();
    assert!(emu.requests().iter().skip(1).all(|r| !r.unmodelled));
    emu.shutdown().await;
}

#[test]
fn every_example_response_is_read() {
    let mut unreadable = Vec::new();
    for e in OPERATIONS.iter().filter(|e| e.example_response.is_some()) {
        match ecs_emulator::example_response(e.action) {
            Some(v) => assert!(v.is_object(), "{}", e.action),
            None => unreadable.push(e.action),
        }
    }
    // Its page's example is not JSON (a `{` where a `[` belongs): answered with RequestId only.
    assert_eq!(unreadable, ["DescribeKeyPairs"]);
}

/// Params that make `entry` pass its checks in `mode`: every required param filled with the first
/// candidate value its rules accept. `None` when no candidate satisfies them.
fn minimal_params(
    entry: &ecs_api::dynamic::OperationEntry,
    mode: ValidationMode,
) -> Option<Vec<(String, String)>> {
    // Then UTC times at each precision the pages state (their `format` rules).
    const CANDIDATES: &[&str] = &[
        "x1",
        "1",
        "true",
        "[\"x1\"]",
        "2",
        "xxxxxxxx1A!",
        "2024-01-01T00:00:00Z",
        "2024-01-01T00:00Z",
        "2024-01-01T00Z",
    ];
    let mut params: Vec<(String, String)> = vec![("RegionId".into(), "cn-hangzhou".into())];
    let check = |p: &[(String, String)]| (entry.check)(p, mode);
    // The RegionId the client fills is unknown to the few operations without one.
    if check(&params).is_err_and(|v| v.iter().any(|v| v.rule == RuleKind::Unknown)) {
        params.clear();
    }
    for _ in 0..30 {
        let Err(violations) = check(&params) else {
            return Some(params);
        };
        let v = &violations[0];
        let name = v.param.replace(".N", ".1");
        let Some(i) = params.iter().position(|(k, _)| *k == name) else {
            params.push((name, CANDIDATES[0].to_owned()));
            continue;
        };
        if v.rule == RuleKind::Unknown {
            // A required list: its items are `Name.1`, ...
            params[i].0 = format!("{name}.1");
        } else if v.rule == RuleKind::Enum {
            // The limit lists the values ("must be one of A, B"): take the first.
            let (_, values) = v.limit.split_once("one of ")?;
            params[i].1 = values.split(", ").next()?.to_owned();
        } else {
            let tried = CANDIDATES.iter().position(|c| *c == params[i].1)?;
            params[i].1 = (*CANDIDATES.get(tried + 1)?).to_owned();
        }
    }
    None
}

#[tokio::test]
async fn every_action_answers_a_minimal_valid_request_the_client_decodes() {
    let emu = ecs_emulator::start_default().await.unwrap();
    // For the few operations no generic guess builds a valid request for: no validation on
    // either side, so that their example is still answered and decoded.
    let lax = Emulator::builder()
        .validation(ValidationMode::Off)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let (c, lax_client) = (client(&emu), client(&lax));
    let mut unbuilt = Vec::new();
    for entry in OPERATIONS {
        if MODELLED_ACTIONS.contains(&entry.action) {
            continue;
        }
        let opts = CallOptions::default().no_retry();
        let out = match minimal_params(entry, ValidationMode::Strict) {
            Some(params) => (entry.call)(&c, params, opts).await,
            None => {
                unbuilt.push(entry.action);
                let params = minimal_params(entry, ValidationMode::Off)
                    .unwrap_or_else(|| panic!("{}: no request parses", entry.action));
                let opts = opts.validation(ValidationMode::Off);
                (entry.call)(&lax_client, params, opts).await
            }
        };
        // `call` decodes with the generated output type, then serialises it back.
        let out = out.unwrap_or_else(|e| panic!("{}: {e}", entry.action));
        assert!(out["RequestId"].is_string(), "{}: {out}", entry.action);
    }
    assert!(unbuilt.len() < 10, "{unbuilt:?}");
    let log = emu.requests();
    assert_eq!(
        log.len() + unbuilt.len(),
        OPERATIONS.len() - MODELLED_ACTIONS.len()
    );
    assert!(
        log.iter()
            .all(|r| r.unmodelled && r.outcome == Outcome::Answered)
    );
    emu.shutdown().await;
    lax.shutdown().await;
}

#[tokio::test]
async fn every_action_missing_a_required_param_gets_missing_parameter_naming_it() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let mut checked = 0;
    for entry in OPERATIONS {
        // The required params, as the generated code names them.
        let Err(violations) = (entry.check)(&[], ValidationMode::Strict) else {
            continue;
        };
        let Some(required) = violations.iter().find(|v| v.rule == RuleKind::Required) else {
            continue;
        };
        // Everything else filled (when a generic guess builds it), that one left out.
        let mut params = minimal_params(entry, ValidationMode::Off).unwrap_or_default();
        let wire = required.param.replace(".N", ".1");
        params.retain(|(k, _)| *k != wire && !k.starts_with(&format!("{wire}.")));
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = raw(&emu.url(), entry.action, &pairs).await;
        // The status the action's page gives the code (a few say 403 or 404), else the common 400.
        let status = (entry.documented)("MissingParameter").map_or(400, |(s, _)| s);
        assert_eq!(
            (r.status, r.code().as_str()),
            (status, "MissingParameter"),
            "{}: {}",
            entry.action,
            r.body
        );
        assert!(
            r.body.contains(&format!("`{}`", required.param)),
            "{} should name {}: {}",
            entry.action,
            required.param,
            r.body
        );
        checked += 1;
    }
    assert!(checked > 150, "{checked}");
    emu.shutdown().await;
}

#[tokio::test]
async fn unmodelled_actions_answer_the_status_their_page_gives_a_code() {
    let emu = ecs_emulator::start_default().await.unwrap();
    // GetInstanceConsoleOutput's page lists InvalidParameter as 404, AssignPrivateIpAddresses'
    // lists MissingParameter as 403; the common table says 400 for both.
    let entry = OPERATIONS
        .iter()
        .find(|e| e.action == "GetInstanceConsoleOutput")
        .unwrap();
    let mut params = minimal_params(entry, ValidationMode::Strict).unwrap();
    params.push(("Bogus".into(), "1".into()));
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = raw(&emu.url(), entry.action, &pairs).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (404, "InvalidParameter"),
        "{}",
        r.body
    );
    assert!(r.unmodelled());
    let r = raw(
        &emu.url(),
        "AssignPrivateIpAddresses",
        &[("RegionId", "cn-hangzhou")],
    )
    .await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (403, "MissingParameter"),
        "{}",
        r.body
    );
    emu.shutdown().await;
}
