//! What the HTML report shows, derived from the analysis and kept apart from markup
//! and drawing: event times as instants, events grouped into workloads, and what
//! filled a cgroup (or a host's memory) at a kill.
//!
//! Sizes are bytes here; the page and the plots choose the unit.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::clock::{Civil, parse_iso};
use crate::model::Analysis;
use crate::model::Incident;
use crate::model::{Container, NameSource, OomEvent, OomKind, Pod, Scope};
use std::collections::BTreeMap;

/// The page size assumed where the kernel prints pages (Mem-Info, task tables).
pub const PAGE_BYTES: u64 = 4096;

/// A v1 limit of 2^50 kB or more is the kernel's "unlimited".
const UNLIMITED_KB: u64 = 1 << 50;

/// The kind of a kill, as the page tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Host,
    Cgroup,
    Other,
    /// Not a kernel OOM kill: an eviction, an oomd kill, a panic, a Kubernetes report.
    Death,
}

impl Kind {
    pub fn of(e: &OomEvent) -> Kind {
        match e.kind {
            Some(OomKind::Host) => Kind::Host,
            Some(OomKind::Cgroup) => Kind::Cgroup,
            _ => Kind::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Host => "host",
            Kind::Cgroup => "cgroup",
            Kind::Other => "other",
            Kind::Death => "death",
        }
    }
}

/// An event time as a point on a time axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Instant {
    /// Seconds since the epoch: UTC when the time carried an offset, else the local
    /// wall-clock time read as if it were UTC.
    pub secs: f64,
    /// The time carried an offset.
    pub zoned: bool,
}

/// The instant of a time as printed in the JSON (`time`), if it has a date.
pub fn instant(time: Option<&str>) -> Option<Instant> {
    let (civil, offset, _) = parse_iso(time?.as_bytes())?;
    let micros = civil.as_utc_micros() - i64::from(offset.unwrap_or(0)) * 1_000_000;
    Some(Instant {
        secs: micros as f64 / 1e6,
        zoned: offset.is_some(),
    })
}

/// The UTC wall time of `secs` (whole seconds), for axis labels.
// reason: f64 → i64 `as` saturates (NaN is 0): any `secs` gives some date, never a panic.
#[allow(clippy::cast_possible_truncation)]
pub fn civil_utc(secs: f64) -> Civil {
    Civil::from_utc_micros((secs.floor() as i64).saturating_mul(1_000_000), false)
}

/// `536870912` → `512.0 MiB`; below 1 KiB in bytes.
pub fn human_bytes(b: u64) -> String {
    if b < 1024 {
        format!("{b} B")
    } else {
        super::text::human_kb(b / 1024)
    }
}

/// A kB counter as bytes, saturating: a log can print any number.
pub fn kb_bytes(kb: u64) -> u64 {
    kb.saturating_mul(1024)
}

/// The pod a report is about, when a source names it and its message does not
/// already (a systemd unit line gives the slice, a containerd `TaskOOM` the container
/// id): `pod ns/name (container c) named by a kubelet log line`.
pub fn death_pod(d: &crate::model::OtherDeath) -> Option<String> {
    let p = d.pod.as_ref()?;
    let name = p.name.as_deref()?;
    if d.message.contains(name) {
        return None;
    }
    let mut out = match &p.namespace {
        Some(ns) => format!("pod {ns}/{name}"),
        None => format!("pod {name}"),
    };
    if let Some(c) = d.container.as_ref().and_then(|c| c.name.as_deref()) {
        out.push_str(&format!(" (container {c})"));
    }
    if let Some(src) = p.name_source {
        out.push_str(&format!(", named by {}", src.describe()));
    }
    Some(out)
}

/// Page counts as bytes (pages of [`PAGE_BYTES`]), saturating.
/// Where a record was read, as the views cite it: `file:line`, or the file alone for
/// line 0 — a Kubernetes object file (an Event list, a pod's YAML), whose records
/// have no line.
pub fn source_ref(s: &crate::model::SourceRef) -> String {
    if s.line == 0 {
        s.file.to_string()
    } else {
        format!("{}:{}", s.file, s.line)
    }
}

