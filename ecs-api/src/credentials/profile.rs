//! Static keys from files: the aliyun CLI's `~/.aliyun/config.json` and the INI credentials file.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::http::{FileError, read_small_file_blocking};
use super::imds::EcsRamRoleProvider;
use super::roles::{OidcRoleArnProvider, RamRoleArnProvider};
use super::sts::StsConfig;
use super::{
    BoxFuture, Credentials, CredentialsEnv, CredentialsError, Lookup, ProvideCredentials,
    SharedCredentialsProvider,
};

const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
const ENV_CREDENTIALS_FILE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// How deep `ChainableRamRoleArn` may follow `source_profile` (a loop would never end).
const MAX_SOURCE_PROFILES: usize = 8;

#[derive(Deserialize)]
struct CliConfig {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<CliProfile>,
}

#[derive(Deserialize, Clone, Default)]
#[serde(default)]
struct CliProfile {
    name: String,
    mode: String,
    access_key_id: String,
    access_key_secret: String,
    sts_token: String,
    region_id: String,
    ram_role_arn: String,
    ram_session_name: String,
    ram_role_name: String,
    expired_seconds: u64,
    sts_region: String,
    policy: String,
    external_id: String,
    source_profile: String,
    oidc_provider_arn: String,
    oidc_token_file: String,
}

fn cli_path(env: &CredentialsEnv) -> Option<PathBuf> {
    env.home_dir()
        .map(|h| h.join(".aliyun").join("config.json"))
}

/// Reads the CLI config and the name of the profile to use (`ALIBABA_CLOUD_PROFILE`, else `current`).
/// Blocking (a small regular file only).
fn cli_config(
    env: &CredentialsEnv,
) -> Result<Result<(CliConfig, String, PathBuf), String>, CredentialsError> {
    let Some(path) = cli_path(env) else {
        return Ok(Err("aliyun CLI config (no home directory)".into()));
    };
    let text = match read_small_file_blocking(&path) {
        Ok(t) => t,
        Err(FileError::NotFound) => {
            return Ok(Err(format!(
                "aliyun CLI config ({}: not found)",
                path.display()
            )));
        }
        Err(e) => {
            return Err(CredentialsError::invalid(
                path.display().to_string(),
                e.to_string(),
            ));
        }
    };
    let config: CliConfig = serde_json::from_str(&text).map_err(|e| {
        CredentialsError::invalid(
            path.display().to_string(),
            // Serde's message could quote a secret: keep the position only.
            format!("not valid JSON (line {}, column {})", e.line(), e.column()),
        )
    })?;
    let wanted = env
        .var(ENV_PROFILE)
        .or(config.current.clone().filter(|c| !c.is_empty()))
        .unwrap_or_else(|| "default".into());
    Ok(Ok((config, wanted, path)))
}

/// The region of the chosen CLI profile, for `Config::from_env`.
pub fn cli_profile_region(env: &CredentialsEnv) -> Option<String> {
    match cli_config(env) {
        Ok(Ok((c, wanted, _))) => c
            .profiles
            .into_iter()
            .find(|p| p.name == wanted && !p.region_id.is_empty())
            .map(|p| p.region_id),
        _ => None,
    }
}

/// The aliyun CLI's `~/.aliyun/config.json`: modes `AK`, `StsToken`, `RamRoleArn`, `EcsRamRole`,
/// `ChainableRamRoleArn` and `OIDC`. Any other mode is an error naming the profile and the mode.
#[derive(Debug, Clone, Default)]
pub struct CliConfigProvider {
    env: CredentialsEnv,
    sts: Option<StsConfig>,
}

impl CliConfigProvider {
    pub fn new(env: CredentialsEnv) -> Self {
        CliConfigProvider { env, sts: None }
    }

    /// Where `RamRoleArn`, `ChainableRamRoleArn` and `OIDC` profiles call STS (default: from the
    /// environment, and the profile's `sts_region`).
    pub fn sts(mut self, sts: StsConfig) -> Self {
        self.sts = Some(sts);
        self
    }

    pub(crate) fn lookup(
        env: &CredentialsEnv,
        sts: &StsConfig,
    ) -> Result<Lookup, CredentialsError> {
        if env
            .var(ENV_CLI_PROFILE_DISABLED)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        {
            return Ok(Lookup::NotConfigured(format!(
                "aliyun CLI config (disabled by {ENV_CLI_PROFILE_DISABLED})"
            )));
        }
        let (config, wanted, path) = match cli_config(env)? {
            Ok(found) => found,
            Err(why) => return Ok(Lookup::NotConfigured(why)),
        };
        if !config.profiles.iter().any(|p| p.name == wanted) {
            return Ok(Lookup::NotConfigured(format!(
                "aliyun CLI config ({}: no profile named {wanted:?})",
                path.display()
            )));
        }
        let file = path.display().to_string();
        cli_provider(&config, &wanted, &file, env, sts, 0).map(Lookup::Found)
    }
}

