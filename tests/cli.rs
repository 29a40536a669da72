//! End-to-end tests of the `oomsift` binary: bundles, node facts, dedup across
//! sources, determinism across thread counts, the text summary, panics, look-alike
//! lines, and exit statuses.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::json;

const SOS: &str = "testdata/sosreport-node1";
const SOS_DMESG: &str = "testdata/sosreport-node1/sos_commands/kernel/dmesg";
const SOS_MESSAGES: &str = "testdata/sosreport-node1/var/log/messages";
const CG_PATH: &str = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7d1c9a52_3b8e_4f21_9c6a_0e5d2b7f4a10.slice/cri-containerd-4f3a9c1e7b2d8a6f0c5e9b3d1a7f2c8e6b4d0a9f3e7c1b5d9a2f6e0c4b8d3a7f.scope";

// ---------------------------------------------------------------- sosreport-node1

#[test]
fn sosreport_inputs_and_node_facts() {
    let doc = analyze_ok(&[SOS]);
    assert_eq!(
        doc["inputs"],
        json!([{
            "path": SOS,
            "kind": "directory",
            "layout": "sosreport",
            "sources": [SOS_DMESG, SOS_MESSAGES],
        }])
    );
    assert_eq!(
        doc["nodes"],
        json!([{
            "name": "node1",
            "kernel": "5.14.0-284.30.1.el9_2.x86_64",
            "boot_time": "2024-03-05T00:53:20+00:00",
            "collected_at": "2024-03-05T10:45:00+00:00",
            "mem_total_kb": 16303600,
            "cgroup_version": "v2",
            "cgroup_driver": "systemd",
            "sysctl": {},
            "pod_memory_limits_kb": null,
            "pod_memory_requests_kb": null,
            // No Node object in a sosreport.
            "mem_capacity_kb": null,
            "mem_allocatable_kb": null,
            "os_image": null,
            "container_runtime": null,
            "kubelet_version": null,
            "memory_pressure": null,
            "machine_id": null,
        }])
    );
    // systemd's note on the pod slice is a userspace report, not a second kernel kill.
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert_eq!(deaths.len(), 1);
    assert_eq!(deaths[0]["kind"], "unit_process_oom_killed");
    assert_eq!(
        deaths[0]["unit"],
        "kubepods-besteffort-podc2b4e6f8_1a3c_4e5a_8b7d_9f0e1d2c3b4a.slice"
    );
    assert_eq!(doc["warnings"], json!([]));
}