pub fn page_bytes(pages: u64) -> u64 {
    pages.saturating_mul(PAGE_BYTES)
}

/// The sum of sizes, saturating (counters come from the logs: any number).
pub fn sum_bytes(sizes: impl IntoIterator<Item = u64>) -> u64 {
    sizes.into_iter().fold(0, u64::saturating_add)
}

/// A kB counter as bytes; the kernel's "unlimited" is `None`.
pub fn limit_bytes(kb: Option<u64>) -> Option<u64> {
    kb.filter(|&k| k < UNLIMITED_KB).map(|k| k * 1024)
}

// ------------------------------------------------------------------ workloads

/// One incident of the analysis (the kills of one container, pod, cgroup, or the host
/// OOMs of one node) as the page shows it.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Index into `Analysis::incidents`.
    pub incident: usize,
    /// Anchor in the page: the incident's id (`i1`, …).
    pub anchor: String,
    /// The incident's scope (`container`, `pod`, `cgroup`, `host`, `node_allocatable`,
    /// `cpuset`, `memory_policy`, `manual`).
    pub scope: &'static str,
    /// A one-line label: `container app in pod shop/web-1`, `cgroup /x.slice`, …
    pub label: String,
    pub node: Option<String>,
    pub qos: Option<String>,
    /// Indexes into `Analysis::events`, in output order.
    pub events: Vec<usize>,
    pub host: usize,
    pub cgroup: usize,
}

/// A pod's or container's name with where it came from: `web-1 (from crictl
/// inspect)`; the name alone when the source is not known (a document written before
/// `name_source` existed).
pub fn named(name: &str, source: Option<NameSource>) -> String {
    match source {
        Some(s) => format!("{name} (from {})", s.describe()),
        None => name.to_string(),
    }
}

pub fn pod_label(p: &Pod) -> String {
    match (&p.namespace, &p.name) {
        (Some(ns), Some(n)) => format!("{ns}/{n}"),
        (None, Some(n)) => n.clone(),
        _ => p.uid.clone(),
    }
}

fn container_label(c: &Container) -> String {
    match &c.name {
        Some(n) => n.clone(),
        None => c.id.chars().take(12).collect(),
    }
}

fn incident_label(i: &Incident) -> String {
    let node = i.node.as_deref().unwrap_or("(unknown node)");
    match (i.scope, &i.pod, &i.container, &i.cgroup) {
        (Scope::Host, ..) => format!("host OOMs on {node}"),
        (Scope::NodeAllocatable, ..) => format!("node-allocatable limit of {node}"),
        (Scope::Cpuset, ..) => format!("cpuset OOMs on {node}"),
        (Scope::MemoryPolicy, ..) => format!("memory-policy OOMs on {node}"),
        (Scope::Manual, ..) => format!("manual (sysrq) OOM kills on {node}"),
        (_, Some(p), Some(c), _) => {
            format!("container {} in pod {}", container_label(c), pod_label(p))
        }
        (_, Some(p), None, _) => format!("pod {}", pod_label(p)),
        (_, None, _, Some(cg)) => format!("cgroup {cg}"),
        _ => format!("unknown cgroup on {node}"),
    }
}

/// The incidents as workloads, most kills first (ties: in the analysis' order).
pub fn workloads(a: &Analysis) -> Vec<Workload> {
    let mut out: Vec<Workload> = a
        .incidents
        .iter()
        .enumerate()
        .map(|(n, inc)| {
            let events: Vec<usize> = inc
                .events
                .iter()
                .copied()
                .filter(|&i| i < a.events.len())
                .collect();
            let count = |k: Kind| {
                events
                    .iter()
                    .filter(|&&i| a.events.get(i).is_some_and(|e| Kind::of(e) == k))
                    .count()
            };
            Workload {
                incident: n,
                anchor: inc.id.clone(),
                scope: inc.scope.as_str(),
                label: incident_label(inc),
                node: inc.node.clone(),
                qos: inc.pod.as_ref().and_then(|p| p.qos.clone()),
                host: count(Kind::Host),
                cgroup: count(Kind::Cgroup),
                events,
            }
        })
        .collect();
    out.sort_by_key(|w| std::cmp::Reverse(w.events.len()));
    out
}

