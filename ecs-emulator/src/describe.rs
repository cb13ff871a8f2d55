//! The modelled reads: `DescribeInstances` and `DescribeDisks` from the world, and
//! `DescribeSnapshotGroups` from the groups `CreateSnapshotGroup` made. Responses are the
//! generated output types, filled from the state and serialised in the service's shape.
//!
//! Filters the world can answer are applied; others the page documents are accepted and ignored
//! (the world holds no VPCs, tags on instances, charge types, ...).

use std::sync::Mutex;

use ecs_api::operation::describe_disks::DescribeDisks;
use ecs_api::operation::describe_disks::{
    DescribeDisksErrorKind, DescribeDisksInput, DescribeDisksOutput,
};
use ecs_api::operation::describe_instances::DescribeInstances;
use ecs_api::operation::describe_instances::{
    DescribeInstancesErrorKind, DescribeInstancesInput, DescribeInstancesOutput,
};
use ecs_api::operation::describe_snapshot_groups::{
    DescribeSnapshotGroups, DescribeSnapshotGroupsErrorKind, DescribeSnapshotGroupsInput,
    DescribeSnapshotGroupsOutput,
};
use ecs_api::paginator::Paginated;
use ecs_api::types::{DescribeInstancesInstance, DiskInfo, LockReason, Snapshot, SnapshotGroup};
use serde_json::Value;

use crate::actions::{Ctx, Success, input};
use crate::answer::{Spec, spec};
use crate::errors::{ApiError, docs_of};
use crate::server::lock;
use crate::state::{Outcome, State};
use crate::world::{Disk, Instance, Region};

pub(crate) fn describe_instances(
    state: &Mutex<State>,
    _caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let spec = spec!("DescribeInstances");
    let i: DescribeInstancesInput = input(params, ctx.mode, docs_of::<DescribeInstancesErrorKind>)?;
    let state = lock(state);
    let region = region(&state, i.region_id.as_deref());
    let matches = |inst: &Instance| {
        (i.instance_ids.is_empty() || i.instance_ids.contains(&inst.instance_id))
            && i.status.as_ref().is_none_or(|s| *s == inst.status)
            && i.zone_id
                .as_ref()
                .is_none_or(|z| Some(z) == inst.zone_id.as_ref())
            && i.instance_type
                .as_ref()
                .is_none_or(|t| Some(t) == inst.instance_type.as_ref())
            && i.instance_name.as_ref().is_none_or(|pattern| {
                inst.instance_name
                    .as_deref()
                    .is_some_and(|n| glob(pattern, n))
            })
    };
    let found: Vec<DescribeInstancesInstance> = region
        .into_iter()
        .flat_map(|r| {
            r.instances
                .iter()
                .filter(|x| matches(x))
                .map(move |x| instance(r, x))
        })
        .collect();
    drop(state);

    let mut out = DescribeInstancesOutput::default();
    out.total_count = Some(found.len() as i64);
    out.request_id = Some(ctx.request_id.to_owned());
    let max = <DescribeInstances as Paginated>::MAX_PAGE_SIZE;
    if i.next_token.is_some() || i.max_results.is_some() {
        let size = page_size(i.max_results, spec.default_int("MaxResults"), max);
        let (items, next) = token_page(found, i.next_token.as_deref(), size)?;
        out.instances = items;
        out.next_token = next;
    } else {
        let (items, number, size) = numbered_page(found, i.page_number, i.page_size, spec, max);
        out.instances = items;
        out.page_number = Some(number);
        out.page_size = Some(size);
    }
    Ok(answered(spec.body(&out)))
}