#[test]
fn sosreport_two_kills_each_deduped_across_dmesg_and_messages() {
    let doc = analyze_ok(&[SOS]);
    let evs = events(&doc);
    // The application's own "Out of memory: Killed process 12 (worker)" lines in
    // messages are not kernel kills: exactly the two kernel kills remain.
    assert_eq!(evs.len(), 2, "{evs:#?}");
    assert_eq!(evs[0]["id"], "e1");
    assert_eq!(evs[1]["id"], "e2");
    assert!(evs.iter().all(|e| e["victim"]["pid"] != 12));

    // e1: the cgroup kill of python3 in a burstable pod.
    let e = &evs[0];
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["constraint"], "CONSTRAINT_MEMCG");
    assert_eq!(e["node"], "node1");
    assert_eq!(e["kernel"], "5.14.0-284.30.1.el9_2.x86_64");
    assert_eq!(e["time"], "2024-03-05T10:18:20.120001+00:00");
    assert_eq!(e["time_raw"], "[33900.120001]");
    assert_eq!(e["trigger"]["pid"], 48211);
    assert_eq!(e["trigger"]["comm"], "python3");
    assert_eq!(e["trigger"]["gfp_mask"], "0xcc0");
    assert_eq!(e["trigger"]["order"], 0);
    assert_eq!(e["trigger"]["oom_score_adj"], 984);
    assert_eq!(
        e["victim"],
        json!({
            "pid": 48211, "comm": "python3", "uid": 1001,
            "total_vm_kb": 645172, "anon_rss_kb": 515840, "file_rss_kb": 208,
            "shmem_rss_kb": 0, "pgtables_kb": 1140, "oom_score_adj": 984, "score": null,
        })
    );
    assert_eq!(e["cgroup"], json!({"oom": CG_PATH, "task": CG_PATH}));
    assert_eq!(
        e["pod"],
        json!({"uid": "7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10", "qos": "burstable",
               "namespace": null, "name": null})
    );
    assert_eq!(
        e["container"],
        json!({"id": "4f3a9c1e7b2d8a6f0c5e9b3d1a7f2c8e6b4d0a9f3e7c1b5d9a2f6e0c4b8d3a7f",
               "runtime": "containerd", "name": null})
    );
    assert_eq!(e["memory"]["usage_kb"], 524288);
    assert_eq!(e["memory"]["limit_kb"], 524288);
    assert_eq!(e["memory"]["failcnt"], 1183);
    assert_eq!(e["memory"]["swap_usage_kb"], 0);
    assert_eq!(e["memory"]["swap_limit_kb"], 0);
    assert!(e["memory"]["memsw_limit_kb"].is_null());
    assert_eq!(e["memcg_stats"][CG_PATH]["anon"], 529235968u64);
    assert_eq!(e["memcg_stats"][CG_PATH]["slab"], 1536000);
    assert_eq!(e["memcg_stats"][CG_PATH].as_object().unwrap().len(), 17);
    assert!(e["meminfo"].is_null());
    let tasks = e["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(
        tasks[1],
        json!({"pid": 48211, "uid": 1001, "tgid": 48211, "total_vm": 161293, "rss": 129012,
               "pgtables_bytes": 1167360, "swapents": 0, "oom_score_adj": 984, "name": "python3"})
    );
    assert_eq!(
        e["reaped"],
        json!({"pid": 48211, "anon_rss_kb": 0, "file_rss_kb": 0, "shmem_rss_kb": 0})
    );
    assert_eq!(
        sources(e),
        vec![(SOS_DMESG.to_string(), 4), (SOS_MESSAGES.to_string(), 41)]
    );
    assert_eq!(e["complete"], true);
    assert_eq!(e["warnings"], json!([]));

    // e2: the host kill of java, whose task sits in a besteffort pod.
    let e = &evs[1];
    assert_eq!(e["kind"], "host");
    assert_eq!(e["constraint"], "CONSTRAINT_NONE");
    assert_eq!(e["node"], "node1");
    assert_eq!(e["time"], "2024-03-05T10:40:00.500002+00:00");
    assert_eq!(e["trigger"]["pid"], 51234);
    assert_eq!(e["trigger"]["gfp_mask"], "0x140cca");
    assert_eq!(e["victim"]["pid"], 51234);
    assert_eq!(e["victim"]["comm"], "java");
    assert_eq!(e["victim"]["uid"], 0);
    assert_eq!(e["victim"]["anon_rss_kb"], 12791204);
    assert_eq!(e["victim"]["oom_score_adj"], 1000);
    assert!(e["cgroup"]["oom"].is_null());
    assert_eq!(
        e["cgroup"]["task"],
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podc2b4e6f8_1a3c_4e5a_8b7d_9f0e1d2c3b4a.slice/cri-containerd-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d.scope"
    );
    assert_eq!(e["pod"]["uid"], "c2b4e6f8-1a3c-4e5a-8b7d-9f0e1d2c3b4a");
    assert_eq!(e["pod"]["qos"], "besteffort");
    assert_eq!(
        e["container"],
        json!({"id": "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d",
               "runtime": "containerd", "name": null})
    );
    assert!(e["memory"]["limit_kb"].is_null());
    assert_eq!(e["memcg_stats"], json!({}));
    assert_eq!(e["meminfo"]["ram_pages"], 4194165);
    assert_eq!(e["meminfo"]["free"], 33710);
    assert_eq!(e["meminfo"]["active_file"], 88);
    assert_eq!(e["meminfo"]["total_swap_kb"], 0);
    assert_eq!(e["tasks"].as_array().unwrap().len(), 4);
    assert_eq!(e["reaped"]["pid"], 51234);
    assert_eq!(
        sources(e),
        vec![(SOS_DMESG.to_string(), 51), (SOS_MESSAGES.to_string(), 98)]
    );
    assert_eq!(e["complete"], true);
}

