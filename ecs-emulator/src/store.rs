//! Snapshots and snapshot groups: the records (also the world file's and the state dump's shape)
//! and the store that indexes them by id, region, disk and owner, so that a request looks up what
//! it names instead of scanning everything.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::clock;

pub(crate) const PROGRESSING: &str = "progressing";
pub(crate) const ACCOMPLISHED: &str = "accomplished";

/// One disk snapshot, alone or in a snapshot group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub snapshot_id: String,
    /// Filled from the region that lists it in a world file.
    #[serde(default)]
    pub region_id: String,
    /// Access key id of the creator; none (a world-file snapshot) = every key sees it.
    #[serde(default)]
    pub owner: Option<String>,
    /// Source disk (kept after the disk is gone).
    pub disk_id: String,
    #[serde(default)]
    pub size_gib: u64,
    /// `system` or `data`.
    #[serde(default)]
    pub source_disk_type: Option<String>,
    #[serde(default)]
    pub snapshot_group_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub instant_access: bool,
    #[serde(default)]
    pub instant_access_retention_days: Option<i32>,
    #[serde(default)]
    pub retention_days: Option<i32>,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default)]
    pub resource_group_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// Custom images made from it: DeleteSnapshot refuses (`SnapshotCreatedImage`) and
    /// DeleteSnapshotGroup keeps it.
    #[serde(default)]
    pub images: Vec<String>,
    /// Disks made from it: DeleteSnapshot refuses without `Force` (`SnapshotCreatedDisk`).
    #[serde(default)]
    pub created_disks: Vec<String>,
    /// RFC 3339; absent in a world file = when the emulator started.
    #[serde(default)]
    pub creation_time: String,
    /// RFC 3339 instant it reaches `accomplished`; absent = already done.
    #[serde(default)]
    pub completes_at: Option<String>,
    /// `progressing` or `accomplished`, as of the emulator's clock (worked out when read).
    #[serde(default = "accomplished")]
    pub status: String,
    /// Percent done, as of the emulator's clock.
    #[serde(default = "hundred")]
    pub progress: u8,
    /// The ClientToken of the CreateSnapshot that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
}

/// An instance snapshot: a set of disk snapshots taken together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotGroup {
    pub snapshot_group_id: String,
    #[serde(default)]
    pub region_id: String,
    /// Access key id of the creator; none (a world-file group) = every key sees it.
    #[serde(default)]
    pub owner: Option<String>,
    pub instance_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub instant_access: bool,
    #[serde(default)]
    pub instant_access_retention_days: Option<i32>,
    #[serde(default)]
    pub resource_group_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// Its disk snapshots (listed in the world file's `snapshots` of the same region).
    #[serde(default)]
    pub snapshot_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    #[serde(default)]
    pub creation_time: String,
    /// `progressing` until every snapshot is done, then `accomplished` (worked out when read).
    #[serde(default = "accomplished")]
    pub status: String,
}

fn accomplished() -> String {
    ACCOMPLISHED.into()
}
fn hundred() -> u8 {
    100
}

/// A stored snapshot with its times parsed once.
#[derive(Debug, Clone)]
struct Held {
    snapshot: Snapshot,
    created: OffsetDateTime,
    completes: OffsetDateTime,
}

/// Every snapshot and group, in creation order, with the indexes requests use.
#[derive(Debug, Default)]
pub(crate) struct Store {
    next: u64,
    snapshots: BTreeMap<u64, Held>,
    groups: BTreeMap<u64, SnapshotGroup>,
    snapshot_seq: HashMap<String, u64>,
    group_seq: HashMap<String, u64>,
    snapshots_by_region: HashMap<String, BTreeSet<u64>>,
    snapshots_by_disk: HashMap<String, BTreeSet<u64>>,
    groups_by_region: HashMap<String, BTreeSet<u64>>,
    /// Snapshots held per access key, for the quota check.
    held_by_owner: HashMap<String, u64>,
    /// When the last snapshot in progress on each disk completes: a disk accumulates thousands of
    /// snapshots, and "is one still in progress" must not read them all per request.
    busy_until: HashMap<String, OffsetDateTime>,
}

