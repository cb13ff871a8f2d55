//! The built `ecs` binary against the in-process emulator (`--emulator`).

use std::process::{Command, Output};

fn ecs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecs"))
        .args(args)
        // The chain must not find real keys or a profile region; --emulator sets its own.
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env_remove("ALIBABA_CLOUD_SECURITY_TOKEN")
        .env_remove("ALIBABA_CLOUD_ECS_ENDPOINT")
        .output()
        .expect("run ecs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn success_prints_the_response_json_with_wire_names() {
    for signature in ["v2", "v3"] {
        let o = ecs(&[
            "CreateSnapshotGroup",
            "--emulator",
            "--signature",
            signature,
            "--InstanceId",
            "i-emu-running",
            "--ExcludeDiskId.1",
            "d-emu-data2",
            "--Name=nightly",
            "--Tag.1.Key",
            "team",
            "--Tag.1.Value",
            "storage",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
        assert!(
            json["SnapshotGroupId"]
                .as_str()
                .is_some_and(|id| id.starts_with("ssg-")),
            "{json}"
        );
        assert!(json["RequestId"].is_string(), "{json}");
    }
    // Action names match case-insensitively.
    let o = ecs(&[
        "createsnapshotgroup",
        "--emulator",
        "--InstanceId",
        "i-emu-stopped",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn invalid_params_exit_2_naming_every_one() {
    let o = ecs(&[
        "CreateSnapshotGroup",
        "--emulator",
        "--InstanceId",
        "i-emu-running",
        "--Name",
        "_bad!",
        "--Description",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("Name: "), "{err}");
    assert!(err.contains("Description: "), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn unknown_param_exits_2_naming_it() {
    let o = ecs(&[
        "CreateSnapshotGroup",
        "--emulator",
        "--InstanceId",
        "i-emu-running",
        "--Colour",
        "blue",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Colour: not a parameter of this operation"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_action_exits_2_with_a_suggestion() {
    let o = ecs(&["CreateSnapshotGrop", "--emulator", "--InstanceId", "i-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean CreateSnapshotGroup?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn service_error_exits_1_with_code_and_request_id() {
    let o = ecs(&[
        "CreateSnapshotGroup",
        "--emulator",
        "--InstanceId",
        "i-emu-starting",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("IncorrectInstanceStatus"), "{err}");
    assert!(err.contains("RequestId: "), "{err}");
    assert!(!err.contains("testsecret"), "{err}");
}

#[test]
fn command_line_mistakes_exit_2() {
    let o = ecs(&["CreateSnapshotGroup", "--emulator", "--InstanceId"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--InstanceId needs a value"),
        "{}",
        stderr(&o)
    );

    let o = ecs(&["CreateSnapshotGroup", "--all-pages", "--InstanceId", "i-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a paged operation"),
        "{}",
        stderr(&o)
    );

    let o = ecs(&[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn list_and_help_show_the_actions_by_category() {
    let o = ecs(&["--list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let snapshots = out.find("Snapshots\n").expect("a Snapshots heading");
    let group = out
        .find("  CreateSnapshotGroup\n")
        .expect("CreateSnapshotGroup listed");
    assert!(group > snapshots, "{out}");
    assert!(
        out.contains("  DescribeInstances  (--all-pages)\n"),
        "{out}"
    );
    let o = ecs(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("upper-case letter"));
    assert!(stdout(&o).contains("CreateSnapshotGroup"));
}
