//! The world over time: snapshot groups and snapshots progressing to `accomplished`, instances
//! through their transitional states, the pages' rules on deleting, the clock and the state dump.

use std::time::Duration;

use ecs_api::CallOptions;
use ecs_api::types::Tag;
use ecs_api::waiter::{Poll, WaitConfig, wait_until};
use ecs_emulator::{ADMIN_STATE_PATH, Emulator, Timings, World};

use crate::common::client;

async fn start(timings: Timings) -> ecs_emulator::RunningEmulator {
    Emulator::builder()
        .timings(timings)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap()
}

fn quick_waits() -> WaitConfig {
    WaitConfig::default()
        .initial_delay(Duration::from_millis(50))
        .max_delay(Duration::from_millis(200))
        .timeout(Duration::from_secs(20))
}

#[tokio::test]
async fn a_group_is_listed_waited_for_deleted_and_gone_with_its_snapshots() {
    let timings = Timings {
        snapshot: Duration::from_millis(600),
        ..Timings::default()
    };
    let emu = start(timings).await;
    let c = client(&emu);
    let id = c
        .create_snapshot_group("i-emu-running")
        .name("nightly")
        .tag(Tag::new().key("team").value("storage"))
        .send()
        .await
        .unwrap()
        .snapshot_group_id
        .unwrap();
    c.create_snapshot_group("i-emu-stopped")
        .tag(Tag::new().key("team").value("web"))
        .send()
        .await
        .unwrap();

    // By instance, and by tag (the reviewed override's Tag.N): only the first group.
    let by_instance = c
        .describe_snapshot_groups()
        .instance_id("i-emu-running")
        .send()
        .await
        .unwrap();
    let by_tag = c
        .describe_snapshot_groups()
        .tag(Tag::new().key("team").value("storage"))
        .send()
        .await
        .unwrap();
    for out in [&by_instance, &by_tag] {
        assert_eq!(out.snapshot_groups.len(), 1, "{out:?}");
        assert_eq!(out.snapshot_groups[0].snapshot_group_id.as_ref(), Some(&id));
    }
    let first = &by_instance.snapshot_groups[0];
    assert_eq!(first.status.as_deref(), Some("progressing"));
    assert!(
        first
            .snapshots
            .iter()
            .all(|s| s.progress.as_deref() != Some("100%"))
    );

    // Wait for it as a user would.
    let done = wait_until(
        quick_waits(),
        || c.describe_snapshot_groups().snapshot_group_id(&id).send(),
        |out| match out
            .snapshot_groups
            .first()
            .and_then(|g| g.status.as_deref())
        {
            Some("accomplished") => Poll::Ready,
            Some("failed") => Poll::Failed("failed".into()),
            _ => Poll::Pending,
        },
    )
    .await
    .unwrap();
    let group = &done.snapshot_groups[0];
    assert!(
        group
            .snapshots
            .iter()
            .all(|s| s.progress.as_deref() == Some("100%"))
    );
    let snapshot_ids: Vec<String> = group
        .snapshots
        .iter()
        .filter_map(|s| s.snapshot_id.clone())
        .collect();
    assert_eq!(snapshot_ids.len(), 3);
    let listed = c
        .describe_snapshots()
        .instance_id("i-emu-running")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.total_count, Some(3));

    // Delete: the group and its snapshots are gone.
    let out = c.delete_snapshot_group(&id).send().await.unwrap();
    assert_eq!(out.operation_progress_set.len(), 3);
    assert!(
        out.operation_progress_set
            .iter()
            .all(|p| p.operation_status.as_deref() == Some("Success"))
    );
    let after = c
        .describe_snapshot_groups()
        .instance_id("i-emu-running")
        .send()
        .await
        .unwrap();
    assert!(after.snapshot_groups.is_empty());
    let after = c
        .describe_snapshots()
        .instance_id("i-emu-running")
        .send()
        .await
        .unwrap();
    assert_eq!(after.total_count, Some(0));
    assert!(
        emu.snapshots()
            .iter()
            .all(|s| !snapshot_ids.contains(&s.snapshot_id))
    );
    let again = c
        .delete_snapshot_group(&id)
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(again.code(), Some("InvalidSnapshotId.NotFound"));
    emu.shutdown().await;
}

