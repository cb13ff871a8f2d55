//! The emulated account and resource state, loadable from a JSON world file.

use serde::{Deserialize, Serialize};

use crate::store::{Snapshot, SnapshotGroup};

/// Everything the emulator knows before the first request: who may call and what exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    pub accounts: Vec<Account>,
    pub regions: Vec<Region>,
}

/// An access key pair and the account flags that decide billing and quota errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// STS tokens this key accepts. When non-empty, every request must carry one of them.
    #[serde(default)]
    pub security_tokens: Vec<SecurityToken>,
    /// A disabled key is answered with `InvalidAccessKeyId.Inactive`.
    #[serde(default)]
    pub disabled: bool,
    /// Account balance; `0` or less answers `InvalidAccountStatus.NotEnoughBalance`.
    #[serde(default = "default_balance")]
    pub balance: f64,
    #[serde(default = "yes")]
    pub snapshot_service_activated: bool,
    /// Most snapshots the account may hold (`QuotaExceed.Snapshot` beyond).
    #[serde(default = "default_snapshot_quota")]
    pub snapshot_quota: u64,
    /// Most tags one snapshot group may carry (`QuotaExceed.Tags` beyond).
    #[serde(default = "default_tag_quota")]
    pub tag_quota: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityToken {
    pub token: String,
    /// RFC 3339 expiry (`2099-01-01T00:00:00Z`); absent = never expires.
    #[serde(default)]
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub region_id: String,
    #[serde(default)]
    pub instances: Vec<Instance>,
    /// Disks attached to no instance.
    #[serde(default)]
    pub disks: Vec<Disk>,
    /// Disk snapshots that exist at start (those of `snapshot_groups` included). A running
    /// emulator keeps them in its state: [`World`] from `RunningEmulator::state` lists them again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshots: Vec<Snapshot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshot_groups: Vec<SnapshotGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub instance_id: String,
    /// `Running`, `Stopped`, `Starting`, `Stopping`, `Pending`, ... (only Running/Stopped allow snapshots).
    pub status: String,
    #[serde(default)]
    pub locked_for_security: bool,
    /// Shown by DescribeInstances and DescribeDisks, and matched by their `ZoneId` filter.
    #[serde(default)]
    pub zone_id: Option<String>,
    /// Matched by DescribeInstances' `InstanceName` filter (`*` is a wildcard).
    #[serde(default)]
    pub instance_name: Option<String>,
    #[serde(default)]
    pub instance_type: Option<String>,
    /// Attached disks, system disk first.
    #[serde(default)]
    pub disks: Vec<Disk>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disk {
    pub disk_id: String,
    /// `cloud_essd`, `cloud_ssd`, `cloud_efficiency`, `cloud`, ...
    #[serde(default = "default_category")]
    pub category: String,
    /// `In_use`, `Available`, `Attaching`, ...
    #[serde(default = "default_disk_status")]
    pub status: String,
    pub size_gib: u64,
    /// False for a disk never written since creation (`IncorrectDiskStatus.NeverUsed`).
    #[serde(default = "yes")]
    pub ever_used: bool,
    #[serde(default)]
    pub creating_snapshot: bool,
    #[serde(default)]
    pub in_arrears: bool,
    #[serde(default)]
    pub encrypted: bool,
    /// State of the KMS key of an encrypted disk.
    #[serde(default)]
    pub kms_key: KmsKeyState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KmsKeyState {
    #[default]
    Enabled,
    Disabled,
    /// ECS has no grant to use the key.
    Unauthorized,
}

fn yes() -> bool {
    true
}
fn default_balance() -> f64 {
    100.0
}
fn default_snapshot_quota() -> u64 {
    1000
}
fn default_tag_quota() -> u64 {
    20
}
fn default_category() -> String {
    "cloud_essd".into()
}
fn default_disk_status() -> String {
    "In_use".into()
}

impl Account {
    /// A key with default flags: balance 100, snapshot service on, quotas 1000 snapshots / 20 tags.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Account {
            access_key_id: id.into(),
            access_key_secret: secret.into(),
            security_tokens: Vec::new(),
            disabled: false,
            balance: default_balance(),
            snapshot_service_activated: true,
            snapshot_quota: default_snapshot_quota(),
            tag_quota: default_tag_quota(),
        }
    }
}

impl Disk {
    /// A used, healthy `cloud_essd` disk in `In_use`.
    pub fn essd(id: impl Into<String>, size_gib: u64) -> Self {
        Disk {
            disk_id: id.into(),
            category: default_category(),
            status: default_disk_status(),
            size_gib,
            ever_used: true,
            creating_snapshot: false,
            in_arrears: false,
            encrypted: false,
            kms_key: KmsKeyState::Enabled,
        }
    }
}

impl Instance {
    pub fn new(id: impl Into<String>, status: &str, disks: Vec<Disk>) -> Self {
        Instance {
            instance_id: id.into(),
            status: status.into(),
            locked_for_security: false,
            zone_id: None,
            instance_name: None,
            instance_type: None,
            disks,
        }
    }
}

