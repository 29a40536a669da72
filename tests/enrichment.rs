//! Kubernetes and cgroup enrichment over a sosreport-shaped bundle written for it
//! (`testdata/sosreport-k8s-v1`): a RHEL8 cgroup v1 node (systemd driver, CRI-O) where
//! one container was OOM-killed twice with kernel memory most of its usage; kubelet's
//! journal names the pod and both container ids; `/var/log/pods` names the pod; the
//! cgroup snapshot of the restarted container is in `sys/fs/cgroup/memory`.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::{analyze, codes};
use serde_json::{Value, json};

const BUNDLE: &str = "testdata/sosreport-k8s-v1";
const UID: &str = "b6e1f2a3-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
const ID2: &str = "f0e9d8c7b6a5948372615f4e3d2c1b0af0e9d8c7b6a5948372615f4e3d2c1b0a";

fn doc() -> Value {
    let (code, out) = analyze(&["--format", "json", BUNDLE]);
    assert_eq!(code, 0);
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn pods_and_containers_are_named() {
    let d = doc();
    let events = d["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    for (e, id_prefix) in events.iter().zip(["a1b2c3d4e5f6", "f0e9d8c7b6a5"]) {
        assert_eq!(
            e["pod"],
            json!({"uid": UID, "qos": "burstable", "namespace": "payments", "name": "ledger-5d8f7c9b6-qx2lm",
                   // The kubelet's journal outranks the `/var/log/pods` name.
                   "name_source": "kubelet_log"})
        );
        assert_eq!(e["container"]["name"], "ledger");
        assert_eq!(e["container"]["runtime"], "cri-o");
        assert!(
            e["container"]["id"]
                .as_str()
                .unwrap()
                .starts_with(id_prefix)
        );
        assert_eq!(e["node"], "worker-7");
    }
}

#[test]
fn kernel_memory_dominant_and_request_inferred() {
    let d = doc();
    for e in d["events"].as_array().unwrap() {
        assert_eq!(codes(e), ["kmem_dominant", "burstable_request_inferred"]);
        let k = &e["diagnoses"][0];
        assert_eq!(k["severity"], "warning");
        assert_eq!(
            k["evidence"],
            json!({"kmem_usage_kb": 741376, "usage_kb": 1048576, "kmem_share_pct": 70.7})
        );
        let r = &e["diagnoses"][1]["evidence"];
        // 1000 − 968 = 32‰ of the node's 8,009,436 kB.
        assert_eq!(
            (r["request_kb_min"].as_u64(), r["request_kb_max"].as_u64()),
            (Some(248_292), Some(256_301))
        );
        assert_eq!(r["node_mem_kb"], 8009436);
    }
}

#[test]
fn one_incident_with_repeated_kills() {
    let d = doc();
    let inc = d["incidents"].as_array().unwrap();
    assert_eq!(inc.len(), 1);
    let i = &inc[0];
    assert_eq!(
        (i["scope"].as_str(), i["count"].as_u64()),
        (Some("container"), Some(2))
    );
    assert_eq!(i["events"], json!([0, 1]));
    assert_eq!(i["container"]["name"], "ledger");
    assert_eq!(
        (i["first_time"].as_str(), i["last_time"].as_str()),
        (
            Some("2024-06-12T08:30:00+00:00"),
            Some("2024-06-12T09:10:00+00:00")
        )
    );
    assert_eq!(codes(i), ["repeated_kills"]);
    assert_eq!(i["diagnoses"][0]["evidence"]["trend"], "steady_at_limit");
}

#[test]
fn snapshot_values_at_collection_time() {
    let d = doc();
    let cg = d["cgroups"].as_array().unwrap();
    let c = cg
        .iter()
        .find(|c| {
            c["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("crio-{ID2}.scope"))
        })
        .expect("container snapshot");
    assert_eq!(c["version"], "v1");
    assert_eq!(c["limit_bytes"], 1073741824u64);
    assert_eq!(c["usage_bytes"], 1068765184u64);
    assert_eq!(c["peak_bytes"], 1073741824u64);
    assert_eq!(c["kmem_usage_bytes"], 760217600u64);
    assert_eq!(
        c["kmem_limit_bytes"],
        Value::Null,
        "unlimited reads as null"
    );
    assert_eq!(c["events"], json!({"oom_kill": 1}));
    assert_eq!(c["stat"]["rss"], 307200000u64);
    assert_eq!(c["pod"]["name"], "ledger-5d8f7c9b6-qx2lm");
    assert_eq!(c["container"]["name"], "ledger");
    // The second kill's OOM cgroup is that snapshot; the first container's is gone.
    let idx = cg.iter().position(|x| x == c).unwrap();
    assert_eq!(d["events"][1]["cgroup_snapshot"], idx);
    assert_eq!(d["events"][0]["cgroup_snapshot"], Value::Null);
}

#[test]
fn node_facts() {
    let d = doc();
    let n = &d["nodes"][0];
    assert_eq!(n["name"], "worker-7");
    assert_eq!(n["kernel"], "4.18.0-372.9.1.el8.x86_64");
    assert_eq!(n["mem_total_kb"], 8009436);
    assert_eq!(n["cgroup_version"], "v1");
    assert_eq!(n["cgroup_driver"], "systemd");
}

#[test]
fn text_summary_names_the_workload_and_the_diagnoses() {
    let (code, out) = analyze(&[BUNDLE]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "pod payments/ledger-5d8f7c9b6-qx2lm [burstable] container ledger (f0e9d8c7b6a5)"
        ),
        "{out}"
    );
    assert!(
        out.contains("      kmem_dominant: kernel memory was 70.7% of the cgroup's usage"),
        "{out}"
    );
    assert!(
        out.contains("repeated_kills: 2 OOM kills of the same workload (trend: steady_at_limit)"),
        "{out}"
    );
}

#[test]
fn must_gather_pod_yaml_names_the_pod_and_reports_oomkilled() {
    let (code, out) = analyze(&["--format", "json", "testdata/must-gather"]);
    assert_eq!(code, 0);
    let d: Value = serde_json::from_str(&out).unwrap();
    let e = &d["events"][0];
    assert_eq!(e["pod"]["namespace"], "shop");
    assert_eq!(e["pod"]["name"], "cart-6d8b9c7f5-lq2wz");
    assert_eq!(e["container"]["name"], "cart");
    let r = d["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == "k8s_oomkilled")
        .expect("pod status report");
    assert_eq!(r["matched_event"], 0);
    assert_eq!(r["reporter"], "pod status");
}
