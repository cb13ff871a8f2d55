//! Disk snapshots: CreateSnapshot, DeleteSnapshot and DescribeSnapshots, over the same store as
//! the snapshot groups.

use std::sync::Mutex;

use ecs_api::operation::create_snapshot::{
    CreateSnapshotErrorKind, CreateSnapshotInput, CreateSnapshotOutput,
};
use ecs_api::operation::delete_snapshot::{
    DeleteSnapshotErrorKind, DeleteSnapshotInput, DeleteSnapshotOutput,
};
use ecs_api::operation::describe_snapshots::{
    DescribeSnapshots, DescribeSnapshotsErrorKind, DescribeSnapshotsInput, DescribeSnapshotsOutput,
};
use ecs_api::paginator::Paginated;
use ecs_api::types::{DescribeSnapshotsSnapshot, DescribeSnapshotsTag};

use crate::actions::{Ctx, Success, input};
use crate::answer::spec;
use crate::clock;
use crate::errors::{ApiError, docs_of};
use crate::group::new_id;
use crate::paging::{self, Paging};
use crate::server::lock;
use crate::state::State;
use crate::store::Snapshot;
use crate::world::KmsKeyState;

/// Most manual snapshots one disk may hold, read from CreateSnapshot's note ("has reached 256",
/// CreateSnapshot.md line 17).
fn per_disk_limit() -> Option<usize> {
    spec!("CreateSnapshot")
        .rule_texts()
        .find(|t| t.contains("manual snapshots") && t.contains("has reached"))
        .and_then(|t| t.rsplit(' ').next()?.trim_end_matches('.').parse().ok())
}

pub(crate) fn create_snapshot(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let i: CreateSnapshotInput = input(params, ctx.mode, docs_of::<CreateSnapshotErrorKind>)?;
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
    let mut seen = std::collections::HashSet::new();
    if !i.tags.iter().all(|t| seen.insert(t.key.as_deref())) {
        return Err(ApiError::of("Duplicate.TagKey"));
    }
    // Same ClientToken: the first answer again, or a mismatch (compared on the params).
    let token = i
        .client_token
        .as_ref()
        .map(|t| (caller.to_owned(), t.clone()));
    let mut fingerprint: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k != "ClientToken")
        .cloned()
        .collect();
    fingerprint.sort();
    if let Some(key) = &token
        && let Some((first, id)) = state.snapshot_tokens.get(key)
    {
        return if *first == fingerprint {
            Ok(created(ctx, id.clone()))
        } else {
            Err(ApiError::of("IdempotentParameterMismatch"))
        };
    }

    let now = state.now();
    let account = state
        .world
        .account(caller)
        .cloned()
        .ok_or_else(|| ApiError::of("InvalidAccessKeyId.NotFound"))?;
    let (at, disk) = state.disk(&i.disk_id).ok_or_else(|| {
        ApiError::with_message(
            "InvalidDiskId.NotFound",
            format!("The specified DiskId does not exist: {}.", i.disk_id),
        )
    })?;
    let disk = disk.clone();
    let region = state.world.regions[at.region].region_id.clone();
    let instance = at
        .instance
        .map(|n| state.world.regions[at.region].instances[n].clone());
    if !account.snapshot_service_activated {
        return Err(ApiError::of(
            "InvalidAccountStatus.SnapshotServiceUnavailable",
        ));
    }
    if account.balance <= 0.0 {
        return Err(ApiError::of("InvalidAccountStatus.NotEnoughBalance"));
    }
    if let Some(inst) = &instance {
        if inst.locked_for_security {
            return Err(ApiError::of("InstanceLockedForSecurity"));
        }
        if inst.status != "Running" && inst.status != "Stopped" {
            return Err(ApiError::with_message(
                "IncorrectInstanceStatus",
                format!(
                    "The current status of the resource does not support this operation. Instance {} is {}; it must be Running or Stopped.",
                    inst.instance_id, inst.status
                ),
            ));
        }
    }
    if disk.in_arrears {
        return Err(ApiError::of("DiskInArrears"));
    }
    if disk.status != "In_use" && disk.status != "Available" {
        return Err(ApiError::of("IncorrectDiskStatus"));
    }
    if !disk.ever_used {
        return Err(ApiError::of(if instance.is_some() {
            "IncorrectDiskStatus.NeverUsed"
        } else {
            "IncorrectDiskStatus.NeverAttached"
        }));
    }
    if disk.creating_snapshot || state.store.disk_busy(&disk.disk_id, now) {
        return Err(ApiError::of("IncorrectDiskStatus.CreatingSnapshot"));
    }
    if disk.encrypted && disk.kms_key != KmsKeyState::Enabled {
        return Err(ApiError::of("InvalidParameter.KMSKeyId.KMSUnauthorized"));
    }
    if i.instant_access == Some(true) && disk.category != "cloud_essd" {
        // "This feature can be enabled only for enhanced SSDs (ESSDs)" (InstantAccess).
        return Err(ApiError::of("DiskCategory.OperationNotSupported"));
    }
    let manual = state.store.manual_snapshots_of_disk(&disk.disk_id);
    if per_disk_limit().is_some_and(|max| manual >= max) {
        return Err(ApiError::of("QuotaExceed.Snapshot"));
    }
    if i.tags.len() as u64 > account.tag_quota {
        return Err(ApiError::with_message(
            "QuotaExceed.Tags",
            format!(
                "The maximum number of tags ({}) is exceeded: {} given.",
                account.tag_quota,
                i.tags.len()
            ),
        ));
    }
    if state.store.held_by(caller) + 1 > account.snapshot_quota {
        return Err(ApiError::of("QuotaExceed.Snapshot"));
    }

    let system = instance
        .as_ref()
        .and_then(|inst| inst.disks.first())
        .is_some_and(|d| d.disk_id == disk.disk_id);
    let id = new_id("s-");
    let snapshot = Snapshot {
        snapshot_id: id.clone(),
        region_id: region,
        owner: Some(caller.to_owned()),
        disk_id: disk.disk_id.clone(),
        size_gib: disk.size_gib,
        source_disk_type: Some(if system { "system" } else { "data" }.into()),
        snapshot_group_id: None,
        name: i.snapshot_name.clone(),
        description: i.description.clone(),
        instant_access: i.instant_access.unwrap_or(false),
        instant_access_retention_days: i.instant_access_retention_days,
        retention_days: i.retention_days,
        encrypted: disk.encrypted,
        resource_group_id: i.resource_group_id.clone(),
        tags: i
            .tags
            .iter()
            .map(|t| {
                (
                    t.key.clone().unwrap_or_default(),
                    t.value.clone().unwrap_or_default(),
                )
            })
            .collect(),
        images: Vec::new(),
        created_disks: Vec::new(),
        creation_time: clock::stamp(now),
        completes_at: Some(clock::stamp(now + state.timings.snapshot)),
        status: String::new(),
        progress: 0,
        client_token: i.client_token.clone(),
    };
    state.store.insert_snapshot(snapshot, now);
    if let Some(key) = token {
        state.snapshot_tokens.insert(key, (fingerprint, id.clone()));
    }
    Ok(created(ctx, id))
}

