//! Mutable emulator state and the CreateSnapshotGroup semantics.

use std::collections::HashMap;

use ecs_api::operation::create_snapshot_group::{
    CreateSnapshotGroupErrorKind, CreateSnapshotGroupInput,
};
use ecs_api::wire::{FromParams as _, Validate as _, ValidationMode, Violation};
use serde::Serialize;

use crate::errors::{self, ApiError};
use crate::world::{Disk, Instance, KmsKeyState, Region, World};

/// Most disks one snapshot group may hold (doc's Description).
pub const MAX_DISKS_PER_GROUP: usize = 10;
/// Most total disk size one snapshot group may hold, in GiB (32 TiB, doc's Description).
pub const MAX_GIB_PER_GROUP: u64 = 32 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotGroup {
    pub snapshot_group_id: String,
    /// Access key id of the caller that created it.
    pub owner: String,
    pub region_id: String,
    pub instance_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub instant_access: bool,
    pub instant_access_retention_days: Option<i32>,
    pub tags: Vec<(String, String)>,
    pub snapshot_ids: Vec<String>,
    pub client_token: Option<String>,
    /// `YYYY-MM-DDThh:mm:ssZ`, UTC.
    pub creation_time: String,
}

/// One disk snapshot of a group. Snapshots complete at once (status `accomplished`), so a disk is
/// never left `CreatingSnapshot` by the emulator itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub snapshot_id: String,
    pub snapshot_group_id: String,
    pub disk_id: String,
    pub size_gib: u64,
    pub owner: String,
    pub status: String,
}

/// What happened to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Still being handled.
    Pending,
    /// A success that created nothing (a read, or an unmodelled action answered from its page's
    /// example).
    Answered,
    /// A new snapshot group was created.
    Created { snapshot_group_id: String },
    /// Same ClientToken and params as an earlier success: its group id was returned again.
    Replayed { snapshot_group_id: String },
    /// An error answer was sent (or was about to be, for a lost response).
    Error { code: String, http_status: u16 },
}

#[derive(Debug, Default)]
pub struct State {
    pub world: World,
    pub groups: Vec<SnapshotGroup>,
    pub snapshots: Vec<Snapshot>,
    /// (access key id, ClientToken) → the input it was first used with and the group it made.
    tokens: HashMap<(String, String), (CreateSnapshotGroupInput, String)>,
    /// Snapshots held per access key, kept beside `snapshots` so the quota check is not a scan.
    held_by_owner: HashMap<String, u64>,
    /// Snapshot id → index in `snapshots`, so listing a group's snapshots is not a scan.
    snapshot_index: HashMap<String, usize>,
}

impl State {
    pub fn new(world: World) -> State {
        State {
            world,
            ..State::default()
        }
    }

    pub(crate) fn snapshot(&self, snapshot_id: &str) -> Option<&Snapshot> {
        self.snapshot_index
            .get(snapshot_id)
            .and_then(|i| self.snapshots.get(*i))
    }

    /// Runs CreateSnapshotGroup for `caller` on an input [`parse_input`] read; returns the group
    /// id and whether it was new.
    pub(crate) fn create_snapshot_group(
        &mut self,
        caller: &str,
        input: CreateSnapshotGroupInput,
    ) -> Result<(String, bool), ApiError> {
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
            && let Some((first, group_id)) = self.tokens.get(key)
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
        let region = self.world.region(&region_id).ok_or_else(|| {
            ApiError::with_message(
                "InvalidRegionId.NotFound",
                format!("The specified RegionId does not exist: {region_id}."),
            )
        })?;
        let instance = region
            .instances
            .iter()
            .find(|i| i.instance_id == input.instance_id)
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

        let disks = select_disks(&input, instance, region)?;
        if disks.len() > MAX_DISKS_PER_GROUP {
            return Err(ApiError::invalid(format!(
                "A snapshot group can contain at most {MAX_DISKS_PER_GROUP} disks; {} were selected. Use ExcludeDiskId.N or DiskId.N.",
                disks.len()
            )));
        }
        for disk in &disks {
            check_disk(disk)?;
        }
        let total: u64 = disks.iter().map(|d| d.size_gib).sum();
        if total > MAX_GIB_PER_GROUP {
            return Err(ApiError::invalid(format!(
                "A snapshot group cannot exceed 32 TiB ({MAX_GIB_PER_GROUP} GiB); the selected disks total {total} GiB."
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
        let held = self.held_by_owner.get(caller).copied().unwrap_or(0);
        if held + disks.len() as u64 > account.snapshot_quota {
            return Err(ApiError::of("QuotaExceed.Snapshot"));
        }

        let group_id = new_id("ssg-");
        let mut snapshot_ids = Vec::with_capacity(disks.len());
        let new_snapshots: Vec<Snapshot> = disks
            .iter()
            .map(|d| {
                let id = new_id("s-");
                snapshot_ids.push(id.clone());
                Snapshot {
                    snapshot_id: id,
                    snapshot_group_id: group_id.clone(),
                    disk_id: d.disk_id.clone(),
                    size_gib: d.size_gib,
                    owner: caller.to_owned(),
                    status: "accomplished".into(),
                }
            })
            .collect();
        *self.held_by_owner.entry(caller.to_owned()).or_default() += new_snapshots.len() as u64;
        for s in new_snapshots {
            self.snapshot_index
                .insert(s.snapshot_id.clone(), self.snapshots.len());
            self.snapshots.push(s);
        }
        self.groups.push(SnapshotGroup {
            snapshot_group_id: group_id.clone(),
            owner: caller.to_owned(),
            region_id,
            instance_id: input.instance_id.clone(),
            name: input.name.clone(),
            description: input.description.clone(),
            instant_access: input.instant_access.unwrap_or(false),
            instant_access_retention_days: input.instant_access_retention_days,
            tags: input
                .tags
                .iter()
                .map(|t| {
                    (
                        t.key.clone().unwrap_or_default(),
                        t.value.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            snapshot_ids,
            client_token: input.client_token.clone(),
            creation_time: ecs_api::signer::format_timestamp(time::OffsetDateTime::now_utc()),
        });
        if let Some(key) = token_key {
            self.tokens.insert(key, (fingerprint, group_id.clone()));
        }
        Ok((group_id, true))
    }
}

/// Parses and validates with the same generated code the client uses (outside the state lock:
/// it needs no state).
pub(crate) fn parse_input(
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
fn select_disks<'w>(
    input: &CreateSnapshotGroupInput,
    instance: &'w Instance,
    region: &'w Region,
) -> Result<Vec<&'w Disk>, ApiError> {
    // Any disk of the region, attached or not: its existence decides NotFound.
    let find = |id: &str| {
        region
            .instances
            .iter()
            .flat_map(|i| i.disks.iter())
            .chain(&region.disks)
            .find(|d| d.disk_id == id)
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

fn check_disk(d: &Disk) -> Result<(), ApiError> {
    let with_id = |code: &str| {
        let e = ApiError::of(code);
        let message = format!("{} Disk: {}.", e.message, d.disk_id);
        ApiError { message, ..e }
    };
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
