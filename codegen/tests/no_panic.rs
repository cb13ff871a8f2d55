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