// ------------------------------------------------------------------ across nodes

/// One workload as a fleet sees it: the incidents of the same pod owner and container
/// (or the same cgroup, or the host OOMs) on every node.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetWorkload {
    /// `container app of shop/web-*`, `cgroup /system.slice/x.service`, `host OOMs`.
    pub label: String,
    /// The nodes it was killed on.
    pub nodes: std::collections::BTreeSet<String>,
    pub kills: usize,
    /// Indexes into the workloads (incidents) it groups, most kills first.
    pub workloads: Vec<usize>,
}

/// The pod name without what a controller appends: a Deployment's
/// `-<replicaset hash>-<5 chars>`, a DaemonSet's or Job's `-<5 chars>` (both drawn from
/// Kubernetes' vowel-free alphabet), a CronJob's `-<scheduled minute>-<5 chars>`, a
/// StatefulSet's `-<ordinal>`. `None` when the
/// name carries no such suffix.
pub fn pod_owner(name: &str) -> Option<&str> {
    const ALNUM: &str = "bcdfghjklmnpqrstvwxz2456789";
    let generated = |s: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&s.len()) && s.chars().all(|c| ALNUM.contains(c))
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (rest, last) = name.rsplit_once('-')?;
    if rest.is_empty() {
        return None;
    }
    if generated(last, 5..=5) {
        return Some(match rest.rsplit_once('-') {
            // Deployment: `-<replicaset hash>-<5>`; CronJob: `-<scheduled minute>-<5>`.
            Some((owner, mid))
                if !owner.is_empty()
                    && (generated(mid, 6..=10) || digits(mid) && mid.len() >= 8) =>
            {
                owner
            }
            _ => rest,
        });
    }
    digits(last).then_some(rest)
}

/// Groups the workloads across nodes; most kills first, then most nodes, then label.
pub fn fleet_workloads(a: &Analysis, workloads: &[Workload]) -> Vec<FleetWorkload> {
    let mut groups: BTreeMap<String, FleetWorkload> = BTreeMap::new();
    for (w, wl) in workloads.iter().enumerate() {
        let Some(inc) = a.incidents.get(wl.incident) else {
            continue;
        };
        let named_pod = inc.pod.as_ref().and_then(|p| Some((p, p.name.as_deref()?)));
        let (key, label) = match (wl.scope, named_pod, &inc.cgroup) {
            ("host", ..) => ("host".to_string(), "host OOMs".to_string()),
            ("node_allocatable", ..) => (
                "node_allocatable".to_string(),
                "node-allocatable limits".to_string(),
            ),
            ("cpuset" | "memory_policy" | "manual", ..) => (
                wl.scope.to_string(),
                format!("{} OOMs", wl.scope.replace('_', " ")),
            ),
            (_, Some((p, name)), _) => {
                let ns = p.namespace.as_deref().unwrap_or("");
                let pod = match pod_owner(name) {
                    Some(owner) => format!("{owner}-*"),
                    None => name.to_string(),
                };
                let pod = if ns.is_empty() {
                    pod
                } else {
                    format!("{ns}/{pod}")
                };
                match inc.container.as_ref().and_then(|c| c.name.as_deref()) {
                    Some(c) => (
                        format!("pod\0{pod}\0{c}"),
                        format!("container {c} of {pod}"),
                    ),
                    None => (format!("pod\0{pod}"), format!("pod {pod}")),
                }
            }
            ("cgroup", None, Some(cg)) => (format!("cgroup\0{cg}"), format!("cgroup {cg}")),
            // A pod known only by its UID, an unknown cgroup: itself alone.
            _ => (format!("incident\0{}", wl.anchor), wl.label.clone()),
        };
        let g = groups.entry(key).or_insert_with(|| FleetWorkload {
            label,
            nodes: Default::default(),
            kills: 0,
            workloads: Vec::new(),
        });
        g.kills += wl.events.len();
        g.workloads.push(w);
        if let Some(n) = &wl.node {
            g.nodes.insert(n.clone());
        }
    }
    let mut out: Vec<FleetWorkload> = groups.into_values().collect();
    out.sort_by(|a, b| {
        (
            std::cmp::Reverse(a.kills),
            std::cmp::Reverse(a.nodes.len()),
            &a.label,
        )
            .cmp(&(
                std::cmp::Reverse(b.kills),
                std::cmp::Reverse(b.nodes.len()),
                &b.label,
            ))
    });
    out
}

