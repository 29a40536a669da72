//! Every way a workload dies of memory, side by side (`testdata/sosreport-deaths`): a
//! kernel kill Kubernetes reported (pod status OOMKilled and containerd TaskOOM), a
//! kernel kill of a child process it did not report, an exit code 137 that was no OOM,
//! a kubelet eviction, a systemd-oomd kill, a unit that failed with `oom-kill`, and an
//! earlier boot's `panic_on_oom` panic in `var/crash`.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::{analyze, codes};
use serde_json::{Value, json};

const BUNDLE: &str = "testdata/sosreport-deaths";

fn doc() -> Value {
    let (code, out) = analyze(&["--format", "json", BUNDLE]);
    assert_eq!(code, 0);
    serde_json::from_str(&out).expect("JSON")
}

fn death<'a>(d: &'a Value, kind: &str, reporter: &str) -> &'a Value {
    d["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["kind"] == kind && x["reporter"] == reporter)
        .unwrap_or_else(|| panic!("no {kind} from {reporter}"))
}

#[test]
fn kernel_kills_stay_in_events() {
    let d = doc();
    let ev = d["events"].as_array().unwrap();
    let victims: Vec<(u64, &str)> = ev
        .iter()
        .map(|e| {
            (
                e["victim"]["pid"].as_u64().unwrap(),
                e["victim"]["comm"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(victims, [(4100, "node"), (5230, "python3")]);
    let kinds: Vec<&str> = d["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "k8s_crashloop",
            "panic",
            "k8s_oomkilled",
            "k8s_oom_report",
            "k8s_crashloop",
            "node_memory_pressure",
            "eviction",
            "oomd_kill",
            "unit_process_oom_killed",
            "unit_oom_failed",
            "k8s_exit_137"
        ]
    );
}

#[test]
fn reported_kill_is_matched() {
    let d = doc();
    let task = death(&d, "k8s_oom_report", "containerd TaskOOM");
    assert_eq!(task["matched_event"], 0);
    let status = death(&d, "k8s_oomkilled", "pod status");
    assert_eq!(status["matched_event"], 0);
    assert_eq!(
        status["pod"],
        json!({"uid": "11111111-2222-4333-8444-555555555555", "namespace": "web", "name": "api-5c7d9-abcde", "name_source": "pod_object"})
    );
    assert_eq!(status["container"]["name"], "api");
    assert_eq!(status["time"], "2024-06-10T02:00:00+00:00");
    assert_eq!(status["evidence"]["restart_count"], "1");
    assert!(codes(task).is_empty() && codes(status).is_empty());
    // The matched kill carries no mismatch diagnosis.
    assert!(!codes(&d["events"][0]).contains(&"kill_not_reported_by_kubernetes"));
}

#[test]
fn unreported_child_kill_and_exit_137() {
    let d = doc();
    let e = &d["events"][1];
    assert_eq!(e["pod"]["name"], "worker-6b8f-xyz12");
    assert_eq!(
        codes(e),
        [
            "child_process_killed",
            "burstable_request_inferred",
            "kill_not_reported_by_kubernetes"
        ]
    );
    let x = death(&d, "k8s_exit_137", "pod status");
    assert_eq!(x["matched_event"], Value::Null);
    assert_eq!(codes(x), ["exit_137_not_oom"]);
    assert_eq!(x["pod"]["name"], "cron-28641-pqrst");
}

#[test]
fn eviction_oomd_unit_and_panic() {
    let d = doc();
    let ev = death(&d, "eviction", "kubelet eviction manager");
    assert_eq!(
        ev["pod"],
        json!({"uid": "12121212-3434-4565-8787-909090909090", "namespace": "batch", "name": "report-gen-7f9c6-2kq8d", "name_source": "kubelet_log"})
    );
    assert_eq!(
        ev["evidence"],
        json!({"threshold": "100Mi", "available": "88420Ki", "container": "report", "container_usage": "1843200Ki", "container_request": "256Mi"})
    );
    assert_eq!(ev["time"], "2024-06-10T03:00:03+00:00");
    // The pod status says Evicted too; the kubelet's report is kept, not doubled.
    assert_eq!(
        d["other_deaths"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["kind"] == "eviction")
            .count(),
        1
    );
    let o = death(&d, "oomd_kill", "systemd-oomd");
    assert_eq!(o["cgroup"], "/system.slice/backup.service");
    assert!(
        o["evidence"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("memory used (7.6G)")
    );
    assert_eq!(
        death(&d, "unit_oom_failed", "systemd")["unit"],
        "backup.service"
    );
    let p = death(&d, "panic", "kernel");
    assert_eq!(
        p["message"],
        "Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled"
    );
    assert_eq!(
        p["time"],
        Value::Null,
        "a crash dump's uptime is from an earlier boot"
    );
    assert!(
        p["sources"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("vmcore-dmesg.txt")
    );
    let n = &d["nodes"][0];
    assert_eq!(
        n["sysctl"],
        json!({"vm.oom_kill_allocating_task": "0", "vm.overcommit_memory": "1", "vm.overcommit_ratio": "50", "vm.panic_on_oom": "0"})
    );
}

#[test]
fn kubernetes_events_and_describe_text() {
    let d = doc();
    let p = death(&d, "node_memory_pressure", "event");
    assert_eq!(
        (p["node"].as_str(), p["evidence"]["reason"].as_str()),
        (Some("node-d"), Some("EvictionThresholdMet"))
    );
    assert_eq!(p["time"], "2024-06-10T03:00:00+00:00");
    let c = death(&d, "k8s_crashloop", "event");
    assert_eq!(c["pod"]["name"], "api-5c7d9-abcde");
    assert_eq!(c["evidence"]["count"], "3");
    assert!(
        c["sources"][0]["file"]
            .as_str()
            .unwrap()
            .ends_with("kubectl_get_events_--all-namespaces_-o_json")
    );
    let cl = death(&d, "k8s_crashloop", "pod status");
    assert_eq!(
        cl["message"],
        "container api of pod web/api-5c7d9-abcde is in CrashLoopBackOff after 1 restart(s)"
    );
    // `kubectl describe` and the pod JSON tell the same exit 137: one report.
    let n = d["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "k8s_exit_137")
        .count();
    assert_eq!(n, 1);
}

#[test]
fn text_summary_lists_the_other_deaths() {
    let (code, out) = analyze(&[BUNDLE]);
    assert_eq!(code, 0);
    assert!(
        out.contains("other deaths and Kubernetes reports:"),
        "{out}"
    );
    assert!(out.contains("k8s_oomkilled (pod status) on node-d [kernel kill e1]: container api of pod web/api-5c7d9-abcde"), "{out}");
    assert!(
        out.contains("      exit_137_not_oom: exit code 137 (SIGKILL) without OOMKilled"),
        "{out}"
    );
}

#[test]
fn reports_that_give_only_an_id_are_named_with_where_the_name_came_from() {
    let d = doc();
    // containerd's TaskOOM gives the container id alone: the pod object names it.
    let task = death(&d, "k8s_oom_report", "containerd TaskOOM");
    assert_eq!(task["pod"]["namespace"], "web");
    assert_eq!(task["pod"]["name"], "api-5c7d9-abcde");
    assert_eq!(task["pod"]["uid"], "11111111-2222-4333-8444-555555555555");
    assert_eq!(task["pod"]["name_source"], "pod_object");
    assert_eq!(task["container"]["name"], "api");
    assert!(task["container"]["name_source"].is_string(), "{task}");
    // A report naming its pod itself says so.
    let evicted = death(&d, "eviction", "kubelet eviction manager");
    assert_eq!(evicted["pod"]["name_source"], "kubelet_log");
    let status = death(&d, "k8s_oomkilled", "pod status");
    assert_eq!(status["pod"]["name_source"], "pod_object");
    assert_eq!(status["container"]["name_source"], "pod_object");
    // A report about no pod gains none.
    assert!(death(&d, "oomd_kill", "systemd-oomd")["pod"].is_null());
    // The text summary names the pod the TaskOOM line does not.
    let (_, text) = analyze(&["--reference-date", "2024-06-30", BUNDLE]);
    let line = text.lines().find(|l| l.contains("TaskOOM event")).unwrap();
    assert!(
        line.ends_with("— pod web/api-5c7d9-abcde (container api), named by the pod object"),
        "{line}"
    );
}

#[test]
fn a_systemd_unit_line_of_a_pod_slice_gives_the_pod_uid() {
    let (code, out) = analyze(&["--format", "json", "testdata/sosreport-node1"]);
    assert_eq!(code, 0);
    let d: Value = serde_json::from_str(&out).unwrap();
    let unit = death(&d, "unit_process_oom_killed", "systemd");
    assert_eq!(
        unit["unit"],
        "kubepods-besteffort-podc2b4e6f8_1a3c_4e5a_8b7d_9f0e1d2c3b4a.slice"
    );
    assert_eq!(unit["pod"]["uid"], "c2b4e6f8-1a3c-4e5a-8b7d-9f0e1d2c3b4a");
    // Nothing in that bundle names the pod: no name, no source.
    assert!(unit["pod"]["name"].is_null() && unit["pod"].get("name_source").is_none());
}
