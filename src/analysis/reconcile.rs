//! What Kubernetes said against what the kernel did: each Kubernetes OOM report
//! (pod status `OOMKilled`, exit code 137, containerd `TaskOOM`, kubelet `SystemOOM`,
//! node-problem-detector, cAdvisor) is matched to the kernel kill behind it, and the
//! mismatches are called out with a diagnosis.

use super::diagnose;
use crate::k8s::names::{NameIndex, PodInfo, Terminated};
use crate::model::{ContainerRef, DeathKind, NameSource, OomEvent, OtherDeath, PodRef, Timestamp};
use std::collections::BTreeMap;

/// Pod-status reports from pod listings: `OOMKilled` terminations, and exit code 137
/// terminations that were not called OOMKilled.
pub fn pod_status_reports(names: &NameIndex) -> Vec<OtherDeath> {
    let mut out = Vec::new();
    for p in names.pods.values() {
        if p.status_reason.as_deref() == Some("Evicted") {
            out.push(OtherDeath {
                kind: DeathKind::Eviction,
                reporter: "pod status".into(),
                node: p.node.clone(),
                message: p.status_message.clone().unwrap_or_else(|| "Evicted".into()),
                pod: Some(status_pod(p)),
                ..OtherDeath::default()
            });
        }
        for (cname, c) in &p.containers {
            if c.waiting_reason.as_deref() == Some("CrashLoopBackOff") {
                out.push(OtherDeath {
                    kind: DeathKind::K8sCrashloop,
                    reporter: "pod status".into(),
                    node: p.node.clone(),
                    message: format!(
                        "container {cname} of pod {}/{} is in CrashLoopBackOff after {} restart(s)",
                        p.namespace.as_deref().unwrap_or("?"),
                        p.name.as_deref().unwrap_or("?"),
                        c.restart_count.map_or("?".to_string(), |n| n.to_string())
                    ),
                    pod: Some(status_pod(p)),
                    container: Some(ContainerRef {
                        id: c.id.clone(),
                        name: Some(cname.clone()),
                        name_source: Some(NameSource::PodObject),
                    }),
                    ..OtherDeath::default()
                });
            }
            // The container as it is now (`state`: a Job's, one not yet restarted)
            // and its previous instance (`lastState`): two kills when both say so.
            let last = Terminated {
                reason: c.last_terminated_reason.clone(),
                exit_code: c.last_exit_code,
                finished_at: c.last_finished_at.clone(),
                container_id: c.last_container_id.clone(),
            };
            // (The same instance in both is reported once.)
            let now = c
                .terminated
                .as_ref()
                .filter(|t| t.container_id.is_none() || t.container_id != last.container_id);
            for (t, said) in now
                .map(|t| (t, "terminated"))
                .into_iter()
                .chain([(&last, "last terminated")])
            {
                if let Some(d) = termination_report(p, cname, c.restart_count, t, said) {
                    out.push(d);
                }
            }
        }
    }
    out
}

/// The report of one termination of container `cname` of pod `p`: `OOMKilled`, or
/// exit code 137 not called so; `said` is how the status says it (`terminated`, `last
/// terminated`).
fn termination_report(
    p: &PodInfo,
    cname: &str,
    restart_count: Option<u64>,
    t: &Terminated,
    said: &str,
) -> Option<OtherDeath> {
    let reason = t.reason.as_deref();
    let kind = match (reason, t.exit_code) {
        (Some("OOMKilled"), _) => DeathKind::K8sOomkilled,
        (_, Some(137)) => DeathKind::K8sExit137,
        _ => return None,
    };
    let mut evidence = BTreeMap::new();
    if let Some(r) = reason {
        evidence.insert("reason".to_string(), r.to_string());
    }
    if let Some(x) = t.exit_code {
        evidence.insert("exit_code".to_string(), x.to_string());
    }
    if let Some(n) = restart_count {
        evidence.insert("restart_count".to_string(), n.to_string());
    }
    Some(OtherDeath {
        kind,
        reporter: "pod status".into(),
        time: t.finished_at.as_deref().and_then(Timestamp::from_api),
        time_raw: t.finished_at.clone(),
        node: p.node.clone(),
        message: format!(
            "container {cname} of pod {}/{} {said}: {} (exit code {})",
            p.namespace.as_deref().unwrap_or("?"),
            p.name.as_deref().unwrap_or("?"),
            reason.unwrap_or("?"),
            t.exit_code.map_or("?".to_string(), |x| x.to_string())
        ),
        pod: Some(status_pod(p)),
        container: Some(ContainerRef {
            id: t.container_id.clone(),
            name: Some(cname.to_string()),
            name_source: Some(NameSource::PodObject),
        }),
        evidence,
        ..OtherDeath::default()
    })
}

