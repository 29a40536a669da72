//! One kill seen in several sources of one bundle (dmesg, messages and the journal
//! of a sosreport; a rotated file and its successor) becomes one event listing all
//! its sources.
//!
//! Two events are the same kill when they are on the same node and agree on the
//! victim (pid, name, sizes), the trigger (pid, name), the memcg counters and cgroups;
//! when both carry a kernel uptime, those must agree within a second. The most
//! complete copy is kept and the others fill what it lacks.

use crate::model::OomEvent;
use std::collections::HashMap;

type Key = (
    Option<String>,
    Option<u64>,
    Option<String>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<String>,
    Option<u64>,
    Option<u64>,
    Option<String>,
    Option<String>,
);

fn key(e: &OomEvent) -> Key {
    (
        e.node.clone(),
        e.victim.pid,
        e.victim.comm.clone(),
        e.victim.total_vm_kb,
        e.victim.anon_rss_kb,
        e.trigger.pid,
        e.trigger.comm.clone(),
        e.memory.usage_kb,
        e.memory.failcnt,
        e.cgroup.oom.clone(),
        e.cgroup.task.clone(),
    )
}

fn richness(e: &OomEvent) -> (bool, usize, usize, usize) {
    (
        e.complete,
        e.tasks.len(),
        e.memcg_stats.len(),
        e.sources.len(),
    )
}

/// Stamps of the same kind (both uptimes, both zoned, both year-less …) must agree
/// within a second; stamps of different kinds cannot be compared and do not object.
fn stamps_agree(a: &OomEvent, b: &OomEvent) -> bool {
    use crate::envelope::Wall;
    let uptime = match (a.stamp.uptime_us, b.stamp.uptime_us) {
        (Some(x), Some(y)) => x.abs_diff(y) < 1_000_000,
        _ => true,
    };
    let wall = match (a.stamp.wall, b.stamp.wall) {
        (Wall::Zoned(x, ox), Wall::Zoned(y, oy)) => {
            ((x.as_utc_seconds() - i64::from(ox)) - (y.as_utc_seconds() - i64::from(oy))).abs() <= 1
        }
        (Wall::Local(x), Wall::Local(y)) => (x.as_utc_seconds() - y.as_utc_seconds()).abs() <= 1,
        (Wall::Yearless { .. }, Wall::Yearless { .. }) => {
            a.time == b.time || a.stamp.wall == b.stamp.wall
        }
        _ => true,
    };
    uptime && wall
}

macro_rules! fill {
    ($dst:expr, $src:expr, $($f:ident),+) => {
        $( if $dst.$f.is_none() { $dst.$f = $src.$f.clone(); } )+
    };
}

/// Merges `other` into `base` (the richer copy).
fn merge(base: &mut OomEvent, other: OomEvent) {
    if base.time.is_none() {
        base.time = other.time;
        base.time_source = other.time_source;
    }
    fill!(
        base, other, kind, constraint, time_raw, node, kernel, pod, container, meminfo, reaped
    );
    fill!(
        base.trigger,
        other.trigger,
        pid,
        comm,
        gfp_mask,
        order,
        oom_score_adj,
        nodemask,
        cpuset
    );
    fill!(
        base.victim,
        other.victim,
        uid,
        total_vm_kb,
        anon_rss_kb,
        file_rss_kb,
        shmem_rss_kb,
        pgtables_kb,
        oom_score_adj,
        score
    );
    fill!(base.cgroup, other.cgroup, oom, task);
    fill!(
        base.memory,
        other.memory,
        usage_kb,
        limit_kb,
        failcnt,
        memsw_usage_kb,
        memsw_limit_kb,
        swap_usage_kb,
        swap_limit_kb,
        kmem_usage_kb,
        kmem_limit_kb
    );
    if base.tasks.is_empty() {
        base.tasks = other.tasks;
    }
    for (k, v) in other.memcg_stats {
        base.memcg_stats.entry(k).or_insert(v);
    }
    if base.stamp.uptime_us.is_none() {
        base.stamp.uptime_us = other.stamp.uptime_us;
    }
    base.sources.extend(other.sources);
    base.sources.sort();
    base.sources.dedup();
}

/// Dedups the events of one bundle, keeping first-seen order.
pub fn dedup(events: Vec<OomEvent>) -> Vec<OomEvent> {
    let mut out: Vec<OomEvent> = Vec::with_capacity(events.len());
    let mut index: HashMap<Key, Vec<usize>> = HashMap::new();
    for e in events {
        let k = key(&e);
        let slot = index
            .get(&k)
            .and_then(|cands| cands.iter().copied().find(|&i| stamps_agree(&out[i], &e)));
        match slot {
            Some(i) => {
                if richness(&e) > richness(&out[i]) {
                    let old = std::mem::replace(&mut out[i], e);
                    merge(&mut out[i], old);
                } else {
                    merge(&mut out[i], e);
                }
            }
            None => {
                index.entry(k).or_default().push(out.len());
                out.push(e);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceRef;

    fn ev(file: &str, line: u64, uptime: Option<u64>, complete: bool) -> OomEvent {
        let mut e = OomEvent {
            node: Some("n1".into()),
            ..OomEvent::default()
        };
        e.victim.pid = Some(42);
        e.victim.comm = Some("java".into());
        e.victim.anon_rss_kb = Some(100);
        e.complete = complete;
        e.stamp.uptime_us = uptime;
        e.sources.push(SourceRef {
            file: file.into(),
            line,
        });
        e
    }

    #[test]
    fn same_kill_in_two_sources_is_one_event() {
        let mut a = ev("dmesg", 10, Some(5_000_000), true);
        a.time = None;
        let mut b = ev("messages", 300, Some(5_000_100), false);
        b.time = crate::model::Timestamp::parse("2024-03-05T10:11:12");
        let out = dedup(vec![b, a]);
        assert_eq!(out.len(), 1);
        assert!(out[0].complete);
        assert_eq!(out[0].time.as_deref(), Some("2024-03-05T10:11:12"));
        assert_eq!(out[0].sources.len(), 2);
    }

    #[test]
    fn same_pid_far_apart_in_uptime_is_two_kills() {
        let out = dedup(vec![
            ev("dmesg", 10, Some(5_000_000), true),
            ev("dmesg", 90, Some(900_000_000), true),
        ]);
        assert_eq!(out.len(), 2);
    }
}
