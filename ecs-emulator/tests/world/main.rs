//! The modelled world over one state: DescribeInstances and DescribeDisks from the world,
//! DescribeSnapshotGroups from the groups CreateSnapshotGroup made; paging as the pages document;
//! the lifecycle of snapshots, groups and instances over time (`lifecycle`).

#[path = "../common/mod.rs"]
mod common;
mod lifecycle;

use std::collections::HashSet;

use common::{client, raw};
use ecs_api::operation::describe_instances::DescribeInstances;
use ecs_api::paginator::Paginated;
use ecs_emulator::world::{Disk, Instance};
use ecs_emulator::{Emulator, World};
use futures_util::TryStreamExt as _;

fn hangzhou_instances(world: &World) -> Vec<String> {
    world
        .region("cn-hangzhou")
        .unwrap()
        .instances
        .iter()
        .map(|i| i.instance_id.clone())
        .collect()
}

#[tokio::test]
async fn the_paginator_walks_the_default_worlds_instances() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let c = client(&emu);
    let items: Vec<_> = c
        .describe_instances()
        .into_paginator()
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<String> = items.iter().filter_map(|i| i.instance_id.clone()).collect();
    assert_eq!(ids, hangzhou_instances(&emu.world()));
    let running = items
        .iter()
        .find(|i| i.instance_id.as_deref() == Some("i-emu-running"));
    let running = running.unwrap();
    assert_eq!(running.status.as_deref(), Some("Running"));
    assert_eq!(running.region_id.as_deref(), Some("cn-hangzhou"));
    assert_eq!(running.zone_id.as_deref(), Some("cn-hangzhou-h"));
    let locked = items
        .iter()
        .find(|i| i.instance_id.as_deref() == Some("i-emu-locked"));
    assert_eq!(locked.unwrap().operation_locks.len(), 1);

    // Filters: InstanceIds (a JSON array), Status; the other region is separate.
    let out = c
        .describe_instances()
        .set_instance_ids(["i-emu-running", "i-emu-stopped", "i-nope"])
        .send()
        .await
        .unwrap();
    assert_eq!(out.total_count, Some(2));
    let out = c
        .describe_instances()
        .status("Stopped")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = out
        .instances
        .iter()
        .filter_map(|i| i.instance_id.as_deref())
        .collect();
    assert_eq!(ids, ["i-emu-stopped"]);
    let out = c
        .describe_instances()
        .region_id("cn-beijing")
        .send()
        .await
        .unwrap();
    assert_eq!(out.total_count, Some(1));
    // A region the world does not list holds nothing.
    let out = c
        .describe_instances()
        .region_id("eu-central-1")
        .send()
        .await
        .unwrap();
    assert_eq!((out.total_count, out.instances.len()), (Some(0), 0));
    // Defaults from the page: page 1, page size 10.
    let out = c.describe_instances().send().await.unwrap();
    let n = hangzhou_instances(&emu.world()).len();
    assert_eq!((out.page_number, out.page_size), (Some(1), Some(10)));
    assert_eq!(out.instances.len(), n.min(10));
    assert_eq!(out.total_count, Some(n as i64));
    emu.shutdown().await;
}

fn big_world(n: usize) -> World {
    let mut world = World::default_world();
    let region = &mut world.regions[0];
    region.instances = (1..=n)
        .map(|i| {
            let mut inst = Instance::new(
                format!("i-many-{i:03}"),
                if i % 3 == 0 { "Stopped" } else { "Running" },
                vec![Disk::essd(format!("d-many-{i:03}"), 40)],
            );
            inst.zone_id = Some(format!(
                "cn-hangzhou-{}",
                if i % 2 == 0 { "h" } else { "i" }
            ));
            inst.instance_name = Some(format!("web-{i}"));
            inst
        })
        .collect();
    world
}

