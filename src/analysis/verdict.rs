//! The verdict of each kill: which limit fired (a container's, a pod's, the node's
//! allocatable for all pods, another cgroup's, the host's RAM, a cpuset or memory
//! policy, or a request by hand) and one sentence saying why with the numbers — what
//! filled the cgroup (anon, page cache, shmem/tmpfs, kernel memory, swap) or the
//! host's free RAM and swap.
//!
//! The cgroup it names is the kernel's OOM memcg; which kind of cgroup that is comes
//! from the same tests the diagnoses use (`pod_limit_fired`, `node_allocatable_limit`).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::diagnose::{is_kubepods_root, kmem_kb, own_stats, page_cache_kb, pct, pod_level_uid};
use crate::model::{Filled, HeldBy, Holder, Limit, OomEvent, OomKind, TaskRow, Verdict};
use crate::util::human_kb;
use std::collections::BTreeMap;

/// A limit of 2^50 kB or more is the kernel's "unlimited".
const UNLIMITED_KB: u64 = 1 << 50;

/// The limit a kill hit, from its constraint and its OOM memcg.
pub fn limit_of(e: &OomEvent) -> Limit {
    if e.trigger.manual {
        return Limit::Manual;
    }
    match &e.kind {
        Some(OomKind::Host) => Limit::HostRam,
        Some(OomKind::Cpuset) => Limit::Cpuset,
        Some(OomKind::MemoryPolicy) => Limit::MemoryPolicy,
        Some(OomKind::Cgroup) => match e.cgroup.oom.as_deref() {
            Some(oom) if is_kubepods_root(oom) => Limit::NodeAllocatable,
            Some(oom) if pod_level_uid(oom).is_some() => Limit::PodLimit,
            Some(oom) => {
                let id = crate::k8s::cgroup_path::identify(oom);
                if id.pod.is_some() && id.container.is_some() {
                    Limit::ContainerLimit
                } else {
                    Limit::CgroupLimit
                }
            }
            None => Limit::CgroupLimit,
        },
        Some(OomKind::Other(_)) | None => Limit::Unknown,
    }
}

/// The stats of the OOM memcg with its subtree: on cgroup v2 (an `anon` stat) the
/// memcg's own, hierarchical block; on v1 the kernel prints each cgroup's local stats,
/// so the OOM memcg's and those of the cgroups below it are summed.
fn subtree_stats(e: &OomEvent) -> Option<BTreeMap<String, u64>> {
    let own = own_stats(e)?;
    if own.contains_key("anon") {
        return Some(own.clone());
    }
    let Some(oom) = e.cgroup.oom.as_deref() else {
        return Some(own.clone());
    };
    let base = oom.trim_end_matches('/');
    let mut sum: BTreeMap<String, u64> = BTreeMap::new();
    let under = |p: &str| {
        p == oom || base.is_empty() || p.strip_prefix(base).is_some_and(|r| r.starts_with('/'))
    };
    for (_, stats) in e.body.memcg_stats.iter().filter(|(p, _)| under(p)) {
        for (k, v) in stats {
            let s = sum.entry(k.clone()).or_default();
            *s = s.saturating_add(*v);
        }
    }
    Some(sum)
}

fn kb(stats: &BTreeMap<String, u64>, key: &str) -> Option<u64> {
    stats.get(key).map(|b| b / 1024)
}

/// What filled a cgroup at the kill.
fn cgroup_filled(e: &OomEvent) -> Filled {
    let stats = subtree_stats(e);
    let s = stats.as_ref();
    let v2 = s.is_some_and(|s| s.contains_key("anon"));
    let kernel = kmem_kb(e, s).map(|(k, _)| k).or_else(|| {
        // v2 before 5.18 has no `kernel` line: its parts.
        let parts: Vec<u64> = ["kernel_stack", "pagetables", "percpu", "sock", "slab"]
            .iter()
            .filter_map(|k| s.and_then(|s| kb(s, k)))
            .collect();
        (v2 && !parts.is_empty()).then(|| parts.iter().sum())
    });
    let swap = match (e.memory.memsw_usage_kb, e.memory.usage_kb) {
        (Some(ms), Some(u)) => Some(ms.saturating_sub(u)),
        _ => e
            .memory
            .swap_usage_kb
            .or_else(|| s.and_then(|s| kb(s, "swap"))),
    };
    Filled {
        anon_kb: s.and_then(|s| if v2 { kb(s, "anon") } else { kb(s, "rss") }),
        page_cache_kb: s.and_then(page_cache_kb),
        shmem_kb: s.and_then(|s| kb(s, "shmem")),
        kernel_kb: kernel,
        swap_kb: swap,
    }
}

