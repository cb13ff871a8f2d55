use std::fmt;

/// A rule between params of one operation, stated at the operation level with its source line
/// (`At least one of SourceGroupId and SourceCidrIp must be specified.`). Params are wire names.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "relation", rename_all = "snake_case")
)]
pub enum Relation {
    /// At least one of these params must be set.
    AnyOf { params: Vec<String> },
    /// When `param` is set, `needs` must be set too.
    Requires { param: String, needs: String },
    /// Set all of these or none (`X and Y must be specified at the same time`).
    Together { params: Vec<String> },
}

impl Relation {
    pub fn kind(&self) -> crate::RuleKind {
        match self {
            Relation::AnyOf { .. } => crate::RuleKind::AnyOf,
            Relation::Requires { .. } => crate::RuleKind::Requires,
            Relation::Together { .. } => crate::RuleKind::Together,
        }
    }

    /// Every param the relation names.
    pub fn params(&self) -> Vec<&str> {
        match self {
            Relation::AnyOf { params } | Relation::Together { params } => {
                params.iter().map(String::as_str).collect()
            }
            Relation::Requires { param, needs } => vec![param, needs],
        }
    }
}

/// The one wording, as violations and rustdoc print it.
impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Relation::AnyOf { params } => write!(f, "set at least one of {}", params.join(", ")),
            Relation::Requires { param, needs } => write!(f, "{param} needs {needs}"),
            Relation::Together { params } => write!(f, "set all or none of {}", params.join(", ")),
        }
    }
}