pub(crate) fn describe_disks(
    state: &Mutex<State>,
    _caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let spec = spec!("DescribeDisks");
    let i: DescribeDisksInput = input(params, ctx.mode, docs_of::<DescribeDisksErrorKind>)?;
    // A filter left at the page's default ("all") filters nothing.
    let filter = |value: &Option<String>, wire: &str| {
        value
            .clone()
            .filter(|v| Some(v.as_str()) != spec.default_of(wire))
    };
    let (status, category, disk_type) = (
        filter(&i.status, "Status"),
        filter(&i.category, "Category"),
        filter(&i.disk_type, "DiskType"),
    );
    let mut found = Vec::new();
    let state = lock(state);
    if let Some(r) = region(&state, i.region_id.as_deref()) {
        let attached = r.instances.iter().flat_map(|inst| {
            inst.disks
                .iter()
                .enumerate()
                .map(move |(n, d)| (Some(inst), d, n == 0))
        });
        for (inst, d, system) in attached.chain(r.disks.iter().map(|d| (None, d, false))) {
            let info = disk(r, inst, d, system);
            let keep = (i.disk_ids.is_empty() || i.disk_ids.contains(&d.disk_id))
                && i.instance_id
                    .as_ref()
                    .is_none_or(|id| Some(id) == info.instance_id.as_ref())
                && i.zone_id
                    .as_ref()
                    .is_none_or(|z| Some(z) == info.zone_id.as_ref())
                && status.as_ref().is_none_or(|s| *s == d.status)
                && category.as_ref().is_none_or(|c| *c == d.category)
                && disk_type
                    .as_ref()
                    .is_none_or(|t| Some(t) == info.type_.as_ref());
            if keep {
                found.push(info);
            }
        }
    }
    drop(state);
    let mut out = DescribeDisksOutput::default();
    out.total_count = Some(found.len() as i64);
    out.request_id = Some(ctx.request_id.to_owned());
    let max = <DescribeDisks as Paginated>::MAX_PAGE_SIZE;
    if i.next_token.is_some() || i.max_results.is_some() {
        let size = page_size(i.max_results, spec.default_int("MaxResults"), max);
        let (items, next) = token_page(found, i.next_token.as_deref(), size)?;
        out.disks = items;
        out.next_token = next;
    } else {
        let (items, number, size) = numbered_page(found, i.page_number, i.page_size, spec, max);
        out.disks = items;
        out.page_number = Some(number);
        out.page_size = Some(size);
    }
    Ok(answered(spec.body(&out)))
}

pub(crate) fn describe_snapshot_groups(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let spec = spec!("DescribeSnapshotGroups");
    let i: DescribeSnapshotGroupsInput =
        input(params, ctx.mode, docs_of::<DescribeSnapshotGroupsErrorKind>)?;
    let region_id = i.region_id.as_deref().unwrap_or_default();
    let state = lock(state);
    let found: Vec<SnapshotGroup> = state
        .groups
        .iter()
        .filter(|g| g.owner == caller && g.region_id == region_id)
        .filter(|g| {
            i.snapshot_group_ids.is_empty() || i.snapshot_group_ids.contains(&g.snapshot_group_id)
        })
        .filter(|g| i.instance_id.as_ref().is_none_or(|id| *id == g.instance_id))
        .filter(|g| i.name.as_ref().is_none_or(|n| Some(n) == g.name.as_ref()))
        .map(|g| {
            let snapshots: Vec<Snapshot> = g
                .snapshot_ids
                .iter()
                .filter_map(|id| state.snapshot(id))
                .map(|s| {
                    let mut out = Snapshot::default();
                    out.snapshot_id = Some(s.snapshot_id.clone());
                    out.source_disk_id = Some(s.disk_id.clone());
                    out.progress = Some(
                        if s.status == ACCOMPLISHED {
                            "100%"
                        } else {
                            "0%"
                        }
                        .into(),
                    );
                    out.instant_access = Some(g.instant_access);
                    out.instant_access_retention_days =
                        g.instant_access_retention_days.map(i64::from);
                    out
                })
                .collect();
            let mut out = SnapshotGroup::default();
            out.snapshot_group_id = Some(g.snapshot_group_id.clone());
            out.instance_id = Some(g.instance_id.clone());
            out.name = g.name.clone();
            out.description = g.description.clone();
            out.creation_time = Some(g.creation_time.clone());
            // Snapshots complete at once, so a group is as done as its snapshots.
            out.status = Some(ACCOMPLISHED.into());
            out.snapshots = snapshots;
            out
        })
        .filter(|g| i.status.is_empty() || g.status.as_ref().is_some_and(|s| i.status.contains(s)))
        .collect();
    drop(state);
    let size = page_size(
        i.max_results,
        spec.default_int("MaxResults"),
        <DescribeSnapshotGroups as Paginated>::MAX_PAGE_SIZE,
    );
    let (items, next) = token_page(found, i.next_token.as_deref(), size)?;
    let mut out = DescribeSnapshotGroupsOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    out.snapshot_groups = items;
    out.next_token = next;
    Ok(answered(spec.body(&out)))
}

/// The status of a finished snapshot (all of them, in the emulator).
const ACCOMPLISHED: &str = "accomplished";