#[tokio::test]
async fn paging_returns_every_instance_exactly_once() {
    let emu = Emulator::builder()
        .world(big_world(57))
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let c = client(&emu);
    let max = <DescribeInstances as Paginated>::MAX_PAGE_SIZE.unwrap();
    for size in [1, 10, max] {
        emu.clear_requests();
        let items: Vec<_> = c
            .describe_instances()
            .into_paginator()
            .page_size(size)
            .items()
            .try_collect()
            .await
            .unwrap();
        let ids: HashSet<_> = items.iter().filter_map(|i| i.instance_id.clone()).collect();
        assert_eq!((items.len(), ids.len()), (57, 57), "page size {size}");
        let pages = emu.requests().len() as i64;
        assert_eq!(pages, (57 + size - 1) / size, "page size {size}");
    }
    // NextToken / MaxResults, as the page also documents, with the same sizes.
    for size in [1, 10, max] {
        let (mut token, mut seen, mut calls) = (None, Vec::new(), 0);
        loop {
            let mut req = c.describe_instances().max_results(size as i32);
            if let Some(t) = token.take() {
                req = req.next_token(t);
            }
            let out = req.send().await.unwrap();
            calls += 1;
            assert!(out.instances.len() as i64 <= size, "page size {size}");
            seen.extend(out.instances.into_iter().filter_map(|i| i.instance_id));
            match out.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen.len(), 57, "max results {size}");
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 57);
        assert_eq!(calls, (57 + size - 1) / size, "max results {size}");
    }
    let e = c
        .describe_instances()
        .next_token("not-a-token")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameter"));
    // Past the last page: empty, the total still told.
    let out = c.describe_instances().page_number(7).send().await.unwrap();
    assert_eq!((out.instances.len(), out.total_count), (0, Some(57)));
    // Name wildcard and zone.
    let out = c
        .describe_instances()
        .instance_name("web-5*")
        .zone_id("cn-hangzhou-i")
        .send()
        .await
        .unwrap();
    let names: Vec<_> = out
        .instances
        .iter()
        .filter_map(|i| i.instance_name.as_deref())
        .collect();
    assert_eq!(names, ["web-5", "web-51", "web-53", "web-55", "web-57"]);
    emu.shutdown().await;
}

#[tokio::test]
async fn describe_disks_reads_the_same_world() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let c = client(&emu);
    let out = c
        .describe_disks()
        .instance_id("i-emu-running")
        .send()
        .await
        .unwrap();
    let disks: Vec<_> = out
        .disks
        .iter()
        .map(|d| {
            (
                d.disk_id.as_deref().unwrap(),
                d.type_.as_deref().unwrap(),
                d.size.unwrap(),
            )
        })
        .collect();
    assert_eq!(
        disks,
        [
            ("d-emu-sys", "system", 40),
            ("d-emu-data1", "data", 100),
            ("d-emu-data2", "data", 500)
        ]
    );
    let out = c
        .describe_disks()
        .set_disk_ids(["d-emu-ssd", "d-emu-unattached"])
        .send()
        .await
        .unwrap();
    let d = &out.disks;
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].category.as_deref(), Some("cloud_ssd"));
    assert_eq!(d[1].instance_id, None);
    let out = c.describe_disks().status("Detaching").send().await.unwrap();
    assert_eq!(out.disks[0].disk_id.as_deref(), Some("d-emu-detaching"));
    assert_eq!(out.total_count, Some(1));
    let out = c
        .describe_disks()
        .instance_id("i-emu-eleven")
        .disk_type("data")
        .send()
        .await
        .unwrap();
    assert_eq!(out.total_count, Some(10));
    // Every disk of the region, attached or not, through the paginator.
    let world = emu.world();
    let region = world.region("cn-hangzhou").unwrap();
    let all = region
        .instances
        .iter()
        .map(|i| i.disks.len())
        .sum::<usize>()
        + region.disks.len();
    let items: Vec<_> = c
        .describe_disks()
        .into_paginator()
        .page_size(7)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), all);
    // A disk changed in the world shows at once.
    emu.update_world(|w| w.disk_mut("d-emu-data1").unwrap().status = "Detaching".into());
    let out = c.describe_disks().status("Detaching").send().await.unwrap();
    assert_eq!(out.total_count, Some(2));
    emu.shutdown().await;
}