fn created(ctx: &Ctx, id: String) -> Success {
    let mut out = CreateSnapshotOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    out.snapshot_id = Some(id);
    Success::answered(spec!("CreateSnapshot").body(&out))
}

/// DeleteSnapshot, with the page's rules: an unknown id is ignored (DeleteSnapshot.md line 9);
/// a snapshot images were made from is refused; one disks were made from needs `Force`; one a
/// snapshot group holds goes with the group (the group lists it no more).
pub(crate) fn delete_snapshot(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let i: DeleteSnapshotInput = input(params, ctx.mode, docs_of::<DeleteSnapshotErrorKind>)?;
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
    let now = state.now();
    let visible = state
        .store
        .snapshot(&i.snapshot_id, now)
        .filter(|s| s.owner.as_deref().is_none_or(|o| o == caller));
    if let Some(s) = visible {
        if !s.images.is_empty() {
            return Err(ApiError::of("SnapshotCreatedImage"));
        }
        if !s.created_disks.is_empty() && i.force != Some(true) {
            return Err(ApiError::of("SnapshotCreatedDisk"));
        }
        state.store.remove_snapshot(&s.snapshot_id);
        if let Some(g) = s
            .snapshot_group_id
            .as_deref()
            .and_then(|g| state.store.group_mut(g))
        {
            g.snapshot_ids.retain(|id| *id != s.snapshot_id);
        }
    }
    let mut out = DeleteSnapshotOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    drop(guard);
    Ok(Success::answered(spec!("DeleteSnapshot").body(&out)))
}