/// What filled the host, from a Mem-Info (pages of 4 KiB; `_kb` keys in kB).
fn host_filled(m: &BTreeMap<String, u64>) -> Filled {
    let pages = |keys: &[&str]| -> Option<u64> {
        let v: Vec<u64> = keys.iter().filter_map(|k| m.get(*k)).copied().collect();
        (!v.is_empty()).then(|| {
            v.iter()
                .fold(0u64, |a, p| a.saturating_add(*p))
                .saturating_mul(4)
        })
    };
    let shmem = pages(&["shmem"]);
    Filled {
        anon_kb: pages(&["active_anon", "inactive_anon"]),
        page_cache_kb: pages(&["active_file", "inactive_file"])
            .map(|f| f.saturating_sub(shmem.unwrap_or(0))),
        shmem_kb: shmem,
        kernel_kb: pages(&["slab_reclaimable", "slab_unreclaimable"]),
        swap_kb: match (m.get("total_swap_kb"), m.get("free_swap_kb")) {
            (Some(t), Some(f)) => Some(t.saturating_sub(*f)),
            _ => None,
        },
    }
}

/// The parts of `f` as (name, words, kB), in a fixed order.
fn parts(f: &Filled) -> Vec<(&'static str, &'static str, u64)> {
    [
        ("anon", "anon memory", f.anon_kb),
        ("page_cache", "page cache", f.page_cache_kb),
        ("shmem", "shmem/tmpfs", f.shmem_kb),
        ("kernel", "kernel memory", f.kernel_kb),
        ("swap", "swap", f.swap_kb),
    ]
    .into_iter()
    .filter_map(|(n, w, v)| Some((n, w, v?)))
    .collect()
}

/// The largest part of the memory itself (the first of equals; swap is outside the
/// memory usage, so never the largest part), when any is non-zero.
fn mostly(f: &Filled) -> Option<(&'static str, &'static str, u64)> {
    parts(f)
        .into_iter()
        .filter(|p| p.2 > 0 && p.0 != "swap")
        .fold(None, |best: Option<(&str, &str, u64)>, p| match best {
            Some(b) if b.2 >= p.2 => Some(b),
            _ => Some(p),
        })
}

/// `filled mostly by anon memory (480.0 MiB, 94%); page cache 20.0 MiB, …`, or empty.
fn filled_text(f: &Filled, whole: Option<u64>) -> String {
    let Some((name, words, v)) = mostly(f) else {
        return String::new();
    };
    let share = whole
        .filter(|w| *w > 0)
        .map(|w| format!(", {}%", pct(v, w)))
        .unwrap_or_default();
    let rest: Vec<String> = parts(f)
        .into_iter()
        .filter(|p| p.0 != name && p.2 > 0)
        .map(|(_, w, v)| format!("{w} {}", human_kb(v)))
        .collect();
    let mut s = format!("filled mostly by {words} ({}{share})", human_kb(v));
    if !rest.is_empty() {
        s.push_str("; ");
        s.push_str(&rest.join(", "));
    }
    s
}

fn usage_text(usage: Option<u64>, limit: Option<u64>) -> String {
    match (usage, limit) {
        (Some(u), Some(l)) if l < UNLIMITED_KB => {
            format!("usage {} of a {} limit", human_kb(u), human_kb(l))
        }
        (Some(u), _) => format!("usage {}", human_kb(u)),
        (None, Some(l)) if l < UNLIMITED_KB => format!("limit {}", human_kb(l)),
        _ => String::new(),
    }
}

/// What kind of non-pod cgroup `path` is, in words.
fn cgroup_words(path: &str) -> &'static str {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    if last.ends_with(".slice") {
        "the systemd slice"
    } else if last.ends_with(".service") {
        "the systemd service"
    } else if last.ends_with(".scope") {
        "the systemd scope"
    } else {
        "the cgroup"
    }
}

/// How many processes and groups `held_by` lists.
const TOP: usize = 5;

