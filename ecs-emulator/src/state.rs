//! Mutable emulator state: the world, the snapshots and groups the calls make, the clock they
//! progress by, the request log, and the indexes that find a resource by id.

use std::collections::{BTreeMap, HashMap};

use ecs_api::operation::create_snapshot_group::CreateSnapshotGroupInput;
use serde::Serialize;
use time::OffsetDateTime;

use crate::clock::{Clock, Timings};
use crate::store::Store;
pub use crate::store::{Snapshot, SnapshotGroup};
use crate::world::{Disk, Instance, World};

/// What happened to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// Still being handled.
    Pending,
    /// A success that created nothing (a read, a change, or an unmodelled action answered from
    /// its page's example).
    Answered,
    /// A new snapshot group was created.
    Created { snapshot_group_id: String },
    /// Same ClientToken and params as an earlier success: its group id was returned again.
    Replayed { snapshot_group_id: String },
    /// An error answer was sent (or was about to be, for a lost response).
    Error { code: String, http_status: u16 },
}

/// (access key id, ClientToken): what idempotency is keyed by.
pub(crate) type TokenKey = (String, String);

/// Where a disk sits in the world: region, owning instance (none = unattached), position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DiskAt {
    pub region: usize,
    pub instance: Option<usize>,
    pub index: usize,
}

#[derive(Debug, Default)]
pub struct State {
    pub world: World,
    pub(crate) store: Store,
    pub(crate) clock: Clock,
    pub(crate) timings: Timings,
    /// (access key id, ClientToken) → the input it was first used with and the group it made.
    pub(crate) group_tokens: HashMap<TokenKey, (CreateSnapshotGroupInput, String)>,
    /// (access key id, ClientToken) → the params CreateSnapshot was first called with and the
    /// snapshot it made.
    pub(crate) snapshot_tokens: HashMap<TokenKey, (Vec<(String, String)>, String)>,
    instance_at: HashMap<String, (usize, usize)>,
    disk_at: HashMap<String, DiskAt>,
    /// Pending ends of transitional states, soonest first: (when, seq) → (instance, status).
    transitions: BTreeMap<(OffsetDateTime, u64), (String, String)>,
    /// Instance id → its pending transition's key, so a new one replaces it.
    transition_of: HashMap<String, (OffsetDateTime, u64)>,
    transition_seq: u64,
}

impl State {
    /// The world's snapshots and groups move into the store; the world keeps the rest.
    pub fn with_timings(mut world: World, timings: Timings) -> State {
        let clock = Clock::default();
        let now = clock.now();
        let mut store = Store::default();
        for r in &mut world.regions {
            for mut s in std::mem::take(&mut r.snapshots) {
                s.region_id.clone_from(&r.region_id);
                store.insert_snapshot(s, now);
            }
            for mut g in std::mem::take(&mut r.snapshot_groups) {
                g.region_id.clone_from(&r.region_id);
                store.insert_group(g, now);
            }
        }
        let mut state = State {
            world,
            store,
            clock,
            timings,
            ..State::default()
        };
        state.reindex();
        state
    }

    /// Rebuilds the id → position indexes of instances and disks (after the world changed).
    pub(crate) fn reindex(&mut self) {
        self.instance_at.clear();
        self.disk_at.clear();
        for (ri, r) in self.world.regions.iter().enumerate() {
            for (ii, inst) in r.instances.iter().enumerate() {
                self.instance_at.insert(inst.instance_id.clone(), (ri, ii));
                for (di, d) in inst.disks.iter().enumerate() {
                    let at = DiskAt {
                        region: ri,
                        instance: Some(ii),
                        index: di,
                    };
                    self.disk_at.insert(d.disk_id.clone(), at);
                }
            }
            for (di, d) in r.disks.iter().enumerate() {
                let at = DiskAt {
                    region: ri,
                    instance: None,
                    index: di,
                };
                self.disk_at.insert(d.disk_id.clone(), at);
            }
        }
    }

    /// Changes the world in place, then re-reads what the indexes hold.
    pub fn update_world<R>(&mut self, f: impl FnOnce(&mut World) -> R) -> R {
        self.settle();
        let out = f(&mut self.world);
        self.reindex();
        out
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// The instance with this id in any region: (region id, instance).
    pub(crate) fn instance(&self, id: &str) -> Option<(&str, &Instance)> {
        let (r, i) = *self.instance_at.get(id)?;
        let region = self.world.regions.get(r)?;
        Some((&region.region_id, region.instances.get(i)?))
    }

    pub(crate) fn instance_mut(&mut self, id: &str) -> Option<&mut Instance> {
        let (r, i) = *self.instance_at.get(id)?;
        self.world.regions.get_mut(r)?.instances.get_mut(i)
    }

    /// The disk with this id in any region: where it is and the disk.
    pub(crate) fn disk(&self, id: &str) -> Option<(DiskAt, &Disk)> {
        let at = *self.disk_at.get(id)?;
        let r = self.world.regions.get(at.region)?;
        let disk = match at.instance {
            Some(i) => r.instances.get(i)?.disks.get(at.index)?,
            None => r.disks.get(at.index)?,
        };
        Some((at, disk))
    }

    /// Sets an instance's status now and, after `after`, to `then` (at once when zero).
    pub(crate) fn transition(&mut self, id: &str, now_status: &str, then: &str) {
        let after = self.timings.instance_transition;
        if let Some(key) = self.transition_of.remove(id) {
            self.transitions.remove(&key);
        }
        let immediate = after.is_zero();
        if let Some(inst) = self.instance_mut(id) {
            inst.status = if immediate { then } else { now_status }.to_owned();
        }
        if !immediate {
            self.transition_seq += 1;
            let key = (self.now() + after, self.transition_seq);
            self.transitions
                .insert(key, (id.to_owned(), then.to_owned()));
            self.transition_of.insert(id.to_owned(), key);
        }
    }

    /// Ends the transitional states that are due (only those: no scan over all instances).
    pub(crate) fn settle(&mut self) {
        let now = self.now();
        while let Some(entry) = self.transitions.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let (id, status) = entry.remove();
            self.transition_of.remove(&id);
            if let Some(inst) = self.instance_mut(&id) {
                inst.status = status;
            }
        }
    }

    /// The whole state as a world file: the world with every snapshot and group put back in its
    /// region, statuses and progress as of the emulator's clock.
    pub fn dump(&mut self) -> World {
        self.settle();
        let now = self.now();
        let mut world = self.world.clone();
        for s in self.store.all_snapshots(now) {
            if let Some(r) = world
                .regions
                .iter_mut()
                .find(|r| r.region_id == s.region_id)
            {
                r.snapshots.push(s);
            }
        }
        for g in self.store.all_groups(now) {
            if let Some(r) = world
                .regions
                .iter_mut()
                .find(|r| r.region_id == g.region_id)
            {
                r.snapshot_groups.push(g);
            }
        }
        world
    }
}
