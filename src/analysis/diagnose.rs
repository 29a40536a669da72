//! Diagnoses: why a kill happened, each a small function with a stable code, the
//! numbers that support it and a suggested action. Per-event rules read one event
//! and its context (node memory, pod declarations); per-incident rules read the
//! series of kills of one workload. `docs/diagnoses.md` lists the codes.

use crate::k8s::names::PodInfo;
use crate::model::{Diagnosis, OomEvent};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What a rule may know beyond the event.
pub struct Context<'a> {
    /// The node's memory in kB (`/proc/meminfo`, or `pages RAM` of a Mem-Info).
    pub node_mem_kb: Option<u64>,
    /// What Kubernetes declared for the victim's pod.
    pub pod: Option<&'a PodInfo>,
    /// Sum of the memory limits of the pods known on the node, in bytes.
    pub node_pod_limits: Option<u64>,
}

pub(crate) fn diag(
    code: &'static str,
    severity: &'static str,
    summary: String,
    evidence: Vec<(&'static str, Value)>,
    action: &str,
) -> Diagnosis {
    Diagnosis {
        code: code.into(),
        severity: severity.into(),
        summary,
        evidence: evidence
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect::<BTreeMap<_, _>>(),
        action: action.to_string(),
    }
}

fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// One rule over one event.
type Rule = fn(&OomEvent, &Context) -> Option<Diagnosis>;

/// Every per-event rule, in output order.
const RULES: &[Rule] = &[
    kmem_dominant,
    page_cache_dominant,
    shmem_dominant,
    memsw_limit_hit,
    pod_limit_fired,
    child_process_killed,
    host_oom_victim_qos,
    oom_score_adj_inconsistent,
    burstable_request_inferred,
    host_oom_overcommitted,
    manual_oom,
    kills_suppressed,
];

/// The per-event diagnoses.
pub fn event_diagnoses(e: &OomEvent, ctx: &Context) -> Vec<Diagnosis> {
    RULES.iter().filter_map(|r| r(e, ctx)).collect()
}

/// The OOM memcg's own stats (the first stats path, or the one named `cgroup.oom`).
fn own_stats(e: &OomEvent) -> Option<&BTreeMap<String, u64>> {
    e.cgroup
        .oom
        .as_ref()
        .and_then(|p| e.memcg_stats.get(p))
        .or_else(|| e.memcg_stats.values().next())
}

fn is_cgroup(e: &OomEvent) -> bool {
    e.kind.as_deref() == Some("cgroup")
}

/// cgroup v1 kernel memory is charged to `memory.usage_in_bytes` but missing from the
/// rss+cache that dashboards sum; on v2 it is the `kernel` stat.
fn kmem_dominant(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    let usage = e.memory.usage_kb.filter(|u| *u > 0)?;
    let (kmem, source) = match e.memory.kmem_usage_kb {
        Some(k) if k > 0 => (k, "kmem: usage (cgroup v1)"),
        _ => (
            own_stats(e)?.get("kernel").map(|b| b / 1024)?,
            "memory.stat kernel (cgroup v2)",
        ),
    };
    let share = pct(kmem, usage);
    (is_cgroup(e) && share >= 30.0).then(|| {
        diag(
            "kmem_dominant",
            "warning",
            format!("kernel memory was {share}% of the cgroup's usage at the kill ({source}): monitoring that sums rss+cache misses it, so usage looks far below the limit"),
            vec![("kmem_usage_kb", json!(kmem)), ("usage_kb", json!(usage)), ("kmem_share_pct", json!(share))],
            "Find what allocates kernel memory (sockets, dentries/inodes from many files, pipes, page tables); raise the limit to cover it, and monitor memory.usage_in_bytes rather than rss+cache.",
        )
    })
}

fn stat_kb(stats: &BTreeMap<String, u64>, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|k| stats.get(*k)).map(|b| b / 1024)
}

fn page_cache_dominant(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    let stats = own_stats(e)?;
    let usage = e.memory.usage_kb.filter(|u| *u > 0)?;
    let file = stat_kb(stats, &["file", "cache"])?;
    let shmem = stat_kb(stats, &["shmem"]).unwrap_or(0);
    let cache = file.saturating_sub(shmem);
    let share = pct(cache, usage);
    (is_cgroup(e) && share >= 50.0).then(|| {
        diag(
            "page_cache_dominant",
            "warning",
            format!("page cache was {share}% of the cgroup's usage at the kill: the kernel could not reclaim it fast enough (dirty or mapped pages, or writeback slower than the writer)"),
            vec![("page_cache_kb", json!(cache)), ("usage_kb", json!(usage)), ("page_cache_share_pct", json!(share))],
            "Look for heavy file writes or mmapped files in the container; write with O_DIRECT or fsync in smaller batches, or raise the limit to cover the cache the workload needs.",
        )
    })
}

