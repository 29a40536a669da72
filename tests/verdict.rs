//! The verdict of each kill (`events[].verdict`: which limit fired, and why in one
//! sentence with the numbers) in the JSON, text and HTML outputs, and incidents keyed
//! by the limit that fired (`testdata/verdicts/`); the text output of the testdata
//! bundles is snapshotted.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::{Value, json};

const POD_TWICE: &str = "testdata/verdicts/pod-limit-twice";

fn verdict(e: &Value) -> &Value {
    &e["verdict"]
}

#[test]
fn a_pod_killed_twice_at_its_limit_in_two_containers_is_one_incident() {
    let doc = analyze_ok(&["--reference-date", "2024-06-30", POD_TWICE]);
    let evs = events(&doc);
    assert_eq!(evs.len(), 3);
    let limits: Vec<&Value> = evs.iter().map(|e| &verdict(e)["limit"]).collect();
    assert_eq!(
        limits,
        [
            &json!("pod_limit"),
            &json!("pod_limit"),
            &json!("container_limit")
        ]
    );
    let v = verdict(&evs[0]);
    assert_eq!(
        v["cgroup"],
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a8b9c0d_1e2f_4a3b_8c4d_5e6f7a8b9c0d.slice"
    );
    assert_eq!(v["usage_kb"], 786_432);
    assert_eq!(v["filled"]["anon_kb"], 716_800);
    assert_eq!(v["filled"]["page_cache_kb"], 51_200);
    assert_eq!(v["filled"]["kernel_kb"], 20_480);
    assert_eq!(v["mostly"], "anon");
    assert_eq!(
        v["summary"],
        "The pod's memory limit fired, not a single container's: usage 768.0 MiB of a 768.0 MiB limit; filled mostly by anon memory (700.0 MiB, 91.1%); page cache 50.0 MiB, kernel memory 20.0 MiB."
    );
    // The containers differ (java, then the envoy sidecar): one pod incident.
    assert_ne!(evs[0]["container"]["id"], evs[1]["container"]["id"]);
    let incs = doc["incidents"].as_array().expect("incidents");
    assert_eq!(incs.len(), 2, "{incs:#?}");
    assert_eq!(incs[0]["scope"], "pod");
    assert_eq!(incs[0]["limit"], "pod_limit");
    assert_eq!(incs[0]["events"], json!([0, 1]));
    assert_eq!(incs[0]["container"], Value::Null);
    assert_eq!(codes(&incs[0]), ["repeated_kills"]);
    // The java container at its own, lower limit later: its own incident.
    assert_eq!(incs[1]["scope"], "container");
    assert_eq!(incs[1]["limit"], "container_limit");
    assert_eq!(incs[1]["events"], json!([2]));
}

