//! Pods named from kubelet lines in logs not named for kubelet, kept during the one
//! scan (`k8s::capture`, `scan::fused`):
//! - `testdata/sosreport-rhel7-kubelet`: a RHEL 7 node (3.10 kernel, cgroup v1,
//!   docker) whose kubelet logs only to `var/log/messages`;
//! - `testdata/sosreport-rhel9-journal`: a RHEL 9 node (cgroup v2, CRI-O) whose
//!   sosreport holds only `sos_commands/logs/journalctl_--no-pager`.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::analyze;
use serde_json::{Value, json};

fn events(bundle: &str) -> Vec<Value> {
    let (code, out) = analyze(&["--format", "json", bundle]);
    assert_eq!(code, 0, "{out}");
    let d: Value = serde_json::from_str(&out).expect("JSON");
    d["events"].as_array().expect("events").clone()
}

#[test]
fn rhel7_kubelet_lines_in_var_log_messages_name_the_pod() {
    let ev = events("testdata/sosreport-rhel7-kubelet");
    assert_eq!(ev.len(), 1);
    let e = &ev[0];
    assert_eq!(
        e["pod"],
        json!({"uid": "3f2a9b1c-5d4e-11e9-8a7b-0242ac110004", "qos": "burstable",
               "namespace": "billing", "name": "invoicer-6b7d9f-8kq2z", "name_source": "kubelet_log"})
    );
    // The `Killing container` line maps the docker container id to its name.
    assert_eq!(e["container"]["name"], "invoicer");
    assert_eq!(e["node"], "node7");
}

#[test]
fn rhel9_journalctl_no_pager_names_pod_and_container() {
    let ev = events("testdata/sosreport-rhel9-journal");
    assert_eq!(ev.len(), 1);
    let e = &ev[0];
    assert_eq!(e["pod"]["namespace"], "search");
    assert_eq!(e["pod"]["name"], "indexer-77c9d-5xw2r");
    assert_eq!(e["container"]["name"], "indexer");
    assert_eq!(e["container"]["runtime"], "cri-o");
}

/// The same names when the log is streamed (gzip) instead of mapped.
#[test]
fn names_from_a_compressed_log_match_the_mapped_one() {
    use std::io::Write;
    let dir = std::env::temp_dir().join(format!("oomsift-kubelet-names-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = std::path::Path::new("testdata/sosreport-rhel9-journal");
    for rel in [
        "version.txt",
        "sos_commands/date/date",
        "sos_commands/host/hostname",
        "sos_commands/kernel/uname_-a",
    ] {
        let to = dir.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(rel), to).unwrap();
    }
    let log = std::fs::read(src.join("sos_commands/logs/journalctl_--no-pager")).unwrap();
    let gz = dir.join("sos_commands/logs/journalctl_--no-pager.gz");
    std::fs::create_dir_all(gz.parent().unwrap()).unwrap();
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(&log).unwrap();
    enc.finish().unwrap();
    let streamed = events(dir.to_str().unwrap());
    let mapped = events("testdata/sosreport-rhel9-journal");
    assert_eq!(streamed[0]["pod"], mapped[0]["pod"]);
    assert_eq!(streamed[0]["container"], mapped[0]["container"]);
    let _ = std::fs::remove_dir_all(&dir);
}
