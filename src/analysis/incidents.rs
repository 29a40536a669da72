//! Incidents: the kills at one limit grouped together, keyed by the limit that fired
//! (the verdict) — a container limit per container of a pod (by container name when
//! known, else id, so restarts stay together), a pod limit per pod (whichever of its
//! containers was killed), another cgroup per path, and per node the kills at its
//! allocatable limit, of its host RAM, cpuset, memory policy and by hand — with
//! counts, times, usage against the limit and the trend across repeats.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::{diagnose, verdict};
use crate::k8s::names::NameIndex;
pub use crate::model::Incident;
use crate::model::{Limit, OomEvent, Scope};
use std::collections::BTreeMap;

type Key = (Option<String>, Scope, String);

/// The limit a kill hit: its verdict's, else read from the event.
fn limit(e: &OomEvent) -> Limit {
    e.verdict
        .as_ref()
        .map_or_else(|| verdict::limit_of(e), |v| v.limit)
}

/// The incident of a kill, keyed by the limit that fired: a container limit by pod and
/// container name (id when unnamed), a pod limit by pod, another cgroup by its path,
/// node-wide limits (node allocatable, host RAM, cpuset, memory policy, manual) by
/// node. A kill whose limit is not known, or whose cgroup the block does not name, is
/// keyed by its victim's container, pod or cgroup.
fn key(e: &OomEvent) -> Key {
    let node = e.node.as_deref().map(str::to_string);
    let node_wide = |s: Scope| (node.clone(), s, String::new());
    match limit(e) {
        Limit::HostRam => return node_wide(Scope::Host),
        Limit::NodeAllocatable => return node_wide(Scope::NodeAllocatable),
        Limit::Cpuset => return node_wide(Scope::Cpuset),
        Limit::MemoryPolicy => return node_wide(Scope::MemoryPolicy),
        Limit::Manual => return node_wide(Scope::Manual),
        Limit::PodLimit => {
            let uid = e
                .pod
                .as_ref()
                .map(|p| p.uid.clone())
                .or_else(|| e.cgroup.oom.as_deref().and_then(diagnose::pod_level_uid));
            if let Some(uid) = uid {
                return (node, Scope::Pod, uid);
            }
        }
        Limit::CgroupLimit => {
            if let Some(oom) = &e.cgroup.oom {
                return (node, Scope::Cgroup, oom.clone());
            }
        }
        Limit::ContainerLimit | Limit::Unknown => {}
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
                limit: evs.last().map(|e| limit(e)),
                pod: first
                    .and_then(|f| f.pod.as_deref().cloned())
                    .filter(|_| !k.1.is_node_wide()),
                container: first
                    .and_then(|f| f.container.as_deref().cloned())
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
        e.pod = uid.map(|u| {
            Box::new(Pod {
                uid: u.into(),
                qos: None,
                namespace: None,
                name: None,
                name_source: None,
                api_uid: None,
            })
        });
        e.container = cname.map(|n| {
            Box::new(Container {
                id: format!("{n:0>64}"),
                runtime: None,
                name: Some(n.into()),
                name_source: None,
            })
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

    const POD: &str = "/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e";

    #[test]
    fn keyed_by_the_limit_that_fired() {
        let mut pod_a = ev(
            "n1",
            Some("95387fa4-da9c-11e7-9d36-5254b24cbf5e"),
            Some("app"),
            "cgroup",
            100,
        );
        pod_a.cgroup.oom = Some(POD.into());
        let mut pod_b = ev(
            "n1",
            Some("95387fa4-da9c-11e7-9d36-5254b24cbf5e"),
            Some("sidecar"),
            "cgroup",
            200,
        );
        pod_b.cgroup.oom = Some(POD.into());
        let mut alloc_a = ev("n1", Some("u2"), Some("x"), "cgroup", 5);
        alloc_a.cgroup.oom = Some("/kubepods.slice".into());
        let mut alloc_b = ev("n1", Some("u3"), Some("y"), "cgroup", 6);
        alloc_b.cgroup.oom = Some("/kubepods.slice".into());
        let mut slice = ev("n1", None, None, "cgroup", 7);
        slice.cgroup.oom = Some("/system.slice/etl.service".into());
        let mut manual = ev("n1", Some("u4"), Some("z"), "host", 8);
        manual.trigger.manual = true;
        let mut cpuset = ev("n1", None, None, "cpuset", 9);
        cpuset.cgroup.oom = None;
        let mut events = vec![pod_a, alloc_a, pod_b, slice, alloc_b, manual, cpuset];
        for e in &mut events {
            e.verdict = Some(std::sync::Arc::new(verdict::verdict(e, None)));
        }
        let inc = build(&events, &NameIndex::default());
        let summary: Vec<(&str, Vec<usize>)> = inc
            .iter()
            .map(|i| (i.scope.as_str(), i.events.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("pod", vec![0, 2]),
                ("node_allocatable", vec![1, 4]),
                ("cgroup", vec![3]),
                ("manual", vec![5]),
                ("cpuset", vec![6]),
            ]
        );
        assert_eq!(inc[0].limit, Some(Limit::PodLimit));
        assert!(
            inc[0].container.is_none(),
            "a pod incident names no container"
        );
        assert!(inc[1].pod.is_none(), "a node-wide incident names no pod");
        assert_eq!(
            inc[0].diagnoses[0].code,
            crate::model::DiagnosisCode::RepeatedKills,
            "a pod killed twice at its limit in two containers is one repeated incident"
        );
        assert!(inc[1].diagnoses.is_empty(), "node-wide: no crash loop");
        assert_eq!(inc[2].cgroup.as_deref(), Some("/system.slice/etl.service"));
    }
}