/// The pod of a pod-status report: named as the index names it (a status is read
/// from the pod object, but another source may name the pod more exactly).
fn status_pod(p: &PodInfo) -> PodRef {
    PodRef {
        // `kubectl describe` gives no UID: its entry is keyed `describe:ns/name`.
        uid: Some(p.uid.clone()).filter(|u| !u.starts_with("describe:")),
        namespace: p.namespace.clone(),
        name: p.name.clone(),
        name_source: p.name.as_ref().and(p.name_source),
        api_uid: p.api_uid.clone(),
    }
}

/// The pod a report is about, whoever named it.
fn same_pod(a: Option<&PodRef>, b: Option<&PodRef>) -> bool {
    let key = |p: Option<&PodRef>| p.map(|p| (p.uid.clone(), p.namespace.clone(), p.name.clone()));
    key(a) == key(b)
}

fn is_report(d: &OtherDeath) -> bool {
    d.kind.is_kubernetes_report()
}

/// Does kernel event `e` stand behind report `d`?
fn matches(d: &OtherDeath, e: &OomEvent) -> bool {
    if d.node.is_some() && e.node.is_some() && d.node.as_deref() != e.node.as_deref() {
        return false;
    }
    if let (Some(id), Some(c)) = (
        d.container.as_ref().and_then(|c| c.id.as_deref()),
        &e.container,
    ) {
        return c.id.starts_with(id) || id.starts_with(&c.id);
    }
    if let Some(pid) = d.pid {
        return e.victim.pid == Some(pid)
            && d.comm
                .as_ref()
                .is_none_or(|c| e.victim.comm.as_ref() == Some(c));
    }
    if let Some(cg) = &d.cgroup {
        return e.cgroup.oom.as_ref() == Some(cg) || e.cgroup.task.as_ref() == Some(cg);
    }
    if let (Some(pr), Some(p)) = (&d.pod, &e.pod) {
        let same_pod = match &pr.uid {
            Some(uid) => *uid == p.uid,
            None => pr.name.is_some() && pr.name == p.name && pr.namespace == p.namespace,
        };
        let cname = d.container.as_ref().and_then(|c| c.name.as_ref());
        let ename = e.container.as_ref().and_then(|c| c.name.as_ref());
        return same_pod && (cname.is_none() || cname == ename);
    }
    false
}

