//! Command-line parsing, aliyun CLI style: `ecs <Action> [--<WireName> VALUE]... [own flags]`.
//!
//! The CLI's own flags are lower-case (`--region`); wire params start with an upper-case letter
//! (`--RegionId`, `--Tag.1.Key`), which is how the two are told apart. Wire params are kept
//! verbatim and in order.

use ecs_api::SignatureVersion;

/// What the command line asked for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub action: Option<String>,
    /// Wire params, verbatim, in the order given.
    pub params: Vec<(String, String)>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub signature: Option<SignatureVersion>,
    pub all_pages: bool,
    pub max_attempts: Option<u32>,
    pub emulator: bool,
    pub help: bool,
    pub list: bool,
}

/// Parses the arguments after the program name. The error is a one-line message (exit 2).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut a = Args::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if arg == "-h" {
            a.help = true;
            continue;
        }
        let Some(flag) = arg.strip_prefix("--") else {
            if arg.starts_with('-') && arg.len() > 1 {
                return Err(format!("unknown option {arg}"));
            }
            if let Some(action) = &a.action {
                return Err(format!(
                    "unexpected argument {arg:?} after the action {action} (parameters are --Name VALUE)"
                ));
            }
            a.action = Some(arg);
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (flag, None),
        };
        if name.is_empty() {
            return Err(format!("unexpected argument {arg:?}"));
        }
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            let value = match inline {
                Some(v) => v,
                // A following `--flag` means the value was left out, not a value.
                None => match it.next() {
                    Some(v) if !v.starts_with("--") => v,
                    _ => {
                        return Err(format!(
                            "--{name} needs a value (write --{name}=VALUE for a value starting with --)"
                        ));
                    }
                },
            };
            a.params.push((name.to_owned(), value));
            continue;
        }
        let mut value = || match &inline {
            Some(v) => Ok(v.clone()),
            None => it
                .next()
                .filter(|v| !v.starts_with("--"))
                .ok_or_else(|| format!("--{name} needs a value")),
        };
        let no_value = || match inline {
            Some(_) => Err(format!("--{name} takes no value")),
            None => Ok(true),
        };
        match name {
            "endpoint" => a.endpoint = Some(value()?),
            "region" => a.region = Some(value()?),
            "signature" => {
                a.signature = Some(match value()?.as_str() {
                    // The aliyun CLI says v2 for the HMAC-SHA1 query scheme (SignatureVersion=1.0).
                    "v2" | "V2" => SignatureVersion::V2,
                    "v3" | "V3" => SignatureVersion::V3,
                    other => {
                        return Err(format!(
                            "--signature must be v2 (HMAC-SHA1) or v3 (ACS3-HMAC-SHA256), not {other:?}"
                        ));
                    }
                })
            }
            "max-attempts" => {
                let v = value()?;
                a.max_attempts =
                    Some(v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        format!("--max-attempts must be a whole number >= 1, not {v:?}")
                    })?);
            }
            "all-pages" => a.all_pages = no_value()?,
            "emulator" => a.emulator = no_value()?,
            "help" => a.help = no_value()?,
            "list" => a.list = no_value()?,
            _ => {
                return Err(format!(
                    "unknown option --{name} (the CLI's options are lower-case; wire parameters start with an upper-case letter, e.g. --RegionId)"
                ));
            }
        }
    }
    Ok(a)
}

/// Levenshtein distance, case-insensitive (ASCII), for "did you mean".
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate, when it is close enough to be a plausible typo.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let (best, d) = candidates
        .into_iter()
        .map(|c| (c, distance(wanted, c)))
        .min_by_key(|(_, d)| *d)?;
    (d <= (wanted.len() / 3).max(2)).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Args, String> {
        parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn wire_params_are_kept_verbatim_and_in_order() {
        let a = p(&[
            "--region",
            "cn-beijing",
            "DescribeInstances",
            "--RegionId",
            "cn-hangzhou",
            "--InstanceIds=[\"i-1\",\"i-2\"]",
            "--Tag.1.Key",
            "k",
            "--Description=--odd",
            "--Name",
            "",
            "--all-pages",
            "--signature=v2",
            "--max-attempts",
            "5",
        ])
        .unwrap();
        assert_eq!(a.action.as_deref(), Some("DescribeInstances"));
        assert_eq!(a.region.as_deref(), Some("cn-beijing"));
        assert_eq!(
            a.params,
            [
                ("RegionId", "cn-hangzhou"),
                ("InstanceIds", "[\"i-1\",\"i-2\"]"),
                ("Tag.1.Key", "k"),
                ("Description", "--odd"),
                ("Name", ""),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(a.all_pages);
        assert_eq!(a.signature, Some(SignatureVersion::V2));
        assert_eq!(a.max_attempts, Some(5));
    }

    #[test]
    fn mistakes_are_named() {
        let err = |args: &[&str]| p(args).unwrap_err();
        assert!(err(&["X", "--InstanceId"]).contains("--InstanceId needs a value"));
        assert!(err(&["X", "--InstanceId", "--emulator"]).contains("--InstanceId needs a value"));
        assert!(err(&["X", "--regionid", "r"]).contains("unknown option --regionid"));
        assert!(err(&["X", "Y"]).contains("unexpected argument \"Y\""));
        assert!(err(&["X", "--signature", "v1"]).contains("v2"));
        assert!(err(&["X", "--max-attempts", "0"]).contains("--max-attempts"));
        assert!(err(&["X", "--emulator=yes"]).contains("takes no value"));
        assert!(err(&["X", "--region"]).contains("--region needs a value"));
    }

    #[test]
    fn suggestions_are_close_and_case_insensitive() {
        let names = ["CreateSnapshotGroup", "DescribeInstances", "StartInstance"];
        assert_eq!(
            suggest("createsnapshotgrop", names),
            Some("CreateSnapshotGroup")
        );
        assert_eq!(
            suggest("DescribeInstance", names),
            Some("DescribeInstances")
        );
        assert_eq!(suggest("Frobnicate", names), None);
        assert_eq!(distance("kitten", "SITTING"), 3);
    }
}
