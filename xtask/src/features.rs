//! The `[features]` table of `ecs-api/Cargo.toml`: one feature per doc category, written by regen
//! between two marker lines so that the rest of the manifest stays hand-written.

use std::collections::BTreeMap;

use crate::{Error, Result};

pub const BEGIN: &str = "# @generated features: `cargo xtask regen` writes from here";
pub const END: &str = "# @generated features end";

/// The manifest with its generated block replaced. `full` turns every category on; the default
/// is `full` (see the README for why).
pub fn with_features(manifest: &str, features: &BTreeMap<String, String>) -> Result<String> {
    let (Some(start), Some(end)) = (manifest.find(BEGIN), manifest.find(END)) else {
        return Err(Error(format!(
            "ecs-api/Cargo.toml lacks the lines `{BEGIN}` and `{END}` that regen writes between"
        )));
    };
    let mut block = String::new();
    block.push_str(BEGIN);
    block.push('\n');
    let names: Vec<&String> = features.keys().collect();
    block.push_str(&format!(
        "full = [{}]\n",
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for (name, category) in features {
        block.push_str(&format!("# The \"{category}\" operations.\n{name} = []\n"));
    }
    let after = &manifest[end..];
    Ok(format!("{}{block}{after}", &manifest[..start]))
}
