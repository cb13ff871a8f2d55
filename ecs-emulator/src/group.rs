//! CreateSnapshotGroup as the service behaves (its rules in the documented order, idempotency
//! by `ClientToken`), ModifySnapshotGroup and DeleteSnapshotGroup.

use std::sync::Mutex;

use ecs_api::operation::create_snapshot_group::{
    CreateSnapshotGroupErrorKind, CreateSnapshotGroupInput, CreateSnapshotGroupOutput,
};
use ecs_api::wire::{FromParams as _, Validate as _, ValidationMode, Violation};

use ecs_api::operation::delete_snapshot::DeleteSnapshotErrorKind;
use ecs_api::operation::delete_snapshot_group::{
    DeleteSnapshotGroupErrorKind, DeleteSnapshotGroupInput, DeleteSnapshotGroupOutput,
};
use ecs_api::operation::modify_snapshot_group::{
    ModifySnapshotGroupErrorKind, ModifySnapshotGroupInput, ModifySnapshotGroupOutput,
};
use ecs_api::types::{OperationProgress, RelatedItem};

use crate::actions::{Ctx, Success, input};
use crate::answer::spec;
use crate::clock;
use crate::errors::{self, ApiError, docs_of};
use crate::server::lock;
use crate::state::{Outcome, State};
use crate::store::{Snapshot, SnapshotGroup};
use crate::world::{Disk, Instance, KmsKeyState};

pub(crate) fn create_snapshot_group(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // Parsed and validated outside the lock: it needs no state.
    let input = parse_input(&pairs, ctx.mode)?;
    let (group_id, created) = {
        let mut state = lock(state);
        state.settle();
        state.create_snapshot_group(caller, input)?
    };
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

/// The page's limits on one group, read from its note ("up to 10 disks ... cannot exceed 32
/// TiB", CreateSnapshotGroup.md line 11): most disks, most GiB. `None` where the note is gone.
pub(crate) fn limits() -> (Option<usize>, Option<u64>) {
    let spec = spec!("CreateSnapshotGroup");
    let note = spec
        .rule_texts()
        .find(|t| t.contains(" disks") && t.contains("TiB"));
    let number_before = |text: &str, unit: &str| -> Option<u64> {
        let head = &text[..text.find(unit)?];
        head.trim_end().rsplit(' ').next()?.parse().ok()
    };
    let disks = note
        .and_then(|t| number_before(t, " disks"))
        .and_then(|n| usize::try_from(n).ok());
    let gib = note
        .and_then(|t| number_before(t, " TiB"))
        .map(|n| n * 1024);
    (disks, gib)
}

/// ModifySnapshotGroup: a new name and/or description.
pub(crate) fn modify_snapshot_group(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let i: ModifySnapshotGroupInput =
        input(params, ctx.mode, docs_of::<ModifySnapshotGroupErrorKind>)?;
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
    let region = i.region_id.as_deref().unwrap_or_default();
    let g = visible_group(state, caller, region, &i.snapshot_group_id)?;
    if let Some(name) = i.name {
        g.name = Some(name);
    }
    if let Some(description) = i.description {
        g.description = Some(description);
    }
    let mut out = ModifySnapshotGroupOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    drop(guard);
    Ok(Success::answered(spec!("ModifySnapshotGroup").body(&out)))
}

/// DeleteSnapshotGroup: the group and its snapshots go, except a snapshot a custom image was
/// made from, which stays (DeleteSnapshotGroup.md, Description) and is reported as not deleted.
pub(crate) fn delete_snapshot_group(
    state: &Mutex<State>,
    caller: &str,
    params: &[(String, String)],
    ctx: &Ctx,
) -> Result<Success, ApiError> {
    let i: DeleteSnapshotGroupInput =
        input(params, ctx.mode, docs_of::<DeleteSnapshotGroupErrorKind>)?;
    let mut guard = lock(state);
    let state = &mut *guard;
    state.settle();
    let region = i.region_id.as_deref().unwrap_or_default();
    visible_group(state, caller, region, &i.snapshot_group_id)?;
    let group = state
        .store
        .remove_group(&i.snapshot_group_id)
        .unwrap_or_else(|| unreachable!("visible_group found it"));
    let mut out = DeleteSnapshotGroupOutput::default();
    out.request_id = Some(ctx.request_id.to_owned());
    for id in &group.snapshot_ids {
        let mut progress = OperationProgress::default();
        let mut item = RelatedItem::default();
        item.name = Some("SnapshotId".into());
        item.value = Some(id.clone());
        progress.related_item_set.push(item);
        let kept = state
            .store
            .snapshot_mut(id)
            .filter(|s| !s.images.is_empty());
        match kept {
            Some(s) => {
                s.snapshot_group_id = None;
                let e = ApiError::documented_in(
                    docs_of::<DeleteSnapshotErrorKind>,
                    "SnapshotCreatedImage",
                );
                progress.operation_status = Some("Failed".into());
                progress.error_code = Some(e.code);
                progress.error_msg = Some(e.message);
            }
            None => {
                state.store.remove_snapshot(id);
                progress.operation_status = Some("Success".into());
            }
        }
        out.operation_progress_set.push(progress);
    }
    drop(guard);
    Ok(Success::answered(spec!("DeleteSnapshotGroup").body(&out)))
}

/// The group `id` if `caller` may see it in `region`. No page documents a code for an unknown
/// group; `InvalidSnapshotId.NotFound` is the documented one for a missing (instance) snapshot.
fn visible_group<'s>(
    state: &'s mut State,
    caller: &str,
    region: &str,
    id: &str,
) -> Result<&'s mut SnapshotGroup, ApiError> {
    state
        .store
        .group_mut(id)
        .filter(|g| g.region_id == region && g.owner.as_deref().is_none_or(|o| o == caller))
        .ok_or_else(|| {
            ApiError::with_message(
                "InvalidSnapshotId.NotFound",
                format!("The specified SnapshotGroupId does not exist: {id}."),
            )
        })
}

