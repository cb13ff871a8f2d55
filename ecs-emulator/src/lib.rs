//! A local ECS RPC endpoint implementing `CreateSnapshotGroup` as the service behaves: V1 and V3
//! signature checks, the documented validation and state rules, idempotency by `ClientToken`, and
//! scriptable faults. Listens on 127.0.0.1 for tests and demos.
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

mod errors;
mod faults;
mod protocol;
mod server;
mod state;
pub mod world;

pub use errors::ApiError;
pub use faults::{Fault, RateLimit};
pub use protocol::{MAX_SKEW, Scheme};
pub use server::{Emulator, EmulatorBuilder, RunningEmulator};
pub use state::{
    MAX_DISKS_PER_GROUP, MAX_GIB_PER_GROUP, Outcome, RequestRecord, Snapshot, SnapshotGroup,
};
pub use world::World;

/// Starts an emulator with the default world on `127.0.0.1:0` (a free port).
pub async fn start_default() -> std::io::Result<RunningEmulator> {
    Emulator::builder().build().start("127.0.0.1:0").await
}