#[test]
fn text_shows_the_verdict_first_under_each_kill_with_its_id() {
    let (code, out) = analyze(&["--reference-date", "2024-06-30", POD_TWICE]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    let kill = lines
        .iter()
        .position(|l| l.contains("  e2  pod limit  5302 (envoy)"))
        .unwrap_or_else(|| panic!("no kill line for e2:\n{out}"));
    assert!(
        lines[kill + 1]
            .starts_with("      verdict: The pod's memory limit fired, not a single container's"),
        "{out}"
    );
}

#[test]
fn html_shows_the_verdict_and_victim_of_each_incident() {
    let dir = scratch_dir("verdict-html");
    let page = dir.join("report.html");
    let r = run(&[
        "analyze",
        "--reference-date",
        "2024-06-30",
        "--html",
        arg(&page),
        POD_TWICE,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(&page).expect("report written");
    // The incidents table comes before the nodes table, with the limit and the victim.
    let incidents = html
        .find("<caption>Incidents, most kills first</caption>")
        .expect("incidents table");
    let nodes = html.find("<caption>Nodes</caption>").expect("nodes table");
    assert!(incidents < nodes, "the incidents table is first");
    let row = &html[incidents..nodes];
    assert!(
        row.contains(
            "<td>pod limit</td><td class=\"id\">5302 (envoy) · pod 7a8b9c0d-<wbr>1e2f-<wbr>4a3b-<wbr>8c4d-<wbr>5e6f7a8b9c0d</td>"
        ),
        "{row}"
    );
    // Each workload section opens with its last kill's verdict and victim.
    let section = html.find("id=\"i1\"").expect("incident section");
    let rest = &html[section..];
    assert!(
        rest.find("<p class=\"verdict v-pod_limit\"><b>Verdict: pod limit. </b>")
            < rest.find("<caption>Incident i1</caption>"),
        "the verdict precedes the incident's facts"
    );
    assert!(rest.contains("Last victim: <b>5302 (envoy)</b> (e2, the last of 2 kills)"));
}

/// The limits the verdict can name.
const LIMITS: &[&str] = &[
    "container_limit",
    "pod_limit",
    "node_allocatable",
    "cgroup_limit",
    "host_ram",
    "cpuset",
    "memory_policy",
    "manual",
    "unknown",
];

#[test]
fn every_testdata_kill_has_a_verdict() {
    let mut seen = std::collections::BTreeSet::new();
    for bundle in [
        "testdata/sosreport-node1",
        "testdata/sosreport-k8s-v1",
        "testdata/multinode",
        "testdata/must-gather",
        "testdata/support-bundle",
        "testdata/diagnoses",
        POD_TWICE,
    ] {
        let (doc, _) = analyze_json(&["--reference-date", "2024-06-30", bundle]);
        for e in events(&doc) {
            let v = verdict(e);
            let limit = v["limit"]
                .as_str()
                .unwrap_or_else(|| panic!("{bundle} {}: no verdict", e["id"]));
            assert!(LIMITS.contains(&limit), "{limit}");
            let summary = v["summary"].as_str().expect("summary");
            assert!(summary.ends_with('.') && summary.len() > 20, "{summary}");
            // A cgroup limit names the OOM memcg; a node-wide one names none.
            match limit {
                "container_limit" | "pod_limit" | "node_allocatable" => {
                    assert_eq!(v["cgroup"], e["cgroup"]["oom"], "{bundle} {}", e["id"])
                }
                "host_ram" | "manual" | "cpuset" | "memory_policy" => {
                    assert_eq!(v["cgroup"], Value::Null)
                }
                _ => {}
            }
            if limit == "host_ram" && e["meminfo"]["ram_pages"].is_u64() {
                assert!(v["ram_kb"].is_u64() && v["free_kb"].is_u64(), "{v}");
                assert!(summary.contains(" free of "), "{summary}");
            }
            seen.insert(limit.to_string());
        }
    }
    for want in [
        "container_limit",
        "pod_limit",
        "node_allocatable",
        "cgroup_limit",
        "host_ram",
        "manual",
    ] {
        assert!(
            seen.contains(want),
            "no testdata kill with verdict {want}: {seen:?}"
        );
    }
}

#[test]
fn text_outputs_of_the_testdata_bundles() {
    for (name, bundle) in [
        ("sosreport_node1", "testdata/sosreport-node1"),
        ("sosreport_k8s_v1", "testdata/sosreport-k8s-v1"),
        ("multinode", "testdata/multinode"),
        ("pod_limit_twice", POD_TWICE),
    ] {
        let r = run(&["analyze", "--reference-date", "2024-06-30", bundle]);
        insta::assert_snapshot!(format!("text_{name}"), r.stdout);
    }
}

#[test]
fn host_ooms_say_who_held_the_memory_and_a_storm_is_found() {
    let doc = analyze_ok(&[
        "--reference-date",
        "2024-06-30",
        "testdata/diagnoses/host_oom_storm",
    ]);
    let e = &events(&doc)[0];
    let held = &verdict(e)["held_by"];
    assert_eq!(held["grouped_by"], "comm");
    assert_eq!(held["tasks"], 42);
    assert_eq!(held["top_groups"][0]["name"], "php-fpm");
    assert_eq!(held["top_groups"][0]["processes"], 40);
    assert_eq!(held["top_groups"][0]["rss_kb"], 40 * 46_000 * 4);
    assert_eq!(held["top_processes"].as_array().map(Vec::len), Some(5));
    let inc = &doc["incidents"][0];
    assert_eq!(inc["scope"], "host");
    assert_eq!(codes(inc), ["host_oom_storm"]);
    let d = &inc["diagnoses"][0];
    assert_eq!(d["evidence"]["kills"], 6);
    assert_eq!(d["evidence"]["window_s"], 85);
    assert_eq!(d["evidence"]["victims"], json!({"php-fpm": 6}));
    assert_eq!(d["evidence"]["held_by"]["name"], "php-fpm");
}

/// The terminal summary of every bundle in `testdata/` (piped: full lines, no
/// colour), each a snapshot: a change to what users read shows in review.
#[test]
fn text_outputs_of_every_testdata_bundle() {
    let mut entries: Vec<String> = std::fs::read_dir("testdata")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert!(entries.len() > 20, "{entries:?}");
    for name in entries {
        let path = format!("testdata/{name}");
        let r = run(&["analyze", "-q", "--reference-date", "2024-06-30", &path]);
        assert!(r.code == 0 || r.code == 1, "{path}: exit {}", r.code);
        insta::assert_snapshot!(format!("every_text_{}", name.replace('-', "_")), r.stdout);
    }
}
