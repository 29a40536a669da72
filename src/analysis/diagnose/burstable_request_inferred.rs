//! Burstable victim with a known `oom_score_adj` and node memory: the request inverted
//! from kubelet's `min(max(2, 1000 − 1000·request/capacity), 999)`.
//!
//! Applies to: any kill.
//!
//! Evidence: `oom_score_adj`, `node_mem_kb`, `request_kb_min`, `request_kb_max`, `declared_request_kb`.
//!
//! kubelet truncates, so an `oom_score_adj` gives a range of requests
//! (`request_kb_min`, `request_kb_max`]; the clamped values 2 and 999 (and 3, 998 at
//! their edge) give no bound and do not fire. `declared_request_kb` is the sum of the
//! containers' requests from the pod's listing, when known.

use super::{Context, Entry, On, Rule, qos};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::BurstableRequestInferred,
    severity: Severity::Info,
    on: On::AnyKill,
    rule: Rule::Event(check),
};

/// kubelet: adj = min(max(2, 1000 − 1000·request/capacity), 999) → request.
fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    let adj = e.victim.oom_score_adj?;
    let cap = ctx.node_mem_kb?;
    (qos(e, ctx)?.as_str() == "burstable" && (3..=998).contains(&adj)).then(|| {
        // adj = 1000 − 1000·req/cap (truncated) → req ∈ ((999−adj)·cap/1000, (1000−adj)·cap/1000]
        let hi = ((1000 - adj) as u64).saturating_mul(cap) / 1000;
        let lo = ((999 - adj) as u64).saturating_mul(cap) / 1000;
        let declared = ctx
            .pod
            .map(|p| p.containers.values().filter_map(|c| c.request_bytes).sum::<u64>() / 1024)
            .filter(|r| *r > 0);
        ENTRY.diagnosis(
            format!("from oom_score_adj {adj} and node memory {cap} kB, the pod's memory request was about {} MiB (kubelet's formula)", hi / 1024),
            vec![
                ("oom_score_adj", json!(adj)),
                ("node_mem_kb", json!(cap)),
                ("request_kb_min", json!(lo)),
                ("request_kb_max", json!(hi)),
                ("declared_request_kb", json!(declared)),
            ],
            "Compare the request with the usage at the kill: a request far below real usage makes the pod an early host-OOM victim and lets the scheduler overcommit the node.",
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
    fn request_from_adj() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        e.pod = Some(Box::new(Pod {
            uid: "u".into(),
            qos: Some("burstable".into()),
            namespace: None,
            name: None,
            name_source: None,
            api_uid: None,
        }));
        e.victim.oom_score_adj = Some(938);
        assert_eq!(
            codes(&e, &ctx()),
            vec!["qos_victim_expected", "burstable_request_inferred"]
        );
        let d = check(&e, &ctx()).unwrap();
        // 1000 - 938 = 62 → 62‰ of 16 GB ≈ 992,000 kB
        assert_eq!(d.evidence["request_kb_max"], json!(992_000));
        assert_eq!(d.evidence["request_kb_min"], json!(976_000));
        e.victim.oom_score_adj = Some(999);
        assert!(check(&e, &ctx()).is_none(), "clamped: no bound");
        e.victim.oom_score_adj = Some(938);
        let no_mem = Context {
            node_mem_kb: None,
            ..ctx()
        };
        assert!(check(&e, &no_mem).is_none());
    }
}
