//! The memory limits of the pods known on the node add up to more than the node's
//! memory.
//!
//! Applies to: host kill.
//!
//! Evidence: `pod_limits_kb`, `node_mem_kb`.
//!
//! Limits alone cannot prevent a host OOM when they overcommit the node: the scheduler
//! places pods by their requests. The pods are those of the bundle's pod listings
//! whose `spec.nodeName` is the node.

use super::{Context, Entry, On, Rule, is_host};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::HostOomOvercommitted,
    severity: Severity::Warning,
    on: On::HostKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    if !is_host(e) {
        return None;
    }
    let mem = ctx.node_mem_kb?;
    let limits = ctx.node_pod_limits? / 1024;
    (limits > mem).then(|| {
        ENTRY.diagnosis(
            format!("the memory limits of the pods known on the node add up to {} MiB, more than the node's {} MiB: limits alone cannot prevent a host OOM", limits / 1024, mem / 1024),
            vec![("pod_limits_kb", json!(limits)), ("node_mem_kb", json!(mem))],
            "Set requests close to real usage so the scheduler does not overcommit, and keep eviction thresholds above zero.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn limits_over_node_memory() {
        let e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        let over = Context {
            node_pod_limits: Some(20_000_000 * 1024),
            ..ctx()
        };
        let d = check(&e, &over).unwrap();
        assert_eq!(d.evidence["pod_limits_kb"], json!(20_000_000));
        let under = Context {
            node_pod_limits: Some(10_000_000 * 1024),
            ..ctx()
        };
        assert!(check(&e, &under).is_none());
        assert!(check(&cgroup_event(), &over).is_none(), "a cgroup kill");
    }
}