/// A task-table row's resident memory in kB: `rss` pages, else its three parts.
fn row_rss_kb(r: &TaskRow) -> Option<u64> {
    let pages = r.get("rss").or_else(|| {
        let parts: Vec<i64> = ["rss_anon", "rss_file", "rss_shmem"]
            .iter()
            .filter_map(|c| r.get(c))
            .collect();
        (!parts.is_empty()).then(|| parts.iter().fold(0i64, |a, p| a.saturating_add(*p)))
    })?;
    u64::try_from(pages).ok().map(|p| p.saturating_mul(4))
}

/// Who held the memory: the largest tasks of the table and the largest groups by name.
pub fn held_by(e: &OomEvent, ram_kb: Option<u64>) -> Option<HeldBy> {
    let rows: Vec<(&TaskRow, u64)> = e
        .body
        .tasks
        .iter()
        .filter_map(|r| Some((r, row_rss_kb(r)?)))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let share = |kb: u64| ram_kb.filter(|r| *r > 0).map(|r| pct(kb, r));
    let mut procs = rows.clone();
    procs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.pid.cmp(&b.0.pid)));
    let top_processes = procs
        .iter()
        .take(TOP)
        .map(|(r, kb)| Holder {
            name: r.name.to_string(),
            pid: Some(r.pid),
            processes: None,
            rss_kb: *kb,
            share_of_ram_pct: share(*kb),
        })
        .collect();
    let mut groups: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for (r, kb) in &rows {
        let g = groups.entry(r.name.as_str()).or_default();
        g.0 += 1;
        g.1 = g.1.saturating_add(*kb);
    }
    let mut groups: Vec<(&str, (usize, u64))> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(b.0)));
    let top_groups = groups
        .iter()
        .take(TOP)
        .map(|(name, (n, kb))| Holder {
            name: (*name).to_string(),
            pid: None,
            processes: Some(*n),
            rss_kb: *kb,
            share_of_ram_pct: share(*kb),
        })
        .collect();
    Some(HeldBy {
        grouped_by: "comm".into(),
        tasks_kb: rows.iter().fold(0u64, |a, r| a.saturating_add(r.1)),
        tasks: rows.len(),
        top_processes,
        top_groups,
    })
}

/// `458 php-fpm processes held 40.1 GiB (62.3% of RAM)`.
fn held_text(h: &HeldBy) -> String {
    let Some(g) = h.top_groups.first() else {
        return String::new();
    };
    let n = g.processes.unwrap_or(1);
    let share = g
        .share_of_ram_pct
        .map(|p| format!(" ({p}% of RAM)"))
        .unwrap_or_default();
    format!(
        "{n} {} process{} held {}{share} of the {} the task table lists (grouped by name)",
        g.name,
        if n == 1 { "" } else { "es" },
        human_kb(g.rss_kb),
        human_kb(h.tasks_kb)
    )
}

/// Joins the non-empty clauses with `: ` then `; `.
fn sentence(head: String, clauses: &[String]) -> String {
    let body: Vec<&str> = clauses
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    if body.is_empty() {
        format!("{head}.")
    } else {
        format!("{head}: {}.", body.join("; "))
    }
}