/// Fills pod UIDs of reports that name a pod by namespace/name, and drops a pod-status
/// eviction that a kubelet line already reported.
pub fn complete(deaths: &mut Vec<OtherDeath>, names: &NameIndex) {
    for d in deaths.iter_mut() {
        if let Some(p) = &mut d.pod
            && p.uid.is_none()
            && p.name.is_some()
            && let Some(info) = names
                .pods
                .values()
                .find(|i| i.name == p.name && i.namespace == p.namespace)
        {
            p.uid = Some(info.uid.clone());
        }
    }
    // The same pod status read from pod JSON and from `kubectl describe` is one report.
    let mut seen = std::collections::BTreeSet::new();
    deaths.retain(|d| {
        if d.reporter != "pod status" {
            return true;
        }
        let p = d.pod.clone().unwrap_or_default();
        let c = d.container.as_ref().and_then(|c| c.name.clone());
        seen.insert((d.kind, p.namespace, p.name, c))
    });
    let kubelet_evicted: Vec<Option<PodRef>> = deaths
        .iter()
        .filter(|d| d.kind == DeathKind::Eviction && d.reporter != "pod status")
        .map(|d| d.pod.clone())
        .collect();
    deaths.retain(|d| {
        !(d.kind == DeathKind::Eviction
            && d.reporter == "pod status"
            && kubelet_evicted
                .iter()
                .any(|k| same_pod(k.as_ref(), d.pod.as_ref())))
    });
}

/// Matches reports to kernel kills and adds the reports' diagnoses (the kills' own
/// come after, from [`reported_oomkilled`] among others).
pub fn reconcile(events: &[OomEvent], deaths: &mut [OtherDeath]) {
    for d in deaths.iter_mut().filter(|d| is_report(d)) {
        // The most recent matching kill: a pod status names the last termination.
        d.matched_event = events.iter().rposition(|e| matches(d, e));
        let found = diagnose::report_diagnoses(d);
        d.diagnoses.extend(found);
    }
}

/// Was kill `event` (an index in `events`) reported OOMKilled by a pod status?
pub fn reported_oomkilled(deaths: &[OtherDeath], event: usize) -> bool {
    deaths
        .iter()
        .any(|d| d.matched_event == Some(event) && d.kind == DeathKind::K8sOomkilled)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn terminations_from_state_and_last_state_of_all_containers() {
        let pod = br#"{"metadata":{"name":"api-1","namespace":"shop","uid":"2e4f6a8c-0b2d-4e6f-9a1c-5e7f9b1d3a5c"},
          "spec":{"nodeName":"n1","initContainers":[{"name":"migrate"}],"containers":[{"name":"api"}],
                  "ephemeralContainers":[{"name":"debug"}]},
          "status":{
            "initContainerStatuses":[{"name":"migrate","restartCount":1,
               "lastState":{"terminated":{"exitCode":137,"reason":"OOMKilled","finishedAt":"2024-03-06T03:15:12Z","containerID":"containerd://aa11"}}}],
            "containerStatuses":[{"name":"api","restartCount":2,"containerID":"containerd://bb22",
               "state":{"terminated":{"exitCode":137,"reason":"OOMKilled","finishedAt":"2024-03-06T03:20:00Z","containerID":"containerd://bb22"}},
               "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2024-03-06T03:18:00Z","containerID":"containerd://bb11"}}}],
            "ephemeralContainerStatuses":[{"name":"debug","restartCount":0,"containerID":"containerd://cc33",
               "state":{"terminated":{"exitCode":137,"reason":"Error","finishedAt":"2024-03-06T03:30:00Z"}}}]}}"#;
        let mut names = NameIndex::default();
        names.pod_json(pod).unwrap();
        let mut got: Vec<(DeathKind, String, Option<String>)> = pod_status_reports(&names)
            .into_iter()
            .map(|d| (d.kind, d.message, d.container.and_then(|c| c.id)))
            .collect();
        got.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(
            got,
            vec![
                (
                    DeathKind::K8sOomkilled,
                    "container api of pod shop/api-1 terminated: OOMKilled (exit code 137)".into(),
                    Some("bb22".into())
                ),
                (
                    DeathKind::K8sExit137,
                    "container debug of pod shop/api-1 terminated: Error (exit code 137)".into(),
                    Some("cc33".into())
                ),
                (
                    DeathKind::K8sOomkilled,
                    "container migrate of pod shop/api-1 last terminated: OOMKilled (exit code 137)"
                        .into(),
                    Some("aa11".into())
                ),
            ]
        );
    }
}
