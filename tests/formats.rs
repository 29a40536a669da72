//! End-to-end tests per log envelope and kernel era: journal JSON exports, `dmesg -T`,
//! rotated and gzipped syslog with year inference, truncated blocks, RFC 3339 syslog,
//! rsyslog `#012` escapes and `/dev/kmsg` records.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::json;

// ---------------------------------------------------------------- journal JSON

#[test]
fn journal_json_rhel7_cgroup_v1_kill() {
    let path = "testdata/journal-json/journal.json";
    let doc = analyze_ok(&[path]);
    let e = only_event(&doc);
    let pod = "6c8e5b1a-2f4d-11e8-9a3c-0050569b1f42";
    let cid = "3b7d2e9f51c04a6e8d2b7f1c9e0a4d6b3f5e8c1a7d9b2e4f6a0c3d5e7b9f1a2c";
    let cg = format!("/kubepods/burstable/pod{pod}/{cid}");

    assert_eq!(e["kind"], "cgroup");
    assert!(e["constraint"].is_null());
    // __REALTIME_TIMESTAMP 1528965002417305 µs, UTC.
    assert_eq!(e["time"], "2018-06-14T08:30:02.417305+00:00");
    assert_eq!(e["time_raw"], "1528965002417305");
    assert_eq!(e["node"], "k8s-worker-3");
    assert_eq!(e["kernel"], "3.10.0-862.14.4.el7.x86_64");
    assert_eq!(e["trigger"]["pid"], 14903);
    assert_eq!(e["trigger"]["comm"], "java");
    assert_eq!(e["trigger"]["gfp_mask"], "0xd0");
    assert_eq!(e["trigger"]["oom_score_adj"], 992);
    assert_eq!(e["trigger"]["cpuset"], cid);
    assert_eq!(
        e["victim"],
        json!({
            "pid": 14881, "comm": "java", "uid": 1000,
            "total_vm_kb": 6081432, "anon_rss_kb": 1047192, "file_rss_kb": 1116,
            "shmem_rss_kb": null, "pgtables_kb": null, "oom_score_adj": 992, "score": 1992,
        })
    );
    assert_eq!(e["cgroup"], json!({"oom": cg, "task": cg}));
    assert_eq!(
        e["pod"],
        json!({"uid": pod, "qos": "burstable", "namespace": null, "name": null})
    );
    assert_eq!(
        e["container"],
        json!({"id": cid, "runtime": null, "name": null})
    );
    assert_eq!(
        e["memory"],
        json!({
            "usage_kb": 1048576, "limit_kb": 1048576, "failcnt": 2291,
            "memsw_usage_kb": 1048576, "memsw_limit_kb": 9007199254740988u64,
            "swap_usage_kb": null, "swap_limit_kb": null,
            "kmem_usage_kb": 0, "kmem_limit_kb": 9007199254740988u64,
        })
    );
    // The one-line v1 stats, KB converted to bytes.
    assert_eq!(e["memcg_stats"][&cg]["rss"], 1048548u64 * 1024);
    assert_eq!(e["memcg_stats"][&cg]["cache"], 28 * 1024);
    assert_eq!(e["memcg_stats"][&cg].as_object().unwrap().len(), 10);
    // Three task rows; the third was a MESSAGE byte array (a Latin-1 task name).
    let tasks = e["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3, "{tasks:#?}");
    assert_eq!(tasks[1]["pid"], 14881);
    assert_eq!(tasks[1]["nr_ptes"], 657);
    assert_eq!(tasks[2]["pid"], 14890);
    assert_eq!(tasks[2]["rss"], 950);
    assert_eq!(tasks[2]["name"], "r\u{fffd}sum\u{fffd}-gen");
    assert_eq!(sources(e), vec![(path.to_string(), 3)]);
    assert_eq!(e["complete"], true);
    assert_eq!(e["warnings"], json!([]));
    assert_eq!(doc["nodes"][0]["name"], "k8s-worker-3");
    assert_eq!(doc["nodes"][0]["cgroup_driver"], "cgroupfs");
}

// ---------------------------------------------------------------- dmesg -T

#[test]
fn dmesg_t_local_time_without_offset() {
    let path = "testdata/dmesg-T/dmesg_-T";
    let doc = analyze_ok(&[path]);
    let e = only_event(&doc);
    assert_eq!(e["kind"], "host");
    assert_eq!(e["time"], "2017-12-07T00:05:15");
    assert_eq!(e["time_raw"], "Thu Dec  7 00:05:15 2017");
    assert!(e["node"].is_null());
    assert_eq!(e["kernel"], "4.4.0-101-generic");
    assert_eq!(e["trigger"]["pid"], 2304);
    assert_eq!(e["trigger"]["comm"], "mysqld");
    assert_eq!(e["trigger"]["gfp_mask"], "0x24201ca");
    assert_eq!(e["trigger"]["cpuset"], "/");
    assert_eq!(e["victim"]["pid"], 2231);
    assert_eq!(e["victim"]["comm"], "mysqld");
    assert_eq!(e["victim"]["uid"], 112); // from the task table
    assert_eq!(e["victim"]["score"], 872);
    assert_eq!(e["victim"]["anon_rss_kb"], 913648);
    assert_eq!(e["victim"]["total_vm_kb"], 1226348);
    assert!(e["pod"].is_null());
    assert!(e["container"].is_null());
    // Mem-Info, including the un-stamped continuation lines of the summary.
    assert_eq!(e["meminfo"]["active_anon"], 235520);
    assert_eq!(e["meminfo"]["active_file"], 34);
    assert_eq!(e["meminfo"]["free"], 12296);
    assert_eq!(e["meminfo"]["ram_pages"], 262045);
    assert_eq!(e["meminfo"]["reserved_pages"], 8262);
    let tasks = e["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 4);
    assert_eq!(tasks[3]["nr_pmds"], 5);
    assert_eq!(tasks[2]["oom_score_adj"], -1000);
    assert_eq!(e["reaped"]["pid"], 2231);
    assert_eq!(sources(e), vec![(path.to_string(), 6)]);
    assert_eq!(e["complete"], true);
    assert_eq!(doc["nodes"], json!([]));
}

// ---------------------------------------------------------------- rotated /var/log

/// Debian-style `kern.log` from the same host, two days before the rotation.
const KERN_LOG_2: &str = "\
Dec 30 14:21:50 web-1 kernel: [ 9001.100223] nf_conntrack: default automatic helper assignment has been turned off for security reasons
Dec 30 14:22:07 web-1 kernel: [ 9018.402211] java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0
Dec 30 14:22:07 web-1 kernel: [ 9018.402230] CPU: 3 PID: 28044 Comm: java Not tainted 5.15.0-91-generic #101-Ubuntu
Dec 30 14:22:07 web-1 kernel: [ 9018.402233] Hardware name: Amazon EC2 t3.large/, BIOS 1.0 10/16/2017
Dec 30 14:22:07 web-1 kernel: [ 9018.402235] Call Trace:
Dec 30 14:22:07 web-1 kernel: [ 9018.402237]  <TASK>
Dec 30 14:22:07 web-1 kernel: [ 9018.402241]  dump_stack_lvl+0x4a/0x63
Dec 30 14:22:07 web-1 kernel: [ 9018.402248]  dump_header+0x4f/0x1f6
Dec 30 14:22:07 web-1 kernel: [ 9018.402252]  oom_kill_process.cold+0xb/0x10
Dec 30 14:22:07 web-1 kernel: [ 9018.402256]  out_of_memory+0x1ed/0x4e0
Dec 30 14:22:07 web-1 kernel: [ 9018.402261]  __alloc_pages_slowpath.constprop.0+0xcc7/0xe20
Dec 30 14:22:07 web-1 kernel: [ 9018.402266]  __alloc_pages+0x311/0x330
Dec 30 14:22:07 web-1 kernel: [ 9018.402291]  </TASK>
Dec 30 14:22:07 web-1 kernel: [ 9018.402293] Mem-Info:
Dec 30 14:22:07 web-1 kernel: [ 9018.402297] active_anon:1612 inactive_anon:1901022 isolated_anon:0
Dec 30 14:22:07 web-1 kernel: [ 9018.402330] 2055069 pages RAM
Dec 30 14:22:07 web-1 kernel: [ 9018.402331] Tasks state (memory values in pages):
Dec 30 14:22:07 web-1 kernel: [ 9018.402332] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name
Dec 30 14:22:07 web-1 kernel: [ 9018.402341] [    902]     0   902    12071      890   135168        0         -1000 sshd
Dec 30 14:22:07 web-1 kernel: [ 9018.402360] [  28001]   997 28001  2411040  1890312 15728640        0             0 java
Dec 30 14:22:07 web-1 kernel: [ 9018.402371] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/tomcat.service,task=java,pid=28001,uid=997
Dec 30 14:22:07 web-1 kernel: [ 9018.402409] Out of memory: Killed process 28001 (java) total-vm:9644160kB, anon-rss:7560428kB, file-rss:820kB, shmem-rss:0kB, UID:997 pgtables:15360kB oom_score_adj:0
Dec 30 14:22:08 web-1 systemd[1]: tomcat.service: Main process exited, code=killed, status=9/KILL
";

#[test]
fn rotated_var_log_years_from_reference_date() {
    let dir = scratch_dir("rotated_var_log");
    for name in ["messages", "messages-20240101"] {
        std::fs::write(dir.join(name), testdata(&format!("varlog-rotated/{name}"))).unwrap();
    }
    std::fs::write(dir.join("kern.log.2.gz"), gzip(KERN_LOG_2.as_bytes())).unwrap();
    let d = arg(&dir);

    let doc = analyze_ok(&["--reference-date", "2024-01-03", d]);
    assert_eq!(doc["inputs"][0]["kind"], "directory");
    assert_eq!(
        doc["inputs"][0]["sources"],
        json!([
            format!("{d}/kern.log.2.gz"),
            format!("{d}/messages"),
            format!("{d}/messages-20240101"),
        ])
    );
    let evs = events(&doc);
    assert_eq!(evs.len(), 3, "{evs:#?}");
    // Ordered by time across files; December lines belong to the year before the
    // reference date.
    let got: Vec<(&str, u64, &str)> = evs
        .iter()
        .map(|e| {
            (
                e["time"].as_str().unwrap(),
                e["victim"]["pid"].as_u64().unwrap(),
                e["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("2023-12-30T14:22:07", 28001, "host"),
            ("2023-12-31T23:59:58", 30211, "cgroup"),
            ("2024-01-02T03:04:05", 41877, "host"),
        ]
    );
    assert!(evs.iter().all(|e| e["node"] == "web-1"));
    assert!(evs.iter().all(|e| e["complete"] == true));

    // The gzipped file, read as a stream.
    let e = &evs[0];
    assert_eq!(sources(e), vec![(format!("{d}/kern.log.2.gz"), 2)]);
    assert_eq!(e["victim"]["comm"], "java");
    assert_eq!(e["victim"]["uid"], 997);
    assert_eq!(e["victim"]["anon_rss_kb"], 7560428);
    assert_eq!(e["cgroup"]["task"], "/system.slice/tomcat.service");
    assert_eq!(e["time_raw"], "Dec 30 14:22:07");
    assert_eq!(e["kernel"], "5.15.0-91-generic");
    assert_eq!(e["meminfo"]["ram_pages"], 2055069);

    // The rotated file: a cgroup v2 kill of a systemd service.
    let e = &evs[1];
    assert_eq!(sources(e), vec![(format!("{d}/messages-20240101"), 3)]);
    assert_eq!(e["constraint"], "CONSTRAINT_MEMCG");
    assert_eq!(
        e["cgroup"],
        json!({"oom": "/system.slice/php-fpm.service", "task": "/system.slice/php-fpm.service"})
    );
    assert!(e["pod"].is_null());
    assert!(e["container"].is_null());
    assert_eq!(e["memory"]["usage_kb"], 2097152);
    assert_eq!(e["memory"]["limit_kb"], 2097152);
    assert_eq!(e["memory"]["failcnt"], 88);
    assert_eq!(
        e["memcg_stats"]["/system.slice/php-fpm.service"]["anon"],
        2117861376u64
    );
    assert_eq!(e["victim"]["uid"], 48);
    assert_eq!(e["victim"]["pgtables_kb"], 1496);

    // The current file.
    let e = &evs[2];
    assert_eq!(sources(e), vec![(format!("{d}/messages"), 3)]);
    assert_eq!(e["victim"]["comm"], "stress-ng-vm");
    assert_eq!(e["trigger"]["pid"], 41877);
    assert_eq!(e["reaped"]["pid"], 41877);
    assert_eq!(e["meminfo"]["reserved_pages"], 59001);
}

#[test]
fn rotated_file_alone_takes_its_year_from_its_name() {
    // No --reference-date: `messages-20240101` says the file ends on 2024-01-01, so
    // its "Dec 31" is 2023-12-31.
    let path = "testdata/varlog-rotated/messages-20240101";
    let doc = analyze_ok(&[path]);
    let e = only_event(&doc);
    assert_eq!(e["time"], "2023-12-31T23:59:58");
    assert_eq!(e["victim"]["pid"], 30211);
    assert_eq!(sources(e), vec![(path.to_string(), 3)]);
}

#[test]
fn reference_date_sets_the_year_of_syslog_times() {
    let current = "testdata/varlog-rotated/messages"; // "Jan  2 03:04:05"
    let rotated = "testdata/varlog-rotated/messages-20240101"; // "Dec 31 23:59:58"
    for (path, reference, time) in [
        (current, "2024-01-03", "2024-01-02T03:04:05"),
        (current, "2021-06-30", "2021-01-02T03:04:05"),
        // One day after the reference is still the reference's year (zone skew).
        (current, "2025-01-01", "2025-01-02T03:04:05"),
        // A date later in the year than the reference is last year's.
        (rotated, "2024-06-30", "2023-12-31T23:59:58"),
        // --reference-date wins over the rotation name (which would say 2023).
        (rotated, "2025-02-01", "2024-12-31T23:59:58"),
    ] {
        let doc = analyze_ok(&["--reference-date", reference, path]);
        assert_eq!(
            only_event(&doc)["time"],
            time,
            "{path} with reference {reference}"
        );
    }
}

// ---------------------------------------------------------------- truncated block

#[test]
fn block_cut_after_kill_process_is_an_incomplete_event() {
    let path = "testdata/truncated/kern.log";
    let doc = analyze_ok(&["--reference-date", "2019-05-20", path]);
    let e = only_event(&doc);
    let cid = "8f4c2a7e19d3b605c7e2f1a4d8b9c0e3f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0";
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["complete"], false);
    assert_eq!(e["victim"]["pid"], 9731);
    assert_eq!(e["victim"]["comm"], "node");
    assert_eq!(e["victim"]["score"], 1021);
    assert!(e["victim"]["anon_rss_kb"].is_null());
    assert_eq!(e["trigger"]["pid"], 9744);
    assert_eq!(e["time"], "2019-05-19T15:46:55");
    assert_eq!(e["node"], "ci-runner-2");
    assert_eq!(e["kernel"], "4.15.0-112-generic");
    assert_eq!(e["cgroup"]["oom"], format!("/docker/{cid}"));
    assert!(e["pod"].is_null());
    assert_eq!(
        e["container"],
        json!({"id": cid, "runtime": "docker", "name": null})
    );
    assert_eq!(e["memory"]["limit_kb"], 1572864);
    assert_eq!(e["memory"]["memsw_limit_kb"], 3145728);
    assert_eq!(e["memory"]["kmem_usage_kb"], 10812);
    assert_eq!(e["tasks"].as_array().unwrap().len(), 2);
    assert!(e["reaped"].is_null());
    assert_eq!(sources(e), vec![(path.to_string(), 2)]);
    let warnings = e["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("Kill process")),
        "{warnings:#?}"
    );
    // The text summary marks it.
    let r = run(&["analyze", "--reference-date", "2019-05-20", path]);
    assert!(r.stdout.contains("9731 (node)"), "{}", r.stdout);
    assert!(r.stdout.contains("(incomplete)"), "{}", r.stdout);
}

// ---------------------------------------------------------------- RFC 3339 syslog

#[test]
fn rfc3339_syslog_keeps_its_offset() {
    let path = "testdata/formats/rfc3339-syslog.log";
    let doc = analyze_ok(&[path]);
    let e = only_event(&doc);
    let cid = "5d0e8b3a1f7c4e2d9b6a0c8e1f3d5b7a9c2e4f6a8b0d1c3e5f7a9b2d4c6e8f0a";
    let cg = format!("/system.slice/docker-{cid}.scope");
    assert_eq!(e["time"], "2024-03-05T10:11:12.123456+01:00");
    assert_eq!(e["time_raw"], "2024-03-05T10:11:12.123456+01:00");
    assert_eq!(e["node"], "app-02");
    assert_eq!(e["kernel"], "6.1.0-18-amd64");
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["trigger"]["pid"], 7790);
    assert_eq!(e["victim"]["pid"], 7781);
    assert_eq!(e["victim"]["comm"], "python3");
    assert_eq!(e["cgroup"], json!({"oom": cg, "task": cg}));
    assert!(e["pod"].is_null());
    assert_eq!(
        e["container"],
        json!({"id": cid, "runtime": "docker", "name": null})
    );
    assert_eq!(e["memory"]["usage_kb"], 262144);
    assert_eq!(e["memory"]["limit_kb"], 262144);
    assert_eq!(e["memory"]["failcnt"], 4127);
    // The v2 stats block keeps all its lines although a containerd line interrupts
    // the kernel's output just before it.
    assert_eq!(e["memcg_stats"][&cg]["anon"], 266240000);
    assert_eq!(e["memcg_stats"][&cg].as_object().unwrap().len(), 7);
    // 6.x task table with split rss columns.
    assert_eq!(
        e["tasks"][1],
        json!({"pid": 7781, "uid": 0, "tgid": 7781, "total_vm": 102401, "rss": 65020,
               "rss_anon": 64950, "rss_file": 70, "rss_shmem": 0, "pgtables_bytes": 700416,
               "swapents": 0, "oom_score_adj": 0, "name": "python3"})
    );
    assert_eq!(sources(e), vec![(path.to_string(), 2)]);
    assert_eq!(e["complete"], true);
}

// ---------------------------------------------------------------- rsyslog #012

#[test]
fn rsyslog_012_escaped_lines_are_split() {
    let path = "testdata/formats/rsyslog-012/messages";
    let doc = analyze_ok(&[
        "--reference-date",
        "2018-02-10",
        "testdata/formats/rsyslog-012",
    ]);
    let e = only_event(&doc);
    assert_eq!(e["kind"], "host");
    assert_eq!(e["time"], "2018-02-09T04:12:33");
    assert_eq!(e["node"], "batch-11");
    assert_eq!(e["kernel"], "3.10.0-693.17.1.el7.x86_64");
    assert_eq!(e["trigger"]["pid"], 29481);
    assert_eq!(e["trigger"]["comm"], "sed");
    assert_eq!(e["victim"]["pid"], 18311);
    assert_eq!(e["victim"]["comm"], "python");
    assert_eq!(e["victim"]["score"], 953);
    assert_eq!(e["victim"]["uid"], 1001);
    assert_eq!(e["victim"]["anon_rss_kb"], 31972048u64);
    // Every #012-separated part of the one Mem-Info record is read.
    let m = &e["meminfo"];
    assert_eq!(m["active_anon"], 8011203);
    assert_eq!(m["active_file"], 2211);
    assert_eq!(m["isolated_file"], 17);
    assert_eq!(m["dirty"], 9);
    assert_eq!(m["slab_unreclaimable"], 15512);
    assert_eq!(m["pagetables"], 27744);
    assert_eq!(m["free"], 41022);
    assert_eq!(m["free_pcp"], 3011);
    assert_eq!(m["ram_pages"], 8388478);
    assert_eq!(e["tasks"].as_array().unwrap().len(), 4);
    assert_eq!(sources(e), vec![(path.to_string(), 2)]);
    assert_eq!(e["complete"], true);
}

// ---------------------------------------------------------------- /dev/kmsg

#[test]
fn kmsg_records_with_the_boot_time_of_the_bundle() {
    let path = "testdata/kmsg-node/kmsg.txt";
    let doc = analyze_ok(&["testdata/kmsg-node"]);
    // Found by content (the name says nothing), the proc/ facts not scanned.
    assert_eq!(doc["inputs"][0]["sources"], json!([path]));
    let e = only_event(&doc);
    assert_eq!(e["kind"], "host");
    assert_eq!(e["constraint"], "CONSTRAINT_NONE");
    // btime 1709500000 + 6780904.484233 s of uptime.
    assert_eq!(e["time"], "2024-05-21T08:41:44.484233+00:00");
    assert_eq!(e["node"], "edge-7");
    assert_eq!(e["kernel"], "6.1.0-18-amd64");
    assert_eq!(e["trigger"]["pid"], 88219);
    assert_eq!(e["trigger"]["gfp_mask"], "0x140dca");
    assert_eq!(e["trigger"]["oom_score_adj"], 1000);
    assert_eq!(
        e["victim"],
        json!({
            "pid": 88219, "comm": "stress-ng", "uid": 1000,
            "total_vm_kb": 15680016, "anon_rss_kb": 15559604, "file_rss_kb": 836,
            "shmem_rss_kb": 0, "pgtables_kb": 30720, "oom_score_adj": 1000, "score": null,
        })
    );
    assert_eq!(
        e["cgroup"],
        json!({"oom": null, "task": "/user.slice/user-1000.slice/session-3.scope"})
    );
    assert_eq!(e["meminfo"]["inactive_anon"], 3911022);
    assert_eq!(e["meminfo"]["ram_pages"], 4089011);
    assert_eq!(e["tasks"].as_array().unwrap().len(), 3);
    assert_eq!(e["tasks"][2]["rss_anon"], 3889901);
    assert_eq!(e["reaped"]["pid"], 88219);
    assert_eq!(sources(e), vec![(path.to_string(), 7)]);
    assert_eq!(e["complete"], true);
    assert_eq!(doc["nodes"][0]["boot_time"], "2024-03-03T21:06:40+00:00");
}

// ---------------------------------------------------------------- zones

/// Kills are ordered by instant, not by the text of their times: 11:18+01:00 (10:18Z,
/// in messages) comes before 10:30+00:00 (in a journal dump), though its text sorts
/// after.
#[test]
fn kills_in_different_zones_order_by_instant() {
    let doc = analyze_ok(&["testdata/zones"]);
    let events = doc["events"].as_array().unwrap();
    let seen: Vec<(&str, &str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap(),
                e["time"].as_str().unwrap(),
                e["victim"]["comm"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("e1", "2024-03-05T11:18:20.120001+01:00", "worker"),
            ("e2", "2024-03-05T10:30:00+00:00", "indexer"),
        ]
    );
}

// ---------------------------------------------------------------- kernel output variants

/// Kubernetes 1.28+ on cgroup v2: `memory.oom.group` set on the container, so one OOM
/// decision kills every task of it. One event: the victim, and the other tasks in
/// `oom_group.killed` (the victim's repeated line folded into it); each `oom_reaper`
/// line is matched by pid, also when logged after later kills of the group. Also the
/// 6.11 `CPU: N UID: U PID: …` line, the 6.8 task table, v2 stats one per line and a
/// field appended to `oom-kill:` after `uid`.
#[test]
fn memory_oom_group_kill_is_one_event() {
    let path = "testdata/formats/oom-group-k8s.log";
    let doc = analyze_ok(&["--reference-date", "2025-03-12", path]);
    let e = only_event(&doc);
    let cg = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b7e4f1a_3c2d_4e5f_8a9b_1c2d3e4f5a6b.slice/cri-containerd-5f9c2b7e8d1a4c3b6e0f2a9d8c7b6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d.scope";
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["complete"], true);
    assert_eq!(e["warnings"], json!([]));
    assert_eq!(
        e["victim"],
        json!({
            "pid": 70442, "comm": "gunicorn", "uid": 1000,
            "total_vm_kb": 259960, "anon_rss_kb": 173744, "file_rss_kb": 6768,
            "shmem_rss_kb": 0, "pgtables_kb": 452, "oom_score_adj": 968, "score": null,
        })
    );
    assert_eq!(
        e["reaped"],
        json!({"pid": 70442, "anon_rss_kb": 0, "file_rss_kb": 0, "shmem_rss_kb": 0})
    );
    assert_eq!(e["oom_group"]["cgroup"], cg);
    let killed = e["oom_group"]["killed"].as_array().unwrap();
    let pids: Vec<u64> = killed.iter().map(|m| m["pid"].as_u64().unwrap()).collect();
    assert_eq!(pids, [70318, 70440, 70441], "the victim is not a member");
    assert_eq!(
        killed[1],
        json!({
            "pid": 70440, "comm": "gunicorn", "uid": 1000,
            "total_vm_kb": 245688, "anon_rss_kb": 164840, "file_rss_kb": 6772,
            "shmem_rss_kb": 0, "pgtables_kb": 436, "oom_score_adj": 968,
            "reaped": {"pid": 70440, "anon_rss_kb": 0, "file_rss_kb": 4, "shmem_rss_kb": 0},
        })
    );
    assert!(killed.iter().all(|m| m["reaped"]["pid"] == m["pid"]));
    // Field appended after uid: uid kept, the new key in oom_kill_extra.
    assert_eq!(e["oom_kill_extra"], json!({"oom_score_adj": "968"}));
    assert_eq!(e["trigger"]["uid"], 1000);
    assert_eq!(e["kernel"], "6.11.0-1-cloud-amd64");
    assert_eq!(e["memcg_stats"][cg]["anon"], 531783680u64);
    assert_eq!(e["tasks"][3]["rss_anon"], 43436);
    assert_eq!(e["tasks"][3]["rss_shmem"], 0);
    assert!(e.get("parse_notes").is_none());
    // No crash loop, no worker-killed finding: the container died whole.
    assert_eq!(codes(e), Vec::<&str>::new());
    assert_eq!(doc["incidents"].as_array().map(Vec::len), Some(1));
    assert!(codes(&doc["incidents"][0]).is_empty());
}

/// A group kill is told where people read: the text summary names the other tasks
/// killed with the victim, and the HTML kill shows them in a table.
#[test]
fn memory_oom_group_kill_is_shown_in_text_and_html() {
    let path = "testdata/formats/oom-group-k8s.log";
    let (code, text) = analyze(&["--reference-date", "2025-03-12", path]);
    assert_eq!(code, 0, "{text}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("oom_group:"))
        .unwrap_or_else(|| panic!("no oom_group line:\n{text}"));
    assert!(line.contains("3 more task(s)"), "{line}");
    assert!(
        line.ends_with("70318 (gunicorn), 70440 (gunicorn), 70441 (gunicorn)"),
        "{line}"
    );
    let dir = std::env::temp_dir().join(format!("oomsift-group-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let html = dir.join("r.html");
    let r = common::run(&[
        "analyze",
        "--reference-date",
        "2025-03-12",
        "--html",
        html.to_str().unwrap(),
        path,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(page.contains("Group kill (memory.oom.group)"));
    for pid in ["70318 (gunicorn)", "70440 (gunicorn)", "70441 (gunicorn)"] {
        assert!(page.contains(pid), "{pid}");
    }
}

/// The RHEL 7 backport puts the UID after the comm: its figures and uid are kept.
#[test]
fn rhel7_backport_kill_line_keeps_uid_and_figures() {
    let doc = analyze_ok(&[
        "--reference-date",
        "2025-05-15",
        "testdata/formats/rhel7-backport-kill.log",
    ]);
    let e = only_event(&doc);
    assert_eq!(e["kind"], "host");
    assert_eq!(
        e["victim"],
        json!({
            "pid": 24517, "comm": "java", "uid": 1000,
            "total_vm_kb": 9206172, "anon_rss_kb": 4170320, "file_rss_kb": 0,
            "shmem_rss_kb": 0, "pgtables_kb": null, "oom_score_adj": 0, "score": 508,
        })
    );
    assert_eq!(e["complete"], true);
    assert!(e.get("parse_notes").is_none());
}

/// 4.13-4.18 print `nodemask=(null),  order=0`: a header-only excerpt is a kill.
#[test]
fn double_spaced_header_alone_is_counted() {
    let doc = analyze_ok_uptimes(&["testdata/formats/header-only-4.14.log"]);
    let e = only_event(&doc);
    assert_eq!(e["trigger"]["comm"], "kworker/u8:2");
    assert_eq!(e["trigger"]["nodemask"], "(null)");
    assert_eq!(e["trigger"]["order"], 0);
    assert_eq!(e["trigger"]["pid"], 31904);
    assert_eq!(e["kernel"], "4.14.186-146.268.amzn2.x86_64");
    assert_eq!(e["complete"], false);
    assert!(e["victim"]["pid"].is_null());
}

/// Old ARM backtraces (`[<pc>] (func+off/len) from [<lr>] (caller+…)`) tell the kind.
#[test]
fn arm_backtrace_tells_a_host_oom() {
    let doc = analyze_ok_uptimes(&["testdata/formats/arm-trace-host.log"]);
    let e = only_event(&doc);
    assert_eq!(e["kind"], "host");
    assert_eq!(e["trigger"]["pid"], 1187);
    assert_eq!(e["complete"], false);
}

/// 6.10+ `Memory allocations:` of a global OOM: the top sites, as printed.
#[test]
fn allocation_profile_of_a_global_oom() {
    let doc = analyze_ok_uptimes(&["testdata/formats/allocations-6.10.log"]);
    let e = only_event(&doc);
    assert_eq!(e["kind"], "host");
    let a = e["allocations"].as_array().unwrap();
    assert_eq!(a.len(), 4);
    assert_eq!(
        a[0],
        json!({"size": "14.7 GiB", "calls": 3856722, "site": "mm/memory.c:1073 func:folio_prealloc"})
    );
    assert_eq!(
        a[2]["site"],
        "fs/btrfs/extent_io.c:702 [btrfs] func:btrfs_alloc_page_array"
    );
    // The section does not leak into the Mem-Info summary or the task table.
    assert_eq!(e["meminfo"]["ram_pages"], 4089011);
    assert_eq!(e["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(e["reaped"]["pid"], 20981);
}

/// 4.x cgroup v1 prints one `Memory cgroup stats for` line per descendant: the OOM
/// cgroup's own (the first) names it; the others are kept beside it.
#[test]
fn v1_stats_line_per_descendant_cgroup() {
    let doc = analyze_ok(&[
        "--reference-date",
        "2025-10-03",
        "testdata/formats/v1-descendant-stats.log",
    ]);
    let e = only_event(&doc);
    let pod = "/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e";
    let own = format!("{pod}/8d3f2b1a7c6e5d4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f");
    assert_eq!(e["cgroup"], json!({"oom": pod, "task": own}));
    let stats = e["memcg_stats"].as_object().unwrap();
    assert_eq!(stats.len(), 3);
    assert_eq!(stats[pod]["rss"], 0);
    assert_eq!(stats[&own]["rss"], 2075628u64 * 1024);
    assert_eq!(e["trigger"]["nodemask"], "(null)");
    assert_eq!(e["memory"]["kmem_usage_kb"], 20460);
    assert_eq!(e["pod"]["uid"], "95387fa4-da9c-11e7-9d36-5254b24cbf5e");
    assert_eq!(e["reaped"]["pid"], 20114);
    assert_eq!(e["complete"], true);
}

/// A pre-6.5 v2 stats block is one printk record: `/dev/kmsg` writes its newlines as
/// `\x0a`; every stat is read.
#[test]
fn kmsg_stats_record_with_escaped_newlines() {
    let doc = analyze_ok_uptimes(&["testdata/formats/kmsg-x0a.txt"]);
    let e = only_event(&doc);
    let s = &e["memcg_stats"]["/system.slice/nginx.service"];
    assert_eq!(s.as_object().unwrap().len(), 8);
    assert_eq!(s["anon"], 1066835968u64);
    assert_eq!(s["file_mapped"], 1187840);
    assert_eq!(e["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(e["victim"]["uid"], 33);
    assert_eq!(e["reaped"]["pid"], 4410);
    assert_eq!(e["complete"], true);
}

/// Drift made visible: text a variant does not understand is noted on the event and
/// raises one warning per file and variant (first line, count); the exit status and
/// the known fields are unaffected.
#[test]
fn drift_is_noted_and_warned_once_per_variant() {
    let path = "testdata/formats/drift.log";
    let (doc, r) = analyze_json(&["--reference-date", "2025-08-21", path]);
    assert_eq!(r.code, 0, "a drift warning does not change the exit status");
    let evs = events(&doc);
    assert_eq!(evs.len(), 2);
    let e = &evs[0];
    assert_eq!(e["victim"]["uid"], 1000);
    assert_eq!(e["victim"]["oom_score_adj"], 0);
    assert_eq!(e["victim"]["pgtables_kb"], 61440);
    assert_eq!(
        e["parse_notes"],
        json!([
            "Killed process (block line 6): text not understood: `swap-rss:1024kB`",
            "oom_reaper (block line 7): text not understood: `swap-rss:0kB`",
        ])
    );
    assert_eq!(
        e["oom_kill_extra"],
        json!({"oom_reason": "pagefault", "oom_score_adj": "0"})
    );
    assert_eq!(
        e["cgroup"]["task"],
        "/user.slice/user-1000.slice/session-4.scope"
    );
    assert_eq!(e["reaped"]["pid"], 9121);
    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("2 `Killed process` kernel line(s)") && w.contains("at line 6")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("1 `oom_reaper` kernel line(s)") && w.contains("at line 7")),
        "{warnings:#?}"
    );
    assert_eq!(doc["complete"], true);
}

/// `oom_memcg=/kubepods` (cgroupfs, v1): the node-allocatable limit of all pods fired,
/// and the BestEffort victim has no limit of its own.
#[test]
fn kubepods_root_oom_is_the_node_allocatable_limit() {
    let doc = analyze_ok(&[
        "--reference-date",
        "2025-02-10",
        "testdata/formats/kubepods-v1-allocatable.log",
    ]);
    let e = only_event(&doc);
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["cgroup"]["oom"], "/kubepods");
    assert_eq!(e["pod"]["qos"], "besteffort");
    assert_eq!(codes(e), ["node_allocatable_limit"]);
    let d = &e["diagnoses"][0];
    assert_eq!(d["evidence"]["kubepods_limit_kb"], 7335124);
    assert_eq!(d["evidence"]["victim_qos"], "besteffort");
    assert!(d["evidence"]["node_allocatable_kb"].is_null());
}
