//! Rules stated under a condition: `For Windows instances, the password cannot start with /.`,
//! `When Category is cloud_essd, the value ranges from 20 to 32768.`, or bullets under
//! `For Linux instances,`. The rule is read with the same readers and the same scope test as an
//! unconditional one, and keeps the condition's text. A condition naming a sibling param and a
//! value is one the runtime evaluates: the rule is an error checked only then. Any other condition
//! makes it a warning. A sentence the readers find no rule in, or whose subject is not the
//! param's value, stays a note; words left over keep it as a note too, as they do unconditionally.

use std::sync::LazyLock;

use regex::Regex;

use super::patterns::{QUALIFIED, VALUES_CASE, has_trigger};
use super::scope::Scope;
use super::sentence::read_sentence;
use super::{ParamInfo, ProseFacts, is_literal_value, normalize_name};
use crate::doc::TextLine;
use crate::spec::{ParamValue, Rule, Severity, SourceText};

/// Openings that read like a condition but introduce an example, a reference or an aside.
static NOT_A_CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:note:\s*)?(?:for (?:example|instance|more information|information|details)|in (?:addition|this case|other words|most cases|general)|on the (?:contrary|other hand))\b",
    )
    .expect("static regex")
});

/// `When the Category parameter is set to cloud_essd`, `If you set Category to cloud_essd`.
static PARAM_IS: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        Regex::new(
            r"(?i)^(?:when|if) (?:the )?`?([A-Za-z][\w.]*)`?(?: parameter)? (?:is set to|is|equals) `?'?([^\s`',]+?)`?'?$",
        )
        .expect("static regex"),
        Regex::new(
            r"(?i)^(?:when|if) you set (?:the )?`?([A-Za-z][\w.]*)`?(?: parameter)? to `?'?([^\s`',]+?)`?'?$",
        )
        .expect("static regex"),
    ]
});

/// `For Windows instances, the password ...` → (`For Windows instances`, `the password ...`):
/// the condition ends at the first comma. `None` for openings that are no condition.
pub(super) fn split(sentence: &str) -> Option<(&str, &str)> {
    if NOT_A_CONDITION.is_match(sentence) || !QUALIFIED.is_match(sentence) {
        return None;
    }
    let (cond, body) = sentence.split_once(", ")?;
    let cond = strip_note(cond);
    (!cond.is_empty() && !body.trim().is_empty()).then_some((cond, body.trim()))
}

/// `Valid values: 1 to 3 when PeriodUnit is Year.` → (`when PeriodUnit is Year`, `Valid values: 1
/// to 3`), or `... 2 to 15 characters in length for Windows instances.`: a condition at the end
/// of a sentence, after which nothing follows. `only when` and
/// `required if` are the condition and requirement phrasings of their own readers, not this.
pub(super) fn split_trailing(sentence: &str) -> Option<(&str, &str)> {
    let caps = TRAILING.captures(sentence)?;
    let (body, cond) = (caps.get(1)?, caps.get(2)?);
    let before = body.as_str().trim_end().to_ascii_lowercase();
    // `the time when snapshots are released` is a relative clause, not a condition.
    let own_phrasing = [
        "only",
        "required",
        "valid",
        "effective",
        "available",
        "used",
        "ignored",
        "time",
        "date",
        "moment",
        "point",
        "period",
    ]
    .iter()
    .any(|w| before == *w || before.ends_with(&format!(" {w}")));
    (!own_phrasing && !body.as_str().trim().is_empty())
        .then(|| (cond.as_str(), body.as_str().trim()))
}

static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(.*\S)\s+((?:when|if|unless) [^,;:()]+?|(?:for|on) (?:[\w/-]+ ){0,3}(?:instances?|images?|disks?|(?:operating )?systems?|accounts?|regions?|zones?|networks?))\.?$",
    )
    .expect("static regex")
});

/// The condition a case opener states (`For Linux instances,`, `When X is Y, ... rules:`).
pub(super) fn case_condition(text: &str) -> Option<String> {
    if NOT_A_CONDITION.is_match(text) || !QUALIFIED.is_match(text) {
        return None;
    }
    let cond = match text.split_once(", ") {
        Some((cond, _)) => cond,
        None => text.trim_end_matches([',', ':']),
    };
    let cond = strip_note(cond.trim());
    (!cond.is_empty()).then(|| cond.to_string())
}

fn strip_note(text: &str) -> &str {
    let t = text.trim();
    match t.get(..5) {
        Some(head) if head.eq_ignore_ascii_case("note:") => t[5..].trim_start(),
        _ => t,
    }
}

