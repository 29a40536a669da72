//! A BestEffort/Burstable pod was chosen by a host OOM, as its `oom_score_adj` makes it
//! preferred.
//!
//! Applies to: host kill.
//!
//! Evidence: `qos`, `victim_oom_score_adj`.
//!
//! The kernel's choice worked as kubelet intends (BestEffort 1000, Burstable by its
//! request); the finding is that the node was short of memory. The QoS comes from the
//! victim's cgroup path, else its pod's declaration; a Guaranteed victim is
//! `guaranteed_victim` instead.

use super::{Context, Entry, On, Rule, is_host, qos};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::QosVictimExpected,
    severity: Severity::Info,
    on: On::HostKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    if !is_host(e) {
        return None;
    }
    let q = qos(e, ctx)?;
    (q != "guaranteed").then(|| {
        ENTRY.diagnosis(
            format!(
                "a {q} pod was chosen by a host OOM, as its oom_score_adj makes it a preferred victim"
            ),
            vec![("qos", json!(q)), ("victim_oom_score_adj", json!(e.victim.oom_score_adj))],
            "The node was short of memory: check kubelet eviction thresholds and the requests of the pods on the node.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use crate::model::{OomEvent, Pod};

    #[test]
    fn burstable_host_victim() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        e.pod = Some(Box::new(Pod {
            uid: "u".into(),
            qos: Some("besteffort".into()),
            namespace: None,
            name: None,
            name_source: None,
            api_uid: None,
        }));
        e.victim.oom_score_adj = Some(1000);
        assert_eq!(codes(&e, &ctx()), vec!["qos_victim_expected"]);
        e.pod = None;
        assert!(codes(&e, &ctx()).is_empty(), "no pod, no QoS");
    }
}
