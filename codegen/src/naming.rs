//! Wire names → Rust names: snake_case fields, UpperCamel types and error variants.

/// Rust keywords (strict, reserved and weak ones that are awkward as identifiers).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names that would shadow prelude items or are keywords in type position.
const RESERVED_TYPES: &[&str] = &[
    "Self", "Option", "Some", "None", "Result", "Ok", "Err", "String", "Vec", "Box", "Default",
];

/// Splits an identifier into lower-case words: `KMSKeyId` → `kms key id`, `regionId` →
/// `region id`, `Tag.N.Key` → `tag n key`. Digits stay attached to the word before them.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        // Letters of any script and ASCII digits make identifiers; `²` and other non-ASCII
        // numerals do not, so they separate words like punctuation.
        if !(c.is_alphabetic() || c.is_ascii_digit()) {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // `regionId`, `Ipv6Address`: boundary after a lower-case letter or digit;
            // `KMSKey`: boundary before the last capital of an acronym.
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_is_lower)
            {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// snake_case of a wire segment; keywords get a trailing `_` (`Type` → `type_`).
pub fn snake_case(name: &str) -> String {
    let mut out = words(name).join("_");
    if out.is_empty() {
        out = "field".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Field name of a request param or response field. Lists get a plural last word
/// (`ExcludeDiskId` → `exclude_disk_ids`, `Tag` → `tags`); plural names stay (`SecurityGroupIds`).
pub fn field_name(wire_name: &str, is_list: bool) -> String {
    if !is_list {
        return snake_case(wire_name);
    }
    let mut parts = words(wire_name);
    if let Some(last) = parts.last_mut() {
        *last = plural(last);
    }
    snake_case(&parts.join("_"))
}

/// English plural of one lower-case word, leaving words that already look plural alone.
pub fn plural(word: &str) -> String {
    if word.ends_with("ss") || word.ends_with('x') || word.ends_with("ch") || word.ends_with("sh") {
        format!("{word}es")
    } else if word.ends_with('s') {
        word.to_string()
    } else if word.ends_with('y')
        && !word.ends_with("ay")
        && !word.ends_with("ey")
        && !word.ends_with("oy")
        && !word.ends_with("uy")
    {
        format!("{}ies", &word[..word.len() - 1])
    } else {
        format!("{word}s")
    }
}

/// UpperCamel of a name's words: `KMSKeyId` → `KmsKeyId`, `regionId` → `RegionId`.
pub fn upper_camel(name: &str) -> String {
    let mut out = String::new();
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// Rust type name of a struct (`Tag`, `DataDisk`, `NetworkInterface`). Names that would shadow
/// prelude items get a `Type` suffix.
pub fn type_name(name: &str) -> String {
    let mut out = upper_camel(name);
    if out.is_empty() {
        out = "Unnamed".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&out.as_str()) {
        out.push_str("Type");
    }
    out
}

/// Error enum variant of an error code: `InvalidParameter.KMSKeyId.CMKNotEnabled` →
/// `InvalidParameterKmsKeyIdCmkNotEnabled`, `Throttling.User` → `ThrottlingUser`.
pub fn error_variant(code: &str) -> String {
    let mut out = upper_camel(code);
    if out.is_empty() {
        out = "Unnamed".into();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'E');
    }
    if out == "Self" {
        out.push_str("Error");
    }
    out
}

/// Makes the Rust names of `(source, rust_name)` pairs distinct, deterministically: among sources
/// that share a name, the one spelled exactly like the name keeps it (`InvalidParameter` over
/// `Invalid.Parameter`), else the first in ASCII order; the others get `2`, `3`, … in that order.
/// Returns one message per renamed source, for a lint.
pub fn resolve_collisions(pairs: &mut [(&str, &mut String)]) -> Vec<String> {
    let mut groups: std::collections::BTreeMap<String, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, (_, rust)) in pairs.iter().enumerate() {
        groups.entry(rust.to_string()).or_default().push(i);
    }
    let taken: std::collections::BTreeSet<String> = groups.keys().cloned().collect();
    let mut used = taken.clone();
    let mut messages = Vec::new();
    for (name, mut members) in groups.into_iter().filter(|(_, m)| m.len() > 1) {
        members.sort_by_key(|&i| (pairs[i].0 != name.trim_start_matches("r#"), pairs[i].0));
        let keeper = pairs[members[0]].0.to_string();
        for &i in &members[1..] {
            let mut n = 2;
            let renamed = loop {
                let candidate = format!("{name}{n}");
                if !used.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            };
            used.insert(renamed.clone());
            messages.push(format!(
                "`{keeper}` and `{}` both map to `{name}`; `{}` is `{renamed}`",
                pairs[i].0, pairs[i].0
            ));
            *pairs[i].1 = renamed;
        }
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names() {
        assert_eq!(field_name("ExcludeDiskId", true), "exclude_disk_ids");
        assert_eq!(field_name("SecurityGroupIds", true), "security_group_ids");
        assert_eq!(field_name("Tag", true), "tags");
        assert_eq!(
            field_name("InstantAccessRetentionDays", false),
            "instant_access_retention_days"
        );
        assert_eq!(field_name("KMSKeyId", false), "kms_key_id");
        assert_eq!(field_name("regionId", false), "region_id");
        assert_eq!(
            field_name("Systemdiskcategory", false),
            "systemdiskcategory"
        );
        assert_eq!(field_name("Ipv6Address", true), "ipv6_addresses");
        assert_eq!(field_name("Policy", true), "policies");
        assert_eq!(field_name("OSName", false), "os_name");
    }

    #[test]
    fn keywords_get_a_suffix() {
        assert_eq!(snake_case("Type"), "type_");
        assert_eq!(snake_case("Async"), "async_");
        assert_eq!(snake_case("Match"), "match_");
        assert_eq!(snake_case("Ref"), "ref_");
        assert_eq!(snake_case("Self"), "self_");
        assert_eq!(type_name("Self"), "SelfType");
        assert_eq!(type_name("Result"), "ResultType");
    }

    #[test]
    fn type_names() {
        assert_eq!(type_name("Tag"), "Tag");
        assert_eq!(type_name("DataDisk"), "DataDisk");
        assert_eq!(type_name("NetworkInterface"), "NetworkInterface");
        assert_eq!(type_name("regionId"), "RegionId");
    }

    #[test]
    fn error_variants() {
        assert_eq!(
            error_variant("InvalidParameter.KMSKeyId.CMKNotEnabled"),
            "InvalidParameterKmsKeyIdCmkNotEnabled"
        );
        assert_eq!(error_variant("Throttling.User"), "ThrottlingUser");
        assert_eq!(error_variant("InvalidParamater"), "InvalidParamater");
        assert_eq!(error_variant("QuotaExceed.Tags"), "QuotaExceedTags");
    }

    #[test]
    fn collisions_are_resolved_deterministically() {
        let (mut a, mut b, mut c) = (
            error_variant("Invalid.Parameter"),
            error_variant("InvalidParameter"),
            error_variant("INVALID.parameter"),
        );
        let mut pairs = [
            ("Invalid.Parameter", &mut a),
            ("InvalidParameter", &mut b),
            ("INVALID.parameter", &mut c),
        ];
        let lints = resolve_collisions(&mut pairs);
        assert_eq!(lints.len(), 2, "{lints:?}");
        // The exact spelling keeps the name; the rest follow in ASCII order.
        assert_eq!(
            (a.as_str(), b.as_str(), c.as_str()),
            ("InvalidParameter3", "InvalidParameter", "InvalidParameter2")
        );
        let (mut x, mut y) = ("a".to_string(), "b".to_string());
        assert!(resolve_collisions(&mut [("A", &mut x), ("B", &mut y)]).is_empty());
    }
}