// ------------------------------------------------------------------ memory fill

/// One part of what filled a cgroup or a host's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Anon,
    PageCache,
    Shmem,
    Kernel,
    /// Charged but not explained by the stats (usage minus the parts).
    Other,
    /// Swap: shown beyond the memory limit, it does not count against it.
    Swap,
    /// Free memory (host OOMs).
    Free,
}

impl Part {
    pub const ALL: [Part; 7] = [
        Part::Anon,
        Part::PageCache,
        Part::Shmem,
        Part::Kernel,
        Part::Other,
        Part::Swap,
        Part::Free,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Part::Anon => "anon / rss",
            Part::PageCache => "page cache",
            Part::Shmem => "shmem / tmpfs",
            Part::Kernel => "kernel (slab, stacks, page tables)",
            Part::Other => "other / unaccounted",
            Part::Swap => "swap",
            Part::Free => "free",
        }
    }

    pub fn color(self) -> (u8, u8, u8) {
        match self {
            Part::Anon => (0x4e, 0x79, 0xa7),
            Part::PageCache => (0x59, 0xa1, 0x4f),
            Part::Shmem => (0xb0, 0x7a, 0xa1),
            Part::Kernel => (0xf2, 0x8e, 0x2b),
            Part::Other => (0xba, 0xb0, 0xac),
            Part::Swap => (0xed, 0xc9, 0x48),
            Part::Free => (0xe4, 0xe4, 0xe4),
        }
    }
}

/// What filled the memory at a kill: parts in [`Part`] order (zero parts left out),
/// and the limit the kill was against (the cgroup limit, or the host's RAM).
#[derive(Debug, Clone, PartialEq)]
pub struct Fill {
    pub parts: Vec<(Part, u64)>,
    pub usage: Option<u64>,
    pub limit: Option<u64>,
}

impl Fill {
    pub fn total(&self) -> u64 {
        sum_bytes(self.parts.iter().map(|&(_, b)| b))
    }
}

fn stat(m: &BTreeMap<String, u64>, key: &str) -> Option<u64> {
    m.get(key).copied()
}

/// The memcg stats that describe the OOM cgroup: its own block (v2, or v1 with
/// hierarchical `total_*` keys), else the blocks of it and its descendants summed
/// (v1 prints each cgroup's local stats), else the first block.
fn oom_stats(e: &OomEvent) -> Option<BTreeMap<String, u64>> {
    let oom = e.cgroup.oom.as_deref();
    if let Some(m) = oom.and_then(|p| e.body.memcg_stats.get(p)) {
        if m.contains_key("anon") || m.keys().any(|k| k.starts_with("total_")) {
            return Some(total_keys(m));
        }
        let root = oom.unwrap_or("/").trim_end_matches('/');
        let mut sum = BTreeMap::new();
        for (path, m) in &e.body.memcg_stats {
            if path == root || path.starts_with(&format!("{root}/")) || root.is_empty() {
                for (k, v) in m {
                    let s = sum.entry(k.clone()).or_insert(0u64);
                    *s = s.saturating_add(*v);
                }
            }
        }
        return Some(sum);
    }
    e.body.memcg_stats.values().next().map(total_keys)
}

/// v1 `total_rss` etc. are the hierarchical values: prefer them under the plain names.
fn total_keys(m: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut out = m.clone();
    for (k, v) in m {
        if let Some(plain) = k.strip_prefix("total_") {
            out.insert(plain.to_string(), *v);
        }
    }
    out
}

