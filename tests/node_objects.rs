//! Kubernetes Node objects: a must-gather's `cluster-scoped-resources/core/nodes/*.yaml`
//! and a support bundle's `cluster-resources/nodes.json` give the document's `nodes`
//! (memory capacity and allocatable, kernel, OS image, container runtime, kubelet
//! version, MemoryPressure), joined to the node of the same name that the kernel
//! kills are on; the node's allocatable memory reaches `node_allocatable_limit`.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::{Value, json};

const MUST_GATHER: &str = "testdata/must-gather";
const SUPPORT_BUNDLE: &str = "testdata/support-bundle/support-bundle-2024-03-05T10_45_00";

fn nodes(doc: &Value) -> &Vec<Value> {
    doc["nodes"].as_array().expect("nodes")
}

fn analyze_doc(args: &[&str]) -> Value {
    let (doc, r) = analyze_json(args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    doc
}

#[test]
fn must_gather_node_yaml_is_the_node_of_its_kills() {
    let doc = analyze_doc(&["--reference-date", "2024-03-05", MUST_GATHER]);
    let n = nodes(&doc);
    assert_eq!(n.len(), 1, "{n:#?}");
    let n = &n[0];
    assert_eq!(n["name"], "worker-0");
    assert_eq!(n["mem_capacity_kb"], 16_303_600);
    assert_eq!(n["mem_allocatable_kb"], 15_152_656);
    assert_eq!(n["kernel"], "5.14.0-284.48.1.el9_2.x86_64");
    assert_eq!(
        n["os_image"],
        "Red Hat Enterprise Linux CoreOS 414.92.202402201520-0 (Plow)"
    );
    assert_eq!(
        n["container_runtime"],
        "cri-o://1.27.3-6.rhaos4.14.git7eb2281.el9"
    );
    assert_eq!(n["kubelet_version"], "v1.27.10+28ed2d7");
    assert_eq!(n["memory_pressure"], "True");
    // The kill is on that node.
    assert!(!events(&doc).is_empty());
    for e in events(&doc) {
        assert_eq!(e["node"], "worker-0");
    }
}

#[test]
fn support_bundle_nodes_json_joins_the_short_host_name() {
    let doc = analyze_doc(&[SUPPORT_BUNDLE]);
    let n = nodes(&doc);
    // `ip-10-0-3-41` (the journal's host) is `ip-10-0-3-41.eu-west-1.compute.internal`.
    assert_eq!(n.len(), 1, "{n:#?}");
    let n = &n[0];
    assert_eq!(n["name"], "ip-10-0-3-41");
    assert_eq!(n["mem_capacity_kb"], 15_896_572);
    assert_eq!(n["mem_allocatable_kb"], 14_880_764);
    assert_eq!(n["os_image"], "Amazon Linux 2023.3.20240304");
    assert_eq!(n["container_runtime"], "containerd://1.7.11");
    assert_eq!(n["kubelet_version"], "v1.29.0-eks-5e0fdde");
    assert_eq!(n["memory_pressure"], "False");
    assert_eq!(only_event(&doc)["node"], "ip-10-0-3-41");
}

#[test]
fn a_node_collected_twice_is_one_node_and_other_nodes_stay_apart() {
    let dir = scratch_dir("node-objects-twice");
    // The support bundle's node object again, in a must-gather beside it, with a
    // second node no kill is on.
    let list: Value = serde_json::from_slice(&testdata(
        "support-bundle/support-bundle-2024-03-05T10_45_00/cluster-resources/nodes.json",
    ))
    .unwrap();
    let mut other = list["items"][0].clone();
    other["metadata"]["name"] = json!("ip-10-0-7-12.eu-west-1.compute.internal");
    other["status"]["allocatable"]["memory"] = json!("30000000Ki");
    other["status"]["nodeInfo"]["machineID"] = json!("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    let core = dir.join("must-gather/cluster-scoped-resources/core/nodes");
    std::fs::create_dir_all(&core).unwrap();
    std::fs::write(
        core.join("ip-10-0-3-41.eu-west-1.compute.internal.yaml"),
        serde_json::to_vec_pretty(&list["items"][0]).unwrap(),
    )
    .unwrap();
    std::fs::write(
        core.join("ip-10-0-7-12.eu-west-1.compute.internal.yaml"),
        serde_json::to_vec_pretty(&other).unwrap(),
    )
    .unwrap();
    let doc = analyze_doc(&[SUPPORT_BUNDLE, arg(&dir.join("must-gather"))]);
    let names: Vec<&str> = nodes(&doc)
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["ip-10-0-3-41", "ip-10-0-7-12.eu-west-1.compute.internal"]
    );
    assert_eq!(nodes(&doc)[0]["mem_allocatable_kb"], 14_880_764);
    assert_eq!(nodes(&doc)[1]["mem_allocatable_kb"], 30_000_000);
    assert_eq!(only_event(&doc)["node"], "ip-10-0-3-41");
}

#[test]
fn node_allocatable_limit_reads_the_node_objects_allocatable() {
    let doc = analyze_doc(&[
        "--reference-date",
        "2024-06-18",
        "testdata/diagnoses/node_allocatable_limit",
    ]);
    let e = only_event(&doc);
    let d = e["diagnoses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "node_allocatable_limit")
        .expect("node_allocatable_limit");
    assert_eq!(d["evidence"]["node_allocatable_kb"], 14_787_476);
    assert_eq!(d["evidence"]["kubepods_limit_kb"], 14_889_876);
    let n = nodes(&doc);
    assert_eq!(n.len(), 1, "{n:#?}");
    assert_eq!(n[0]["name"], "worker-7");
    assert_eq!(n[0]["memory_pressure"], "True");
}

#[test]
fn a_node_file_that_holds_no_object_is_a_warning_and_the_rest_is_read() {
    let dir = scratch_dir("node-objects-broken");
    let bundle = dir.join("support-bundle");
    std::fs::create_dir_all(bundle.join("cluster-resources")).unwrap();
    std::fs::create_dir_all(bundle.join("host-collectors/journald")).unwrap();
    std::fs::write(
        bundle.join("host-collectors/journald/kernel.txt"),
        testdata(
            "support-bundle/support-bundle-2024-03-05T10_45_00/host-collectors/journald/kernel.txt",
        ),
    )
    .unwrap();
    let bad = bundle.join("cluster-resources/nodes.json");
    std::fs::write(&bad, "<html><body>502 Bad Gateway</body></html>\n").unwrap();
    let (doc, r) = analyze_json(&[arg(&bundle)]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(only_event(&doc)["node"], "ip-10-0-3-41");
    let w = doc["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0]["file"], arg(&bad));
    assert_eq!(
        w[0]["message"],
        "no Kubernetes Node object or list could be read in it"
    );
}