pub(crate) fn describe_snapshots(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let spec = spec!("DescribeSnapshots");
    let i: DescribeSnapshotsInput = input(params, ctx.mode, docs_of::<DescribeSnapshotsErrorKind>)?;
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
    let now = state.now();
    let region = i.region_id.clone().unwrap_or_default();
    let ids = i.snapshot_ids.clone();
    // A filter left at the page's default ("all") filters nothing.
    let status = i
        .status
        .clone()
        .filter(|v| Some(v.as_str()) != spec.default_of("Status"));
    let snapshot_type = i
        .snapshot_type
        .clone()
        .filter(|v| Some(v.as_str()) != spec.default_of("SnapshotType"));
    let instance_disks: Option<Vec<String>> = i.instance_id.as_ref().map(|id| {
        state
            .instance(id)
            .map(|(_, inst)| inst.disks.iter().map(|d| d.disk_id.clone()).collect())
            .unwrap_or_default()
    });
    // The narrowest index first: the disk's snapshots, else the region's.
    let candidates: Box<dyn Iterator<Item = Snapshot>> = match &i.disk_id {
        Some(d) => Box::new(state.store.snapshots_of_disk(d, now)),
        None => Box::new(state.store.snapshots_in(&region, now)),
    };
    let found: Vec<DescribeSnapshotsSnapshot> = candidates
        .filter(|s| s.region_id == region && s.owner.as_deref().is_none_or(|o| o == caller))
        .filter(|s| ids.is_empty() || ids.contains(&s.snapshot_id))
        .filter(|s| {
            instance_disks
                .as_ref()
                .is_none_or(|disks| disks.contains(&s.disk_id))
        })
        .filter(|s| {
            i.snapshot_name
                .as_ref()
                .is_none_or(|n| Some(n) == s.name.as_ref())
        })
        .filter(|s| status.as_ref().is_none_or(|st| *st == s.status))
        // Every snapshot the emulator makes is a manual one (`user`).
        .filter(|_| snapshot_type.as_deref().is_none_or(|t| t == "user"))
        .filter(|s| {
            i.source_disk_type.as_ref().is_none_or(|t| {
                s.source_disk_type
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(t))
            })
        })
        .filter(|s| i.encrypted.is_none_or(|e| e == s.encrypted))
        .filter(|s| {
            i.tags.iter().all(|t| {
                s.tags.iter().any(|(k, v)| {
                    Some(k) == t.key.as_ref() && t.value.as_ref().is_none_or(|want| want == v)
                })
            })
        })
        .map(|s| shown(&s))
        .collect();

    let mut out = DescribeSnapshotsOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    out.total_count = Some(found.len() as i64);
    let paging = Paging::of(
        spec,
        <DescribeSnapshots as Paginated>::MAX_PAGE_SIZE,
        i.page_number,
        i.page_size,
        i.next_token.as_deref(),
        i.max_results,
    );
    let page = paging::page(found, paging)?;
    out.snapshots = page.items;
    out.next_token = page.next_token;
    out.page_number = page.page_number;
    out.page_size = page.page_size;
    drop(guard);
    Ok(Success::answered(spec.body(&out)))
}

fn shown(s: &Snapshot) -> DescribeSnapshotsSnapshot {
    let mut out = DescribeSnapshotsSnapshot::default();
    out.snapshot_id = Some(s.snapshot_id.clone());
    out.snapshot_name = s.name.clone();
    out.description = s.description.clone();
    out.source_disk_id = Some(s.disk_id.clone());
    out.source_disk_size = Some(s.size_gib.to_string());
    out.source_disk_type = s.source_disk_type.clone();
    out.status = Some(s.status.clone());
    out.progress = Some(format!("{}%", s.progress));
    out.creation_time = clock::parse(&s.creation_time).map(clock::show);
    out.instant_access = Some(s.instant_access);
    out.instant_access_retention_days = s.instant_access_retention_days.map(i64::from);
    out.retention_days = s.retention_days.map(i64::from);
    out.encrypted = Some(s.encrypted);
    out.resource_group_id = s.resource_group_id.clone();
    out.snapshot_type = Some("user".into());
    out.usage = Some(
        match (s.images.is_empty(), s.created_disks.is_empty()) {
            (true, true) => "none",
            (false, true) => "image",
            (true, false) => "disk",
            (false, false) => "image_disk",
        }
        .into(),
    );
    // The page's tag rows put only TagValue in the item (its table lists the fields out of
    // order); the key cannot be shown until the spec nests it.
    out.tags = s
        .tags
        .iter()
        .map(|(_, v)| {
            let mut t = DescribeSnapshotsTag::default();
            t.tag_value = Some(v.clone());
            t
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_per_disk_limit_is_read_from_the_pages_note() {
        assert_eq!(super::per_disk_limit(), Some(256));
    }
}