#[test]
fn sosreport_json_is_byte_identical_whatever_the_thread_count() {
    let one = run(&["analyze", "--format", "json", "--jobs", "1", SOS]);
    let two = run(&["analyze", "--format", "json", "--jobs", "2", SOS]);
    assert_eq!((one.code, two.code), (0, 0));
    assert!(one.stdout.contains("\"e2\""), "{}", one.stdout);
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn many_inputs_are_byte_identical_whatever_the_thread_count() {
    let inputs = [
        SOS,
        "testdata/varlog-rotated",
        "testdata/dmesg-T/dmesg_-T",
        "testdata/journal-json/journal.json",
        "testdata/kmsg-node",
        "testdata/formats/rfc3339-syslog.log",
        "testdata/formats/rsyslog-012",
        "testdata/truncated/kern.log",
    ];
    let outs: Vec<Run> = ["1", "3", "8"]
        .iter()
        .map(|j| {
            let mut args = vec![
                "analyze",
                "--format",
                "json",
                "--reference-date",
                "2024-01-03",
                "--jobs",
                j,
            ];
            args.extend_from_slice(&inputs);
            run(&args)
        })
        .collect();
    let doc: serde_json::Value = serde_json::from_str(&outs[0].stdout).unwrap();
    assert_eq!(outs[0].code, 0, "{}", outs[0].stderr);
    assert_eq!(doc["inputs"].as_array().unwrap().len(), inputs.len());
    // 2 (sosreport) + 2 (var/log) + 1 each for the six single-kill inputs.
    assert_eq!(events(&doc).len(), 10);
    for o in &outs[1..] {
        assert_eq!(o.code, 0);
        assert_eq!(o.stdout, outs[0].stdout);
    }
}

#[test]
fn sosreport_text_summary_is_the_default_format() {
    let r = run(&["analyze", SOS]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Event lines start with two spaces; their diagnoses are indented further.
    let all: Vec<&str> = r
        .stdout
        .lines()
        .take_while(|l| !l.starts_with("other deaths"))
        .collect();
    let lines: Vec<&str> = all
        .iter()
        .copied()
        .filter(|l| !l.starts_with("      "))
        .collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert_eq!(lines[0], "node node1: 2 OOM kill(s): 1 host, 1 cgroup");
    let diagnoses: Vec<&str> = all
        .iter()
        .filter_map(|l| l.strip_prefix("      ")?.split(':').next())
        .collect();
    assert_eq!(
        diagnoses,
        [
            "verdict",
            "child_process_killed",
            "burstable_request_inferred",
            "verdict",
            "qos_victim_expected"
        ]
    );
    // The verdict is the first line under each kill.
    let verdicts: Vec<&str> = all
        .iter()
        .filter_map(|l| l.strip_prefix("      verdict: "))
        .collect();
    assert!(
        verdicts[0].starts_with("The container's own memory limit fired: usage 512.0 MiB of a 512.0 MiB limit; filled mostly by anon memory"),
        "{}",
        verdicts[0]
    );
    assert!(
        verdicts[1].starts_with("The host ran out of memory (no cgroup limit was involved): 131.7 MiB free of 16.0 GiB RAM; no swap"),
        "{}",
        verdicts[1]
    );
    for want in [
        "2024-03-05T10:18:20.120001+00:00",
        " e1 ",
        "container limit",
        "48211 (python3)",
        "pod 7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10 [burstable]",
        "container 4f3a9c1e7b2d",
        "usage 512.0 MiB / limit 512.0 MiB",
    ] {
        assert!(lines[1].contains(want), "{want:?} not in {:?}", lines[1]);
    }
    for want in [
        "2024-03-05T10:40:00.500002+00:00",
        " e2 ",
        "host RAM",
        "51234 (java)",
        "pod c2b4e6f8-1a3c-4e5a-8b7d-9f0e1d2c3b4a [besteffort]",
        "container 9e8d7c6b5a4f",
        "victim anon-rss 12.2 GiB",
    ] {
        assert!(lines[2].contains(want), "{want:?} not in {:?}", lines[2]);
    }
    // The text format is not JSON.
    assert!(serde_json::from_str::<serde_json::Value>(&r.stdout).is_err());
}

// ---------------------------------------------------------------- look-alikes, panics

#[test]
fn lookalike_lines_are_not_kernel_kills() {
    let path = "testdata/lookalikes/messages";
    let doc = analyze_ok(&["--reference-date", "2024-03-06", path]);
    // The file was read (not skipped), and nothing in it is a kernel OOM kill.
    assert_eq!(doc["inputs"][0]["sources"], json!([path]));
    assert_eq!(doc["events"], json!([]));
    // The userspace deaths among them are reported as what they are, not as kernel kills.
    let kinds: Vec<(&str, u64)> = doc["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap(),
                d["sources"][0]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("unit_process_oom_killed", 4),
            ("unit_oom_failed", 6),
            ("oomd_kill", 8)
        ]
    );
    assert_eq!(doc["warnings"], json!([]));

    let r = run(&["analyze", "--reference-date", "2024-03-06", path]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with(
            "No kernel OOM kills found in 1 input.\nother deaths and Kubernetes reports:\n"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn panic_on_oom_is_another_death_not_a_kill() {
    let doc = analyze_ok(&["testdata/panic-node"]);
    assert_eq!(doc["events"], json!([]));
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert_eq!(deaths.len(), 1);
    let d = &deaths[0];
    assert_eq!(
        (d["kind"].as_str(), d["reporter"].as_str()),
        (Some("panic"), Some("kernel"))
    );
    // boot (proc/stat btime 1700000000) + uptime 8123.456789 s
    assert_eq!(d["time"], "2023-11-15T00:28:43.456789+00:00");
    assert_eq!(d["time_raw"], "[ 8123.456789]");
    assert_eq!(d["node"], "db-03");
    assert_eq!(
        d["message"],
        "Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled"
    );
    assert_eq!(
        d["sources"],
        json!([{"file": "testdata/panic-node/dmesg", "line": 4}])
    );
    assert_eq!(doc["nodes"][0]["name"], "db-03");
    assert_eq!(doc["nodes"][0]["boot_time"], "2023-11-14T22:13:20+00:00");

    let r = run(&["analyze", "testdata/panic-node"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains(
            "  2023-11-15T00:28:43.456789+00:00 (from uptime + boot time)  panic (kernel) on db-03: Kernel panic - not syncing: Out of memory"
        ),
        "{}",
        r.stdout
    );
}

// ---------------------------------------------------------------- exit statuses

#[test]
fn nonexistent_path_exits_2_naming_it() {
    let missing = "testdata/no-such-bundle/messages";
    for format in ["text", "json"] {
        let r = run(&["analyze", "--format", format, missing]);
        assert_eq!(r.code, 2);
        assert_eq!(r.stdout, "");
        assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
        assert!(r.stderr.contains(missing), "{:?}", r.stderr);
        assert!(r.stderr.contains("no such file"), "{:?}", r.stderr);
    }
}

#[test]
fn binary_file_alone_exits_2() {
    let dir = scratch_dir("binary_file_alone");
    let blob = dir.join("core.dump");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    bytes.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(&blob, &bytes).unwrap();
    let r = run(&["analyze", "--format", "json", arg(&blob)]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
    assert!(r.stderr.contains(arg(&blob)), "{:?}", r.stderr);
    assert!(r.stderr.contains("binary"), "{:?}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let r = run(&["analyze"]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(!r.stderr.is_empty());

    let r = run(&["analyze", "--reference-date", "2024-02-30", SOS]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("2024-02-30"), "{:?}", r.stderr);

    let r = run(&["analyze", "--format", "yaml", SOS]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
}

#[test]
fn corrupt_gzip_beside_a_good_log_exits_1_with_a_warning() {
    let dir = scratch_dir("corrupt_gzip_beside_good_log");
    std::fs::write(dir.join("messages"), testdata("varlog-rotated/messages")).unwrap();
    let gz = gzip(&testdata("varlog-rotated/messages-20240101"));
    std::fs::write(dir.join("messages-20231231.gz"), &gz[..gz.len() / 2]).unwrap();

    let (doc, r) = analyze_json(&["--reference-date", "2024-01-03", arg(&dir)]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    // The readable log's kill is there in full.
    let e = event_by_victim(&doc, 41877);
    assert_eq!(e["victim"]["comm"], "stress-ng-vm");
    assert_eq!(e["kind"], "host");
    assert_eq!(e["time"], "2024-01-02T03:04:05");
    assert_eq!(e["complete"], true);
    assert_eq!(sources(e), vec![(format!("{}/messages", arg(&dir)), 3)]);
    // The damaged file is named in a warning, in the JSON and on stderr.
    let bad = format!("{}/messages-20231231.gz", arg(&dir));
    let warnings = doc["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w["file"] == bad.as_str()),
        "{warnings:#?}"
    );
    assert!(r.stderr.contains("warning"), "{:?}", r.stderr);
    assert!(r.stderr.contains(&bad), "{:?}", r.stderr);
}

#[test]
fn truncated_gzip_keeps_the_events_before_the_damage() {
    // A rotated log whose copy was cut short: the kill is well before the cut.
    let dir = scratch_dir("truncated_gzip_keeps_events");
    let head = testdata("varlog-rotated/messages-20240101");
    let mut tail = String::new();
    for i in 0..3000u32 {
        tail.push_str(&format!(
            "Jan  1 {:02}:{:02}:{:02} web-1 systemd[1]: Started session-{i}.scope - Session {i} of User ops (seat {:x}).\n",
            i / 3600,
            i / 60 % 60,
            i % 60,
            i.wrapping_mul(2_654_435_761)
        ));
    }
    let gz = gzip_truncated_after(&head, tail.as_bytes());
    let bad = dir.join("messages-20240101.gz");
    std::fs::write(&bad, gz).unwrap();

    let (doc, r) = analyze_json(&[arg(&bad)]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    let w = &doc["warnings"];
    assert_eq!(w.as_array().unwrap().len(), 1, "{w:#?}");
    assert_eq!(w[0]["file"], arg(&bad));
    // The warning itself promises "events before that point were kept".
    let e = only_event(&doc);
    assert_eq!(e["victim"]["pid"], 30211);
    assert_eq!(e["victim"]["comm"], "php-fpm");
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["memory"]["limit_kb"], 2097152);
    assert_eq!(e["time"], "2023-12-31T23:59:58");
    assert_eq!(e["complete"], true);
}

#[test]
fn one_missing_input_among_good_ones_exits_1() {
    let missing = "testdata/no-such-file.log";
    let (doc, r) = analyze_json(&["testdata/dmesg-T/dmesg_-T", missing]);
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    assert_eq!(only_event(&doc)["victim"]["pid"], 2231);
    assert_eq!(doc["warnings"][0]["file"], missing);
    assert!(r.stderr.contains(missing), "{:?}", r.stderr);
}

/// `oomsift ARGS…` with `input` on its standard input.
fn run_with_stdin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start oomsift");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn standard_input_is_a_loose_log_plain_or_compressed() {
    let messages = testdata("sosreport-node1/var/log/messages");
    let (doc, _) = analyze_json(&[
        "--reference-date",
        "2024-03-05",
        "testdata/sosreport-node1/var/log/messages",
    ]);
    for input in [messages.clone(), gzip(&messages)] {
        let (code, out, err) = run_with_stdin(
            &[
                "analyze",
                "--format",
                "json",
                "--reference-date",
                "2024-03-05",
                "-",
            ],
            &input,
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(err, "");
        let piped: serde_json::Value = serde_json::from_str(&out).unwrap();
        let events = piped["events"].as_array().unwrap();
        assert_eq!(events.len(), 2);
        for (p, f) in events.iter().zip(doc["events"].as_array().unwrap()) {
            assert_eq!(p["time"], f["time"]);
            assert_eq!(p["victim"], f["victim"]);
            assert_eq!(p["sources"][0]["file"], "-");
            assert_eq!(p["sources"][0]["line"], f["sources"][0]["line"]);
        }
    }
    // Without a year anywhere, the kills keep their printed time, with a hint.
    let (code, out, err) = run_with_stdin(&["analyze", "-"], &messages);
    assert_eq!(code, 0);
    assert!(out.contains("Mar  5 10:18:20"), "{out}");
    assert!(
        err.contains("-: syslog times carry no year") && err.contains("--reference-date"),
        "{err}"
    );
    // Binary input, or `-` twice.
    let (code, _, err) = run_with_stdin(
        &["analyze", "-"],
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0",
    );
    assert_eq!(
        (code, err.as_str()),
        (2, "oomsift: -: binary input (not a text log)\n")
    );
    let (code, _, err) = run_with_stdin(&["analyze", "-", "-"], &messages);
    assert_eq!(code, 1);
    assert!(err.contains("-: standard input given twice"), "{err}");
}

// ---------------------------------------------------------------- a closed stdout

/// `oomsift analyze --format F … | head -c 10`: the reader goes away long before the
/// output (hundreds of KiB, more than a pipe holds) is written; that is success.
#[test]
fn a_broken_pipe_is_success_for_every_format() {
    use std::io::Read;
    for format in ["json", "ndjson", "text"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_oomsift"))
            .args(["analyze", "--format", format, "--raw-blocks", "-q"])
            .args([
                "testdata/sosreport-deaths",
                "testdata/diagnoses",
                "testdata/fleet",
            ])
            .args(["testdata/diagnoses", "testdata/fleet"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("oomsift starts");
        let mut head = [0u8; 10];
        child
            .stdout
            .take()
            .expect("stdout")
            .read_exact(&mut head)
            .expect("the first bytes");
        let out = child.wait_with_output().expect("oomsift ends");
        assert_eq!(
            out.status.code(),
            Some(0),
            "--format {format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "--format {format}"
        );
    }
}

// ---------------------------------------------------------------- completions, man

#[test]
fn completions_and_the_man_page_come_from_the_real_options() {
    for (shell, marker) in [
        ("bash", "_oomsift()"),
        ("zsh", "#compdef oomsift"),
        ("fish", "complete -c oomsift"),
    ] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains(marker),
            "{shell}: {}",
            &r.stdout[..r.stdout.len().min(200)]
        );
        for opt in ["reference-date", "format", "merge"] {
            assert!(r.stdout.contains(opt), "{shell} completion lacks {opt}");
        }
    }
    let r = run(&["completions", "tcsh"]);
    assert_eq!(r.code, 2, "an unknown shell is a usage error");
    assert!(r.stderr.contains("invalid value 'tcsh'"), "{}", r.stderr);
    let r = run(&["man"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(".TH oomsift 1"),
        "{}",
        &r.stdout[..r.stdout.len().min(200)]
    );
    assert!(
        r.stdout.contains(".SH SUBCOMMANDS") || r.stdout.contains("analyze"),
        "{}",
        r.stdout
    );
}
