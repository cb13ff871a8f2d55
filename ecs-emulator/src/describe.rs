//! The modelled reads: `DescribeInstances` and `DescribeDisks` from the world, and
//! `DescribeSnapshotGroups` from the snapshot store (filters by id, instance, name, status, tags,
//! resource group). Responses are the
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

use crate::actions::{Ctx, Success, input};
use crate::answer::spec;
use crate::clock;
use crate::errors::{ApiError, docs_of};
use crate::paging::{self, Paging};
use crate::server::lock;
use crate::state::State;
use crate::world::{Disk, Instance, Region};

pub(crate) fn describe_instances(
    state: &Mutex<State>,
    _caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let spec = spec!("DescribeInstances");
    let i: DescribeInstancesInput = input(params, ctx.mode, docs_of::<DescribeInstancesErrorKind>)?;
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
    let region = region(state, i.region_id.as_deref());
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
    // Named ids are looked up by index; otherwise the region's instances are the candidates.
    let candidates: Vec<&Instance> = match region {
        None => Vec::new(),
        Some(r) if !i.instance_ids.is_empty() => i
            .instance_ids
            .iter()
            .filter_map(|id| state.instance(id))
            .filter(|(rid, _)| *rid == r.region_id)
            .map(|(_, x)| x)
            .collect(),
        Some(r) => r.instances.iter().collect(),
    };
    let found: Vec<DescribeInstancesInstance> = candidates
        .into_iter()
        .filter(|x| matches(x))
        .filter_map(|x| region.map(|r| instance(r, x)))
        .collect();

    let mut out = DescribeInstancesOutput::default();
    out.total_count = Some(found.len() as i64);
    out.request_id = Some(ctx.request_id.to_owned());
    let paging = Paging::of(
        spec,
        <DescribeInstances as Paginated>::MAX_PAGE_SIZE,
        i.page_number,
        i.page_size,
        i.next_token.as_deref(),
        i.max_results,
    );
    let page = paging::page(found, paging)?;
    out.instances = page.items;
    out.next_token = page.next_token;
    out.page_number = page.page_number;
    out.page_size = page.page_size;
    drop(guard);
    Ok(Success::answered(spec.body(&out)))
}

pub(crate) fn describe_disks(
    state: &Mutex<State>,
    _caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let spec = spec!("DescribeDisks");
    let i: DescribeDisksInput = input(params, ctx.mode, docs_of::<DescribeDisksErrorKind>)?;
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
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
    if let Some(r) = region(state, i.region_id.as_deref()) {
        // Narrowest first: the named disks, else the named instance's, else the region's.
        let candidates: Vec<(Option<&Instance>, &Disk, bool)> = if !i.disk_ids.is_empty() {
            i.disk_ids
                .iter()
                .filter_map(|id| state.disk(id))
                .filter(|(at, _)| {
                    state
                        .world
                        .regions
                        .get(at.region)
                        .is_some_and(|x| x.region_id == r.region_id)
                })
                .map(|(at, d)| {
                    let inst = at.instance.and_then(|n| r.instances.get(n));
                    (inst, d, at.instance.is_some() && at.index == 0)
                })
                .collect()
        } else if let Some(id) = &i.instance_id {
            state
                .instance(id)
                .filter(|(rid, _)| *rid == r.region_id)
                .map(|(_, inst)| {
                    inst.disks
                        .iter()
                        .enumerate()
                        .map(|(n, d)| (Some(inst), d, n == 0))
                        .collect()
                })
                .unwrap_or_default()
        } else {
            r.instances
                .iter()
                .flat_map(|inst| {
                    inst.disks
                        .iter()
                        .enumerate()
                        .map(move |(n, d)| (Some(inst), d, n == 0))
                })
                .chain(r.disks.iter().map(|d| (None, d, false)))
                .collect()
        };
        for (inst, d, system) in candidates {
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
    let mut out = DescribeDisksOutput::default();
    out.total_count = Some(found.len() as i64);
    out.request_id = Some(ctx.request_id.to_owned());
    let paging = Paging::of(
        spec,
        <DescribeDisks as Paginated>::MAX_PAGE_SIZE,
        i.page_number,
        i.page_size,
        i.next_token.as_deref(),
        i.max_results,
    );
    let page = paging::page(found, paging)?;
    out.disks = page.items;
    out.next_token = page.next_token;
    out.page_number = page.page_number;
    out.page_size = page.page_size;
    drop(guard);
    Ok(Success::answered(spec.body(&out)))
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
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
    let region_id = i.region_id.as_deref().unwrap_or_default();
    let now = state.now();
    let found: Vec<SnapshotGroup> = state
        .store
        .groups_in(region_id, now)
        .filter(|g| g.owner.as_deref().is_none_or(|o| o == caller))
        .filter(|g| {
            i.snapshot_group_ids.is_empty() || i.snapshot_group_ids.contains(&g.snapshot_group_id)
        })
        .filter(|g| i.instance_id.as_ref().is_none_or(|id| *id == g.instance_id))
        .filter(|g| i.name.as_ref().is_none_or(|n| Some(n) == g.name.as_ref()))
        .filter(|g| i.status.is_empty() || i.status.contains(&g.status))
        .filter(|g| {
            i.resource_group_id
                .as_ref()
                .is_none_or(|r| Some(r) == g.resource_group_id.as_ref())
        })
        .filter(|g| {
            i.tags.iter().all(|t| {
                g.tags.iter().any(|(k, v)| {
                    Some(k) == t.key.as_ref() && t.value.as_ref().is_none_or(|want| want == v)
                })
            })
        })
        .map(|g| {
            let snapshots: Vec<Snapshot> = g
                .snapshot_ids
                .iter()
                .filter_map(|id| state.store.snapshot(id, now))
                .map(|s| {
                    let mut out = Snapshot::default();
                    out.snapshot_id = Some(s.snapshot_id.clone());
                    out.source_disk_id = Some(s.disk_id.clone());
                    out.source_disk_type = s.source_disk_type.clone();
                    out.progress = Some(format!("{}%", s.progress));
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
            out.creation_time = clock::parse(&g.creation_time).map(clock::show);
            out.status = Some(g.status.clone());
            out.snapshots = snapshots;
            out
        })
        .collect();
    let paging = Paging::of(
        spec,
        <DescribeSnapshotGroups as Paginated>::MAX_PAGE_SIZE,
        None,
        None,
        i.next_token.as_deref(),
        i.max_results,
    );
    let page = paging::page(found, paging)?;
    let mut out = DescribeSnapshotGroupsOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    out.snapshot_groups = page.items;
    out.next_token = page.next_token;
    drop(guard);
    Ok(Success::answered(spec.body(&out)))
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
}
