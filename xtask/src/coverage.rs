//! How much of the pages' prose became rules: rules per kind, relations between params, warnings
//! (rules that only ever warn) and the notes left unparsed. Printed as one regen summary line and
//! written into `report.json`, so a maintainer sees coverage move when docs or readers change.

use std::collections::BTreeMap;

use codegen::spec::{Param, Shape, Spec};
use serde_json::json;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Rules on values, by kind (`length`, `range`, …).
    pub rules: BTreeMap<&'static str, usize>,
    /// Rules between params (`exclusive`, `any_of`, `requires`).
    pub relations: BTreeMap<&'static str, usize>,
    /// Rules that warn instead of failing validation.
    pub warnings: usize,
    /// Sentences that look like rules and were left as notes.
    pub notes: usize,
}

impl Coverage {
    pub fn of<'a>(specs: impl IntoIterator<Item = &'a Spec>) -> Coverage {
        let mut c = Coverage::default();
        for spec in specs {
            let op = &spec.operation;
            c.params(&op.request);
            for r in &op.relations {
                *c.relations.entry(r.relation.kind().as_str()).or_default() += 1;
            }
            if !op.exclusive.is_empty() {
                *c.relations.entry("exclusive").or_default() += op.exclusive.len();
            }
        }
        c
    }

    fn params(&mut self, params: &[Param]) {
        for p in params {
            self.notes += p.unparsed.len();
            for rule in p.constraints.iter().map(|c| &c.rule) {
                *self.rules.entry(rule.kind().as_str()).or_default() += 1;
                if matches!(rule, codegen::spec::Rule::Condition { .. }) {
                    self.warnings += 1;
                }
            }
            match &p.shape {
                Shape::Struct { members, .. } => self.params(members),
                Shape::List { item, .. } => {
                    if let Shape::Struct { members, .. } = item.as_ref() {
                        self.params(members)
                    }
                }
                Shape::Scalar { .. } => {}
            }
        }
    }

    /// `rules: 1083 (enum 279, …); relations: 18 (…); warnings: 21; notes: 796`
    pub fn line(&self) -> String {
        let list = |m: &BTreeMap<&str, usize>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "rules: {} ({}); relations: {} ({}); warnings: {}; notes: {}",
            self.rules.values().sum::<usize>(),
            list(&self.rules),
            self.relations.values().sum::<usize>(),
            list(&self.relations),
            self.warnings,
            self.notes
        )
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "rules": self.rules,
            "relations": self.relations,
            "warnings": self.warnings,
            "notes": self.notes,
        })
    }
}
