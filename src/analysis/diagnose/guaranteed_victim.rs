//! A Guaranteed pod was killed by a host OOM (unusual).
//!
//! Applies to: host kill.
//!
//! Evidence: `qos`, `victim_oom_score_adj`.
//!
//! kubelet gives Guaranteed pods `oom_score_adj` −997, so the kernel picks them last:
//! when one dies in a host OOM, the node ran out of memory outside pod limits (system
//! daemons, the kernel, or pods without limits). The QoS comes from the victim's
//! cgroup path, else its pod's declaration. Its counterpart for the other classes is
//! `qos_victim_expected`.

use super::{Context, Entry, On, Rule, is_host, qos};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::GuaranteedVictim,
    severity: Severity::Critical,
    on: On::HostKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    if !is_host(e) {
        return None;
    }
    let q = qos(e, ctx)?;
    (q == "guaranteed").then(|| {
        ENTRY.diagnosis(
            "a Guaranteed pod was killed by a host OOM: the node ran out of memory outside pod limits (system daemons, kernel, or pods without limits)".into(),
            vec![("qos", json!(q)), ("victim_oom_score_adj", json!(e.victim.oom_score_adj))],
            "Reserve memory for the system (kubelet --system-reserved/--kube-reserved, eviction thresholds) and find what grew outside pod limits.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use crate::model::{OomEvent, Pod};

    #[test]
    fn guaranteed_host_victim() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        e.pod = Some(Box::new(Pod {
            uid: "u".into(),
            qos: Some("guaranteed".into()),
            namespace: None,
            name: None,
            name_source: None,
            api_uid: None,
        }));
        e.victim.oom_score_adj = Some(-997);
        assert_eq!(codes(&e, &ctx()), vec!["guaranteed_victim"]);
        e.kind = Some("cgroup".into());
        assert!(codes(&e, &ctx()).is_empty(), "a cgroup kill is no host OOM");
    }
}
