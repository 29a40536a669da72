//! Pods and containers named by what the container runtime printed as JSON
//! (`k8s::runtime`), with no kubelet line naming them:
//! - `testdata/sosreport-crio`: a CRI-O node (RHEL 9 kernel, cgroup v2, systemd
//!   driver) whose sosreport holds `sos_commands/crio/containers/crictl_inspect_<id>`
//!   and `…/pods/crictl_inspectp_<id>`; a memcg kill of one container and a host OOM
//!   killing another;
//! - `testdata/sosreport-docker`: an Ubuntu docker node (cgroup v1, cgroupfs driver)
//!   with `sos_commands/docker/containers/docker_inspect_<id>` (a container and its
//!   sandbox) and an image's `docker inspect`; a host OOM killing a container.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::{analyze_json, analyze_ok, arg, event_by_victim, scratch_dir};
use serde_json::{Value, json};
use std::path::Path;

/// The evidence of a diagnosis of an event, by code.
fn evidence<'a>(e: &'a Value, code: &str) -> &'a Value {
    e["diagnoses"]
        .as_array()
        .expect("diagnoses")
        .iter()
        .find(|d| d["code"] == code)
        .map(|d| &d["evidence"])
        .unwrap_or_else(|| panic!("no {code} on {e:#}"))
}

#[test]
fn crictl_inspect_names_a_memcg_kill() {
    let doc = analyze_ok(&["testdata/sosreport-crio"]);
    let e = event_by_victim(&doc, 81244);
    assert_eq!(e["pod"]["uid"], "2b4d6f80-1a3c-4e5f-8a9b-0c1d2e3f4a5b");
    assert_eq!(e["pod"]["namespace"], "store");
    assert_eq!(e["pod"]["name"], "cart-api-5f6d7c9b8-q8w2z");
    assert_eq!(e["container"]["name"], "cart-api");
    assert_eq!(e["container"]["runtime"], "cri-o");
    // The container's own limit fired: the kernel's 512 MiB, which is the limit
    // `crictl inspect` shows the runtime applied.
    assert_eq!(e["verdict"]["limit"], "container_limit");
    assert_eq!(e["memory"]["limit_kb"], 524_288);
}

/// The limit `crictl inspect` read lands in the container's declaration: a host OOM
/// killing a process far below it says so.
#[test]
fn crictl_inspect_limit_reaches_the_diagnoses() {
    let doc = analyze_ok(&["testdata/sosreport-crio"]);
    let e = event_by_victim(&doc, 7311);
    assert_eq!(
        (
            &e["pod"]["namespace"],
            &e["pod"]["name"],
            &e["container"]["name"]
        ),
        (
            &json!("store"),
            &json!("search-indexer-0"),
            &json!("indexer")
        )
    );
    assert_eq!(
        evidence(e, "host_oom_killed_container_below_limit")["container_limit_kb"],
        2_097_152
    );
}

#[test]
fn docker_inspect_names_a_cgroupfs_kill_and_its_limit() {
    let doc = analyze_ok(&["testdata/sosreport-docker"]);
    let e = event_by_victim(&doc, 23817);
    assert_eq!(
        e["cgroup"]["task"],
        "/kubepods/burstable/pod4c5d6e7f-8091-4a2b-b3c4-d5e6f7a8b9c0/6c3b759908ddbcff23f16f9272f095834e6a75cc0d073dcaece9ea87b42660cc"
    );
    assert_eq!(e["pod"]["namespace"], "reports");
    assert_eq!(e["pod"]["name"], "report-worker-7b9c5d6f4-zx8kq");
    assert_eq!(e["container"]["name"], "worker");
    // The cgroupfs path gives a bare id; docker inspect knows it: docker runs it.
    assert_eq!(e["container"]["runtime"], "docker");
    // `HostConfig.Memory`: 1 GiB.
    assert_eq!(
        evidence(e, "host_oom_killed_container_below_limit")["container_limit_kb"],
        1_048_576
    );
}

/// A copy of `testdata/<name>` under a scratch directory.
fn copy_bundle(name: &str, to: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let dest = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &dest);
            } else {
                std::fs::copy(entry.path(), dest).unwrap();
            }
        }
    }
    copy(&Path::new("testdata").join(name), to);
}

/// A broken `crictl inspect` file is one warning naming it; the rest of the bundle
/// (the other inspect files among them) is read.
#[test]
fn a_broken_inspect_file_is_one_warning() {
    let dir = scratch_dir("runtime-names-broken");
    copy_bundle("sosreport-crio", &dir);
    let broken = "sos_commands/crio/containers/crictl_inspect_0badc0de";
    std::fs::write(
        dir.join(broken),
        "{\n  \"status\": {\n    \"id\": \"0badc0de\",\n",
    )
    .unwrap();
    let (doc, r) = analyze_json(&[arg(&dir)]);
    assert_eq!(r.code, 1, "stderr:\n{}", r.stderr);
    let warnings = doc["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0]["file"].as_str().unwrap().ends_with(broken),
        "{warnings:#?}"
    );
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid runtime JSON"),
        "{warnings:#?}"
    );
    assert_eq!(
        event_by_victim(&doc, 81244)["container"]["name"],
        "cart-api"
    );
    assert_eq!(event_by_victim(&doc, 7311)["container"]["name"], "indexer");
}

