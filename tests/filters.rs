//! `analyze` output filters (`--since/--until/--node/--namespace/--pod/--kind`):
//! applied after the analysis, with incident indices remapped.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;
use common::*;
use serde_json::Value;

const MULTI: &str = "testdata/multinode";

fn nodes(doc: &Value) -> Vec<&str> {
    events(doc)
        .iter()
        .map(|e| e["node"].as_str().expect("node"))
        .collect()
}

/// Every incident's indices point at a kept event of the incident's node.
fn indices_valid(doc: &Value) {
    let n = events(doc).len();
    for inc in doc["incidents"].as_array().expect("incidents") {
        let idx = inc["events"].as_array().expect("incident events");
        assert!(!idx.is_empty(), "an incident with no kill is dropped");
        for i in idx {
            let i = usize::try_from(i.as_u64().expect("index")).expect("usize");
            assert!(i < n, "index {i} out of {n} events");
            assert_eq!(events(doc)[i]["node"], inc["node"]);
        }
    }
}

#[test]
fn unfiltered_has_both_nodes() {
    let doc = analyze_ok(&[MULTI]);
    assert_eq!(nodes(&doc), ["worker-a", "worker-b"]);
}

#[test]
fn node_filter_remaps_incidents() {
    let doc = analyze_ok(&["--node", "worker-b", MULTI]);
    assert_eq!(nodes(&doc), ["worker-b"]);
    assert_eq!(doc["incidents"].as_array().expect("incidents").len(), 1);
    assert_eq!(doc["incidents"][0]["events"], serde_json::json!([0]));
    indices_valid(&doc);
}

#[test]
fn kind_filter() {
    let doc = analyze_ok(&["--kind", "cgroup", MULTI]);
    assert_eq!(nodes(&doc), ["worker-a"]);
    indices_valid(&doc);
    let doc = analyze_ok(&["--kind", "cpuset", MULTI]);
    assert!(events(&doc).is_empty());
    assert!(doc["incidents"].as_array().expect("incidents").is_empty());
}

#[test]
fn time_filters() {
    // worker-a at 09:12:44Z, worker-b at 10:07:51Z on 2024-03-05.
    let doc = analyze_ok(&["--since", "2024-03-05T10:00:00Z", MULTI]);
    assert_eq!(nodes(&doc), ["worker-b"]);
    indices_valid(&doc);
    let doc = analyze_ok(&["--until", "2024-03-05T11:00:00+01:00", MULTI]);
    assert_eq!(nodes(&doc), ["worker-a"]);
    let doc = analyze_ok(&["--since", "2024-03-05", "--until", "2024-03-05", MULTI]);
    assert_eq!(nodes(&doc), ["worker-a", "worker-b"]);
    let doc = analyze_ok(&["--since", "2024-03-06", MULTI]);
    assert!(events(&doc).is_empty());
}

#[test]
fn pod_and_namespace_filters_drop_podless_kills() {
    let doc = analyze_ok(&["--namespace", "nowhere", MULTI]);
    assert!(events(&doc).is_empty());
    let doc = analyze_ok(&["--pod", "nothing", MULTI]);
    assert!(events(&doc).is_empty());
}

#[test]
fn filter_applies_to_text_and_ndjson() {
    let (code, out) = analyze(&["--format", "ndjson", "--node", "worker-a", MULTI]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains("worker-a") && !out.contains("worker-b"),
        "{out}"
    );
    let (code, out) = analyze(&["--node", "worker-a", MULTI]);
    assert_eq!(code, 0);
    assert!(
        out.contains("worker-a") && !out.contains("worker-b"),
        "{out}"
    );
}

#[test]
fn bad_bound_is_a_usage_error() {
    let r = run(&["analyze", "--since", "yesterday", MULTI]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--since"), "{}", r.stderr);
}

#[test]
fn undated_kills_pass_a_time_filter_only_when_asked() {
    let count = |extra: &[&str]| {
        let mut args = vec!["-q", "--since", "2024-06-10T03:00:00Z"];
        args.extend_from_slice(extra);
        // Kills at 02:00Z and 04:00Z, and two of uptimes alone (no boot time).
        args.extend([
            "testdata/journal",
            "testdata/formats/dmesg-x.log",
            "testdata/formats/kmsg-x0a.txt",
        ]);
        let (doc, r) = analyze_json(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        indices_valid_any(&doc);
        events(&doc)
            .iter()
            .map(|e| e["time"].is_null())
            .collect::<Vec<_>>()
    };
    assert_eq!(count(&[]), [false]);
    assert_eq!(count(&["--include-undated"]), [true, true, false]);
}

fn indices_valid_any(doc: &Value) {
    let n = events(doc).len();
    for inc in doc["incidents"].as_array().expect("incidents") {
        for i in inc["events"].as_array().expect("incident events") {
            assert!(i.as_u64().expect("index") < n as u64);
        }
    }
}
