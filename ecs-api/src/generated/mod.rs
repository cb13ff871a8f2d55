// placeholder
pub mod create_snapshot_group;
pub use create_snapshot_group::{CreateSnapshotGroup, CreateSnapshotGroupError, CreateSnapshotGroupInput, CreateSnapshotGroupOutput, CreateSnapshotGroupRequest};