fn shmem_dominant(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    let stats = own_stats(e)?;
    let usage = e.memory.usage_kb.filter(|u| *u > 0)?;
    let shmem = stat_kb(stats, &["shmem"])?;
    let share = pct(shmem, usage);
    (is_cgroup(e) && share >= 30.0).then(|| {
        diag(
            "shmem_dominant",
            "warning",
            format!("shared memory / tmpfs was {share}% of the cgroup's usage at the kill: files in a memory-backed volume count against the limit and cannot be reclaimed"),
            vec![("shmem_kb", json!(shmem)), ("usage_kb", json!(usage)), ("shmem_share_pct", json!(share))],
            "Check emptyDir volumes with medium: Memory, /dev/shm and POSIX shared memory; clean them up or size the limit for them.",
        )
    })
}

fn memsw_limit_hit(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    let (u, l) = (e.memory.memsw_usage_kb?, e.memory.memsw_limit_kb?);
    let (mu, ml) = (e.memory.usage_kb?, e.memory.limit_kb?);
    (u >= l && mu < ml && l < (1 << 50)).then(|| {
        diag(
            "memsw_limit_hit",
            "warning",
            format!("the memory+swap limit was hit ({u} of {l} kB) while memory itself was below its limit ({mu} of {ml} kB): the cgroup ran out of swap allowance"),
            vec![("memsw_usage_kb", json!(u)), ("memsw_limit_kb", json!(l)), ("usage_kb", json!(mu)), ("limit_kb", json!(ml))],
            "The workload needs more than memory+swap allows: raise the limits, or disable swap accounting expectations (Kubernetes sets memsw = memory limit on cgroup v1).",
        )
    })
}

/// The pod-level cgroup's limit fired, not the container's.
fn pod_limit_fired(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    let oom = e.cgroup.oom.as_deref()?;
    let id = crate::k8s::cgroup_path::identify(oom);
    let pod = id.pod?;
    (id.container.is_none() && is_cgroup(e)).then(|| {
        diag(
            "pod_limit_fired",
            "info",
            format!("the pod-level cgroup's limit was hit (oom_memcg is the pod {}), not a single container's: the sum of the pod's containers (and its overhead) filled it", pod.uid),
            vec![("oom_memcg", json!(oom)), ("task_memcg", json!(e.cgroup.task)), ("limit_kb", json!(e.memory.limit_kb))],
            "Compare each container's usage with its own limit; a container without a limit, or sidecars, may be filling the pod's total.",
        )
    })
}

/// The victim is not the container's main process (the lowest pid of its task table).
fn child_process_killed(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    let victim = e.victim.pid?;
    e.container.as_ref()?;
    // The task table lists the OOM memcg's tasks: only a container's own memcg tells
    // its main process.
    let own = e.cgroup.oom.is_some() && e.cgroup.oom == e.cgroup.task;
    if !is_cgroup(e) || !own {
        return None;
    }
    let main = e
        .tasks
        .iter()
        .filter(|t| t.name != "pause")
        .map(|t| t.pid)
        .min()?;
    (main != victim && e.tasks.iter().any(|t| t.pid == victim)).then(|| {
        let main_name = e.tasks.iter().find(|t| t.pid == main).map(|t| t.name.clone());
        diag(
            "child_process_killed",
            "warning",
            format!("the kernel killed pid {victim} ({}), not the container's main process {main} ({}): the container may keep running and Kubernetes may not report OOMKilled", e.victim.comm.as_deref().unwrap_or("?"), main_name.as_deref().unwrap_or("?")),
            vec![("victim_pid", json!(victim)), ("main_pid", json!(main)), ("main_comm", json!(main_name))],
            "Check the application's worker processes: the restart count may not move while workers die; on cgroup v2 consider memory.oom.group so the container dies as a whole.",
        )
    })
}

fn qos(e: &OomEvent, ctx: &Context) -> Option<String> {
    e.pod
        .as_ref()
        .and_then(|p| p.qos.clone())
        .or_else(|| ctx.pod.and_then(|p| p.qos.clone()))
}

