//! Static keys from files: the aliyun CLI's `~/.aliyun/config.json` and the INI credentials file.

use std::path::PathBuf;

use serde::Deserialize;

use super::{BoxFuture, Credentials, CredentialsEnv, CredentialsError, Lookup, ProvideCredentials};

const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

#[derive(Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

#[derive(Deserialize)]
struct CliProfile {
    #[serde(default)]
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    #[serde(default)]
    region_id: String,
}

fn cli_path(env: &CredentialsEnv) -> Option<PathBuf> {
    env.home_dir()
        .map(|h| h.join(".aliyun").join("config.json"))
}

/// Reads the CLI config and picks the profile (`ALIBABA_CLOUD_PROFILE`, else `current`).
fn cli_profile(
    env: &CredentialsEnv,
) -> Result<Result<(CliProfile, PathBuf), String>, CredentialsError> {
    let Some(path) = cli_path(env) else {
        return Ok(Err("aliyun CLI config (no home directory)".into()));
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Err(format!(
                "aliyun CLI config ({}: not found)",
                path.display()
            )));
        }
        Err(e) => {
            return Err(CredentialsError::invalid(
                path.display().to_string(),
                format!("cannot read: {e}"),
            ));
        }
    };
    let config: CliConfig = serde_json::from_str(&text).map_err(|e| {
        CredentialsError::invalid(path.display().to_string(), format!("not valid JSON: {e}"))
    })?;
    let wanted = env
        .var(ENV_PROFILE)
        .or(config.current.clone().filter(|c| !c.is_empty()))
        .unwrap_or_else(|| "default".into());
    match config.profiles.into_iter().find(|p| p.name == wanted) {
        Some(p) => Ok(Ok((p, path))),
        None => Ok(Err(format!(
            "aliyun CLI config ({}: no profile named {wanted:?})",
            path.display()
        ))),
    }
}

/// The region of the chosen CLI profile, for `Config::from_env`.
pub fn cli_profile_region(env: &CredentialsEnv) -> Option<String> {
    match cli_profile(env) {
        Ok(Ok((p, _))) if !p.region_id.is_empty() => Some(p.region_id),
        _ => None,
    }
}

/// The aliyun CLI's `~/.aliyun/config.json`, modes `AK` and `StsToken`.
#[derive(Debug, Clone, Default)]
pub struct CliConfigProvider {
    env: CredentialsEnv,
}

impl CliConfigProvider {
    pub fn new(env: CredentialsEnv) -> Self {
        CliConfigProvider { env }
    }

    pub(crate) fn lookup(env: &CredentialsEnv) -> Result<Lookup, CredentialsError> {
        let (p, path) = match cli_profile(env)? {
            Ok(found) => found,
            Err(why) => return Ok(Lookup::NotConfigured(why)),
        };
        let source = format!("{} profile {:?}", path.display(), p.name);
        let need_keys = |what: &str| {
            if p.access_key_id.is_empty() || p.access_key_secret.is_empty() {
                Err(CredentialsError::invalid(
                    source.clone(),
                    format!("mode {what} needs access_key_id and access_key_secret"),
                ))
            } else {
                Ok(())
            }
        };
        match p.mode.as_str() {
            "AK" | "" => {
                need_keys("AK")?;
                Ok(Lookup::Found(Credentials::new(
                    p.access_key_id,
                    p.access_key_secret,
                )))
            }
            "StsToken" => {
                need_keys("StsToken")?;
                if p.sts_token.is_empty() {
                    return Err(CredentialsError::invalid(
                        source,
                        "mode StsToken needs sts_token",
                    ));
                }
                Ok(Lookup::Found(Credentials::with_security_token(
                    p.access_key_id,
                    p.access_key_secret,
                    p.sts_token,
                )))
            }
            other => Ok(Lookup::NotConfigured(format!(
                "aliyun CLI config ({source}: mode {other} is not supported, only AK and StsToken)"
            ))),
        }
    }
}