impl State {
    /// Runs CreateSnapshotGroup for `caller`; returns the group id and whether it was new.
    pub(crate) fn create_snapshot_group(
        &mut self,
        caller: &str,
        input: CreateSnapshotGroupInput,
    ) -> Result<(String, bool), ApiError> {
        let now = self.now();

        // Idempotency first: a replay must answer the first result even if state changed since.
        let token_key = input
            .client_token
            .as_ref()
            .map(|t| (caller.to_owned(), t.clone()));
        let fingerprint = {
            let mut f = input.clone();
            f.client_token = None;
            f
        };
        if let Some(key) = &token_key
            && let Some((first, group_id)) = self.group_tokens.get(key)
        {
            return if *first == fingerprint {
                Ok((group_id.clone(), false))
            } else {
                Err(ApiError::of("IdempotentParameterMismatch"))
            };
        }

        let region_id = input.region_id.clone().unwrap_or_default();
        let account = self
            .world
            .account(caller)
            .cloned()
            .ok_or_else(|| ApiError::of("InvalidAccessKeyId.NotFound"))?;
        if self.world.region(&region_id).is_none() {
            return Err(ApiError::with_message(
                "InvalidRegionId.NotFound",
                format!("The specified RegionId does not exist: {region_id}."),
            ));
        }
        let instance = self
            .instance(&input.instance_id)
            .filter(|(r, _)| *r == region_id)
            .map(|(_, i)| i)
            .ok_or_else(|| ApiError::of("InvalidInstanceId.NotFound"))?;

        if !account.snapshot_service_activated {
            return Err(ApiError::of(
                "InvalidAccountStatus.SnapshotServiceUnavailable",
            ));
        }
        if account.balance <= 0.0 {
            return Err(ApiError::of("InvalidAccountStatus.NotEnoughBalance"));
        }
        if instance.locked_for_security {
            return Err(ApiError::of("InstanceLockedForSecurity"));
        }
        if instance.status != "Running" && instance.status != "Stopped" {
            return Err(ApiError::with_message(
                "IncorrectInstanceStatus",
                format!(
                    "The current status of the resource does not support this operation. Instance {} is {}; it must be Running or Stopped.",
                    instance.instance_id, instance.status
                ),
            ));
        }

        let system_disk = instance.disks.first().map(|d| d.disk_id.clone());
        let disks: Vec<Disk> = select_disks(self, &input, instance)?
            .into_iter()
            .cloned()
            .collect();
        let (max_disks, max_gib) = limits();
        if let Some(max) = max_disks
            && disks.len() > max
        {
            return Err(ApiError::invalid(format!(
                "A snapshot group can contain at most {max} disks; {} were selected. Use ExcludeDiskId.N or DiskId.N.",
                disks.len()
            )));
        }
        for disk in &disks {
            check_disk(disk)?;
            if self.store.disk_busy(&disk.disk_id, now) {
                return Err(disk_error("IncorrectDiskStatus.CreatingSnapshot", disk));
            }
        }
        let total: u64 = disks.iter().map(|d| d.size_gib).sum();
        if let Some(max) = max_gib
            && total > max
        {
            return Err(ApiError::invalid(format!(
                "A snapshot group cannot exceed {max} GiB; the selected disks total {total} GiB."
            )));
        }
        if input.tags.len() as u64 > account.tag_quota {
            return Err(ApiError::with_message(
                "QuotaExceed.Tags",
                format!(
                    "The maximum number of tags ({}) is exceeded: {} given.",
                    account.tag_quota,
                    input.tags.len()
                ),
            ));
        }
        let held = self.store.held_by(caller);
        if held + disks.len() as u64 > account.snapshot_quota {
            return Err(ApiError::of("QuotaExceed.Snapshot"));
        }

        let group_id = new_id("ssg-");
        let creation_time = clock::stamp(now);
        let completes_at = clock::stamp(now + self.timings.snapshot);
        let tags: Vec<(String, String)> = input
            .tags
            .iter()
            .map(|t| {
                (
                    t.key.clone().unwrap_or_default(),
                    t.value.clone().unwrap_or_default(),
                )
            })
            .collect();
        let snapshots: Vec<Snapshot> = disks
            .iter()
            .map(|d| Snapshot {
                snapshot_id: new_id("s-"),
                region_id: region_id.clone(),
                owner: Some(caller.to_owned()),
                disk_id: d.disk_id.clone(),
                size_gib: d.size_gib,
                source_disk_type: Some(
                    if system_disk.as_ref() == Some(&d.disk_id) {
                        "system"
                    } else {
                        "data"
                    }
                    .into(),
                ),
                snapshot_group_id: Some(group_id.clone()),
                name: None,
                description: None,
                instant_access: input.instant_access.unwrap_or(false),
                instant_access_retention_days: input.instant_access_retention_days,
                retention_days: None,
                encrypted: d.encrypted,
                resource_group_id: input.resource_group_id.clone(),
                tags: Vec::new(),
                images: Vec::new(),
                created_disks: Vec::new(),
                creation_time: creation_time.clone(),
                completes_at: Some(completes_at.clone()),
                status: String::new(),
                progress: 0,
                client_token: None,
            })
            .collect();
        let group = SnapshotGroup {
            snapshot_group_id: group_id.clone(),
            region_id,
            owner: Some(caller.to_owned()),
            instance_id: input.instance_id.clone(),
            name: input.name.clone(),
            description: input.description.clone(),
            instant_access: input.instant_access.unwrap_or(false),
            instant_access_retention_days: input.instant_access_retention_days,
            resource_group_id: input.resource_group_id.clone(),
            tags,
            snapshot_ids: snapshots.iter().map(|s| s.snapshot_id.clone()).collect(),
            client_token: input.client_token.clone(),
            creation_time,
            status: String::new(),
        };
        for s in snapshots {
            self.store.insert_snapshot(s, now);
        }
        self.store.insert_group(group, now);
        if let Some(key) = token_key {
            self.group_tokens
                .insert(key, (fingerprint, group_id.clone()));
        }
        Ok((group_id, true))
    }
}

