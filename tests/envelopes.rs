//! End-to-end tests of the envelopes of "every kernel and log format in use": printk
//! caller ids, `dmesg --time-format iso`, `dmesg -x` (and `-x -T`), journalctl
//! `short-monotonic`, `short-unix`, `cat`, `with-unit`, `verbose` (also
//! `--output-fields=MESSAGE`), `json-pretty` and `json-seq`, and kills pasted in
//! mail quotes and Markdown code blocks. Each fixture in `testdata/formats/` holds a
//! complete kernel OOM report in one of them.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::{Value, json};

/// The cgroup v2 kill of `stress-ng` (6.6 kernel) most fixtures carry.
fn assert_memcg_kill(e: &Value) {
    let cg = "/system.slice/stress.service";
    assert_eq!(e["kind"], "cgroup", "{e:#}");
    assert_eq!(e["constraint"], "CONSTRAINT_MEMCG");
    assert_eq!(e["kernel"], "6.6.15-200.fc39.x86_64");
    assert_eq!(e["trigger"]["pid"], 9185);
    assert_eq!(e["trigger"]["comm"], "stress-ng");
    assert_eq!(e["victim"]["pid"], 9185);
    assert_eq!(e["victim"]["comm"], "stress-ng");
    assert_eq!(e["victim"]["anon_rss_kb"], 520600);
    assert_eq!(e["victim"]["uid"], 0);
    assert_eq!(e["cgroup"], json!({"oom": cg, "task": cg}));
    assert_eq!(e["memory"]["usage_kb"], 524288);
    assert_eq!(e["memory"]["limit_kb"], 524288);
    assert_eq!(e["memory"]["failcnt"], 1183);
    assert_eq!(e["memcg_stats"][cg]["anon"], 533078016u64);
    let tasks = e["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[1]["rss_anon"], 130150);
    assert_eq!(e["complete"], true);
    assert_eq!(e["warnings"], json!([]));
}

/// The global kill of `chrome` (6.1 kernel).
fn assert_host_kill(e: &Value) {
    assert_eq!(e["kind"], "host", "{e:#}");
    assert_eq!(e["constraint"], "CONSTRAINT_NONE");
    assert_eq!(e["kernel"], "6.1.0-21-amd64");
    assert_eq!(e["trigger"]["pid"], 4711);
    assert_eq!(e["victim"]["pid"], 4711);
    assert_eq!(e["victim"]["comm"], "chrome");
    assert_eq!(e["victim"]["uid"], 1000);
    assert_eq!(e["victim"]["oom_score_adj"], 300);
    assert_eq!(e["victim"]["anon_rss_kb"], 7159604);
    assert_eq!(
        e["cgroup"]["task"],
        "/user.slice/user-1000.slice/user@1000.service/app.slice/app-chrome.scope"
    );
    assert_eq!(e["meminfo"]["ram_pages"], 2055069);
    assert_eq!(e["meminfo"]["inactive_anon"], 1901022);
    assert_eq!(e["tasks"].as_array().unwrap().len(), 3);
    assert_eq!(e["reaped"]["pid"], 4711);
    assert_eq!(e["complete"], true);
    assert_eq!(e["warnings"], json!([]));
}

/// The only event of `path` (analyzed with `args` before it), its time and source.
fn one(path: &str, args: &[&str]) -> (Value, Value) {
    let mut all = args.to_vec();
    all.push(path);
    // A log of uptimes alone cannot be dated: the one warning allowed says so.
    let doc = analyze_ok_uptimes(&all);
    let e = only_event(&doc).clone();
    (doc, e)
}

fn assert_time(e: &Value, time: Value, time_raw: &str, node: Value) {
    assert_eq!(e["time"], time);
    assert_eq!(e["time_raw"], time_raw);
    assert_eq!(e["node"], node);
}

// ---------------------------------------------------------------- dmesg

#[test]
fn dmesg_with_printk_caller_ids() {
    let path = "testdata/formats/dmesg-printk-caller.log";
    let (_, e) = one(path, &[]);
    assert_memcg_kill(&e);
    // Raw uptime, no boot time: no absolute time.
    assert_time(&e, Value::Null, "[   37.052923]", Value::Null);
    assert_eq!(sources(&e), vec![(path.to_string(), 3)]);
}

#[test]
fn dmesg_time_format_iso_keeps_its_offset() {
    let path = "testdata/formats/dmesg-time-format-iso.log";
    let (_, e) = one(path, &[]);
    assert_host_kill(&e);
    assert_time(
        &e,
        json!("2024-04-29T14:55:41.678628+02:00"),
        "2024-04-29T14:55:41,678628+02:00",
        Value::Null,
    );
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
}

#[test]
fn dmesg_x_decoded_facility_and_level() {
    let path = "testdata/formats/dmesg-x.log";
    let (doc, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(&e, Value::Null, "[ 5864.708440]", Value::Null);
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
    // `daemon:info` lines are userspace: systemd's report of the kill is read.
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert_eq!(deaths.len(), 1, "{deaths:#?}");
    assert_eq!(deaths[0]["kind"], "unit_process_oom_killed");
    assert_eq!(deaths[0]["unit"], "stress.service");
}

#[test]
fn dmesg_x_t_has_time_and_victim() {
    let path = "testdata/formats/dmesg-x-T.log";
    let (_, e) = one(path, &[]);
    assert_host_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20"),
        "Tue Mar  5 10:18:20 2024",
        Value::Null,
    );
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
}

// ---------------------------------------------------------------- journalctl lines

#[test]
fn journal_short_monotonic() {
    let path = "testdata/formats/journal-short-monotonic.log";
    let (doc, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(&e, Value::Null, "[   37.052923]", json!("node1"));
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert_eq!(deaths.len(), 1, "{deaths:#?}");
    assert_eq!(deaths[0]["reporter"], "systemd");
}

#[test]
fn journal_short_unix() {
    let path = "testdata/formats/journal-short-unix.log";
    let (doc, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20.120001+00:00"),
        "1709633900.120001",
        json!("node1"),
    );
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
    assert_eq!(
        doc["other_deaths"][0]["time"],
        "2024-03-05T10:18:22.120001+00:00"
    );
}

#[test]
fn journal_cat_is_message_only() {
    let path = "testdata/formats/journal-cat.log";
    let (_, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert!(e["time"].is_null() && e["time_raw"].is_null() && e["node"].is_null());
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
}

#[test]
fn journal_with_unit_names_programs_by_unit() {
    let path = "testdata/formats/journal-with-unit.log";
    let (doc, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20+00:00"),
        "Tue 2024-03-05 10:18:20 UTC",
        json!("node1"),
    );
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
    // `init.scope[1]:` is systemd: its unit report is read.
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert_eq!(deaths.len(), 1, "{deaths:#?}");
    assert_eq!(deaths[0]["reporter"], "systemd");
    assert_eq!(deaths[0]["unit"], "stress.service");
}

// ---------------------------------------------------------------- journalctl records

#[test]
fn journal_verbose_records() {
    let path = "testdata/formats/journal-verbose.txt";
    let (doc, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20.120001+00:00"),
        "Tue 2024-03-05 10:18:20.120001 UTC",
        json!("node1"),
    );
    // The line of the entry's header.
    assert_eq!(sources(&e), vec![(path.to_string(), 14)]);
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert_eq!(deaths.len(), 1, "{deaths:#?}");
    assert_eq!(deaths[0]["time"], "2024-03-05T10:18:22.120001+00:00");
}

#[test]
fn journal_verbose_message_only_keeps_the_printed_zone() {
    let path = "testdata/formats/journal-verbose-message-only.txt";
    let (_, e) = one(path, &[]);
    // No _TRANSPORT: the records may be kernel text, and they are.
    assert_memcg_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T11:18:20.120001+01:00"),
        "Tue 2024-03-05 11:18:20.120001 CET",
        Value::Null,
    );
    assert_eq!(sources(&e), vec![(path.to_string(), 3)]);
}

#[test]
fn journal_json_pretty_objects() {
    let path = "testdata/formats/journal-json-pretty.json";
    let (doc, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20.120001+00:00"),
        "1709633900120001",
        json!("node1"),
    );
    assert_eq!(sources(&e), vec![(path.to_string(), 18)]);
    assert_eq!(doc["other_deaths"].as_array().unwrap().len(), 1);
    assert_eq!(doc["warnings"], json!([]));
}

#[test]
fn journal_json_seq_records() {
    let path = "testdata/formats/journal-json-seq.json";
    let (doc, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20.120001+00:00"),
        "1709633900120001",
        json!("node1"),
    );
    assert_eq!(sources(&e), vec![(path.to_string(), 2)]);
    assert_eq!(doc["other_deaths"].as_array().unwrap().len(), 1);
    assert_eq!(doc["warnings"], json!([]));
}

// ---------------------------------------------------------------- pasted text

#[test]
fn kill_quoted_twice_in_a_mail_is_read() {
    let path = "testdata/formats/pasted-mail-quote.txt";
    let (_, e) = one(path, &["--reference-date", "2024-03-06"]);
    assert_host_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20"),
        "Mar 05 10:18:20",
        json!("batch-7"),
    );
    // Below the quoted prompt line and journalctl's banner.
    assert_eq!(sources(&e), vec![(path.to_string(), 9)]);
}

#[test]
fn kill_in_a_markdown_code_block_is_read() {
    let path = "testdata/formats/pasted-issue.md";
    let (_, e) = one(path, &[]);
    assert_memcg_kill(&e);
    assert_time(
        &e,
        json!("2024-03-05T10:18:20"),
        "Tue Mar  5 10:18:20 2024",
        Value::Null,
    );
    // Below the indented `$ sudo dmesg -T` prompt line.
    assert_eq!(sources(&e), vec![(path.to_string(), 6)]);
}