fn answered(body: Value) -> Success {
    Success {
        body,
        outcome: Outcome::Answered,
    }
}

/// The region the call names. One the world does not list holds nothing: an empty list, as a
/// real region without resources answers.
fn region<'s>(state: &'s State, region_id: Option<&str>) -> Option<&'s Region> {
    region_id.and_then(|id| state.world.region(id))
}

fn instance(r: &Region, x: &Instance) -> DescribeInstancesInstance {
    let mut out = DescribeInstancesInstance::default();
    out.instance_id = Some(x.instance_id.clone());
    out.status = Some(x.status.clone());
    out.region_id = Some(r.region_id.clone());
    out.zone_id = x.zone_id.clone();
    out.instance_name = x.instance_name.clone();
    out.instance_type = x.instance_type.clone();
    if x.locked_for_security {
        let mut lock = LockReason::default();
        lock.lock_reason = Some("security".into());
        out.operation_locks.push(lock);
    }
    out
}

fn disk(r: &Region, inst: Option<&Instance>, d: &Disk, system: bool) -> DiskInfo {
    let mut out = DiskInfo::default();
    out.disk_id = Some(d.disk_id.clone());
    out.region_id = Some(r.region_id.clone());
    out.instance_id = inst.map(|i| i.instance_id.clone());
    out.zone_id = inst.and_then(|i| i.zone_id.clone());
    out.category = Some(d.category.clone());
    out.status = Some(d.status.clone());
    out.size = i64::try_from(d.size_gib).ok();
    out.encrypted = Some(d.encrypted);
    out.type_ = Some(if system { "system" } else { "data" }.into());
    out
}

/// The page size asked for, else the page's default, never above the documented maximum.
fn page_size(asked: Option<i32>, default: Option<i64>, max: Option<i64>) -> usize {
    let size = asked
        .map(i64::from)
        .filter(|s| *s > 0)
        .or(default)
        .or(max)
        .unwrap_or(1);
    let size = max.map_or(size, |m| size.min(m));
    usize::try_from(size).unwrap_or(1).max(1)
}

/// `PageNumber`/`PageSize` paging: the items of the page and the page number and size answered.
fn numbered_page<T>(
    items: Vec<T>,
    number: Option<i32>,
    size: Option<i32>,
    spec: &Spec,
    max: Option<i64>,
) -> (Vec<T>, i64, i64) {
    let size = page_size(size, spec.default_int("PageSize"), max);
    let number = number
        .map(i64::from)
        .or(spec.default_int("PageNumber"))
        .unwrap_or(1)
        .max(1);
    let skip = usize::try_from(number - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(size);
    let page = items.into_iter().skip(skip).take(size).collect();
    (page, number, size as i64)
}

/// `NextToken`/`MaxResults` paging. A token is the offset of the next item, in hex, as opaque to
/// callers as the service's; one the emulator did not issue is `InvalidParameter`.
fn token_page<T>(
    items: Vec<T>,
    token: Option<&str>,
    size: usize,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let start = match token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => usize::from_str_radix(t, 16)
            .ok()
            .filter(|_| t.len() == TOKEN_LEN)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "The specified parameter `NextToken` is not valid: {t}"
                ))
            })?,
    };
    let total = items.len();
    let end = start.saturating_add(size);
    let next = (end < total).then(|| format!("{end:0width$x}", width = TOKEN_LEN));
    Ok((items.into_iter().skip(start).take(size).collect(), next))
}

const TOKEN_LEN: usize = 32;

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_stars() {
        assert!(glob("web-*", "web-1"));
        assert!(glob("*-1", "web-1"));
        assert!(glob("w*b*1", "web-1"));
        assert!(glob("*", ""));
        assert!(!glob("web-*", "db-1"));
        assert!(!glob("ab*ba", "aba"));
        assert!(glob("web", "web") && !glob("web", "web1"));
    }

    #[test]
    fn token_pages_cover_every_item_once() {
        let items: Vec<u32> = (0..7).collect();
        let (a, t) = token_page(items.clone(), None, 3).unwrap();
        let (b, t) = token_page(items.clone(), t.as_deref(), 3).unwrap();
        let (c, t) = token_page(items.clone(), t.as_deref(), 3).unwrap();
        assert_eq!((a, b, c, t), (vec![0, 1, 2], vec![3, 4, 5], vec![6], None));
        assert!(token_page(items, Some("zz"), 3).is_err());
    }
}