#[tokio::test]
async fn the_clock_drives_progress_and_can_be_frozen_and_advanced() {
    let timings = Timings {
        snapshot: Duration::from_secs(100),
        instance_transition: Duration::from_secs(10),
    };
    let emu = start(timings).await;
    emu.freeze_clock();
    let c = client(&emu);
    let id = c
        .create_snapshot("d-emu-data1")
        .snapshot_name("one")
        .send()
        .await
        .unwrap()
        .snapshot_id
        .unwrap();
    let progress = |emu: &ecs_emulator::RunningEmulator| {
        let s = emu.snapshots().into_iter().find(|s| s.snapshot_id == id);
        let s = s.unwrap();
        (s.status, s.progress)
    };
    assert_eq!(progress(&emu), ("progressing".into(), 0));
    // A second snapshot of the disk while one is in progress: the page's rule.
    let busy = c
        .create_snapshot("d-emu-data1")
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(busy.code(), Some("IncorrectDiskStatus.CreatingSnapshot"));
    emu.advance_clock(Duration::from_secs(40));
    assert_eq!(progress(&emu), ("progressing".into(), 40));
    let out = c
        .describe_snapshots()
        .set_snapshot_ids([id.as_str()])
        .send()
        .await
        .unwrap();
    assert_eq!(out.snapshots[0].progress.as_deref(), Some("40%"));
    emu.advance_clock(Duration::from_secs(60));
    assert_eq!(progress(&emu), ("accomplished".into(), 100));

    // Instances: Stopping, then Stopped; Starting, then Running.
    c.stop_instance("i-emu-running").send().await.unwrap();
    let status = |emu: &ecs_emulator::RunningEmulator, id: &str| {
        let w = emu.world();
        let mut all = w.region("cn-hangzhou").unwrap().instances.iter();
        all.find(|i| i.instance_id == id).unwrap().status.clone()
    };
    assert_eq!(status(&emu, "i-emu-running"), "Stopping");
    let e = c
        .start_instance("i-emu-running")
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("IncorrectInstanceStatus"));
    emu.advance_clock(Duration::from_secs(10));
    assert_eq!(status(&emu, "i-emu-running"), "Stopped");
    c.start_instance("i-emu-running").send().await.unwrap();
    let out = c
        .describe_instances()
        .set_instance_ids(["i-emu-running"])
        .send()
        .await
        .unwrap();
    assert_eq!(out.instances[0].status.as_deref(), Some("Starting"));
    emu.advance_clock(Duration::from_secs(10));
    assert_eq!(status(&emu, "i-emu-running"), "Running");
    c.reboot_instance("i-emu-running").send().await.unwrap();
    assert_eq!(status(&emu, "i-emu-running"), "Starting");
    let e = c
        .reboot_instance("i-emu-locked")
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InstanceLockedForSecurity"));
    let e = c
        .stop_instance("i-emu-stopped")
        .dry_run(true)
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("IncorrectInstanceStatus"));
    let e = c
        .start_instance("i-emu-stopped")
        .dry_run(true)
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("DryRunOperation"));
    assert_eq!(status(&emu, "i-emu-stopped"), "Stopped");
    emu.shutdown().await;
}

#[tokio::test]
async fn deleting_snapshots_follows_the_pages_rules() {
    let mut world = World::default_world();
    let used = r#"{"snapshot_id": "s-imaged", "disk_id": "d-emu-data2", "images": ["m-1"]}"#;
    let disked =
        r#"{"snapshot_id": "s-disked", "disk_id": "d-emu-data2", "created_disks": ["d-2"]}"#;
    for s in [used, disked] {
        world.regions[0]
            .snapshots
            .push(serde_json::from_str(s).unwrap());
    }
    let emu = Emulator::builder()
        .world(world)
        .timings(Timings::instant())
        .admin_endpoint(true)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let c = client(&emu);
    let no_retry = || CallOptions::default().no_retry();
    let e = c
        .delete_snapshot("s-imaged")
        .call_options(no_retry())
        .send()
        .await
        .unwrap_err();
    let status = e.as_service().map(|e| e.http_status());
    assert_eq!(
        (e.code(), status),
        (Some("SnapshotCreatedImage"), Some(403))
    );
    let e = c
        .delete_snapshot("s-disked")
        .call_options(no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("SnapshotCreatedDisk"));
    c.delete_snapshot("s-disked")
        .force(true)
        .send()
        .await
        .unwrap();
    // An unknown id is ignored (DeleteSnapshot.md).
    c.delete_snapshot("s-nope").send().await.unwrap();

    // A snapshot of a group goes out of the group; the group keeps the others.
    let gid = c
        .create_snapshot_group("i-emu-running")
        .send()
        .await
        .unwrap()
        .snapshot_group_id
        .unwrap();
    let group = emu.snapshot_groups().pop().unwrap();
    assert_eq!(group.status, "accomplished");
    c.delete_snapshot(&group.snapshot_ids[0])
        .send()
        .await
        .unwrap();
    let out = c
        .describe_snapshot_groups()
        .snapshot_group_id(&gid)
        .send()
        .await
        .unwrap();
    assert_eq!(out.snapshot_groups[0].snapshots.len(), 2);
    c.modify_snapshot_group(&gid)
        .name("renamed")
        .send()
        .await
        .unwrap();

    // The state dump: in process and over HTTP, a world file that loads again.
    let state = emu.state();
    let hz = state.region("cn-hangzhou").unwrap();
    assert_eq!(hz.snapshot_groups.len(), 1);
    assert_eq!(hz.snapshot_groups[0].name.as_deref(), Some("renamed"));
    assert!(hz.snapshots.iter().any(|s| s.snapshot_id == "s-imaged"));
    let text = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}{ADMIN_STATE_PATH}", emu.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reloaded = World::from_json(&text).unwrap();
    assert_eq!(reloaded, state);
    let again = Emulator::builder()
        .world(reloaded)
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    assert_eq!(again.snapshot_groups().len(), 1);
    assert_eq!(again.snapshots().len(), emu.snapshots().len());
    again.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test]
async fn the_admin_endpoint_is_off_by_default() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}{ADMIN_STATE_PATH}", emu.url()))
        .send()
        .await
        .unwrap();
    // Answered as any request without an action.
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("MissingParameter"));
    emu.shutdown().await;
}

#[tokio::test]
async fn faults_strike_the_new_actions_before_any_effect() {
    let emu = start(Timings::instant()).await;
    let c = client(&emu);
    emu.fail_next(Some("StopInstance"), 1, ecs_emulator::Fault::InternalError);
    let e = c
        .stop_instance("i-emu-running")
        .call_options(CallOptions::default().no_retry())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InternalError"));
    let running = |emu: &ecs_emulator::RunningEmulator| {
        let w = emu.world();
        let mut all = w.region("cn-hangzhou").unwrap().instances.iter();
        all.find(|i| i.instance_id == "i-emu-running")
            .unwrap()
            .status
            == "Running"
    };
    assert!(running(&emu), "no effect");
    // The scripted fault is used up: the next call goes through.
    c.stop_instance("i-emu-running").send().await.unwrap();
    assert!(!running(&emu));
    emu.shutdown().await;
}
