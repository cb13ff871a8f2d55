//! A local ECS RPC endpoint answering every documented action: V2 and V3 signature checks and
//! the generated validation for all of them; the actions of [`MODELLED_ACTIONS`] run against one
//! state (snapshot groups, snapshots, disks and instances with the pages' rules, progressing over
//! time by a clock tests can freeze or advance); every other
//! action is answered from its page's example response, marked by the [`UNMODELLED_HEADER`] header
//! and in the request log, or refused with [`EmulatorBuilder::strict_actions`]. Scriptable faults.
//! Listens on 127.0.0.1 for tests and demos.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emu = ecs_emulator::start_default().await?;
//! println!("{}", emu.url());
//! emu.fail_next(Some("CreateSnapshotGroup"), 1, ecs_emulator::Fault::InternalError);
//! emu.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod actions;
mod answer;
mod clock;
mod control;
mod describe;
mod errors;
mod faults;
mod group;
mod http;
mod instance;
mod log;
mod paging;
mod protocol;
mod server;
mod snapshot;
mod state;
mod store;
pub mod world;

pub use actions::{MODELLED_ACTIONS, example_response};
pub use clock::Timings;
pub use control::ADMIN_STATE_PATH;
pub use errors::{ApiError, is_documented};
pub use faults::{Fault, RateLimit};
pub use http::Limits;
pub use log::RequestRecord;
pub use protocol::{MAX_SKEW, Scheme};
pub use server::{Emulator, EmulatorBuilder, RunningEmulator, UNMODELLED_HEADER};
pub use state::{Outcome, Snapshot, SnapshotGroup};
pub use world::World;

/// Starts an emulator with the default world on `127.0.0.1:0` (a free port).
pub async fn start_default() -> std::io::Result<RunningEmulator> {
    Emulator::builder().build().start("127.0.0.1:0").await
}
