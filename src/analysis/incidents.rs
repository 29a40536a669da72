//! Incidents: the kills of one workload grouped together — per container of a pod
//! (by container name when known, else id), per pod for pod-level kills, per non-pod
//! cgroup, and per node for host OOMs — with counts, times, usage against the limit
//! and the trend across repeats.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::diagnose;
use crate::k8s::names::NameIndex;
pub use crate::model::Incident;
use crate::model::{OomEvent, OomKind, Scope};
use std::collections::BTreeMap;

type Key = (Option<String>, Scope, String);

fn key(e: &OomEvent) -> Key {
    let node = e.node.clone();
    if e.kind == Some(OomKind::Host) {
        return (node, Scope::Host, String::new());
    }
    if let Some(p) = &e.pod {
        return match &e.container {
            Some(c) => (
                node,
                Scope::Container,
                format!(
                    "{}/{}",
                    p.uid,
                    c.name.clone().unwrap_or_else(|| c.id.clone())
                ),
            ),
            None => (node, Scope::Pod, p.uid.clone()),
        };
    }
    let cg = e
        .cgroup
        .oom
        .clone()
        .or_else(|| e.cgroup.task.clone())
        .unwrap_or_default();
    (node, Scope::Cgroup, cg)
}

/// Groups events into incidents (in order of their first event).
pub fn build(events: &[OomEvent], names: &NameIndex) -> Vec<Incident> {
    let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    let mut order: Vec<Key> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let k = key(e);
        let g = groups.entry(k.clone()).or_default();
        if g.is_empty() {
            order.push(k);
        }
        g.push(i);
    }
    order
        .into_iter()
        .enumerate()
        .map(|(n, k)| {
            let idx = groups.remove(&k).unwrap_or_default();
            let evs: Vec<&OomEvent> = idx.iter().filter_map(|&i| events.get(i)).collect();
            let first = evs.first().copied();
            let restarts = first.and_then(|f| f.pod.as_ref()).and_then(|p| {
                let info = names.pods.get(&p.uid)?;
                let cname = first?.container.as_ref()?.name.as_ref()?;
                info.containers.get(cname)?.restart_count
            });
            let mut inc = Incident {
                id: format!("i{}", n + 1),
                scope: k.1,
                node: k.0.clone(),
                pod: first
                    .and_then(|f| f.pod.clone())
                    .filter(|_| k.1 != Scope::Host),
                container: first
                    .and_then(|f| f.container.clone())
                    .filter(|_| k.1 == Scope::Container),
                cgroup: (k.1 == Scope::Cgroup)
                    .then(|| k.2.clone())
                    .filter(|c| !c.is_empty()),
                count: idx.len(),
                first_time: evs.iter().find_map(|e| e.time.clone()),
                last_time: evs.iter().rev().find_map(|e| e.time.clone()),
                restarts,
                max_usage_kb: evs.iter().filter_map(|e| e.memory.usage_kb).max(),
                limit_kb: evs.iter().rev().find_map(|e| e.memory.limit_kb),
                usage_kb_at_kill: evs.iter().map(|e| e.memory.usage_kb).collect(),
                victim_anon_rss_kb: evs.iter().map(|e| e.victim.anon_rss_kb).collect(),
                diagnoses: Vec::new(),
                events: idx,
            };
            inc.diagnoses = diagnose::incident_diagnoses(&inc, &evs);
            inc
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;
    use crate::model::{Container, Pod};

    fn ev(node: &str, uid: Option<&str>, cname: Option<&str>, kind: &str, rss: u64) -> OomEvent {
        let mut e = OomEvent {
            node: Some(node.into()),
            kind: Some(kind.into()),
            ..OomEvent::default()
        };
        e.pod = uid.map(|u| Pod {
            uid: u.into(),
            qos: None,
            namespace: None,
            name: None,
        });
        e.container = cname.map(|n| Container {
            id: format!("{n:0>64}"),
            runtime: None,
            name: Some(n.into()),
        });
        e.victim.anon_rss_kb = Some(rss);
        e.memory.usage_kb = Some(rss);
        e.memory.limit_kb = Some(1_000_000);
        e
    }

    #[test]
    fn groups_by_container_pod_cgroup_and_host() {
        let events = vec![
            ev("n1", Some("u1"), Some("app"), "cgroup", 100),
            ev("n1", None, None, "host", 1),
            ev("n1", Some("u1"), Some("app"), "cgroup", 500),
            ev("n1", Some("u1"), None, "cgroup", 7),
            ev("n2", None, None, "host", 1),
        ];
        let inc = build(&events, &NameIndex::default());
        let summary: Vec<(&str, Vec<usize>)> = inc
            .iter()
            .map(|i| (i.scope.as_str(), i.events.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("container", vec![0, 2]),
                ("host", vec![1]),
                ("pod", vec![3]),
                ("host", vec![4])
            ]
        );
        assert_eq!(
            inc[0].diagnoses[0].code,
            crate::model::DiagnosisCode::RepeatedKills
        );
        assert_eq!(inc[0].max_usage_kb, Some(500));
        assert!(inc[1].diagnoses.is_empty());
    }
}