/// The provider profile `name` describes (following `source_profile` for chained roles).
fn cli_provider(
    config: &CliConfig,
    name: &str,
    file: &str,
    env: &CredentialsEnv,
    sts: &StsConfig,
    depth: usize,
) -> Result<SharedCredentialsProvider, CredentialsError> {
    let source = format!("{file} profile {name:?}");
    let Some(p) = config.profiles.iter().find(|p| p.name == name) else {
        return Err(CredentialsError::invalid(source, "no such profile"));
    };
    let mode = p.mode.as_str();
    let bad =
        |msg: String| CredentialsError::invalid(source.clone(), format!("mode {mode}: {msg}"));
    let need = |fields: &[(&str, &str)]| -> Result<(), CredentialsError> {
        let missing: Vec<&str> = fields
            .iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(k, _)| *k)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(bad(format!("needs {}", missing.join(", "))))
        }
    };
    let keys = [
        ("access_key_id", p.access_key_id.as_str()),
        ("access_key_secret", p.access_key_secret.as_str()),
    ];
    let mut sts = sts.clone();
    if !p.sts_region.is_empty() {
        sts = sts.region(p.sts_region.clone());
    }
    let role = |base: SharedCredentialsProvider| {
        let mut r = RamRoleArnProvider::with_base(base, p.ram_role_arn.clone()).sts(sts.clone());
        if !p.ram_session_name.is_empty() {
            r = r.session_name(p.ram_session_name.clone());
        }
        if p.expired_seconds > 0 {
            r = r.duration(Duration::from_secs(p.expired_seconds));
        }
        if !p.policy.is_empty() {
            r = r.policy(p.policy.clone());
        }
        if !p.external_id.is_empty() {
            r = r.external_id(p.external_id.clone());
        }
        r
    };
    Ok(match mode {
        "AK" | "" => {
            need(&keys)?;
            Arc::new(Credentials::new(&p.access_key_id, &p.access_key_secret))
        }
        "StsToken" => {
            need(&[keys[0], keys[1], ("sts_token", &p.sts_token)])?;
            Arc::new(Credentials::with_security_token(
                &p.access_key_id,
                &p.access_key_secret,
                &p.sts_token,
            ))
        }
        "RamRoleArn" => {
            need(&[keys[0], keys[1], ("ram_role_arn", &p.ram_role_arn)])?;
            let base = Credentials::new(&p.access_key_id, &p.access_key_secret);
            Arc::new(role(Arc::new(base)))
        }
        "ChainableRamRoleArn" => {
            need(&[
                ("source_profile", &p.source_profile),
                ("ram_role_arn", &p.ram_role_arn),
            ])?;
            if depth >= MAX_SOURCE_PROFILES {
                return Err(bad(format!(
                    "source_profile chain longer than {MAX_SOURCE_PROFILES} profiles (a loop?)"
                )));
            }
            let base = cli_provider(config, &p.source_profile, file, env, &sts, depth + 1)?;
            Arc::new(role(base))
        }
        "EcsRamRole" => {
            let mut m = EcsRamRoleProvider::from_env(env);
            if !p.ram_role_name.is_empty() {
                m = m.role_name(p.ram_role_name.clone());
            }
            Arc::new(m)
        }
        "OIDC" => {
            need(&[
                ("ram_role_arn", &p.ram_role_arn),
                ("oidc_provider_arn", &p.oidc_provider_arn),
                ("oidc_token_file", &p.oidc_token_file),
            ])?;
            let mut o = OidcRoleArnProvider::new(
                p.ram_role_arn.clone(),
                p.oidc_provider_arn.clone(),
                p.oidc_token_file.clone(),
            )
            .sts(sts);
            if !p.ram_session_name.is_empty() {
                o = o.session_name(p.ram_session_name.clone());
            }
            if p.expired_seconds > 0 {
                o = o.duration(Duration::from_secs(p.expired_seconds));
            }
            Arc::new(o)
        }
        other => {
            return Err(CredentialsError::invalid(
                source,
                format!(
                    "mode {other:?} is not supported (supported: AK, StsToken, RamRoleArn, \
                     EcsRamRole, ChainableRamRoleArn, OIDC)"
                ),
            ));
        }
    })
}