impl ProvideCredentials for CliConfigProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { found_or_not(Self::lookup(&self.env)?) })
    }
}

/// The INI file `ALIBABA_CLOUD_CREDENTIALS_FILE` or `~/.alibabacloud/credentials.ini`; section
/// `ALIBABA_CLOUD_PROFILE` or `default`; `type = access_key`.
#[derive(Debug, Clone, Default)]
pub struct IniFileProvider {
    env: CredentialsEnv,
}

impl IniFileProvider {
    pub fn new(env: CredentialsEnv) -> Self {
        IniFileProvider { env }
    }

    pub(crate) fn lookup(env: &CredentialsEnv) -> Result<Lookup, CredentialsError> {
        let explicit = env.var(ENV_CREDENTIALS_FILE).map(PathBuf::from);
        let path = match explicit.clone().or_else(|| {
            env.home_dir()
                .map(|h| h.join(".alibabacloud").join("credentials.ini"))
        }) {
            Some(p) => p,
            None => {
                return Ok(Lookup::NotConfigured(
                    "credentials file (no home directory)".into(),
                ));
            }
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            // A file named explicitly must exist; the default one is optional.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
                return Ok(Lookup::NotConfigured(format!(
                    "credentials file ({}: not found)",
                    path.display()
                )));
            }
            Err(e) => {
                return Err(CredentialsError::invalid(
                    path.display().to_string(),
                    format!("cannot read: {e}"),
                ));
            }
        };
        let section = env.var(ENV_PROFILE).unwrap_or_else(|| "default".into());
        let Some(entries) = ini_section(&text, &section) else {
            return Ok(Lookup::NotConfigured(format!(
                "credentials file ({}: no section [{section}])",
                path.display()
            )));
        };
        let get = |k: &str| {
            entries
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let source = format!("{} [{section}]", path.display());
        match get("type").as_deref() {
            Some("access_key") | None => match (get("access_key_id"), get("access_key_secret")) {
                (Some(id), Some(secret)) => Ok(Lookup::Found(Credentials::new(id, secret))),
                _ => Err(CredentialsError::invalid(
                    source,
                    "type access_key needs access_key_id and access_key_secret",
                )),
            },
            Some(other) => Ok(Lookup::NotConfigured(format!(
                "credentials file ({source}: type {other} is not supported, only access_key)"
            ))),
        }
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        Box::pin(async move { found_or_not(Self::lookup(&self.env)?) })
    }
}

fn found_or_not(l: Lookup) -> Result<Credentials, CredentialsError> {
    match l {
        Lookup::Found(c) => Ok(c),
        Lookup::NotConfigured(why) => Err(CredentialsError::NotFound { tried: vec![why] }),
    }
}

/// The `key = value` entries of `[section]`; `#` and `;` start comments.
fn ini_section(text: &str, section: &str) -> Option<Vec<(String, String)>> {
    let mut current: Option<&str> = None;
    let mut found = None::<Vec<(String, String)>>;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.trim());
            if current == Some(section) && found.is_none() {
                found = Some(Vec::new());
            }
            continue;
        }
        if current != Some(section) {
            continue;
        }
        if let (Some(entries), Some((k, v))) = (found.as_mut(), line.split_once('=')) {
            let v = v.trim().trim_matches('"');
            entries.push((k.trim().to_owned(), v.to_owned()));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::ini_section;

    #[test]
    fn ini_sections_and_comments() {
        let text =
            "[default]\ntype = access_key\n# c\naccess_key_id = a\n\n[other]\naccess_key_id=b\n";
        let d = ini_section(text, "default").unwrap();
        assert_eq!(
            d,
            vec![
                ("type".into(), "access_key".into()),
                ("access_key_id".into(), "a".into())
            ]
        );
        assert_eq!(ini_section(text, "other").unwrap().len(), 1);
        assert!(ini_section(text, "none").is_none());
    }
}
