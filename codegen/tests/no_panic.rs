//! Whatever the input, the parser answers with a spec or a `ParseError`, never a panic.

use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    include_str!("fixtures/style_2019.md"),
    include_str!("fixtures/legacy.md"),
    include_str!("fixtures/response_shapes.md"),
    include_str!("fixtures/code_fence_cell.md"),
    include_str!("fixtures/case_collision.md"),
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize),
    Duplicate(usize),
    InsertPipe(usize, usize),
    InsertText(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(l, c)| Mutation::InsertPipe(l, c)),
        (any::<usize>(), "[|`\\\\ \u{a0}└*#-]{1,4}").prop_map(|(l, s)| Mutation::InsertText(l, s)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match m {
            Mutation::Delete(i) => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let line = lines[i % n].clone();
                lines.insert(i % n, line);
            }
            Mutation::InsertPipe(i, c) => {
                let line = &mut lines[i % n];
                let at = line
                    .char_indices()
                    .map(|(b, _)| b)
                    .nth(c % (line.chars().count() + 1))
                    .unwrap_or(line.len());
                line.insert(at, '|');
            }
            Mutation::InsertText(i, s) => lines.insert(i % n, s.clone()),
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = codegen::parse_doc("fuzz.md", &text);
    }

    #[test]
    fn table_like_text_never_panics(text in "(# [A-Za-z]{1,8}\n)?(## (Request parameters|Response parameters|Error codes|Examples)\n)?([|` \\-:a-zA-Z0-9.└\u{a0}\n]{0,60}\n){0,12}") {
        let _ = codegen::parse_doc("fuzz.md", &text);
    }

    #[test]
    fn mutated_fixtures_never_panic(which in 0..FIXTURES.len(), mutations in proptest::collection::vec(mutation(), 1..8)) {
        let text = mutate(FIXTURES[which], &mutations);
        let _ = codegen::parse_doc("fuzz.md", &text);
    }
}

/// A page built from the given names: request params, response fields and error codes.
fn page(op: &str, params: &[String], fields: &[String], codes: &[String]) -> String {
    let mut doc = format!(
        "# {op}\n\nDoes things.\n\n## Request parameters\n\n|Parameter|Type|Required|Example|Description|\n|---------|----|--------|-------|-----------|\n|RegionId|String|Yes|cn-hangzhou|The region.|\n"
    );
    for (i, p) in params.iter().enumerate() {
        let ty = ["String", "Integer", "Boolean", "Array of String"][i % 4];
        doc.push_str(&format!("|{p}|{ty}|No|x|About {p}.|\n"));
    }
    doc.push_str("\n## Response parameters\n\n|Parameter|Type|Example|Description|\n|---------|----|-------|-----------|\n|RequestId|String|1|The request ID.|\n");
    for f in fields {
        doc.push_str(&format!("|{f}|String|x|About {f}.|\n"));
    }
    doc.push_str("\n## Error codes\n\n|HTTP status code|Error code|Error message|Description|\n|---|---|---|---|\n");
    for c in codes {
        doc.push_str(&format!("|400|{c}|Bad {c}.|The {c} is bad.|\n"));
    }
    doc
}

fn common() -> codegen::overrides::CommonErrors {
    codegen::overrides::CommonErrors {
        errors: Vec::new(),
        retryable: Vec::new(),
    }
}

/// Names as hostile pages spell them: keywords in any case, digits first, non-ASCII, dots,
/// bidi controls, names that differ only in case.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "(Fn|Type|Mod|Match|Loop|Struct|Impl|Async|Crate|Self|self|Super|type|r#type|_|Ok|None|String)",
        "[A-Za-z0-9²ßÅ_.\u{202e}\u{200b}-]{1,12}",
        "[A-Z][a-zA-Z]{0,8}(\\.N\\.[A-Z][a-z]{0,5})?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the names, a page that parses is generated, and the generated tokens parse
    /// (the emitter runs them through syn and prettyplease; an error would say they do not).
    #[test]
    fn random_names_generate_code_that_parses(
        op in "[A-Za-z][A-Za-z0-9²]{0,10}|Fn|Type|Mod|Match|Loop|Struct|Impl|Async|Crate",
        params in proptest::collection::vec(name(), 0..8),
        fields in proptest::collection::vec(name(), 0..4),
        codes in proptest::collection::vec(name(), 0..4),
    ) {
        let Ok(spec) = codegen::parse_doc("fuzz.md", &page(&op, &params, &fields, &codes)) else {
            return Ok(());
        };
        let json = serde_json::to_string(&spec).unwrap();
        let source = codegen::emit::OpSource {
            spec: &spec,
            spec_path: "fuzz.json".into(),
            spec_json: &json,
            category: None,
        };
        let generated = codegen::emit::emit_crate(
            &[source],
            &common(),
            codegen::emit::Target::Standalone,
            "fuzz",
        );
        prop_assert!(generated.is_ok(), "{op} {params:?} {fields:?} {codes:?}: {}", generated.unwrap_err());
    }
}
