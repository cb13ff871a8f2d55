//! Rules between top-level params, read from the sentences the prose reader left as notes:
//! `At least one of SourceGroupId and SourceCidrIp must be specified.` (any of) and
//! `This parameter is required if you specify the VpcId parameter.` (one needs another),
//! `The InstanceId and RenewalStatus parameters cannot be empty at the same time.` (any of) and
//! `The StartTime and EndTime parameters must be specified at the same time.` (together). A
//! sentence becomes a relation only when every param it needs is named and top-level; it then
//! leaves the param's notes, and the operation holds it with its line. Sentences with a case the
//! reader cannot evaluate (`If you want to query ...`) stay notes.

use std::sync::LazyLock;

use ecs_rules::Relation;
use regex::Regex;

use crate::spec::{Operation, RelationRule};

static ANY_OF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:note:\s*)?(?:you must (?:specify|set) at least one of\b|at least one of\b.*\bmust be (?:specified|set)|either\b.*\bor\b.*\bmust be (?:specified|set)|you must (?:specify|set) either\b.*\bor\b|you must (?:specify|set) (?:the )?`?[A-Za-z][\w.]*`? or (?:the )?`?[A-Za-z][\w.]*`?(?: parameter)?(?: to [^,]+)?\.?$|(?:the )?[^,]+\band\b[^,]+ cannot (?:both )?be (?:empty|left empty)(?: at the same time)?\.?$)")
        .expect("valid")
});
/// `The StartTime and EndTime parameters must be specified at the same time.`
static TOGETHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:note:\s*)?(?:the )?[^,]+\band\b[^,]+ must (?:both )?be (?:specified|set|configured) (?:at the same time|together)\.?$")
        .expect("valid")
});
/// `This parameter is required if you specify the VpcId parameter.`
static REQUIRED_IF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^this parameter is required (?:if|when) you specify (?:the )?`?([A-Za-z][\w]*)`?(?: parameter)?\.?$")
        .expect("valid")
});
/// `If you specify this parameter, you must also specify VpcId.`
static ALSO_SPECIFY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:if|when) you specify this parameter, you must also specify (?:the )?`?([A-Za-z][\w]*)`?(?: parameter)?\.?$")
        .expect("valid")
});

/// Moves the notes that state a relation between top-level params into `op.relations`.
pub fn read(op: &mut Operation) {
    // A top-level param by its wire name or its doc name (`PrivateIpAddress.N`).
    let top: Vec<(String, String)> = op
        .request
        .iter()
        .map(|p| (p.wire_name.clone(), p.doc_name.clone()))
        .collect();
    let find = |word: &str| {
        top.iter()
            .find(|(w, d)| w == word || d == word)
            .map(|(w, _)| w.clone())
    };
    let mut found: Vec<RelationRule> = Vec::new();
    for p in &mut op.request {
        let own = p.wire_name.clone();
        p.unparsed.retain(|note| {
            let text = note.text.trim();
            let group = |text: &str| {
                let mut params: Vec<String> = Vec::new();
                for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')) {
                    if let Some(w) = find(word.trim_end_matches('.'))
                        && !params.contains(&w)
                    {
                        params.push(w);
                    }
                }
                // Every name the sentence lists must be a param, or a group is missing one.
                let listed = text.matches(" and ").count() + text.matches(" or ").count() + 1;
                (params.len() >= 2 && params.len() == listed).then(|| {
                    params.sort();
                    params
                })
            };
            let relation = if ANY_OF.is_match(text) {
                group(text).map(|params| Relation::AnyOf { params })
            } else if TOGETHER.is_match(text) {
                group(text).map(|params| Relation::Together { params })
            } else if let Some(c) = REQUIRED_IF.captures(text) {
                find(&c[1])
                    .filter(|w| *w != own)
                    .map(|param| Relation::Requires {
                        param,
                        needs: own.clone(),
                    })
            } else if let Some(c) = ALSO_SPECIFY.captures(text) {
                find(&c[1])
                    .filter(|w| *w != own)
                    .map(|needs| Relation::Requires {
                        param: own.clone(),
                        needs,
                    })
            } else {
                None
            };
            match relation {
                Some(relation) => {
                    if !found.iter().any(|r| r.relation == relation) {
                        found.push(RelationRule {
                            relation,
                            line: note.line,
                            text: note.text.clone(),
                        });
                    }
                    false
                }
                None => true,
            }
        });
    }
    op.relations.extend(found);
}
