//! One fact, one place: every error code the emulator answers with is one the generated code
//! documents (the CreateSnapshotGroup page or the common table), so its HTTP status and message
//! come from there and cannot drift from what the client knows.

use std::path::Path;

/// The string literals passed to `ApiError::of(..)` / `ApiError::with_message(..)` in the source.
fn codes_in(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(codes_in(&path));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["ApiError::of(", "ApiError::with_message("] {
            for (i, _) in text.match_indices(marker) {
                let rest = text[i + marker.len()..].trim_start();
                if let Some(lit) = rest.strip_prefix('"')
                    && let Some(end) = lit.find('"')
                {
                    out.push((path.display().to_string(), lit[..end].to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_code_the_emulator_answers_is_documented() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let codes = codes_in(&src);
    assert!(
        codes.len() > 10,
        "the scan found the emulator's codes: {codes:?}"
    );
    let undocumented: Vec<_> = codes
        .iter()
        .filter(|(_, code)| !ecs_emulator::is_documented(code))
        .collect();
    assert!(undocumented.is_empty(), "{undocumented:?}");
}
