//! What a test or an operator controls besides the ECS API: the clock, timings, the state dump
//! (in process, and over HTTP at [`ADMIN_STATE_PATH`] when the builder turns it on).

use std::time::Duration;

use crate::clock::Timings;
use crate::http::{Reply, Request};
use crate::server::{EmulatorBuilder, RunningEmulator, Shared, build_reply, lock};
use crate::world::World;

/// `GET` here answers the state dump (as [`RunningEmulator::state`], JSON) when the admin endpoint
/// is on. ECS RPC calls all go to `/`, so no action can collide with it.
pub const ADMIN_STATE_PATH: &str = "/_emulator/state";

impl EmulatorBuilder {
    /// How long snapshots take and transitional instance states last (default
    /// [`Timings::default`]; [`Timings::instant`] for none).
    pub fn timings(mut self, timings: Timings) -> Self {
        self.timings = timings;
        self
    }
    /// Serves the state dump at [`ADMIN_STATE_PATH`] (default: off, the path answers like any
    /// other non-ECS request).
    pub fn admin_endpoint(mut self, on: bool) -> Self {
        self.admin = on;
        self
    }
}

impl RunningEmulator {
    /// Moves the emulator's clock forward: snapshots progress and transitional states end as if
    /// that much time had passed. Request signing keeps real time.
    pub fn advance_clock(&self, by: Duration) {
        lock(&self.shared.state).clock.advance(by);
    }
    /// Stops the emulator's clock: nothing progresses until [`RunningEmulator::resume_clock`] or
    /// [`RunningEmulator::advance_clock`].
    pub fn freeze_clock(&self) {
        lock(&self.shared.state).clock.freeze();
    }
    pub fn resume_clock(&self) {
        lock(&self.shared.state).clock.resume();
    }
    /// The whole state as a world file (snapshots and groups in their regions, statuses as of the
    /// emulator's clock): `World::from_json` of its JSON starts an emulator in the same state.
    pub fn state(&self) -> World {
        lock(&self.shared.state).dump()
    }
    /// [`RunningEmulator::state`] as JSON.
    pub fn state_json(&self) -> serde_json::Value {
        serde_json::to_value(self.state()).unwrap_or_default()
    }
}

/// The admin answer for a request to [`ADMIN_STATE_PATH`], when the endpoint is on.
pub(crate) fn admin_answer(shared: &Shared, request: &Request) -> Option<Reply> {
    let path = request.target.split('?').next().unwrap_or_default();
    if !shared.admin || path != ADMIN_STATE_PATH {
        return None;
    }
    if request.method != "GET" {
        let body = r#"{"Code":"UnsupportedHTTPMethod","Message":"GET only"}"#.to_owned();
        return Some(build_reply(405, "application/json", body, "admin", None));
    }
    let world = lock(&shared.state).dump();
    let body = serde_json::to_string(&world).unwrap_or_default();
    Some(build_reply(
        200,
        "application/json;charset=utf-8",
        body,
        "admin",
        None,
    ))
}