impl Store {
    /// Adds a snapshot; `creation_time`/`completes_at` give its progress (RFC 3339), `now`
    /// stands in for a missing creation time.
    pub(crate) fn insert_snapshot(&mut self, mut s: Snapshot, now: OffsetDateTime) {
        let created = clock::parse(&s.creation_time).unwrap_or(now);
        let completes = s
            .completes_at
            .as_deref()
            .and_then(clock::parse)
            .unwrap_or(created);
        s.creation_time = clock::stamp(created);
        let seq = self.bump();
        self.snapshot_seq.insert(s.snapshot_id.clone(), seq);
        index(&mut self.snapshots_by_region, &s.region_id, seq);
        index(&mut self.snapshots_by_disk, &s.disk_id, seq);
        if let Some(owner) = &s.owner {
            *self.held_by_owner.entry(owner.clone()).or_default() += 1;
        }
        if completes > created {
            let until = self
                .busy_until
                .entry(s.disk_id.clone())
                .or_insert(completes);
            *until = (*until).max(completes);
        }
        self.snapshots.insert(
            seq,
            Held {
                snapshot: s,
                created,
                completes,
            },
        );
    }

    pub(crate) fn insert_group(&mut self, mut g: SnapshotGroup, now: OffsetDateTime) {
        if clock::parse(&g.creation_time).is_none() {
            g.creation_time = clock::stamp(now);
        }
        let seq = self.bump();
        self.group_seq.insert(g.snapshot_group_id.clone(), seq);
        index(&mut self.groups_by_region, &g.region_id, seq);
        self.groups.insert(seq, g);
    }

    fn bump(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// A snapshot as of `now` (status and progress worked out).
    pub(crate) fn snapshot(&self, id: &str, now: OffsetDateTime) -> Option<Snapshot> {
        let seq = self.snapshot_seq.get(id)?;
        self.snapshots.get(seq).map(|h| at(h, now))
    }

    pub(crate) fn snapshot_mut(&mut self, id: &str) -> Option<&mut Snapshot> {
        let seq = self.snapshot_seq.get(id)?;
        self.snapshots.get_mut(seq).map(|h| &mut h.snapshot)
    }

    /// A region's snapshots in creation order, as of `now`.
    pub(crate) fn snapshots_in(
        &self,
        region: &str,
        now: OffsetDateTime,
    ) -> impl Iterator<Item = Snapshot> + '_ {
        self.seqs(&self.snapshots_by_region, region)
            .filter_map(move |seq| self.snapshots.get(seq).map(|h| at(h, now)))
    }