/// `pod.name_source` and `container.name_source` of the kill of victim `pid`.
fn sources_of(doc: &Value, pid: u64) -> (Value, Value) {
    let e = event_by_victim(doc, pid);
    (
        e["pod"]["name_source"].clone(),
        e["container"]["name_source"].clone(),
    )
}

/// A kubelet log and `crictl inspect` both name the indexer's pod and container: the
/// runtime's record wins. The cart-api pod only `crictl inspect` names.
#[test]
fn crictl_inspect_outranks_the_kubelet_log() {
    let doc = analyze_ok(&["testdata/sosreport-crio"]);
    let journal =
        std::fs::read_to_string("testdata/sosreport-crio/sos_commands/logs/journalctl_--no-pager")
            .unwrap();
    assert!(journal.contains(r#"pod="store/search-indexer-0""#));
    assert!(!journal.contains("cart-api-5f6d7c9b8-q8w2z"));
    assert_eq!(sources_of(&doc, 7311), (json!("crictl"), json!("crictl")));
    assert_eq!(sources_of(&doc, 81244), (json!("crictl"), json!("crictl")));
    // The incident of the container kill carries the event's pod and container.
    let inc = &doc["incidents"][0];
    assert_eq!(inc["pod"]["name_source"], "crictl");
    assert_eq!(inc["container"]["name_source"], "crictl");
}

#[test]
fn each_source_is_named() {
    let doc = analyze_ok(&["testdata/sosreport-rhel9-journal"]);
    let e = &doc["events"][0];
    assert_eq!(
        (&e["pod"]["name_source"], &e["container"]["name_source"]),
        (&json!("kubelet_log"), &json!("kubelet_log"))
    );
    let doc = analyze_ok(&["testdata/sosreport-docker"]);
    assert_eq!(sources_of(&doc, 23817), (json!("docker"), json!("docker")));
    let doc = analyze_ok(&["testdata/diagnoses/host_oom_killed_container_below_limit"]);
    let e = &doc["events"][0];
    assert_eq!(
        (&e["pod"]["name_source"], &e["container"]["name_source"]),
        (&json!("pod_object"), &json!("pod_object"))
    );
}

/// A kill whose pod no source names has no `name_source`.
#[test]
fn an_unnamed_pod_has_no_name_source() {
    let dir = scratch_dir("runtime-names-unnamed");
    copy_bundle("sosreport-crio", &dir);
    std::fs::remove_dir_all(dir.join("sos_commands/crio")).unwrap();
    let doc = analyze_ok(&[arg(&dir)]);
    let e = event_by_victim(&doc, 81244);
    assert_eq!(e["pod"]["name"], Value::Null);
    assert!(e["pod"].get("name_source").is_none(), "{:#}", e["pod"]);
    assert!(e["container"].get("name_source").is_none());
    // The indexer's pod the kubelet log still names.
    assert_eq!(
        sources_of(&doc, 7311),
        (json!("kubelet_log"), json!("kubelet_log"))
    );
}

/// The page says where each name came from.
#[test]
fn the_html_says_where_names_came_from() {
    let dir = scratch_dir("runtime-names-html");
    let page = dir.join("report.html");
    let r = common::run(&["analyze", "testdata/sosreport-crio", "--html", arg(&page)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Names carry break points (`<wbr>` after `-`): compared without them.
    let html = std::fs::read_to_string(&page).unwrap().replace("<wbr>", "");
    assert!(
        html.contains("<td>cart-api-5f6d7c9b8-q8w2z (from crictl inspect)</td>"),
        "pod row"
    );
    assert!(
        html.contains("<td>cart-api (from crictl inspect)</td>"),
        "container row"
    );
}

/// A pod object's spec limit and the limit the runtime applied disagree (the pod was
/// resized in place): the runtime's is the container's, whichever file is read first.
#[test]
fn the_runtime_applied_limit_wins_over_the_pod_spec() {
    let dir = scratch_dir("runtime-names-limit-rank");
    copy_bundle("sosreport-crio", &dir);
    let kube = dir.join("sos_commands/kubernetes");
    std::fs::create_dir_all(&kube).unwrap();
    std::fs::write(
        kube.join("kubectl_get_-o_json_pods_--all-namespaces"),
        r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod",
  "metadata":{"name":"search-indexer-0","namespace":"store","uid":"8e9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b"},
  "spec":{"nodeName":"worker-3","containers":[{"name":"indexer","resources":{"limits":{"memory":"1Gi"},"requests":{"memory":"1Gi"}}}]},
  "status":{"qosClass":"Guaranteed","containerStatuses":[{"name":"indexer","restartCount":0}]}}]}"#,
    )
    .unwrap();
    let doc = analyze_ok(&[arg(&dir)]);
    let e = event_by_victim(&doc, 7311);
    // crictl inspect: 2 GiB applied; the spec says 1Gi.
    assert_eq!(
        evidence(e, "host_oom_killed_container_below_limit")["container_limit_kb"],
        2_097_152
    );
    // Without the runtime's files the pod object's spec is what there is.
    std::fs::remove_dir_all(dir.join("sos_commands/crio")).unwrap();
    let doc = analyze_ok(&[arg(&dir)]);
    let e = event_by_victim(&doc, 7311);
    assert_eq!(
        evidence(e, "host_oom_killed_container_below_limit")["container_limit_kb"],
        1_048_576
    );
}
