//! The victim's `oom_score_adj` is not what kubelet sets for its QoS (Guaranteed −997,
//! BestEffort 1000, Burstable 2…999).
//!
//! Applies to: any kill.
//!
//! Evidence: `oom_score_adj`, `qos`.
//!
//! The process changed its own `oom_score_adj`, or it was a child with a different
//! setting, or the QoS read from the cgroup path is not the pod's. A node-critical pod
//! (`system-node-critical`, the static control-plane pods) gets −997 whatever its
//! QoS: a static pod (its mirror pod's UID known) at −997 does not fire it.

use super::{Context, Entry, On, Rule, qos};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::OomScoreAdjInconsistent,
    severity: Severity::Warning,
    on: On::AnyKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    let adj = e.victim.oom_score_adj?;
    let q = qos(e, ctx)?;
    // kubelet gives a node-critical pod (`system-node-critical`: the static control
    // plane pods) −997 whatever its QoS; a static pod is known by its mirror's UID.
    let critical = adj == -997 && e.pod.as_ref().is_some_and(|p| p.api_uid.is_some());
    let ok = critical
        || match q.as_str() {
            "guaranteed" => adj == -997,
            "besteffort" => adj == 1000,
            "burstable" => (2..=999).contains(&adj),
            _ => true,
        };
    let unless = if adj == -997 {
        " (unless it is a system-node-critical pod, which kubelet gives −997 whatever its QoS)"
    } else {
        ""
    };
    (!ok).then(|| {
        ENTRY.diagnosis(
            format!("the victim's oom_score_adj {adj} does not match what kubelet sets for a {q} pod{unless}"),
            vec![("oom_score_adj", json!(adj)), ("qos", json!(q))],
            "The process changed its own oom_score_adj, or it was a child with a different setting, or the cgroup path's QoS is not the pod's: check the container's entrypoint.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::model::Pod;

    #[test]
    fn per_qos_class() {
        let mut e = cgroup_event();
        for (qos, adj, fires) in [
            ("guaranteed", -997, false),
            ("guaranteed", 0, true),
            ("besteffort", 1000, false),
            ("besteffort", 999, true),
            ("burstable", 2, false),
            ("burstable", 999, false),
            ("burstable", 1000, true),
            ("burstable", 1, true),
        ] {
            e.pod = Some(Box::new(Pod {
                uid: "u".into(),
                qos: Some(qos.into()),
                namespace: None,
                name: None,
                name_source: None,
                api_uid: None,
            }));
            e.victim.oom_score_adj = Some(adj);
            assert_eq!(check(&e, &ctx()).is_some(), fires, "{qos} {adj}");
        }
        // A static pod (its mirror's UID known) at −997 is node-critical, not odd.
        e.victim.oom_score_adj = Some(-997);
        e.pod = Some(Box::new(Pod {
            uid: "0c8c5d2e9f1a4b3c8d7e6f5a4b3c2d1e".into(),
            qos: Some("burstable".into()),
            namespace: Some("kube-system".into()),
            name: Some("kube-apiserver-cp-0".into()),
            name_source: None,
            api_uid: Some("5b8e1c2a-7d3f-4e9a-b1c6-2f8d0e4a9b7c".into()),
        }));
        assert!(check(&e, &ctx()).is_none());
        e.pod.as_mut().unwrap().api_uid = None;
        let d = check(&e, &ctx()).unwrap();
        assert!(d.summary.contains("system-node-critical"), "{}", d.summary);
    }
}