/// Parses and validates with the same generated code the client uses.
fn parse_input(
    params: &[(&str, &str)],
    mode: ValidationMode,
) -> Result<CreateSnapshotGroupInput, ApiError> {
    let input =
        CreateSnapshotGroupInput::from_params(params.iter().copied()).map_err(violation_error)?;
    let report = input.validate(mode);
    if !report.errors.is_empty() {
        return Err(violation_error(report.errors));
    }
    // Rules the live API has that the generated validators do not (create-snapshot-group-facts.md).
    if let Some(token) = &input.client_token
        && !token.is_ascii()
    {
        return Err(ApiError::invalid(
            "The specified parameter `ClientToken` must be ASCII.",
        ));
    }
    // Exclusive params are refused whatever the validation mode.
    if !input.disk_ids.is_empty() && !input.exclude_disk_ids.is_empty() {
        return Err(ApiError::invalid(
            "DiskId.N and ExcludeDiskId.N cannot be set together.",
        ));
    }
    check_tags(&input)?;
    Ok(input)
}

fn violation_error(violations: Vec<Violation>) -> ApiError {
    errors::violation_error(errors::docs_of::<CreateSnapshotGroupErrorKind>, violations)
}

/// A tag key given twice. The rules on each key and value (length, `aliyun`/`acs:` prefixes,
/// `http://`) are the spec's, checked by the generated validator with their documented codes.
fn check_tags(input: &CreateSnapshotGroupInput) -> Result<(), ApiError> {
    let mut seen = std::collections::HashSet::new();
    for tag in &input.tags {
        if !seen.insert(tag.key.as_deref().unwrap_or_default()) {
            return Err(ApiError::of("Duplicate.TagKey"));
        }
    }
    Ok(())
}