/// What filled the OOM cgroup at a cgroup kill, from the memcg stats and counters.
/// `None` when neither stats nor a usage counter were printed.
pub fn cgroup_fill(e: &OomEvent) -> Option<Fill> {
    let m = &e.memory;
    let usage = m.usage_kb.map(kb_bytes);
    let limit = limit_bytes(m.limit_kb);
    let stats = oom_stats(e);
    if stats.is_none() && usage.is_none() {
        return None;
    }
    let s = stats.unwrap_or_default();
    let mut parts = BTreeMap::new();
    if s.contains_key("anon") {
        // v2: `file` includes shmem; `kernel` (5.18+) or its parts.
        let shmem = stat(&s, "shmem").unwrap_or(0);
        parts.insert(Part::Anon, stat(&s, "anon").unwrap_or(0));
        parts.insert(
            Part::PageCache,
            stat(&s, "file").unwrap_or(0).saturating_sub(shmem),
        );
        parts.insert(Part::Shmem, shmem);
        let kernel = stat(&s, "kernel").unwrap_or_else(|| {
            let slab = stat(&s, "slab").unwrap_or_else(|| {
                stat(&s, "slab_reclaimable")
                    .unwrap_or(0)
                    .saturating_add(stat(&s, "slab_unreclaimable").unwrap_or(0))
            });
            sum_bytes(
                ["kernel_stack", "pagetables", "percpu", "sock"]
                    .iter()
                    .filter_map(|k| stat(&s, k)),
            )
            .saturating_add(slab)
        });
        parts.insert(Part::Kernel, kernel);
        parts.insert(Part::Swap, kb_bytes(m.swap_usage_kb.unwrap_or(0)));
    } else {
        // v1: `cache` includes shmem; kmem from the counter; swap from the stats
        // or memory+swap minus memory.
        let shmem = stat(&s, "shmem").unwrap_or(0);
        parts.insert(Part::Anon, stat(&s, "rss").unwrap_or(0));
        parts.insert(
            Part::PageCache,
            stat(&s, "cache").unwrap_or(0).saturating_sub(shmem),
        );
        parts.insert(Part::Shmem, shmem);
        parts.insert(Part::Kernel, kb_bytes(m.kmem_usage_kb.unwrap_or(0)));
        let swap = stat(&s, "swap").or_else(|| {
            let memsw = m.memsw_usage_kb?;
            Some(kb_bytes(memsw.saturating_sub(m.usage_kb?)))
        });
        parts.insert(Part::Swap, swap.unwrap_or(0));
    }
    let charged = sum_bytes(
        parts
            .iter()
            .filter(|(p, _)| **p != Part::Swap)
            .map(|(_, b)| *b),
    );
    if let Some(u) = usage {
        // Charged but unexplained: worth showing when it is more than 1 % of usage.
        let rest = u.saturating_sub(charged);
        if rest.saturating_mul(100) > u {
            parts.insert(Part::Other, rest);
        }
    }
    Some(Fill {
        parts: parts.into_iter().filter(|&(_, b)| b > 0).collect(),
        usage,
        limit,
    })
}

/// The host's memory at a host OOM, from Mem-Info (pages of [`PAGE_BYTES`]), against
/// the RAM. `None` without Mem-Info.
pub fn host_fill(e: &OomEvent) -> Option<Fill> {
    let mi = e.body.meminfo.as_ref()?;
    let page = |k: &str| page_bytes(mi.get(k).copied().unwrap_or(0));
    let pages = |ks: &[&str]| sum_bytes(ks.iter().map(|k| page(k)));
    let shmem = page("shmem");
    // shmem pages sit on the anon LRU lists.
    let anon = pages(&["active_anon", "inactive_anon"]).saturating_sub(shmem);
    let parts = [
        (Part::Anon, anon),
        (Part::PageCache, pages(&["active_file", "inactive_file"])),
        (Part::Shmem, shmem),
        (
            Part::Kernel,
            pages(&[
                "slab_reclaimable",
                "slab_unreclaimable",
                "pagetables",
                "kernel_misc_reclaimable",
            ]),
        ),
        (Part::Free, page("free")),
    ];
    let ram = mi.get("ram_pages").map(|&p| page_bytes(p));
    let parts: Vec<(Part, u64)> = parts.into_iter().filter(|&(_, b)| b > 0).collect();
    // A Mem-Info with no counter (`pages RAM` alone) fills nothing: no bar to draw.
    if parts.is_empty() {
        return None;
    }
    Some(Fill {
        parts,
        usage: None,
        limit: ram,
    })
}

