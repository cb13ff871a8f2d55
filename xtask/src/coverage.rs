//! How much of the pages' prose became rules: rules per kind (errors, of which some are checked
//! only when another param has a value), relations between params, warnings per kind (rules read
//! under a condition the client cannot evaluate, and `condition` rules) and the notes left
//! unparsed. Printed as one regen summary line and
//! written into `report.json`, so a maintainer sees coverage move when docs or readers change.

use std::collections::BTreeMap;

use codegen::spec::{Param, Severity, Shape, Spec};
use serde_json::json;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Rules on values that fail validation, by kind (`length`, `range`, …).
    pub rules: BTreeMap<&'static str, usize>,
    /// Of `rules`, those checked only when another param has a value (`When Category is …`).
    pub conditional: usize,
    /// Rules between params (`exclusive`, `any_of`, `requires`).
    pub relations: BTreeMap<&'static str, usize>,
    /// Rules that warn instead of failing validation, by kind.
    pub warnings: BTreeMap<&'static str, usize>,
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
            for c in &p.constraints {
                let kind = c.rule.kind().as_str();
                let warns = c.severity == Severity::Warning
                    || matches!(c.rule, codegen::spec::Rule::Condition { .. });
                if warns {
                    *self.warnings.entry(kind).or_default() += 1;
                } else {
                    *self.rules.entry(kind).or_default() += 1;
                    self.conditional += usize::from(c.only_if.is_some());
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

    /// `rules: 1083 (enum 279, …), 4 conditional; relations: 18 (…); warnings: 30 (…); notes: 796`
    pub fn line(&self) -> String {
        let list = |m: &BTreeMap<&str, usize>| {
            m.iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "rules: {} ({}), {} conditional; relations: {} ({}); warnings: {} ({}); notes: {}",
            self.rules.values().sum::<usize>(),
            list(&self.rules),
            self.conditional,
            self.relations.values().sum::<usize>(),
            list(&self.relations),
            self.warnings.values().sum::<usize>(),
            list(&self.warnings),
            self.notes
        )
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "rules": self.rules,
            "conditional": self.conditional,
            "relations": self.relations,
            "warnings": self.warnings,
            "notes": self.notes,
        })
    }
}
