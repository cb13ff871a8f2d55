//! StartInstance, StopInstance and RebootInstance: the pages' rules, then the transitional state
//! (`Starting`, `Stopping`) for the configured time, then the final one.

use std::sync::Mutex;

use ecs_api::operation::reboot_instance::{
    RebootInstanceErrorKind, RebootInstanceInput, RebootInstanceOutput,
};
use ecs_api::operation::start_instance::{
    StartInstanceErrorKind, StartInstanceInput, StartInstanceOutput,
};
use ecs_api::operation::stop_instance::{
    StopInstanceErrorKind, StopInstanceInput, StopInstanceOutput,
};

use crate::actions::{Ctx, Success, input};
use crate::answer::spec;
use crate::errors::{ApiError, docs_of};
use crate::server::lock;
use crate::state::State;

/// A state change asked of an instance.
struct Change<'a> {
    instance_id: &'a str,
    dry_run: bool,
    /// The status the page requires (StartInstance.md: Stopped; Stop and Reboot: Running).
    from: &'static str,
    /// The transitional status, then the final one.
    via: &'static str,
    to: &'static str,
    /// StartInstance answers `InsufficientBalance` for an account without balance.
    needs_balance: bool,
}

fn apply(state: &mut State, caller: &str, c: &Change) -> Result<(), ApiError> {
    state.settle();
    let (_, inst) = state.instance(c.instance_id).ok_or_else(|| {
        ApiError::with_message(
            "InvalidInstanceId.NotFound",
            format!(
                "The specified InstanceId does not exist: {}.",
                c.instance_id
            ),
        )
    })?;
    if inst.locked_for_security {
        return Err(ApiError::of("InstanceLockedForSecurity"));
    }
    if inst.status != c.from {
        return Err(ApiError::with_message(
            "IncorrectInstanceStatus",
            format!(
                "The current status of the resource does not support this operation. Instance {} is {}; it must be {}.",
                c.instance_id, inst.status, c.from
            ),
        ));
    }
    if c.needs_balance
        && state
            .world
            .account(caller)
            .is_some_and(|a| a.balance <= 0.0)
    {
        return Err(ApiError::of("InsufficientBalance"));
    }
    if c.dry_run {
        return Err(ApiError::dry_run());
    }
    state.transition(c.instance_id, c.via, c.to);
    Ok(())
}

/// Applies `change` under the state lock, after settling what is due.
fn change_state(state: &Mutex<State>, caller: &str, change: &Change) -> Result<(), ApiError> {
    let mut guard = lock(state);
    guard.settle();
    apply(&mut guard, caller, change)
}

pub(crate) fn start_instance(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let i: StartInstanceInput = input(params, ctx.mode, docs_of::<StartInstanceErrorKind>)?;
    change_state(
        state,
        caller,
        &Change {
            instance_id: &i.instance_id,
            dry_run: i.dry_run == Some(true),
            from: "Stopped",
            via: "Starting",
            to: "Running",
            needs_balance: true,
        },
    )?;
    let mut out = StartInstanceOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    Ok(Success::answered(spec!("StartInstance").body(&out)))
}

pub(crate) fn stop_instance(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let i: StopInstanceInput = input(params, ctx.mode, docs_of::<StopInstanceErrorKind>)?;
    change_state(
        state,
        caller,
        &Change {
            instance_id: &i.instance_id,
            dry_run: i.dry_run == Some(true),
            from: "Running",
            via: "Stopping",
            to: "Stopped",
            needs_balance: false,
        },
    )?;
    let mut out = StopInstanceOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    Ok(Success::answered(spec!("StopInstance").body(&out)))
}

/// RebootInstance.md: only a Running instance; it goes Starting, then Running again.
pub(crate) fn reboot_instance(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let i: RebootInstanceInput = input(params, ctx.mode, docs_of::<RebootInstanceErrorKind>)?;
    change_state(
        state,
        caller,
        &Change {
            instance_id: &i.instance_id,
            dry_run: i.dry_run == Some(true),
            from: "Running",
            via: "Starting",
            to: "Running",
            needs_balance: false,
        },
    )?;
    let mut out = RebootInstanceOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    Ok(Success::answered(spec!("RebootInstance").body(&out)))
}