/// The sibling param (same level, single value) and value a condition names, when it says only
/// that.
pub(super) fn param_value(info: &ParamInfo, cond: &str) -> Option<ParamValue> {
    let cond = cond.trim().trim_end_matches('.');
    let caps = PARAM_IS.iter().find_map(|re| re.captures(cond))?;
    let (mention, value) = (caps.get(1)?.as_str(), caps.get(2)?.as_str());
    let value = value.trim_matches(['"', '\'', '`']);
    if !is_literal_value(value) {
        return None;
    }
    let param = sibling(info, mention)?;
    Some(ParamValue {
        param,
        equals: value.to_string(),
    })
}

/// A request param at the param's own level (`DataDisk.N.Category` next to `DataDisk.N.Size`),
/// named in full or by its last segment; never a list, never the param itself.
fn sibling(info: &ParamInfo, mention: &str) -> Option<String> {
    let parent = |name: &str| {
        name.rsplit_once('.')
            .map_or(String::new(), |(p, _)| p.into())
    };
    let own = normalize_name(info.name);
    let level = parent(&own);
    let wanted = normalize_name(mention.trim_end_matches('.'));
    info.known
        .iter()
        .find(|k| {
            let nk = normalize_name(k);
            let last = nk.rsplit('.').next().unwrap_or(&nk).to_string();
            nk != own
                && !nk.ends_with(".n")
                && parent(&nk) == level
                && (nk == wanted || (!wanted.contains('.') && last == wanted))
        })
        .cloned()
}

/// Reads `body`, stated under `cond`, into `facts`: its rules with the condition when the body is
/// about the param's own value and fully understood; else `whole` as a note (when it reads like
/// a rule).
pub(super) fn read_under(
    facts: &mut ProseFacts,
    info: &ParamInfo,
    scope: &mut Scope,
    (cond, body, whole): (&str, &str, &str),
    line: usize,
) {
    let mut read = ProseFacts::default();
    let understood = !QUALIFIED.is_match(body) && scope.is_own(body) && {
        let cx = super::sentence::Context {
            own: true,
            ..Default::default()
        };
        read_sentence(&mut read, info, body, line, cx);
        read.deprecated.is_none()
            && read.exclusive.is_empty()
            && !read.constraints.is_empty()
            && !read
                .constraints
                .iter()
                .any(|c| matches!(c.rule, Rule::Condition { .. }))
    };
    let note = || SourceText {
        text: whole.to_string(),
        line,
    };
    if !understood {
        if has_trigger(whole) {
            facts.unparsed.push(note());
        }
        return;
    }
    // As for an unconditional sentence: what is left over (or a default, which under a
    // condition is no default of the param) keeps the sentence as a note too.
    if !read.unparsed.is_empty() || read.default.is_some() {
        facts.unparsed.push(note());
    }
    let only_if = param_value(info, cond);
    for mut c in read.constraints {
        c.when = Some(cond.to_string());
        c.severity = if only_if.is_some() {
            Severity::Error
        } else {
            Severity::Warning
        };
        c.only_if = only_if.clone();
        facts.constraints.push(c);
    }
}

/// Bullets under `Valid values:` that each give the values of one case (`Valid values when
/// PeriodUnit is set to Month: 1, 2, and 3`, `When PeriodUnit is Week, the valid values of Period
/// are 1 to 4`): each case is read as a rule under its condition, at its own line. A bullet that
/// is no case, or whose values are not understood, is kept as a note with the header. `false`
/// (nothing read) when no bullet states a case.
pub(super) fn value_cases(
    facts: &mut ProseFacts,
    info: &ParamInfo,
    scope: &mut Scope,
    header: &str,
    items: &[&TextLine],
) -> bool {
    let cases: Vec<Option<(String, String)>> = items.iter().map(|l| value_case(&l.text)).collect();
    if cases.iter().all(Option::is_none) {
        return false;
    }
    for (item, case) in items.iter().zip(cases) {
        let whole = format!("{header} - {}", item.text);
        match case {
            Some((cond, body)) => read_under(facts, info, scope, (&cond, &body, &whole), item.line),
            None => facts.unparsed.push(SourceText {
                text: whole,
                line: item.line,
            }),
        }
    }
    true
}

/// The condition and the rule of one case bullet, the rule worded as a sentence of its own.
fn value_case(item: &str) -> Option<(String, String)> {
    let item = item.trim().trim_end_matches('.');
    if let Some(caps) = VALUES_CASE.captures(item) {
        let cond = caps.get(1)?.as_str().trim();
        let mut chars = cond.chars();
        let cond: String = chars.next()?.to_uppercase().chain(chars).collect();
        return Some((
            cond,
            format!("Valid values: {}.", caps.get(2)?.as_str().trim()),
        ));
    }
    let (cond, body) = split(item)?;
    let opens = ["when ", "if "].iter().any(|w| {
        cond.get(..w.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(w))
    });
    opens.then(|| (cond.to_string(), format!("{body}.")))
}