/// The verdict of one kill; `node_mem_kb` is the node's memory when the input tells
/// it (`/proc/meminfo`), for a host OOM without a Mem-Info `pages RAM`.
pub fn verdict(e: &OomEvent, node_mem_kb: Option<u64>) -> Verdict {
    let limit = limit_of(e);
    let cgroup_limit = matches!(
        limit,
        Limit::ContainerLimit | Limit::PodLimit | Limit::NodeAllocatable | Limit::CgroupLimit
    );
    let meminfo = e.body.meminfo.as_ref();
    let get = |k: &str| meminfo.and_then(|m| m.get(k)).copied();
    let ram_kb = get("ram_pages")
        .map(|p| p.saturating_mul(4))
        .or(node_mem_kb);
    let free_kb = get("free").map(|p| p.saturating_mul(4));
    let (swap_total_kb, swap_free_kb) = (get("total_swap_kb"), get("free_swap_kb"));
    let filled = if cgroup_limit {
        cgroup_filled(e)
    } else {
        meminfo.map(host_filled).unwrap_or_default()
    };
    let (usage_kb, limit_kb) = if cgroup_limit {
        (e.memory.usage_kb, e.memory.limit_kb)
    } else {
        (None, None)
    };
    let cgroup = if cgroup_limit {
        e.cgroup.oom.clone()
    } else {
        None
    };
    let held = (!cgroup_limit && limit != Limit::Unknown)
        .then(|| held_by(e, ram_kb))
        .flatten();
    let held_clause = held.as_ref().map(held_text).unwrap_or_default();
    let usage = usage_text(usage_kb, limit_kb);
    let fill = filled_text(&filled, if cgroup_limit { usage_kb } else { ram_kb });
    let victim_share = match (e.victim.anon_rss_kb, ram_kb) {
        (Some(a), Some(r)) if r > 0 => format!(
            "the victim held {} anon-rss ({}% of RAM)",
            human_kb(a),
            pct(a, r)
        ),
        (Some(a), _) => format!("the victim held {} anon-rss", human_kb(a)),
        _ => String::new(),
    };
    // cgroup v1: the memory+swap limit was the one reached.
    let memsw = match (e.memory.memsw_usage_kb, e.memory.memsw_limit_kb) {
        (Some(u), Some(l)) if u >= l && l < UNLIMITED_KB => {
            format!("+swap ({} of {})", human_kb(u), human_kb(l))
        }
        _ => String::new(),
    };
    let summary = match limit {
        Limit::ContainerLimit => sentence(
            format!("The container's own memory{memsw} limit fired"),
            &[usage, fill],
        ),
        Limit::PodLimit => sentence(
            format!("The pod's memory{memsw} limit fired, not a single container's"),
            &[usage, fill],
        ),
        Limit::NodeAllocatable => sentence(
            format!(
                "The node-allocatable limit of all pods ({}) fired, not a pod's own limit",
                cgroup.as_deref().unwrap_or("kubepods")
            ),
            &[usage, fill],
        ),
        Limit::CgroupLimit => sentence(
            match &cgroup {
                Some(c) => format!("The memory{memsw} limit of {} {c} fired", cgroup_words(c)),
                None => "A memory cgroup's limit fired (the block does not name which)".into(),
            },
            &[usage, fill],
        ),
        Limit::HostRam => {
            let ram = match (free_kb, ram_kb) {
                (Some(f), Some(r)) => format!("{} free of {} RAM", human_kb(f), human_kb(r)),
                (Some(f), None) => format!("{} RAM free", human_kb(f)),
                (None, Some(r)) => format!("{} RAM", human_kb(r)),
                _ => String::new(),
            };
            let swap = match (swap_free_kb, swap_total_kb) {
                (_, Some(0)) => "no swap".to_string(),
                (Some(f), Some(t)) => format!("swap {} free of {}", human_kb(f), human_kb(t)),
                _ => String::new(),
            };
            sentence(
                "The host ran out of memory (no cgroup limit was involved)".into(),
                &[ram, swap, fill, held_clause.clone(), victim_share.clone()],
            )
        }
        Limit::Cpuset => sentence(
            format!(
                "The memory nodes of the allocating task's cpuset{} ran out, not the whole host",
                e.trigger
                    .cpuset
                    .as_deref()
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default()
            ),
            &[
                e.trigger
                    .nodemask
                    .as_deref()
                    .map(|n| format!("nodemask {n}"))
                    .unwrap_or_default(),
                victim_share,
            ],
        ),
        Limit::MemoryPolicy => sentence(
            "The nodes of the allocation's memory policy (mbind/set_mempolicy) ran out, not the whole host"
                .into(),
            &[
                e.trigger
                    .nodemask
                    .as_deref()
                    .map(|n| format!("nodemask {n}"))
                    .unwrap_or_default(),
                victim_share,
            ],
        ),
        Limit::Manual => sentence(
            "The OOM killer was run by hand (sysrq-f, order=-1), not by a failed allocation; no shortage is implied"
                .into(),
            &[],
        ),
        Limit::Unknown => sentence(
            match &e.constraint {
                Some(c) => format!("The kernel's constraint {c} is not one oomsift knows"),
                None => "The logs do not tell which limit fired (no constraint, no memcg counters, no Mem-Info)".into(),
            },
            &[usage, fill],
        ),
    };
    Verdict {
        limit,
        cgroup,
        usage_kb,
        limit_kb,
        ram_kb: (!cgroup_limit).then_some(ram_kb).flatten(),
        free_kb,
        swap_total_kb,
        swap_free_kb,
        mostly: mostly(&filled).map(|m| m.0.to_string()),
        held_by: held,
        filled,
        summary,
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    fn cg(oom: &str) -> OomEvent {
        let mut e = OomEvent {
            kind: Some("cgroup".into()),
            ..OomEvent::default()
        };
        e.cgroup.oom = Some(oom.into());
        e.memory.usage_kb = Some(524_288);
        e.memory.limit_kb = Some(524_288);
        e
    }

    const POD: &str = "/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e";

    #[test]
    fn which_limit_fired() {
        let cid = "a".repeat(64);
        assert_eq!(
            limit_of(&cg(&format!("{POD}/{cid}"))),
            Limit::ContainerLimit
        );
        assert_eq!(limit_of(&cg(POD)), Limit::PodLimit);
        assert_eq!(limit_of(&cg("/kubepods.slice")), Limit::NodeAllocatable);
        assert_eq!(
            limit_of(&cg("/system.slice/docker.service")),
            Limit::CgroupLimit
        );
        let mut e = cg("/x");
        e.cgroup.oom = None;
        assert_eq!(limit_of(&e), Limit::CgroupLimit);
        e.kind = Some("host".into());
        assert_eq!(limit_of(&e), Limit::HostRam);
        e.kind = Some("cpuset".into());
        assert_eq!(limit_of(&e), Limit::Cpuset);
        e.kind = Some("memory_policy".into());
        assert_eq!(limit_of(&e), Limit::MemoryPolicy);
        e.kind = None;
        assert_eq!(limit_of(&e), Limit::Unknown);
        e.trigger.manual = true;
        assert_eq!(limit_of(&e), Limit::Manual);
    }

    #[test]
    fn v1_pod_limit_sums_the_children_stats() {
        let mut e = cg(POD);
        let st = |pairs: &[(&str, u64)]| -> BTreeMap<String, u64> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v * 1024))
                .collect()
        };
        e.body
            .memcg_stats
            .insert(POD.into(), st(&[("rss", 0), ("cache", 0)]));
        e.body.memcg_stats.insert(
            format!("{POD}/aaa"),
            st(&[("rss", 300_000), ("cache", 10_000), ("shmem", 2_000)]),
        );
        e.body
            .memcg_stats
            .insert(format!("{POD}/bbb"), st(&[("rss", 200_000), ("cache", 0)]));
        e.body
            .memcg_stats
            .insert(format!("{POD}x/ccc"), st(&[("rss", 999_999)]));
        e.memory.memsw_usage_kb = Some(524_288);
        let v = verdict(&e, None);
        assert_eq!(v.limit, Limit::PodLimit);
        assert_eq!(v.filled.anon_kb, Some(500_000));
        assert_eq!(v.filled.page_cache_kb, Some(8_000));
        assert_eq!(v.filled.shmem_kb, Some(2_000));
        assert_eq!(v.filled.swap_kb, Some(0));
        assert_eq!(v.mostly.as_deref(), Some("anon"));
        assert_eq!(
            v.summary,
            "The pod's memory limit fired, not a single container's: usage 512.0 MiB of a 512.0 MiB limit; filled mostly by anon memory (488.3 MiB, 95.4%); page cache 7.8 MiB, shmem/tmpfs 2.0 MiB."
        );
        e.memory.memsw_usage_kb = Some(1_048_576);
        e.memory.memsw_limit_kb = Some(1_048_576);
        let v = verdict(&e, None);
        assert_eq!(v.filled.swap_kb, Some(524_288));
        assert_eq!(v.mostly.as_deref(), Some("anon"), "swap is outside usage");
        assert!(
            v.summary
                .starts_with("The pod's memory+swap (1.0 GiB of 1.0 GiB) limit fired"),
            "{}",
            v.summary
        );
        assert!(
            v.summary.ends_with("shmem/tmpfs 2.0 MiB, swap 512.0 MiB."),
            "{}",
            v.summary
        );
        assert_eq!(v.cgroup.as_deref(), Some(POD));
    }

    #[test]
    fn v2_kernel_memory_and_its_parts() {
        let mut e = cg("/system.slice/backup.service");
        let st: BTreeMap<String, u64> =
            [("anon", 100_000u64), ("file", 50_000), ("kernel", 300_000)]
                .iter()
                .map(|(k, v)| (k.to_string(), v * 1024))
                .collect();
        e.body
            .memcg_stats
            .insert("/system.slice/backup.service".into(), st);
        let v = verdict(&e, None);
        assert_eq!(v.mostly.as_deref(), Some("kernel"));
        assert!(
            v.summary
                .starts_with("The memory limit of the systemd service /system.slice/backup.service fired: usage 512.0 MiB of a 512.0 MiB limit; filled mostly by kernel memory (293.0 MiB, 57.2%)"),
            "{}",
            v.summary
        );
        let st: BTreeMap<String, u64> = [("anon", 1u64), ("slab", 10), ("sock", 5)]
            .iter()
            .map(|(k, v)| (k.to_string(), v * 1024))
            .collect();
        e.body
            .memcg_stats
            .insert("/system.slice/backup.service".into(), st);
        assert_eq!(verdict(&e, None).filled.kernel_kb, Some(15));
    }

    #[test]
    fn host_ram_with_free_and_swap() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        let m: BTreeMap<String, u64> = [
            ("ram_pages", 4_194_304u64),
            ("free", 25_600),
            ("active_anon", 3_000_000),
            ("inactive_anon", 500_000),
            ("active_file", 1_000),
            ("inactive_file", 1_000),
            ("shmem", 500),
            ("total_swap_kb", 0),
            ("free_swap_kb", 0),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), *v))
        .collect();
        e.body.meminfo = Some(m);
        e.victim.anon_rss_kb = Some(8_388_608);
        let v = verdict(&e, None);
        assert_eq!(v.limit, Limit::HostRam);
        assert_eq!(v.ram_kb, Some(16_777_216));
        assert_eq!(v.free_kb, Some(102_400));
        assert_eq!(v.filled.page_cache_kb, Some(6_000));
        assert_eq!(
            v.summary,
            "The host ran out of memory (no cgroup limit was involved): 100.0 MiB free of 16.0 GiB RAM; no swap; filled mostly by anon memory (13.4 GiB, 83.4%); page cache 5.9 MiB, shmem/tmpfs 2.0 MiB; the victim held 8.0 GiB anon-rss (50% of RAM)."
        );
        e.body.meminfo = None;
        let v = verdict(&e, Some(16_777_216));
        assert_eq!(
            v.summary,
            "The host ran out of memory (no cgroup limit was involved): 16.0 GiB RAM; the victim held 8.0 GiB anon-rss (50% of RAM)."
        );
        assert_eq!(v.mostly, None);
    }

    fn row(pid: u64, name: &str, rss: i64) -> TaskRow {
        TaskRow {
            pid,
            columns: vec![("uid".into(), 0), ("rss".into(), rss)],
            name: name.into(),
        }
    }

    #[test]
    fn host_ram_says_who_held_the_memory() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        e.body.tasks = vec![row(1, "systemd", 2_000), row(10, "java", 500_000)];
        for pid in 100..110 {
            e.body.tasks.push(row(pid, "php-fpm", 100_000));
        }
        let v = verdict(&e, Some(8_388_608));
        let h = v.held_by.as_ref().expect("held_by");
        assert_eq!(h.grouped_by, "comm");
        assert_eq!(h.tasks, 12);
        assert_eq!(h.top_groups[0].name, "php-fpm");
        assert_eq!(h.top_groups[0].processes, Some(10));
        assert_eq!(h.top_groups[0].rss_kb, 4_000_000);
        assert_eq!(h.top_groups[0].share_of_ram_pct, Some(47.7));
        assert_eq!(h.top_processes[0].name, "java");
        assert_eq!(h.top_processes[0].pid, Some(10));
        assert_eq!(h.top_processes.len(), 5);
        assert!(
            v.summary.contains("10 php-fpm processes held 3.8 GiB (47.7% of RAM) of the 5.7 GiB the task table lists (grouped by name)"),
            "{}",
            v.summary
        );
        // The parts of rss when the table has no rss column.
        e.body.tasks = vec![TaskRow {
            pid: 3,
            columns: vec![
                ("rss_anon".into(), 10),
                ("rss_file".into(), 5),
                ("rss_shmem".into(), 1),
            ],
            name: "x".into(),
        }];
        assert_eq!(verdict(&e, None).held_by.unwrap().tasks_kb, 64);
        // A cgroup limit: the memory is the cgroup's, not the node's.
        assert!(verdict(&cg(POD), None).held_by.is_none());
    }

    #[test]
    fn manual_and_unknown_say_so() {
        let mut e = OomEvent::default();
        assert!(
            verdict(&e, None)
                .summary
                .starts_with("The logs do not tell")
        );
        e.constraint = Some("CONSTRAINT_NEW".into());
        e.kind = Some(OomKind::Other("new".into()));
        assert_eq!(
            verdict(&e, None).summary,
            "The kernel's constraint CONSTRAINT_NEW is not one oomsift knows."
        );
        e.trigger.manual = true;
        assert_eq!(verdict(&e, None).limit, Limit::Manual);
    }
}
