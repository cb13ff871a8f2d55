//! `codegen::diff`: what changed between two versions of one reference doc.
//!
//! The docs are small fixtures under `tests/fixtures/changes/`: `v1.md` is the base, the others
//! change it in one direction (compatible, breaking, renamed) or only churn it (reordered rows,
//! renamed headers, another layout, reworded prose), which must give no API change.

use codegen::diff::{ChangeReport, Impact, diff};
use codegen::spec::Spec;

const V1: &str = include_str!("../fixtures/changes/v1.md");
const COMPATIBLE: &str = include_str!("../fixtures/changes/compatible.md");
const BREAKING: &str = include_str!("../fixtures/changes/breaking.md");
const RENAMED: &str = include_str!("../fixtures/changes/renamed.md");
const CHURN_REORDERED: &str = include_str!("../fixtures/changes/churn_reordered.md");
const CHURN_2021: &str = include_str!("../fixtures/changes/churn_2021.md");
const CHURN_2019: &str = include_str!("../fixtures/changes/churn_2019.md");

fn parse(name: &str, text: &str) -> Spec {
    // The fixtures name no service (no OpenAPI Explorer link): give it as `--product` would.
    let hint = codegen::ServiceHint {
        product: Some("Ecs".into()),
        version: Some("2014-05-26".into()),
    };
    codegen::parse_doc_with(name, text, &hint).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn report(new_name: &str, new: &str) -> ChangeReport {
    diff(&parse("v1.md", V1), &parse(new_name, new))
}

/// The (impact, subject, name, kind) of every change, for exact assertions.
fn summary(r: &ChangeReport) -> Vec<(Impact, String, String, String)> {
    r.changes
        .iter()
        .map(|c| (c.impact, c.subject.clone(), c.name.clone(), c.kind.clone()))
        .collect()
}

fn has(r: &ChangeReport, impact: Impact, subject: &str, name: &str, kind: &str) -> bool {
    r.changes
        .iter()
        .any(|c| c.impact == impact && c.subject == subject && c.name == name && c.kind == kind)
}

fn assert_only_text(r: &ChangeReport) {
    let api: Vec<_> = r
        .changes
        .iter()
        .filter(|c| c.impact != Impact::TextOnly)
        .collect();
    assert!(api.is_empty(), "churn gave API changes:\n{}", r.render());
    assert!(!r.is_breaking());
}

#[test]
fn base_doc_parses_as_expected() {
    let spec = parse("v1.md", V1);
    let op = &spec.operation;
    assert_eq!(op.name, "CreateWidgetGroup");
    let names: Vec<&str> = op.request.iter().map(|p| p.doc_name.as_str()).collect();
    for n in [
        "RegionId",
        "InstanceId",
        "Name",
        "Description",
        "RetentionDays",
        "DiskId.N",
        "Mode",
        "Force",
        "Priority",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    for p in &op.request {
        assert!(p.unparsed.is_empty(), "{}: {:?}", p.doc_name, p.unparsed);
    }
    assert_eq!(op.response.len(), 3);
    assert_eq!(op.errors.len(), 3);
}

#[test]
fn same_doc_gives_no_change() {
    let r = report("v1.md", V1);
    assert!(r.changes.is_empty(), "{}", r.render());
    assert_eq!(r.render(), "CreateWidgetGroup: no API change\n");
}

#[test]
fn compatible_changes() {
    let r = report("compatible.md", COMPATIBLE);
    insta::assert_snapshot!(r.render());
    assert!(!r.is_breaking(), "{}", r.render());
    let c = Impact::Compatible;
    assert!(has(&r, c, "param", "ClientToken", "added"));
    assert!(has(&r, c, "param", "Name", "constraint")); // length 2..128 -> 2..256
    assert!(has(&r, c, "param", "RetentionDays", "constraint")); // range widened
    assert!(has(&r, c, "param", "DiskId.N", "constraint")); // count of N widened
    assert!(has(&r, c, "param", "Mode", "constraint")); // enum value added
    assert!(has(&r, c, "param", "Mode", "default"));
    assert!(has(&r, c, "param", "Description", "constraint")); // forbidden prefix dropped
    assert!(has(&r, c, "error", "IncorrectInstanceStatus", "added"));
    assert!(has(&r, c, "error", "InvalidInstanceId.NotFound", "status"));
    assert!(has(&r, c, "response", "CreationTime", "added"));
}

#[test]
fn breaking_changes() {
    let r = report("breaking.md", BREAKING);
    insta::assert_snapshot!(r.render());
    assert!(r.is_breaking());
    let b = Impact::Breaking;
    assert!(has(&r, b, "param", "ZoneId", "added")); // a new required param
    assert!(has(&r, b, "param", "Force", "removed"));
    assert!(has(&r, b, "param", "Priority", "type")); // Integer -> String
    assert!(has(&r, b, "param", "Name", "required")); // No -> Yes
    assert!(has(&r, b, "param", "InstanceId", "required")); // Yes -> No: ctor changes
    assert!(has(&r, b, "param", "RetentionDays", "constraint")); // range narrowed
    assert!(has(&r, b, "param", "DiskId.N", "constraint")); // count narrowed
    assert!(has(&r, b, "param", "Mode", "constraint")); // enum value removed
    assert!(has(&r, b, "param", "Description", "constraint")); // forbidden prefix added
    assert!(has(&r, b, "error", "QuotaExceed.WidgetGroup", "removed"));
    assert!(has(&r, b, "response", "TotalCount", "removed"));
    assert!(has(&r, b, "response", "GroupId", "type"));
    // Name: length 2..128 -> 2..64 narrowed, plus a new `not prefix` rule: two changes.
    let name_rules = r
        .changes
        .iter()
        .filter(|c| c.name == "Name" && c.kind == "constraint" && c.impact == b)
        .count();
    assert_eq!(name_rules, 2, "{}", r.render());
    // A default change stays compatible even among breaking ones.
    assert!(has(&r, Impact::Compatible, "param", "Mode", "default"));
}

#[test]
fn similar_name_same_shape_is_a_rename() {
    let r = report("renamed.md", RENAMED);
    insta::assert_snapshot!(r.render());
    assert!(r.is_breaking());
    assert_eq!(
        summary(&r),
        vec![(
            Impact::Breaking,
            "param".into(),
            "DiskId.N".into(),
            "renamed".into()
        )]
    );
    assert_eq!(r.changes[0].new.as_deref(), Some("DiskIds.N"));
}

#[test]
fn reordered_rows_renamed_headers_and_reworded_prose_are_text_only() {
    let r = report("churn_reordered.md", CHURN_REORDERED);
    insta::assert_snapshot!(r.render());
    assert_only_text(&r);
    // Only the rows whose prose was reworded are noted; `65,536` -> `65536` is not one.
    let names: Vec<&str> = r.changes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Force", "InstanceId", "Priority", "RequestId"]);
}

#[test]
fn migration_to_2021_layout_gives_no_change() {
    let r = report("churn_2021.md", CHURN_2021);
    insta::assert_snapshot!(r.render());
    assert!(r.changes.is_empty(), "{}", r.render());
}

#[test]
fn migration_from_2019_layout_gives_no_change() {
    // Legacy layout: `{#id .section}` headings, cells that end on a line holding only ` |`,
    // `DiskId.n` for `DiskId.N` and `65536` for `65,536`.
    let r = report("churn_2019.md", CHURN_2019);
    insta::assert_snapshot!(r.render());
    assert!(r.changes.is_empty(), "{}", r.render());
    // And back again.
    let back = diff(&parse("churn_2019.md", CHURN_2019), &parse("v1.md", V1));
    assert!(back.changes.is_empty(), "{}", back.render());
}

/// One edit of the base doc at a time: exactly one API change, with this impact.
#[test]
fn single_edits_are_classified() {
    let cases: &[(&str, &str, Impact, &str, &str)] = &[
        (
            "|Priority|Integer|No|5|The priority.|",
            "|Priority|Integer|No|5|The priority.|\n|Tag|String|No|t|A tag.|",
            Impact::Compatible,
            "Tag",
            "added",
        ),
        (
            "|Priority|Integer|No|5|The priority.|",
            "|Priority|Integer|No|5|The priority.|\n|Tag|String|Yes|t|A tag.|",
            Impact::Breaking,
            "Tag",
            "added",
        ),
        (
            "|Force|Boolean|No|false|Whether to force the creation.|\n",
            "",
            Impact::Breaking,
            "Force",
            "removed",
        ),
        (
            "|Priority|Integer|",
            "|Priority|String|",
            Impact::Breaking,
            "Priority",
            "type",
        ),
        (
            "|Force|Boolean|No|",
            "|Force|Boolean|Yes|",
            Impact::Breaking,
            "Force",
            "required",
        ),
        (
            "2 to 128 characters",
            "2 to 64 characters",
            Impact::Breaking,
            "Name",
            "constraint",
        ),
        (
            "2 to 128 characters",
            "1 to 128 characters",
            Impact::Compatible,
            "Name",
            "constraint",
        ),
        (
            "Valid values: 1 to 65,536.",
            "Valid values: 2 to 65,536.",
            Impact::Breaking,
            "RetentionDays",
            "constraint",
        ),
        (
            "Valid values: 1 to 65,536.",
            "Valid values: 0 to 65,536.",
            Impact::Compatible,
            "RetentionDays",
            "constraint",
        ),
        (
            "Valid values of N: 1 to 16.",
            "Valid values of N: 1 to 10.",
            Impact::Breaking,
            "DiskId.N",
            "constraint",
        ),
        (
            "Valid values: Fast and Safe.",
            "Valid values: Fast, Safe, and Slow.",
            Impact::Compatible,
            "Mode",
            "constraint",
        ),
        (
            "Valid values: Fast and Safe.",
            "Valid values: Fast and Slow.",
            Impact::Breaking,
            "Mode",
            "constraint",
        ),
        (
            "cannot start with `http://`.",
            "cannot start with `http://` or `https://`.",
            Impact::Breaking,
            "Description",
            "constraint",
        ),
        (
            "Default value: Fast.",
            "Default value: Safe.",
            Impact::Compatible,
            "Mode",
            "default",
        ),
        (
            "|400|InvalidName.Malformed|",
            "|403|InvalidName.Malformed|",
            Impact::Compatible,
            "InvalidName.Malformed",
            "status",
        ),
        (
            "|403|QuotaExceed.WidgetGroup|The widget group quota is exceeded.|The quota of widget groups is exceeded.|\n",
            "",
            Impact::Breaking,
            "QuotaExceed.WidgetGroup",
            "removed",
        ),
        (
            "|400|InvalidName.Malformed|The specified name is malformed.|The name is not valid.|",
            "|400|InvalidName.Malformed|The specified name is malformed.|The name is not valid.|\n|400|InvalidMode.ValueNotSupported|The mode is not supported.|Bad mode.|",
            Impact::Compatible,
            "InvalidMode.ValueNotSupported",
            "added",
        ),
        (
            "|TotalCount|Integer|1|",
            "|TotalCount|String|1|",
            Impact::Breaking,
            "TotalCount",
            "type",
        ),
        (
            "|TotalCount|Integer|1|The number of widgets.|\n",
            "",
            Impact::Breaking,
            "TotalCount",
            "removed",
        ),
        (
            "|TotalCount|Integer|1|The number of widgets.|",
            "|TotalCount|Integer|1|The number of widgets.|\n|Status|String|Ready|The status.|",
            Impact::Compatible,
            "Status",
            "added",
        ),
    ];
    let old = parse("v1.md", V1);
    for (from, to, impact, name, kind) in cases {
        assert!(V1.contains(from), "fixture lacks {from:?}");
        let new = parse("edited.md", &V1.replacen(from, to, 1));
        let r = diff(&old, &new);
        let api: Vec<_> = r
            .changes
            .iter()
            .filter(|c| c.impact != Impact::TextOnly)
            .collect();
        assert_eq!(api.len(), 1, "{from:?} -> {to:?}:\n{}", r.render());
        let c = api[0];
        assert_eq!(
            (c.impact, c.name.as_str(), c.kind.as_str()),
            (*impact, *name, *kind),
            "{from:?} -> {to:?}:\n{}",
            r.render()
        );
        assert_eq!(r.is_breaking(), *impact == Impact::Breaking);
    }
}

#[test]
fn thousands_separator_is_not_a_change() {
    let new = V1.replace("1 to 65,536.", "1 to 65536.");
    let r = report("edited.md", &new);
    assert!(r.changes.is_empty(), "{}", r.render());
}

#[test]
fn rules_between_params_are_classified() {
    let from = "|Priority|Integer|No|5|The priority.|";
    let to = "|Priority|Integer|No|5|The priority. At least one of Name and Description must be specified.|";
    let (old, new) = (
        parse("v1.md", V1),
        parse("edited.md", &V1.replacen(from, to, 1)),
    );
    let relation = |r: &ChangeReport, impact: Impact, kind: &str| {
        r.changes.iter().any(|c| {
            (c.impact, c.subject.as_str(), c.kind.as_str()) == (impact, "relation", kind)
                && c.name.contains("Name")
                && c.name.contains("Description")
        })
    };
    let added = diff(&old, &new);
    assert!(
        relation(&added, Impact::Breaking, "added"),
        "{}",
        added.render()
    );
    assert!(added.is_breaking());
    let removed = diff(&new, &old);
    assert!(
        relation(&removed, Impact::Compatible, "removed"),
        "{}",
        removed.render()
    );
    assert!(!removed.is_breaking(), "{}", removed.render());
}

#[test]
fn rules_under_each_case_compare_apart_and_a_warning_never_breaks() {
    let from = "|Priority|Integer|No|5|The priority.|";
    let edit = |desc: &str| {
        let to = format!("|Priority|Integer|No|5|The priority. {desc}|");
        parse("edited.md", &V1.replacen(from, &to, 1))
    };
    let cases = edit(
        "When Mode is set to Fast, valid values of Priority are 1 to 5. When Mode is set to Safe, valid values of Priority are 1 to 9.",
    );
    // Two new rules, one per case, both breaking; each names its case.
    let added = diff(&parse("v1.md", V1), &cases);
    let texts: Vec<String> = added
        .changes
        .iter()
        .filter(|c| c.kind == "constraint" && c.name == "Priority")
        .map(|c| format!("{:?} {}", c.impact, c.new.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        texts,
        [
            "Breaking value 1 to 5 (when: When Mode is set to Fast)",
            "Breaking value 1 to 9 (when: When Mode is set to Safe)",
        ],
        "{}",
        added.render()
    );
    // Narrowing one case is a change of that case alone.
    let narrowed = edit(
        "When Mode is set to Fast, valid values of Priority are 1 to 5. When Mode is set to Safe, valid values of Priority are 1 to 8.",
    );
    let changed = diff(&cases, &narrowed);
    assert_eq!(
        summary(&changed)
            .into_iter()
            .filter(|c| c.3 == "constraint")
            .collect::<Vec<_>>(),
        [(
            Impact::Breaking,
            "param".into(),
            "Priority".into(),
            "constraint".into()
        )],
        "{}",
        changed.render()
    );
    // A rule under a condition the client cannot evaluate only warns: compatible.
    let warned = edit("For Windows instances, valid values of Priority are 1 to 5.");
    let report = diff(&parse("v1.md", V1), &warned);
    assert!(!report.is_breaking(), "{}", report.render());
    assert!(
        has(
            &report,
            Impact::Compatible,
            "param",
            "Priority",
            "constraint"
        ),
        "{}",
        report.render()
    );
}