    /// A disk's snapshots in creation order, as of `now`.
    pub(crate) fn snapshots_of_disk(
        &self,
        disk: &str,
        now: OffsetDateTime,
    ) -> impl Iterator<Item = Snapshot> + '_ {
        self.seqs(&self.snapshots_by_disk, disk)
            .filter_map(move |seq| self.snapshots.get(seq).map(|h| at(h, now)))
    }

    /// Whether a snapshot of `disk` is still in progress at `now`.
    pub(crate) fn disk_busy(&self, disk: &str, now: OffsetDateTime) -> bool {
        self.busy_until.get(disk).is_some_and(|t| *t > now)
    }

    /// How many snapshots of `disk` were taken alone (not in a group), read without copying them.
    pub(crate) fn manual_snapshots_of_disk(&self, disk: &str) -> usize {
        self.seqs(&self.snapshots_by_disk, disk)
            .filter_map(|seq| self.snapshots.get(seq))
            .filter(|h| h.snapshot.snapshot_group_id.is_none())
            .count()
    }

    /// Every snapshot, as of `now`.
    pub(crate) fn all_snapshots(&self, now: OffsetDateTime) -> Vec<Snapshot> {
        self.snapshots.values().map(|h| at(h, now)).collect()
    }

    pub(crate) fn remove_snapshot(&mut self, id: &str) -> Option<Snapshot> {
        let seq = self.snapshot_seq.remove(id)?;
        let held = self.snapshots.remove(&seq)?;
        let s = held.snapshot;
        unindex(&mut self.snapshots_by_region, &s.region_id, seq);
        unindex(&mut self.snapshots_by_disk, &s.disk_id, seq);
        if self.busy_until.contains_key(&s.disk_id) {
            // Rare (a delete): the latest completion among what is left.
            let latest = self
                .seqs(&self.snapshots_by_disk, &s.disk_id)
                .filter_map(|seq| self.snapshots.get(seq))
                .filter(|h| h.completes > h.created)
                .map(|h| h.completes)
                .max();
            match latest {
                Some(t) => self.busy_until.insert(s.disk_id.clone(), t),
                None => self.busy_until.remove(&s.disk_id),
            };
        }
        if let Some(owner) = &s.owner
            && let Some(n) = self.held_by_owner.get_mut(owner)
        {
            *n = n.saturating_sub(1);
        }
        Some(s)
    }

    pub(crate) fn held_by(&self, owner: &str) -> u64 {
        self.held_by_owner.get(owner).copied().unwrap_or(0)
    }

    pub(crate) fn group_mut(&mut self, id: &str) -> Option<&mut SnapshotGroup> {
        let seq = self.group_seq.get(id)?;
        self.groups.get_mut(seq)
    }

    pub(crate) fn groups_in(
        &self,
        region: &str,
        now: OffsetDateTime,
    ) -> impl Iterator<Item = SnapshotGroup> + '_ {
        self.seqs(&self.groups_by_region, region)
            .filter_map(move |seq| self.groups.get(seq).map(|g| self.group_at(g, now)))
    }

    pub(crate) fn all_groups(&self, now: OffsetDateTime) -> Vec<SnapshotGroup> {
        self.groups
            .values()
            .map(|g| self.group_at(g, now))
            .collect()
    }

    pub(crate) fn remove_group(&mut self, id: &str) -> Option<SnapshotGroup> {
        let seq = self.group_seq.remove(id)?;
        let g = self.groups.remove(&seq)?;
        unindex(&mut self.groups_by_region, &g.region_id, seq);
        Some(g)
    }

    fn group_at(&self, g: &SnapshotGroup, now: OffsetDateTime) -> SnapshotGroup {
        let mut g = g.clone();
        let busy = g.snapshot_ids.iter().any(|id| {
            self.snapshot_seq
                .get(id)
                .and_then(|seq| self.snapshots.get(seq))
                .is_some_and(|h| h.completes > now)
        });
        g.status = if busy { PROGRESSING } else { ACCOMPLISHED }.into();
        g
    }

    fn seqs<'a>(
        &'a self,
        map: &'a HashMap<String, BTreeSet<u64>>,
        key: &str,
    ) -> impl Iterator<Item = &'a u64> + 'a {
        map.get(key).into_iter().flatten()
    }
}

fn at(h: &Held, now: OffsetDateTime) -> Snapshot {
    let mut s = h.snapshot.clone();
    s.progress = clock::percent(h.created, h.completes, now);
    s.status = if s.progress >= 100 {
        ACCOMPLISHED
    } else {
        PROGRESSING
    }
    .into();
    s.completes_at = (h.completes > h.created).then(|| clock::stamp(h.completes));
    s
}

fn index(map: &mut HashMap<String, BTreeSet<u64>>, key: &str, seq: u64) {
    map.entry(key.to_owned()).or_default().insert(seq);
}

fn unindex(map: &mut HashMap<String, BTreeSet<u64>>, key: &str, seq: u64) {
    if let Some(set) = map.get_mut(key) {
        set.remove(&seq);
        if set.is_empty() {
            map.remove(key);
        }
    }
}
