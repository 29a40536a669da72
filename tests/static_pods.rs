//! Static pods matched by their config hash (`testdata/static-pod`): a kubeadm
//! control-plane node (Ubuntu, cgroup v2, containerd) whose static `haproxy-cp-1`
//! was killed at its container limit. The kernel's cgroup path names the pod by its
//! config hash; the mirror pod in `kubectl get -o json pods` has its own API UID and
//! `kubernetes.io/config.mirror` = the hash, and its status says `OOMKilled`.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::{analyze_ok, codes, only_event};
use serde_json::json;

const BUNDLE: &str = "testdata/static-pod";
const HASH: &str = "6a8e4d2f9b1c3e5a7d9f0b2c4e6a8d0f";
const API_UID: &str = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b";
const ID: &str = "97b80a2e12b0d11b296c727167fc503d480ad4968a053eec2d1ba3d0e52f9db4";

#[test]
fn the_mirror_pod_names_the_kill_by_config_hash() {
    let doc = analyze_ok(&[BUNDLE]);
    let e = only_event(&doc);
    assert_eq!(
        e["pod"],
        json!({"uid": HASH, "qos": "burstable", "namespace": "kube-system",
               "name": "haproxy-cp-1", "name_source": "pod_object", "api_uid": API_UID})
    );
    assert_eq!(e["container"]["id"], ID);
    assert_eq!(e["container"]["name"], "haproxy");
    assert_eq!(e["verdict"]["limit"], "container_limit");
    // The incident is the static pod's container.
    assert_eq!(doc["incidents"][0]["pod"]["api_uid"], API_UID);
    // kubelet gives a node-critical static pod −997 whatever its QoS: not inconsistent.
    assert_eq!(e["victim"]["oom_score_adj"], -997);
    assert!(
        !codes(e).contains(&"oom_score_adj_inconsistent"),
        "{:?}",
        codes(e)
    );
}

/// One pod object, one report of its termination, matched to the kernel kill.
#[test]
fn its_oomkilled_status_is_one_report() {
    let doc = analyze_ok(&[BUNDLE]);
    let reports: Vec<_> = doc["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "k8s_oomkilled")
        .collect();
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let r = reports[0];
    assert_eq!(r["pod"]["uid"], HASH);
    assert_eq!(r["pod"]["name"], "haproxy-cp-1");
    // The report's pod, as the kill's: the hash, and the mirror pod's API UID.
    assert_eq!(r["pod"]["api_uid"], API_UID);
    assert_eq!(r["pod"]["name_source"], "pod_object");
    assert_eq!(r["container"]["id"], ID);
    assert_eq!(r["matched_event"], 0);
    // Nothing else in the listing (an ordinary pod, running) reports a death.
    assert_eq!(doc["other_deaths"].as_array().unwrap().len(), 1);
}