impl World {
    /// Parses a world file (JSON, see the README's emulator section).
    pub fn from_json(text: &str) -> Result<World, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The world the tests and the demo use; the README's emulator section lists it.
    pub fn default_world() -> World {
        let essd = |id: &str, size: u64| Disk::essd(id, size);
        let with = |mut d: Disk, f: fn(&mut Disk)| {
            f(&mut d);
            d
        };
        let locked = {
            let mut i = Instance::new("i-emu-locked", "Running", vec![essd("d-emu-locked", 40)]);
            i.locked_for_security = true;
            i
        };
        let instances = vec![
            Instance::new(
                "i-emu-running",
                "Running",
                vec![
                    essd("d-emu-sys", 40),
                    essd("d-emu-data1", 100),
                    essd("d-emu-data2", 500),
                ],
            ),
            Instance::new("i-emu-stopped", "Stopped", vec![essd("d-emu-stopped", 40)]),
            Instance::new(
                "i-emu-starting",
                "Starting",
                vec![essd("d-emu-starting", 40)],
            ),
            locked,
            Instance::new(
                "i-emu-ssd",
                "Running",
                vec![
                    essd("d-emu-ssd-sys", 40),
                    with(essd("d-emu-ssd", 100), |d| d.category = "cloud_ssd".into()),
                ],
            ),
            Instance::new(
                "i-emu-eleven",
                "Running",
                (1..=11)
                    .map(|n| essd(&format!("d-emu-eleven-{n}"), 20))
                    .collect(),
            ),
            // 3 x 12 TiB = 36 TiB > 32 TiB.
            Instance::new(
                "i-emu-huge",
                "Running",
                (1..=3)
                    .map(|n| essd(&format!("d-emu-huge-{n}"), 12 * 1024))
                    .collect(),
            ),
            Instance::new(
                "i-emu-neverused",
                "Running",
                vec![
                    essd("d-emu-nu-sys", 40),
                    with(essd("d-emu-neverused", 100), |d| d.ever_used = false),
                ],
            ),
            Instance::new(
                "i-emu-creating",
                "Running",
                vec![with(essd("d-emu-creating", 40), |d| {
                    d.creating_snapshot = true
                })],
            ),
            Instance::new(
                "i-emu-arrears",
                "Running",
                vec![with(essd("d-emu-arrears", 40), |d| d.in_arrears = true)],
            ),
            Instance::new(
                "i-emu-kms-disabled",
                "Running",
                vec![with(essd("d-emu-kms-disabled", 40), |d| {
                    d.encrypted = true;
                    d.kms_key = KmsKeyState::Disabled;
                })],
            ),
            Instance::new(
                "i-emu-kms-unauthorized",
                "Running",
                vec![with(essd("d-emu-kms-unauth", 40), |d| {
                    d.encrypted = true;
                    d.kms_key = KmsKeyState::Unauthorized;
                })],
            ),
            Instance::new(
                "i-emu-detaching",
                "Running",
                vec![with(essd("d-emu-detaching", 40), |d| {
                    d.status = "Detaching".into()
                })],
            ),
        ];
        let mut sts = Account::new("stsid", "stssecret");
        sts.security_tokens = vec![SecurityToken {
            token: "emu-sts-token".into(),
            expires_at: Some("2099-01-01T00:00:00Z".into()),
        }];
        let mut sts_expired = Account::new("stsexpiredid", "stsexpiredsecret");
        sts_expired.security_tokens = vec![SecurityToken {
            token: "emu-expired-token".into(),
            expires_at: Some("2020-01-01T00:00:00Z".into()),
        }];
        let mut poor = Account::new("poorid", "poorsecret");
        poor.balance = 0.0;
        let mut nosnap = Account::new("nosnapid", "nosnapsecret");
        nosnap.snapshot_service_activated = false;
        let mut quota = Account::new("quotaid", "quotasecret");
        quota.snapshot_quota = 2;
        quota.tag_quota = 1;
        let mut disabled = Account::new("disabledid", "disabledsecret");
        disabled.disabled = true;
        let mut world = World {
            accounts: vec![
                Account::new("testid", "testsecret"),
                sts,
                sts_expired,
                poor,
                nosnap,
                quota,
                disabled,
            ],
            regions: vec![
                Region {
                    region_id: "cn-hangzhou".into(),
                    instances,
                    disks: vec![essd("d-emu-unattached", 40)],
                    snapshots: Vec::new(),
                    snapshot_groups: Vec::new(),
                },
                Region {
                    region_id: "cn-beijing".into(),
                    instances: vec![Instance::new(
                        "i-emu-beijing",
                        "Running",
                        vec![essd("d-emu-beijing", 40)],
                    )],
                    disks: Vec::new(),
                    snapshots: Vec::new(),
                    snapshot_groups: Vec::new(),
                },
            ],
        };
        for r in &mut world.regions {
            for i in &mut r.instances {
                i.zone_id = Some(format!("{}-h", r.region_id));
            }
        }
        world
    }

    pub fn account(&self, access_key_id: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| a.access_key_id == access_key_id)
    }

    pub fn region(&self, region_id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.region_id == region_id)
    }

    /// A disk anywhere in the world (attached or not), for `update_world` in tests.
    pub fn disk_mut(&mut self, disk_id: &str) -> Option<&mut Disk> {
        self.regions.iter_mut().find_map(|r| {
            r.disks
                .iter_mut()
                .find(|d| d.disk_id == disk_id)
                .or_else(|| {
                    r.instances
                        .iter_mut()
                        .flat_map(|i| i.disks.iter_mut())
                        .find(|d| d.disk_id == disk_id)
                })
        })
    }
}

impl Default for World {
    fn default() -> Self {
        World::default_world()
    }
}
