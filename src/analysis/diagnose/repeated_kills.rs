//! Two or more kills of one workload; `trend` is `growing` (victim anon-rss rises kill
//! after kill: a leak), `steady_at_limit` (each kill at the limit: the limit is too
//! low), or `irregular`.
//!
//! Applies to: incident.
//!
//! Evidence: `count`, `victim_anon_rss_kb`, `usage_kb`, `limit_kb`, `restarts`, `trend`.
//!
//! `growing`: the victim's anon-rss never falls and the last is more than 10 % above
//! the first. `steady_at_limit`: every printed usage is at 95 % of its limit or more.
//! Host incidents (all the host OOMs of a node) are not one workload and never fire.
//! `restarts` is the container's restart count from its pod listing, when known.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::{Entry, On, Rule};
use crate::model::{Diagnosis, DiagnosisCode, Incident, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::RepeatedKills,
    severity: Severity::Critical,
    on: On::Incident,
    rule: Rule::Incident(check),
};

fn check(inc: &Incident, events: &[&OomEvent]) -> Option<Diagnosis> {
    if inc.scope.is_node_wide() {
        return None;
    }
    repeated_kills(events, inc.restarts)
}

/// A repeated kill of one workload, and what its trend says.
fn repeated_kills(events: &[&OomEvent], restarts: Option<u64>) -> Option<Diagnosis> {
    if events.len() < 2 {
        return None;
    }
    let rss: Vec<u64> = events.iter().filter_map(|e| e.victim.anon_rss_kb).collect();
    let usage: Vec<u64> = events.iter().filter_map(|e| e.memory.usage_kb).collect();
    let limits: Vec<u64> = events.iter().filter_map(|e| e.memory.limit_kb).collect();
    let growing = rss.len() >= 2
        && rss.windows(2).all(|w| matches!(w, [a, b] if b >= a))
        && *rss.last()? as f64 > *rss.first()? as f64 * 1.1;
    let at_limit = !usage.is_empty()
        && usage
            .iter()
            .zip(&limits)
            .all(|(u, l)| *u as f64 >= *l as f64 * 0.95);
    let (verdict, action) = if growing {
        (
            "growing",
            "The victim's memory grows from kill to kill: look for a leak (heap profile, connection or cache growth) before raising the limit.",
        )
    } else if at_limit {
        (
            "steady_at_limit",
            "Each kill happens at the same level at the limit: the workload needs more memory than the limit allows; raise the limit (and request) or reduce the working set.",
        )
    } else {
        (
            "irregular",
            "The kills vary: correlate them with load or jobs in the application's logs.",
        )
    };
    Some(ENTRY.diagnosis(
        format!(
            "{} OOM kills of the same workload (trend: {verdict}): a crash loop",
            events.len()
        ),
        vec![
            ("count", json!(events.len())),
            ("victim_anon_rss_kb", json!(rss)),
            ("usage_kb", json!(usage)),
            ("limit_kb", json!(limits)),
            ("restarts", json!(restarts)),
            ("trend", json!(verdict)),
        ],
        action,
    ))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn trends() {
        let mk = |rss: u64| {
            let mut e = cgroup_event();
            e.victim.anon_rss_kb = Some(rss);
            e
        };
        let (a, b, c) = (mk(100_000), mk(300_000), mk(900_000));
        let d = repeated_kills(&[&a, &b, &c], Some(3)).unwrap();
        assert_eq!(d.evidence["trend"], json!("growing"));
        let (a, b) = (mk(1_000_000), mk(1_000_100));
        assert_eq!(
            repeated_kills(&[&a, &b], None).unwrap().evidence["trend"],
            json!("steady_at_limit")
        );
        let (mut x, mut y) = (mk(500_000), mk(200_000));
        x.memory.usage_kb = Some(500_000);
        y.memory.usage_kb = Some(200_000);
        assert_eq!(
            repeated_kills(&[&x, &y], None).unwrap().evidence["trend"],
            json!("irregular")
        );
        assert!(repeated_kills(&[&a], None).is_none());
    }

    #[test]
    fn not_for_host_incidents() {
        let (a, b) = (cgroup_event(), cgroup_event());
        let mut inc = Incident {
            id: "i1".into(),
            scope: crate::model::Scope::Host,
            limit: None,
            node: None,
            pod: None,
            container: None,
            cgroup: None,
            events: vec![0, 1],
            count: 2,
            first_time: None,
            last_time: None,
            restarts: Some(4),
            max_usage_kb: None,
            limit_kb: None,
            usage_kb_at_kill: vec![],
            victim_anon_rss_kb: vec![],
            diagnoses: vec![],
        };
        assert!(check(&inc, &[&a, &b]).is_none());
        inc.scope = crate::model::Scope::Cgroup;
        let d = check(&inc, &[&a, &b]).unwrap();
        assert_eq!(d.evidence["restarts"], json!(4));
    }
}
