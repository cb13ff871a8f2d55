//! The binary: the first stdout line, serving, and world files.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

fn run(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

#[tokio::test]
async fn prints_url_first_and_serves() {
    let (mut child, line) = run(&["--listen", "127.0.0.1:0"]);
    let url = line
        .trim_end()
        .strip_prefix("listening on http://127.0.0.1:")
        .map(|port| format!("http://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("first line: {line:?}"));
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!(
            "{url}/?Action=CreateSnapshotGroup&Version=2014-05-26"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("MissingParameter"));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn strict_actions_flag_refuses_unmodelled_actions() {
    let (mut child, line) = run(&["--listen", "127.0.0.1:0", "--strict-actions"]);
    let url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    let r = common::raw(&url, "DescribeRegions", &[]).await;
    assert_eq!(
        (r.status, r.code().as_str()),
        (404, "InvalidAction.NotFound")
    );
    assert!(
        r.unmodelled() && r.body.contains("does not model"),
        "{}",
        r.body
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn loads_a_world_file_and_rejects_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("ecs-emu-world-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("world.json");
    std::fs::write(
        &good,
        r#"{"accounts":[{"access_key_id":"k","access_key_secret":"s"}],
            "regions":[{"region_id":"cn-shanghai","instances":[{"instance_id":"i-1","status":"Running",
            "disks":[{"disk_id":"d-1","size_gib":40}]}]}]}"#,
    )
    .unwrap();
    let (mut child, line) = run(&["--listen", "127.0.0.1:0", "--world", good.to_str().unwrap()]);
    assert!(
        line.starts_with("listening on http://127.0.0.1:"),
        "{line:?}"
    );
    child.kill().unwrap();
    child.wait().unwrap();

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"accounts":[],"regions":[],"typo":1}"#).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_ecs-emulator"))
        .args(["--world", bad.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn admin_flag_serves_the_state_and_timing_flags_are_read() {
    let (mut child, line) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--admin",
        "--snapshot-seconds",
        "0",
        "--transition-seconds",
        "0.5",
    ]);
    let url = line
        .trim_end()
        .trim_start_matches("listening on ")
        .to_owned();
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{url}{}", ecs_emulator::ADMIN_STATE_PATH))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let world = ecs_emulator::World::from_json(&r.text().await.unwrap()).unwrap();
    assert!(world.region("cn-hangzhou").is_some());
    child.kill().unwrap();
    child.wait().unwrap();
    let bad = Command::new(env!("CARGO_BIN_EXE_ecs-emulator"))
        .args(["--snapshot-seconds", "soon"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--snapshot-seconds"));
}