#[tokio::test]
async fn created_snapshot_groups_are_listed() {
    let emu = Emulator::builder()
        .timings(ecs_emulator::Timings::instant())
        .build()
        .start("127.0.0.1:0")
        .await
        .unwrap();
    let c = client(&emu);
    let a = c
        .create_snapshot_group("i-emu-running")
        .name("nightly")
        .exclude_disk_id("d-emu-data2")
        .send()
        .await
        .unwrap()
        .snapshot_group_id
        .unwrap();
    let b = c
        .create_snapshot_group("i-emu-stopped")
        .send()
        .await
        .unwrap()
        .snapshot_group_id
        .unwrap();

    let all: Vec<_> = c
        .describe_snapshot_groups()
        .into_paginator()
        .page_size(1)
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = all
        .iter()
        .filter_map(|g| g.snapshot_group_id.clone())
        .collect();
    assert_eq!(ids, [a.clone(), b.clone()]);
    let first = &all[0];
    assert_eq!(first.name.as_deref(), Some("nightly"));
    assert_eq!(first.instance_id.as_deref(), Some("i-emu-running"));
    assert_eq!(first.status.as_deref(), Some("accomplished"));
    let disks: Vec<_> = first
        .snapshots
        .iter()
        .filter_map(|s| s.source_disk_id.as_deref())
        .collect();
    assert_eq!(disks, ["d-emu-sys", "d-emu-data1"]);
    let held: Vec<_> = emu.snapshots().into_iter().map(|s| s.snapshot_id).collect();
    assert!(
        first
            .snapshots
            .iter()
            .all(|s| held.contains(s.snapshot_id.as_ref().unwrap()))
    );

    let by_instance = c
        .describe_snapshot_groups()
        .instance_id("i-emu-stopped")
        .send()
        .await
        .unwrap();
    assert_eq!(by_instance.snapshot_groups.len(), 1);
    assert_eq!(by_instance.snapshot_groups[0].snapshot_group_id, Some(b));
    let by_id = c
        .describe_snapshot_groups()
        .snapshot_group_id(&a)
        .send()
        .await
        .unwrap();
    assert_eq!(by_id.snapshot_groups[0].snapshot_group_id, Some(a));
    // Another region and another caller see none of them.
    let other = c
        .describe_snapshot_groups()
        .region_id("cn-beijing")
        .send()
        .await
        .unwrap();
    assert!(other.snapshot_groups.is_empty());
    let sts = ecs_api::Credentials::with_security_token("stsid", "stssecret", "emu-sts-token");
    let theirs = common::client_as(&emu, sts)
        .describe_snapshot_groups()
        .send()
        .await
        .unwrap();
    assert!(theirs.snapshot_groups.is_empty());
    emu.shutdown().await;
}

#[tokio::test]
async fn modelled_reads_answer_xml_in_the_services_shape() {
    let emu = ecs_emulator::start_default().await.unwrap();
    let params = [
        ("RegionId", "cn-hangzhou"),
        ("InstanceIds", "[\"i-emu-running\"]"),
    ];
    let r = raw(&emu.url(), "DescribeInstances", &params).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["Instances"]["Instance"][0]["InstanceId"], "i-emu-running");
    assert!(
        v.get("NextToken").is_none(),
        "absent fields are left out: {v}"
    );
    let mut xml = params.to_vec();
    xml.push(("Format", "XML"));
    let r = raw(&emu.url(), "DescribeInstances", &xml).await;
    assert!(
        r.body.contains("<DescribeInstancesResponse>")
            && r.body.contains("<Instances><Instance>")
            && r.body.contains("<InstanceId>i-emu-running</InstanceId>"),
        "{}",
        r.body
    );
    emu.shutdown().await;
}