fn host_oom_victim_qos(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    if e.kind.as_deref() != Some("host") {
        return None;
    }
    let q = qos(e, ctx)?;
    let evidence = vec![
        ("qos", json!(q)),
        ("victim_oom_score_adj", json!(e.victim.oom_score_adj)),
    ];
    Some(if q == "guaranteed" {
        diag(
            "guaranteed_victim",
            "critical",
            "a Guaranteed pod was killed by a host OOM: the node ran out of memory outside pod limits (system daemons, kernel, or pods without limits)".into(),
            evidence,
            "Reserve memory for the system (kubelet --system-reserved/--kube-reserved, eviction thresholds) and find what grew outside pod limits.",
        )
    } else {
        diag(
            "qos_victim_expected",
            "info",
            format!(
                "a {q} pod was chosen by a host OOM, as its oom_score_adj makes it a preferred victim"
            ),
            evidence,
            "The node was short of memory: check kubelet eviction thresholds and the requests of the pods on the node.",
        )
    })
}

fn oom_score_adj_inconsistent(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    let adj = e.victim.oom_score_adj?;
    let q = qos(e, ctx)?;
    let ok = match q.as_str() {
        "guaranteed" => adj == -997,
        "besteffort" => adj == 1000,
        "burstable" => (2..=999).contains(&adj),
        _ => true,
    };
    (!ok).then(|| {
        diag(
            "oom_score_adj_inconsistent",
            "warning",
            format!("the victim's oom_score_adj {adj} does not match what kubelet sets for a {q} pod"),
            vec![("oom_score_adj", json!(adj)), ("qos", json!(q))],
            "The process changed its own oom_score_adj, or it was a child with a different setting, or the cgroup path's QoS is not the pod's: check the container's entrypoint.",
        )
    })
}

