//! Typed, validated, correctly signed client for the Alibaba Cloud ECS API.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = ecs_api::Client::new(ecs_api::Config::from_env().await?);
//! let out = client
//!     .create_snapshot_group("i-bp1example")
//!     .exclude_disk_id("d-bp1example")
//!     .name("nightly")
//!     .send()
//!     .await?;
//! println!("{}", out.snapshot_group_id.unwrap_or_default());
//! # Ok(())
//! # }
//! ```

// The derives name `::ecs_api::…`; this lets them work inside this crate too.
extern crate self as ecs_api;

pub mod client;
pub mod config;
pub mod credentials;
pub mod de;
pub mod error;
pub mod generated;
pub mod operation;
pub mod retry;
pub mod signer;
pub mod wire;

pub use ecs_api_derive::{FromParams, ToParams, Validate};
pub use generated::*;

pub use client::{CallOptions, Client};
pub use config::Config;
pub use credentials::Credentials;
pub use error::SdkError;
pub use retry::RetryConfig;
pub use signer::SignatureVersion;

/// Paths the derives use; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use regex;
    pub use serde;
    pub use serde_json;
}
