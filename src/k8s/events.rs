//! Kubernetes Event objects (`kubectl get events -o json|yaml`, must-gather's
//! `namespaces/*/core/events.yaml`, support bundles' `cluster-resources/events/*.json`)
//! that tell of memory deaths: `SystemOOM`, `OOMKilling` (node-problem-detector),
//! `Evicted`, `EvictionThresholdMet`, `NodeHasInsufficientMemory`, and `BackOff` of a
//! crash-looping container.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::model::DeathKind;
use crate::model::{NameSource, OtherDeath, PodRef};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::LazyLock;

fn s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// The memory-death events of an EventList (or a bare array, or one event).
// `serde_json::Value`'s `[]` on a shared value yields `Null` for a missing key or a
// non-object: it never panics.
#[allow(clippy::indexing_slicing)]
pub fn from_value(v: &Value) -> Vec<OtherDeath> {
    static SYSTEM_OOM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"victim process: ([^,]+), pid: (\d+)").expect("static regex"));
    static KILLED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"Kill(?:ed)? process (\d+) \((.*?)\)").expect("static regex"));
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        o if o.get("items").is_some() => o["items"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        o => vec![o],
    };
    let mut out = Vec::new();
    for ev in items {
        let Some(reason) = ev["reason"].as_str() else {
            continue;
        };
        let message = s(&ev["message"]).unwrap_or_default();
        let obj = &ev["involvedObject"];
        let (kind, reporter) = match reason {
            "SystemOOM" => (DeathKind::K8sOomReport, "kubelet SystemOOM event"),
            "OOMKilling" => (
                DeathKind::K8sOomReport,
                "node-problem-detector OOMKilling event",
            ),
            "Evicted" => (DeathKind::Eviction, "event"),
            "EvictionThresholdMet" | "NodeHasInsufficientMemory" => {
                (DeathKind::NodeMemoryPressure, "event")
            }
            "BackOff" if message.contains("restarting failed container") => {
                (DeathKind::K8sCrashloop, "event")
            }
            _ => continue,
        };
        let node_object = obj["kind"].as_str() == Some("Node");
        let node = if node_object {
            s(&obj["name"])
        } else {
            s(&ev["source"]["host"]).or_else(|| s(&ev["reportingInstance"]))
        };
        let pod = (obj["kind"].as_str() == Some("Pod")).then(|| PodRef {
            uid: s(&obj["uid"]),
            namespace: s(&obj["namespace"]),
            name_source: s(&obj["name"]).map(|_| NameSource::EventObject),
            name: s(&obj["name"]),
            api_uid: None,
        });
        let time = s(&ev["lastTimestamp"])
            .or_else(|| s(&ev["eventTime"]))
            .or_else(|| s(&ev["firstTimestamp"]))
            .or_else(|| s(&ev["metadata"]["creationTimestamp"]));
        let mut evidence = BTreeMap::new();
        evidence.insert("reason".to_string(), reason.to_string());
        if let Some(n) = ev["count"].as_u64() {
            evidence.insert("count".to_string(), n.to_string());
        }
        let (mut pid, mut comm) = (None, None);
        if let Some(c) = SYSTEM_OOM.captures(&message) {
            comm = Some(c[1].to_string());
            pid = c[2].parse().ok();
        } else if let Some(c) = KILLED.captures(&message) {
            pid = c[1].parse().ok();
            comm = Some(c[2].to_string());
        }
        out.push(OtherDeath {
            kind,
            reporter: reporter.to_string(),
            time: time.as_deref().and_then(crate::model::Timestamp::from_api),
            time_raw: time,
            node,
            message,
            pod,
            pid,
            comm,
            evidence,
            ..OtherDeath::default()
        });
    }
    out
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_list() {
        let v = json!({"kind": "EventList", "items": [
            {"reason": "SystemOOM", "message": "System OOM encountered, victim process: java, pid: 7134",
             "involvedObject": {"kind": "Node", "name": "worker-1"}, "lastTimestamp": "2024-03-05T10:07:52Z", "count": 1},
            {"reason": "Evicted", "message": "The node was low on resource: memory.",
             "involvedObject": {"kind": "Pod", "name": "cart-1", "namespace": "shop", "uid": "u1"}, "source": {"host": "worker-1"}},
            {"reason": "EvictionThresholdMet", "message": "Attempting to reclaim memory", "involvedObject": {"kind": "Node", "name": "worker-1"}},
            {"reason": "BackOff", "message": "Back-off restarting failed container app in pod x", "involvedObject": {"kind": "Pod", "name": "x", "namespace": "n"}},
            {"reason": "Pulled", "message": "Successfully pulled image", "involvedObject": {"kind": "Pod", "name": "x"}}
        ]});
        let d = from_value(&v);
        let kinds: Vec<&str> = d.iter().map(|x| x.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "k8s_oom_report",
                "eviction",
                "node_memory_pressure",
                "k8s_crashloop"
            ]
        );
        assert_eq!(
            (d[0].pid, d[0].comm.as_deref(), d[0].node.as_deref()),
            (Some(7134), Some("java"), Some("worker-1"))
        );
        assert_eq!(d[0].time.as_deref(), Some("2024-03-05T10:07:52+00:00"));
        assert_eq!(d[1].pod.as_ref().unwrap().name.as_deref(), Some("cart-1"));
        assert_eq!(d[1].node.as_deref(), Some("worker-1"));
    }
}