/// The disks the group covers: `DiskId.N` if given, else every disk of the instance minus
/// `ExcludeDiskId.N`.
fn select_disks<'s>(
    state: &'s State,
    input: &CreateSnapshotGroupInput,
    instance: &'s Instance,
) -> Result<Vec<&'s Disk>, ApiError> {
    // Any disk of the region, attached or not: its existence decides NotFound.
    let region = state.instance(&instance.instance_id).map(|(r, _)| r);
    let find = |id: &str| {
        state
            .disk(id)
            .filter(|(at, _)| {
                state
                    .world
                    .regions
                    .get(at.region)
                    .map(|r| r.region_id.as_str())
                    == region
            })
            .map(|(_, d)| d)
    };
    let not_found = |id: &str| {
        ApiError::with_message(
            "InvalidDiskId.NotFound",
            format!("The specified DiskId does not exist: {id}."),
        )
    };
    let selected: Vec<&Disk> = if !input.disk_ids.is_empty() {
        let mut out: Vec<&Disk> = Vec::new();
        for id in &input.disk_ids {
            let disk = find(id).ok_or_else(|| not_found(id))?;
            if !instance.disks.iter().any(|d| d.disk_id == *id) {
                return Err(ApiError::invalid(format!(
                    "The specified disk {id} is not attached to instance {}.",
                    instance.instance_id
                )));
            }
            if !out.iter().any(|d| d.disk_id == disk.disk_id) {
                out.push(disk);
            }
        }
        out
    } else {
        for id in &input.exclude_disk_ids {
            // Excluding a disk of another instance changes nothing; an unknown id is an error.
            find(id).ok_or_else(|| not_found(id))?;
        }
        instance
            .disks
            .iter()
            .filter(|d| !input.exclude_disk_ids.contains(&d.disk_id))
            .collect()
    };
    if selected.is_empty() {
        return Err(ApiError::invalid(
            "No disk is left to snapshot after ExcludeDiskId.N.",
        ));
    }
    Ok(selected)
}

/// `code` with the disk named in its message.
fn disk_error(code: &str, d: &Disk) -> ApiError {
    let e = ApiError::of(code);
    let message = format!("{} Disk: {}.", e.message, d.disk_id);
    ApiError { message, ..e }
}

fn check_disk(d: &Disk) -> Result<(), ApiError> {
    let with_id = |code: &str| disk_error(code, d);
    if d.category != "cloud_essd" {
        return Err(with_id("DiskCategory.OperationNotSupported"));
    }
    if d.in_arrears {
        return Err(with_id("DiskInArrears"));
    }
    if d.status != "In_use" {
        return Err(with_id("IncorrectDiskStatus"));
    }
    if !d.ever_used {
        return Err(with_id("IncorrectDiskStatus.NeverUsed"));
    }
    if d.creating_snapshot {
        return Err(with_id("IncorrectDiskStatus.CreatingSnapshot"));
    }
    if d.encrypted {
        match d.kms_key {
            KmsKeyState::Enabled => {}
            KmsKeyState::Disabled => {
                return Err(with_id("InvalidParameter.KMSKeyId.CMKNotEnabled"));
            }
            KmsKeyState::Unauthorized => {
                return Err(with_id("InvalidParameter.KMSKeyId.KMSUnauthorized"));
            }
        }
    }
    Ok(())
}

/// `prefix` + 20 random lower-case hex characters, like `ssg-j6ciyh3k52qp7ovm…`.
pub(crate) fn new_id(prefix: &str) -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}{}", &hex[..20])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_group_limits_are_read_from_the_pages_note() {
        assert_eq!(super::limits(), (Some(10), Some(32 * 1024)));
    }
}