// ------------------------------------------------------------------ tasks

/// A task-table row's resident size in pages: `rss`, or the 6.x split columns summed.
pub fn task_rss_pages(row: &crate::model::TaskRow) -> i64 {
    row.get("rss").unwrap_or_else(|| {
        ["rss_anon", "rss_file", "rss_shmem"]
            .iter()
            .filter_map(|c| row.get(c))
            .fold(0, i64::saturating_add)
    })
}

/// The line said when there are no kills: that none was found in the logs read, or,
/// when no input held a log (Kubernetes objects or cgroup files alone), that kernel
/// kills cannot be told from what was read, which is not "no OOM".
pub fn no_kills_line(a: &Analysis) -> String {
    let n = a.inputs.len();
    let inputs = if n == 1 {
        "1 input".to_string()
    } else {
        format!("{n} inputs")
    };
    if a.inputs.iter().all(|i| i.sources.is_empty()) {
        format!(
            "No kernel log in {inputs} (only Kubernetes objects, facts or cgroup files): kernel OOM kills cannot be told from what was read."
        )
    } else {
        format!("No kernel OOM kills found in {inputs}.")
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;
    use crate::model::{Cgroups, Memory};

    #[test]
    fn pod_owners() {
        assert_eq!(pod_owner("web-7d4b9c8f6d-x2kq9"), Some("web"));
        assert_eq!(pod_owner("node-exporter-5xq7z"), Some("node-exporter"));
        assert_eq!(pod_owner("postgres-0"), Some("postgres"));
        assert_eq!(pod_owner("kafka-broker-12"), Some("kafka-broker"));
        // A CronJob's Job is named by its scheduled minute.
        assert_eq!(pod_owner("backup-28493840-x7k2q"), Some("backup"));
        // A Deployment's random suffix can be all digits.
        assert_eq!(pod_owner("web-7d4b9c8f6d-24567"), Some("web"));
        // No controller suffix: vowels are not in the generated alphabet.
        assert_eq!(pod_owner("web-admin"), None);
        assert_eq!(pod_owner("standalone"), None);
        assert_eq!(pod_owner("-0"), None);
        assert_eq!(pod_owner("kube-apiserver-master1"), None);
    }

    #[test]
    fn instants() {
        let z = instant(Some("2024-03-05T10:18:20.5+01:00")).unwrap();
        assert!(z.zoned);
        assert_eq!(z.secs, 1_709_630_300.5);
        let l = instant(Some("2024-03-05T09:18:20")).unwrap();
        assert!(!l.zoned);
        assert_eq!(l.secs, 1_709_630_300.0);
        assert_eq!(instant(Some("[33900.120001]")), None);
        assert_eq!(instant(None), None);
    }

    #[test]
    fn human() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(536_870_912), "512.0 MiB");
        assert_eq!(limit_bytes(Some(9_007_199_254_740_988)), None);
    }

    fn v1_event() -> OomEvent {
        let mut e = OomEvent {
            cgroup: Cgroups {
                oom: Some("/docker/a".into()),
                task: Some("/docker/a".into()),
            }
            .into(),
            memory: Memory {
                usage_kb: Some(1000),
                limit_kb: Some(1000),
                memsw_usage_kb: Some(1200),
                kmem_usage_kb: Some(100),
                ..Memory::default()
            }
            .into(),
            ..OomEvent::default()
        };
        let stats = [("rss", 600), ("cache", 250), ("shmem", 50)]
            .iter()
            .map(|(k, v)| (k.to_string(), v * 1024))
            .collect();
        e.body.memcg_stats.insert("/docker/a".into(), stats);
        e
    }

    #[test]
    fn v1_fill_splits_shmem_from_cache_and_derives_swap() {
        let f = cgroup_fill(&v1_event()).unwrap();
        assert_eq!(
            f.parts,
            vec![
                (Part::Anon, 600 * 1024),
                (Part::PageCache, 200 * 1024),
                (Part::Shmem, 50 * 1024),
                (Part::Kernel, 100 * 1024),
                (Part::Other, 50 * 1024),
                (Part::Swap, 200 * 1024),
            ]
        );
        assert_eq!(f.limit, Some(1000 * 1024));
    }

    /// Counters and stats as large as a log can print saturate instead of
    /// overflowing (a panic in debug builds, a wrapped size in release).
    #[test]
    fn huge_counters_saturate() {
        let mut e = v1_event();
        e.memory.usage_kb = Some(u64::MAX);
        e.memory.memsw_usage_kb = Some(u64::MAX);
        e.memory.kmem_usage_kb = Some(u64::MAX);
        e.body.memcg_stats.insert(
            "/docker/a/child".into(),
            [("rss".to_string(), u64::MAX)].into_iter().collect(),
        );
        let f = cgroup_fill(&e).unwrap();
        assert_eq!(f.usage, Some(u64::MAX));
        assert_eq!(f.parts[0], (Part::Anon, u64::MAX));
        assert_eq!(f.total(), u64::MAX);
        e.memory.swap_usage_kb = Some(u64::MAX);
        e.body.memcg_stats.clear();
        e.body.memcg_stats.insert(
            "/docker/a".into(),
            [
                ("anon", u64::MAX),
                ("slab_reclaimable", u64::MAX),
                ("slab_unreclaimable", 1),
                ("sock", u64::MAX),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect(),
        );
        assert_eq!(cgroup_fill(&e).unwrap().total(), u64::MAX);
        e.body.meminfo = Some(
            [
                "active_anon",
                "inactive_anon",
                "slab_reclaimable",
                "pagetables",
                "ram_pages",
            ]
            .iter()
            .map(|k| (k.to_string(), u64::MAX))
            .collect(),
        );
        let h = host_fill(&e).unwrap();
        assert_eq!(h.limit, Some(u64::MAX));
        assert_eq!(h.parts[0], (Part::Anon, u64::MAX));
        // Any instant gives some date.
        for secs in [f64::MAX, f64::MIN, f64::NAN] {
            let _ = civil_utc(secs);
        }
    }

    #[test]
    fn sources_are_cited_with_their_line_when_they_have_one() {
        let at = |line| crate::model::SourceRef {
            file: "var/log/messages".into(),
            line,
        };
        assert_eq!(source_ref(&at(144)), "var/log/messages:144");
        assert_eq!(source_ref(&at(0)), "var/log/messages");
    }

    #[test]
    fn a_mem_info_of_ram_alone_fills_no_bar() {
        let mut e = v1_event();
        // `8388478 pages RAM` was the only Mem-Info line the kernel's block kept.
        e.body.meminfo = Some([("ram_pages".to_string(), 8_388_478)].into_iter().collect());
        assert!(host_fill(&e).is_none());
        e.body.meminfo = Some(
            [("ram_pages", 8_388_478), ("free", 1000), ("active_anon", 0)]
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
        );
        let h = host_fill(&e).unwrap();
        assert_eq!(h.parts, [(Part::Free, 1000 * 4096)]);
    }

    #[test]
    fn v1_fill_sums_descendant_blocks() {
        let mut e = v1_event();
        e.body.memcg_stats.insert(
            "/docker/a/child".into(),
            [("rss".to_string(), 100 * 1024)].into_iter().collect(),
        );
        e.body.memcg_stats.insert(
            "/docker/ab".into(),
            [("rss".to_string(), 999 * 1024)].into_iter().collect(),
        );
        let f = cgroup_fill(&e).unwrap();
        assert_eq!(f.parts[0], (Part::Anon, 700 * 1024));
    }
}
