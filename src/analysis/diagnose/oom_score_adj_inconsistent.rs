//! The victim's `oom_score_adj` is not what kubelet sets for its QoS (Guaranteed −997,
//! BestEffort 1000, Burstable 2…999).
//!
//! Applies to: any kill.
//!
//! Evidence: `oom_score_adj`, `qos`.
//!
//! The process changed its own `oom_score_adj`, or it was a child with a different
//! setting, or the QoS read from the cgroup path is not the pod's.

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
    let ok = match q.as_str() {
        "guaranteed" => adj == -997,
        "besteffort" => adj == 1000,
        "burstable" => (2..=999).contains(&adj),
        _ => true,
    };
    (!ok).then(|| {
        ENTRY.diagnosis(
            format!("the victim's oom_score_adj {adj} does not match what kubelet sets for a {q} pod"),
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
            e.pod = Some(Pod {
                uid: "u".into(),
                qos: Some(qos.into()),
                namespace: None,
                name: None,
                name_source: None,
                api_uid: None,
            });
            e.victim.oom_score_adj = Some(adj);
            assert_eq!(check(&e, &ctx()).is_some(), fires, "{qos} {adj}");
        }
    }
}