impl ProvideCredentials for CliConfigProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let (env, sts) = (self.env.clone(), self.sts.clone());
        Box::pin(found_or_not(move || {
            let sts = sts.unwrap_or_else(|| StsConfig::from_env(&env));
            Self::lookup(&env, &sts)
        }))
    }
}

/// The INI file `ALIBABA_CLOUD_CREDENTIALS_FILE` or `~/.alibabacloud/credentials.ini`; section
/// `ALIBABA_CLOUD_PROFILE` or `default`; `type` = `access_key`, `sts`, `ecs_ram_role`,
/// `ram_role_arn` or `oidc_role_arn` (any other type is an error naming it).
#[derive(Debug, Clone, Default)]
pub struct IniFileProvider {
    env: CredentialsEnv,
    sts: Option<StsConfig>,
}

impl IniFileProvider {
    pub fn new(env: CredentialsEnv) -> Self {
        IniFileProvider { env, sts: None }
    }

    /// Where `ram_role_arn` and `oidc_role_arn` sections call STS (default: from the environment).
    pub fn sts(mut self, sts: StsConfig) -> Self {
        self.sts = Some(sts);
        self
    }

    pub(crate) fn lookup(
        env: &CredentialsEnv,
        sts: &StsConfig,
    ) -> Result<Lookup, CredentialsError> {
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
        let text = match read_small_file_blocking(&path) {
            Ok(t) => t,
            // A file named explicitly must exist; the default one is optional.
            Err(FileError::NotFound) if explicit.is_none() => {
                return Ok(Lookup::NotConfigured(format!(
                    "credentials file ({}: not found)",
                    path.display()
                )));
            }
            Err(e) => {
                return Err(CredentialsError::invalid(
                    path.display().to_string(),
                    e.to_string(),
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
        let ty = get("type").unwrap_or_else(|| "access_key".into());
        let need = |keys: &[&str]| -> Result<Vec<String>, CredentialsError> {
            let missing: Vec<&str> = keys.iter().copied().filter(|k| get(k).is_none()).collect();
            if !missing.is_empty() {
                return Err(CredentialsError::invalid(
                    source.clone(),
                    format!("type {ty} needs {}", missing.join(", ")),
                ));
            }
            Ok(keys.iter().filter_map(|k| get(k)).collect())
        };
        let provider: SharedCredentialsProvider = match ty.as_str() {
            "access_key" => {
                let v = need(&["access_key_id", "access_key_secret"])?;
                Arc::new(Credentials::new(&v[0], &v[1]))
            }
            "sts" => {
                let v = need(&["access_key_id", "access_key_secret", "security_token"])?;
                Arc::new(Credentials::with_security_token(&v[0], &v[1], &v[2]))
            }
            "ecs_ram_role" => {
                let mut m = EcsRamRoleProvider::from_env(env);
                if let Some(r) = get("role_name") {
                    m = m.role_name(r);
                }
                Arc::new(m)
            }
            "ram_role_arn" => {
                let v = need(&["access_key_id", "access_key_secret", "role_arn"])?;
                let base = Arc::new(Credentials::new(&v[0], &v[1]));
                let mut r = RamRoleArnProvider::with_base(base, v[2].clone()).sts(sts.clone());
                if let Some(n) = get("role_session_name") {
                    r = r.session_name(n);
                }
                if let Some(p) = get("policy") {
                    r = r.policy(p);
                }
                Arc::new(r)
            }
            "oidc_role_arn" => {
                let v = need(&["role_arn", "oidc_provider_arn", "oidc_token_file_path"])?;
                let mut o = OidcRoleArnProvider::new(&v[0], &v[1], &v[2]).sts(sts.clone());
                if let Some(n) = get("role_session_name") {
                    o = o.session_name(n);
                }
                Arc::new(o)
            }
            other => {
                return Err(CredentialsError::invalid(
                    source,
                    format!(
                        "type {other:?} is not supported (supported: access_key, sts, \
                         ecs_ram_role, ram_role_arn, oidc_role_arn)"
                    ),
                ));
            }
        };
        Ok(Lookup::Found(provider))
    }
}

impl ProvideCredentials for IniFileProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<Credentials, CredentialsError>> {
        let (env, sts) = (self.env.clone(), self.sts.clone());
        Box::pin(found_or_not(move || {
            let sts = sts.unwrap_or_else(|| StsConfig::from_env(&env));
            Self::lookup(&env, &sts)
        }))
    }
}

/// Runs a file lookup on the blocking pool, then asks the provider it found.
async fn found_or_not(
    lookup: impl FnOnce() -> Result<Lookup, CredentialsError> + Send + 'static,
) -> Result<Credentials, CredentialsError> {
    match super::chain::blocking(lookup).await? {
        Lookup::Found(p) => p.provide_credentials().await,
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
