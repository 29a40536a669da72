//! The OOM memcg is the kubepods root (`/kubepods.slice`, `/kubepods`, or a kubelet
//! root such as `/kubelet.slice/kubelet-kubepods.slice`): the node's allocatable limit
//! for all pods fired, not a pod's limit and not the host's memory.
//!
//! Applies to: cgroup kill.
//!
//! Evidence: `oom_memcg`, `kubepods_limit_kb`, `usage_kb`, `victim_qos`, `victim_pod`,
//! `node_allocatable_kb`.
//!
//! kubelet caps the kubepods cgroup at the node's allocatable memory (capacity minus
//! `kube-reserved`, `system-reserved` and the hard eviction threshold, with
//! `--enforce-node-allocatable=pods`). When the pods together reach it the kernel OOM
//! kills inside that cgroup, and the victim may be a BestEffort pod with no limit of
//! its own: its pod is not "at its limit", the node's pods were. `kubepods_limit_kb` is
//! the limit the kernel printed; `node_allocatable_kb` is the node object's
//! `status.allocatable.memory` when the input provides one (null otherwise).

use super::{Context, Entry, On, Rule, is_cgroup, qos};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::NodeAllocatableLimit,
    severity: Severity::Warning,
    on: On::CgroupKill,
    rule: Rule::Event(check),
};

/// Is `path` the kubepods root: its last component `kubepods`, `kubepods.slice` or a
/// systemd `…-kubepods.slice`, with no pod below it?
pub(crate) fn is_kubepods_root(path: &str) -> bool {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    last == "kubepods" || last == "kubepods.slice" || last.ends_with("-kubepods.slice")
}

/// The node's allocatable memory in kB, from its Node object
/// (`status.allocatable.memory`), when the input holds one.
fn node_allocatable_kb(ctx: &Context) -> Option<u64> {
    ctx.node_allocatable_kb
}

fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    let oom = e.cgroup.oom.as_deref()?;
    if !is_cgroup(e) || !is_kubepods_root(oom) {
        return None;
    }
    let q = qos(e, ctx);
    let limit = e.memory.limit_kb;
    let victim = match &q {
        Some(q) => format!("the victim is a {q} pod"),
        None => "the victim's QoS class is not known".into(),
    };
    let at = match (limit, node_allocatable_kb(ctx)) {
        (Some(l), Some(a)) => format!(" ({l} kB; the node object's allocatable memory is {a} kB)"),
        (Some(l), None) => format!(" ({l} kB)"),
        (None, Some(a)) => format!(" (the node object's allocatable memory is {a} kB)"),
        (None, None) => String::new(),
    };
    Some(ENTRY.diagnosis(
        format!(
            "the node-allocatable limit of all pods{at} was hit (oom_memcg is {oom}), not a pod's own limit: the pods together used what the node allows them; {victim}"
        ),
        vec![
            ("oom_memcg", json!(oom)),
            ("kubepods_limit_kb", json!(limit)),
            ("usage_kb", json!(e.memory.usage_kb)),
            ("victim_qos", json!(q)),
            ("victim_pod", json!(e.pod.as_ref().map(|p| &p.uid))),
            ("node_allocatable_kb", json!(node_allocatable_kb(ctx))),
        ],
        "Give every pod memory requests and limits that fit the node (BestEffort pods have none), check kube-reserved/system-reserved and the eviction thresholds (eviction should act before this limit), or move pods to a larger node.",
    ))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::model::Pod;

    #[test]
    fn kubepods_root_in_every_driver() {
        for p in [
            "/kubepods.slice",
            "/kubepods",
            "/kubepods/",
            "/kubelet.slice/kubelet-kubepods.slice",
            "/kubelet/kubepods",
        ] {
            assert!(is_kubepods_root(p), "{p}");
        }
        for p in [
            "/kubepods.slice/kubepods-besteffort.slice",
            "/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e",
            "/system.slice",
            "/",
        ] {
            assert!(!is_kubepods_root(p), "{p}");
        }
    }

    #[test]
    fn allocatable_limit_with_a_besteffort_victim() {
        let mut e = cgroup_event();
        e.cgroup.oom = Some("/kubepods.slice".into());
        e.pod = Some(Box::new(Pod {
            uid: "4c1f2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f".into(),
            qos: Some("besteffort".into()),
            ..Pod::default()
        }));
        let d = check(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["kubepods_limit_kb"], json!(1_048_576));
        assert_eq!(d.evidence["victim_qos"], json!("besteffort"));
        assert_eq!(d.evidence["node_allocatable_kb"], json!(null));
        assert!(d.summary.contains("besteffort"), "{}", d.summary);
        // With the node object's allocatable memory.
        let with_node = Context {
            node_allocatable_kb: Some(15_152_656),
            ..ctx()
        };
        let d = check(&e, &with_node).unwrap();
        assert_eq!(d.evidence["node_allocatable_kb"], json!(15_152_656));
        assert!(
            d.summary.contains("allocatable memory is 15152656 kB"),
            "{}",
            d.summary
        );
        e.cgroup.oom = Some("/kubepods.slice/kubepods-besteffort.slice/x".into());
        assert!(check(&e, &ctx()).is_none());
        e.cgroup.oom = Some("/kubepods".into());
        e.kind = Some("host".into());
        assert!(check(&e, &ctx()).is_none());
    }
}