/// kubelet: adj = min(max(2, 1000 − 1000·request/capacity), 999) → request.
fn burstable_request_inferred(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    let adj = e.victim.oom_score_adj?;
    let cap = ctx.node_mem_kb?;
    (qos(e, ctx)?.as_str() == "burstable" && (3..=998).contains(&adj)).then(|| {
        // adj = 1000 − 1000·req/cap (truncated) → req ∈ ((999−adj)·cap/1000, (1000−adj)·cap/1000]
        let hi = (1000 - adj) as u64 * cap / 1000;
        let lo = (999 - adj) as u64 * cap / 1000;
        let declared = ctx
            .pod
            .map(|p| p.containers.values().filter_map(|c| c.request_bytes).sum::<u64>() / 1024)
            .filter(|r| *r > 0);
        diag(
            "burstable_request_inferred",
            "info",
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

fn host_oom_overcommitted(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    if e.kind.as_deref() != Some("host") {
        return None;
    }
    let mem = ctx.node_mem_kb?;
    let limits = ctx.node_pod_limits? / 1024;
    (limits > mem).then(|| {
        diag(
            "host_oom_overcommitted",
            "warning",
            format!("the memory limits of the pods known on the node add up to {} MiB, more than the node's {} MiB: limits alone cannot prevent a host OOM", limits / 1024, mem / 1024),
            vec![("pod_limits_kb", json!(limits)), ("node_mem_kb", json!(mem))],
            "Set requests close to real usage so the scheduler does not overcommit, and keep eviction thresholds above zero.",
        )
    })
}

fn manual_oom(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    e.trigger.manual.then(|| {
        diag(
            "manual_oom",
            "info",
            "order=-1: this OOM kill was requested by hand (sysrq-f or echo f > /proc/sysrq-trigger), not caused by an allocation".into(),
            vec![("trigger_comm", json!(e.trigger.comm))],
            "Find who triggered sysrq on the node; no memory shortage is implied.",
        )
    })
}

fn kills_suppressed(e: &OomEvent, _: &Context) -> Option<Diagnosis> {
    let w = e
        .warnings
        .iter()
        .find(|w| w.contains("suppressed by printk rate limiting"))?;
    let n: u64 = w.split_whitespace().next()?.parse().ok()?;
    Some(diag(
        "kills_suppressed",
        "warning",
        format!(
            "{n} OOM-killer messages before this kill were dropped by printk rate limiting: the log undercounts the kills"
        ),
        vec![("suppressed", json!(n))],
        "Count kills from the cgroups' memory.events oom_kill counters or the node's /proc/vmstat oom_kill instead of the log.",
    ))
}

/// A repeated kill of one workload, and what its trend says.
pub fn repeated_kills(events: &[&OomEvent], restarts: Option<u64>) -> Option<Diagnosis> {
    if events.len() < 2 {
        return None;
    }
    let rss: Vec<u64> = events.iter().filter_map(|e| e.victim.anon_rss_kb).collect();
    let usage: Vec<u64> = events.iter().filter_map(|e| e.memory.usage_kb).collect();
    let limits: Vec<u64> = events.iter().filter_map(|e| e.memory.limit_kb).collect();
    let growing = rss.len() >= 2
        && rss.windows(2).all(|w| w[1] >= w[0])
        && *rss.last()? as f64 > rss[0] as f64 * 1.1;
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
    Some(diag(
        "repeated_kills",
        "critical",
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
mod tests {
    use super::*;
    use crate::model::{Container, Pod, TaskRow};

    fn ctx() -> Context<'static> {
        Context {
            node_mem_kb: Some(16_000_000),
            pod: None,
            node_pod_limits: None,
        }
    }

    fn cgroup_event() -> OomEvent {
        let mut e = OomEvent {
            kind: Some("cgroup".into()),
            ..OomEvent::default()
        };
        e.memory.usage_kb = Some(1_048_576);
        e.memory.limit_kb = Some(1_048_576);
        e
    }

    fn codes(e: &OomEvent, c: &Context) -> Vec<String> {
        event_diagnoses(e, c)
            .into_iter()
            .map(|d| d.code.into_owned())
            .collect()
    }

    #[test]
    fn kmem_v1_and_v2() {
        let mut e = cgroup_event();
        e.memory.kmem_usage_kb = Some(600_000);
        let d = kmem_dominant(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["kmem_share_pct"], json!(57.2));
        e.memory.kmem_usage_kb = Some(10);
        assert!(kmem_dominant(&e, &ctx()).is_none());
        e.memcg_stats.insert(
            "/a".into(),
            [("kernel".to_string(), 500_000u64 * 1024)]
                .into_iter()
                .collect(),
        );
        assert!(
            kmem_dominant(&e, &ctx()).is_none(),
            "v1 kmem line present and small: it wins"
        );
        e.memory.kmem_usage_kb = None;
        assert!(kmem_dominant(&e, &ctx()).is_some());
    }

    #[test]
    fn cache_and_shmem() {
        let mut e = cgroup_event();
        e.memcg_stats.insert(
            "/a".into(),
            [
                ("file".to_string(), 900_000u64 * 1024),
                ("shmem".to_string(), 400_000 * 1024),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(codes(&e, &ctx()), vec!["shmem_dominant"]);
        e.memcg_stats
            .get_mut("/a")
            .unwrap()
            .insert("shmem".into(), 0);
        assert_eq!(codes(&e, &ctx()), vec!["page_cache_dominant"]);
    }

    #[test]
    fn memsw_and_pod_limit() {
        let mut e = cgroup_event();
        e.memory.usage_kb = Some(524_092);
        e.memory.limit_kb = Some(524_288);
        e.memory.memsw_usage_kb = Some(1_048_576);
        e.memory.memsw_limit_kb = Some(1_048_576);
        e.cgroup.oom = Some("/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e".into());
        assert_eq!(
            codes(&e, &ctx()),
            vec!["memsw_limit_hit", "pod_limit_fired"]
        );
    }

    #[test]
    fn child_killed() {
        let mut e = cgroup_event();
        e.cgroup.oom = Some("/c".into());
        e.cgroup.task = Some("/c".into());
        e.container = Some(Container {
            id: "a".repeat(64),
            runtime: None,
            name: None,
        });
        e.victim.pid = Some(20);
        for (pid, name) in [(5, "pause"), (10, "gunicorn"), (20, "gunicorn")] {
            e.tasks.push(TaskRow {
                pid,
                columns: vec![],
                name: name.into(),
            });
        }
        let d = child_process_killed(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["main_pid"], json!(10));
        e.victim.pid = Some(10);
        assert!(child_process_killed(&e, &ctx()).is_none());
    }

    #[test]
    fn qos_rules_and_request_inference() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        e.pod = Some(Pod {
            uid: "u".into(),
            qos: Some("burstable".into()),
            namespace: None,
            name: None,
        });
        e.victim.oom_score_adj = Some(938);
        let c = codes(&e, &ctx());
        assert_eq!(c, vec!["qos_victim_expected", "burstable_request_inferred"]);
        let d = burstable_request_inferred(&e, &ctx()).unwrap();
        // 1000 - 938 = 62 → 62‰ of 16 GB ≈ 992,000 kB
        assert_eq!(d.evidence["request_kb_max"], json!(992_000));
        e.pod.as_mut().unwrap().qos = Some("guaranteed".into());
        assert_eq!(
            codes(&e, &ctx()),
            vec!["guaranteed_victim", "oom_score_adj_inconsistent"]
        );
    }

    #[test]
    fn repeated_trends() {
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
        assert!(repeated_kills(&[&a], None).is_none());
    }
}
