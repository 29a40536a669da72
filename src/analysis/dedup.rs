//! One kill seen in several sources becomes one event listing all its sources: the
//! dmesg, messages and journal of a sosreport, a rotated file and its successor, and
//! across inputs — a folder and its archive, two copies of a node's logs, a sosreport
//! and a loose dmesg of the same node.
//!
//! Two events are the same kill when they are on the same node and agree on the
//! victim (pid, name, sizes), the trigger (pid, name), the memcg counters and cgroups;
//! when both carry a kernel uptime, those must agree within a second, and wall-clock
//! times of the same kind likewise. An event whose node is unknown (a loose dmesg) is
//! the kill of the one node that has a copy of it. The most complete copy is kept and
//! the others fill what it lacks; its time is the best established copy's (a logged
//! zone over a year from the collection date over one from a file's time:
//! `TimeSource::trust`).
//!
//! Events are grouped by that key, and within a group by uptime second (else by
//! wall-clock second), so dedup stays linear in the number of events however many
//! copies of one kill there are.
//!
//! Node identity ([`NodeNames`]): host names, FQDNs and Kubernetes node names match
//! case-insensitively, and a short name is the FQDN whose first label it is (when one
//! FQDN has it). A node is shown by the most qualified name it gives itself (bundle
//! facts, log records), else by its Kubernetes name.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::envelope::Wall;
use crate::model::{OomEvent, OtherDeath};
use std::collections::{BTreeMap, HashMap};

type Key = (
    Option<crate::model::Text>,
    Option<u64>,
    Option<String>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<crate::model::Text>,
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
        e.body.tasks.len(),
        e.body.memcg_stats.len(),
        e.sources.len(),
    )
}

/// Stamps of the same kind (both uptimes, both zoned, both year-less …) must agree
/// within a second; stamps of different kinds cannot be compared and do not object.
fn stamps_agree(a: &OomEvent, b: &OomEvent) -> bool {
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

/// Each field `base` lacks taken from `other`; nothing written when `other` lacks
/// it too (a write to a sparse part allocates it: issue 16).
macro_rules! fill {
    ($dst:expr, $src:expr, $($f:ident),+) => {
        $( if $dst.$f.is_none() && $src.$f.is_some() { $dst.$f = $src.$f.clone(); } )+
    };
}

/// Merges `other` into `base` (the richer copy).
fn merge(base: &mut OomEvent, mut other: OomEvent) {
    // The copy whose time is best established gives the time (a year from the
    // bundle's collection date over one from a file's modification time).
    if other.time.is_some()
        && (base.time.is_none() || other.time_source.trust() > base.time_source.trust())
    {
        base.time = other.time;
        base.time_source = other.time_source;
    }
    fill!(
        base, other, kind, constraint, time_raw, node, kernel, pod, container
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
    // The other copy's body, when it has one, fills what this one lacks (a copy
    // without one leaves this body as it is: no empty body allocated).
    if let Some(ob) = other.body.take() {
        let b = &mut *base.body;
        fill!(b, ob, meminfo, reaped);
        if b.tasks.is_empty() {
            b.tasks = ob.tasks;
        }
        for (k, v) in ob.memcg_stats {
            b.memcg_stats.entry(k).or_insert(v);
        }
    }
    if base.stamp.uptime_us.is_none() {
        base.stamp.uptime_us = other.stamp.uptime_us;
    }
    // Sorted and made unique once, at the end (a merge per copy stays O(1)).
    base.sources.extend(other.sources);
}

/// The kind of a wall-clock stamp and its second, for grouping: stamps of one kind
/// agree only within a second of each other.
fn wall_slot(w: Wall) -> Option<(u8, i64)> {
    match w {
        Wall::None => None,
        Wall::Yearless {
            month,
            day,
            hour,
            minute,
            second,
            ..
        } => Some((
            1,
            ((i64::from(month) * 32 + i64::from(day)) * 24 + i64::from(hour)) * 3600
                + i64::from(minute) * 60
                + i64::from(second),
        )),
        Wall::Local(c) => Some((2, c.as_utc_seconds())),
        Wall::Zoned(c, off) => Some((3, c.as_utc_seconds() - i64::from(off))),
    }
}

/// The events of one key, found by their stamps without comparing with all of them.
#[derive(Default)]
struct Group {
    all: Vec<usize>,
    by_uptime: HashMap<i64, Vec<usize>>,
    no_uptime: Vec<usize>,
    by_wall: HashMap<(u8, i64), Vec<usize>>,
    by_kind: [Vec<usize>; 4],
}

impl Group {
    fn add(&mut self, i: usize, e: &OomEvent) {
        self.all.push(i);
        match e.stamp.uptime_us {
            Some(u) => self
                .by_uptime
                .entry((u / 1_000_000) as i64)
                .or_default()
                .push(i),
            None => self.no_uptime.push(i),
        }
        match wall_slot(e.stamp.wall) {
            Some(slot) => {
                self.by_wall.entry(slot).or_default().push(i);
                if let Some(list) = self.by_kind.get_mut(usize::from(slot.0)) {
                    list.push(i);
                }
            }
            None => {
                if let Some(list) = self.by_kind.first_mut() {
                    list.push(i);
                }
            }
        }
    }

    /// Every event of the group that could agree with `e` (a superset; some twice).
    fn candidates(&self, e: &OomEvent) -> Vec<usize> {
        let near = |m: &HashMap<_, Vec<usize>>, k: fn(i64) -> _, at: i64| {
            (at - 1..=at + 1)
                .filter_map(|s| m.get(&k(s)))
                .flatten()
                .copied()
                .collect::<Vec<usize>>()
        };
        if let Some(u) = e.stamp.uptime_us {
            let mut c = near(&self.by_uptime, |s| s, (u / 1_000_000) as i64);
            c.extend(&self.no_uptime);
            return c;
        }
        match wall_slot(e.stamp.wall) {
            Some((kind, at)) => {
                let mut c: Vec<usize> = (at - 1..=at + 1)
                    .filter_map(|s| self.by_wall.get(&(kind, s)))
                    .flatten()
                    .copied()
                    .collect();
                for (k, list) in self.by_kind.iter().enumerate() {
                    if k != usize::from(kind) {
                        c.extend(list);
                    }
                }
                c
            }
            None => self.all.clone(),
        }
    }

    /// The events of the group that agree with `e`, in first-seen order.
    fn agreeing(&self, out: &[OomEvent], e: &OomEvent) -> Vec<usize> {
        let mut c = self.candidates(e);
        c.sort_unstable();
        c.dedup();
        c.retain(|&i| out.get(i).is_some_and(|o| stamps_agree(o, e)));
        c
    }
}

/// Folds `e` into `out[i]`, keeping the richer copy as the base.
fn absorb(out: &mut [OomEvent], i: usize, e: OomEvent) {
    // Callers pass an index into `out`; were it not, `e` would be dropped, not panic.
    let Some(base) = out.get_mut(i) else {
        debug_assert!(false, "absorb: index {i} out of range");
        return;
    };
    if richness(&e) > richness(base) {
        let old = std::mem::replace(base, e);
        merge(base, old);
    } else {
        merge(base, e);
    }
}

/// Dedups events (of one bundle or of many), keeping first-seen order. `map[i]` is
/// the index in the result of input event `i`. Sources are sorted and unique.
// Every index used is one this function made: `i` below `out.len()` (groups and
// `agreeing` only hold pushed indices), `into`/`renumber` have `out.len()` entries.
#[allow(clippy::indexing_slicing)]
pub fn dedup_indexed(events: Vec<OomEvent>) -> (Vec<OomEvent>, Vec<usize>) {
    // Compacted in place (the kept events move to the front of the same vector): a
    // storm of a million events is held once, not copied (issue 16).
    let mut out = events;
    let mut map = Vec::with_capacity(out.len());
    let mut groups: HashMap<Key, Group> = HashMap::new();
    let mut kept_n = 0;
    for r in 0..out.len() {
        let e = std::mem::take(&mut out[r]);
        let g = groups.entry(key(&e)).or_default();
        match g.agreeing(&out[..kept_n], &e).first().copied() {
            Some(i) => {
                let before = out[i].stamp;
                absorb(&mut out[..kept_n], i, e);
                if out[i].stamp != before {
                    g.add(i, &out[i]);
                }
                map.push(i);
            }
            None => {
                g.add(kept_n, &e);
                map.push(kept_n);
                out[kept_n] = e;
                kept_n += 1;
            }
        }
    }
    out.truncate(kept_n);
    drop(groups);
    // A kill whose node is unknown joins the copy of the one node that has it.
    let mut known: HashMap<Key, Group> = HashMap::new();
    for (i, e) in out.iter().enumerate() {
        if e.node.is_some() {
            let mut k = key(e);
            k.0 = None;
            known.entry(k).or_default().add(i, e);
        }
    }
    let mut into: Vec<Option<usize>> = vec![None; out.len()];
    if !known.is_empty() {
        for i in 0..out.len() {
            if out[i].node.is_some() {
                continue;
            }
            let Some(g) = known.get(&key(&out[i])) else {
                continue;
            };
            let found = g.agreeing(&out, &out[i]);
            let one_node = found.windows(2).all(|w| out[w[0]].node == out[w[1]].node);
            if let (Some(&j), true) = (found.first(), one_node) {
                into[i] = Some(j);
            }
        }
    }
    let mut renumber = vec![0; out.len()];
    let mut moved = Vec::new();
    let mut kept_n = 0;
    for i in 0..out.len() {
        let e = std::mem::take(&mut out[i]);
        match into[i] {
            Some(j) => moved.push((j, e)),
            None => {
                renumber[i] = kept_n;
                out[kept_n] = e;
                kept_n += 1;
            }
        }
    }
    out.truncate(kept_n);
    let mut kept = out;
    for (i, t) in into.iter().enumerate() {
        if let Some(j) = t {
            renumber[i] = renumber[*j];
        }
    }
    for (j, e) in moved {
        absorb(&mut kept, renumber[j], e);
    }
    for e in &mut kept {
        e.sources.sort();
        e.sources.dedup();
    }
    let map = map.into_iter().map(|i| renumber[i]).collect();
    (kept, map)
}

/// Dedups events (of one bundle or of many), keeping first-seen order.
pub fn dedup(events: Vec<OomEvent>) -> Vec<OomEvent> {
    dedup_indexed(events).0
}

/// Other deaths told alike by several inputs (the same record in two copies of a
/// node's logs: the binary journal and its `journalctl --no-pager` text, which keeps
/// whole seconds) become one listing all their sources and the best-established of
/// their times, keeping first-seen order. The same report at two moments a second
/// or more apart stays two. n·log n: sorted, then swept.
pub fn dedup_deaths(deaths: Vec<OtherDeath>) -> Vec<OtherDeath> {
    // What the report says, apart from where it was seen and when.
    let keys: Vec<String> = deaths
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                for f in ["sources", "time", "time_source", "time_raw"] {
                    o.remove(f);
                }
            }
            v.to_string()
        })
        .collect();
    let instant = |d: &OtherDeath| d.time.as_ref().map(|t| t.instant_us());
    // Sorted by what it says, then when: copies of one report are neighbours.
    let mut order: Vec<usize> = (0..deaths.len()).collect();
    order.sort_by(|&a, &b| {
        let (da, db) = (deaths.get(a), deaths.get(b));
        (keys.get(a), da.and_then(instant), a).cmp(&(keys.get(b), db.and_then(instant), b))
    });
    // Clusters: the same report at the same moment, to the second a text log keeps
    // (`journalctl --no-pager` prints whole seconds; the binary journal the same
    // entry to the microsecond). Measured from each cluster's earliest copy, so a
    // report repeated every second does not chain into one.
    let mut cluster_of = vec![0usize; deaths.len()];
    let mut clusters = 0usize;
    let mut anchor: Option<(usize, Option<i64>)> = None;
    for &i in &order {
        let (key, t) = (keys.get(i), deaths.get(i).and_then(instant));
        let same = anchor.is_some_and(|(a, at)| {
            keys.get(a) == key
                && match (at, t) {
                    (None, None) => true,
                    (Some(x), Some(y)) => y.saturating_sub(x) < 1_000_000,
                    _ => false,
                }
        });
        if !same {
            clusters += 1;
            anchor = Some((i, t));
        }
        if let Some(c) = cluster_of.get_mut(i) {
            *c = clusters - 1;
        }
    }
    // Each cluster is its first copy in input order, with every copy's sources and
    // the best-established time among them (`TimeSource::trust`).
    let mut out: Vec<Option<OtherDeath>> = (0..clusters).map(|_| None).collect();
    let mut first: Vec<usize> = vec![usize::MAX; clusters];
    for (i, d) in deaths.into_iter().enumerate() {
        let c = cluster_of.get(i).copied().unwrap_or_default();
        let (Some(slot), Some(f)) = (out.get_mut(c), first.get_mut(c)) else {
            continue;
        };
        match slot {
            None => {
                *f = i;
                *slot = Some(d);
            }
            Some(o) => {
                if d.time_source.trust() > o.time_source.trust() {
                    o.time = d.time;
                    o.time_source = d.time_source;
                    o.time_raw = d.time_raw;
                    o.stamp = d.stamp;
                }
                o.sources.extend(d.sources);
                o.sources.sort();
                o.sources.dedup();
            }
        }
    }
    let mut kept: Vec<(usize, OtherDeath)> = first
        .into_iter()
        .zip(out)
        .filter_map(|(f, d)| Some((f, d?)))
        .collect();
    kept.sort_by_key(|(f, _)| *f);
    kept.into_iter().map(|(_, d)| d).collect()
}

/// Which names are one node, and the name each is shown by.
#[derive(Debug, Default)]
pub struct NodeNames {
    shown: HashMap<String, String>,
}

impl NodeNames {
    /// The identity of the names the nodes give themselves (`own`: bundle facts, log
    /// records) and of the names others give them (`other`: Kubernetes).
    pub fn new<'a>(
        own: impl IntoIterator<Item = &'a str>,
        other: impl IntoIterator<Item = &'a str>,
    ) -> NodeNames {
        // lowercase name → (is own, as given), every spelling.
        let mut seen: BTreeMap<String, Vec<(bool, &str)>> = BTreeMap::new();
        for (is_own, n) in own
            .into_iter()
            .map(|n| (true, n))
            .chain(other.into_iter().map(|n| (false, n)))
        {
            seen.entry(n.to_ascii_lowercase())
                .or_default()
                .push((is_own, n));
        }
        // A short name is the FQDN whose first label it is, when exactly one FQDN has it.
        let mut fqdns: HashMap<&str, Vec<&str>> = HashMap::new();
        for l in seen.keys().filter(|l| l.contains('.')) {
            if let Some((first, _)) = l.split_once('.') {
                fqdns.entry(first).or_default().push(l);
            }
        }
        let mut identity: HashMap<&str, &str> = HashMap::new();
        for l in seen.keys() {
            let id = match fqdns.get(l.as_str()).map(Vec::as_slice) {
                Some(&[f]) if !l.contains('.') => f,
                _ => l.as_str(),
            };
            identity.insert(l, id);
        }
        let mut best: HashMap<&str, (bool, usize, &str)> = HashMap::new();
        for (l, spellings) in &seen {
            let Some(&id) = identity.get(l.as_str()) else {
                continue;
            };
            for &(is_own, n) in spellings {
                let rank = (is_own, n.len(), n);
                let b = best.entry(id).or_insert(rank);
                // Own names first, then the longest, then the first in byte order.
                if (rank.0, rank.1) > (b.0, b.1) || ((rank.0, rank.1) == (b.0, b.1) && rank.2 < b.2)
                {
                    *b = rank;
                }
            }
        }
        let mut shown = HashMap::new();
        for (l, spellings) in &seen {
            let Some(&(_, _, name)) = identity.get(l.as_str()).and_then(|id| best.get(id)) else {
                continue;
            };
            for &(_, n) in spellings {
                if n != name {
                    shown.insert(n.to_string(), name.to_string());
                }
            }
        }
        NodeNames { shown }
    }

    /// Renames `node` to the name its node is shown by.
    pub fn apply<S: AsRef<str> + for<'a> From<&'a str>>(&self, node: &mut Option<S>) {
        if let Some(n) = node.as_ref().and_then(|n| self.shown.get(n.as_ref())) {
            *node = Some(S::from(n.as_str()));
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;
    use crate::model::{SourceRef, TimeSource};

    /// Two copies of a header-only kill merge without giving it the sparse parts
    /// neither copy has (a million such kills would each hold empty ones).
    #[test]
    fn merging_header_only_copies_allocates_no_sparse_part() {
        let copy = || OomEvent {
            node: Some("n1".into()),
            trigger: crate::model::Trigger {
                comm: Some("java".into()),
                ..Default::default()
            },
            ..OomEvent::default()
        };
        let mut base = copy();
        merge(&mut base, copy());
        assert!(base.cgroup.get_mut().is_none());
        assert!(base.body.get_mut().is_none());
        assert!(base.victim.get_mut().is_none() && base.memory.get_mut().is_none());
        let mut rich = copy();
        rich.cgroup.oom = Some("/kubepods/pod1".into());
        rich.body.tasks.push(crate::model::TaskRow {
            pid: 1,
            columns: Vec::new(),
            name: "java".into(),
        });
        merge(&mut base, rich);
        assert_eq!(base.cgroup.oom.as_deref(), Some("/kubepods/pod1"));
        assert_eq!(base.body.tasks.len(), 1);
    }

    fn report(file: &str, us: i64, source: TimeSource) -> OtherDeath {
        OtherDeath {
            kind: crate::model::DeathKind::OomdKill,
            reporter: "systemd-oomd".into(),
            node: Some("n1".into()),
            message: "Killed /system.slice/batch.service due to memory pressure".into(),
            time: Some(crate::model::Timestamp::from_utc_micros(us, true)),
            time_source: source,
            sources: vec![SourceRef {
                file: file.into(),
                line: 1,
            }],
            ..OtherDeath::default()
        }
    }

    #[test]
    fn one_report_to_the_second_is_one_and_a_second_apart_is_two() {
        let t = 1_717_984_900_000_000; // whole second
        let got = dedup_deaths(vec![
            report("messages", t, TimeSource::BundleDate),
            report("system.journal", t + 400_023, TimeSource::Zoned),
            // Every second after: each its own report, however many (no chaining).
            report("messages", t + 1_000_000, TimeSource::BundleDate),
            report("messages", t + 2_000_000, TimeSource::BundleDate),
        ]);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert_eq!(got[0].sources.len(), 2);
        assert_eq!(got[0].time_source, TimeSource::Zoned);
        assert_eq!(got[0].time.as_ref().unwrap().instant_us(), t + 400_023);
        assert!(got[1..].iter().all(|d| d.sources.len() == 1));
        // Another message at the same moment stays apart.
        let mut other = report("messages", t, TimeSource::BundleDate);
        other.message.push('!');
        assert_eq!(
            dedup_deaths(vec![report("m", t, TimeSource::Zoned), other]).len(),
            2
        );
    }

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
    fn the_best_established_time_of_the_copies_is_kept() {
        use crate::model::TimeSource;
        let mut a = ev("diagnoses/messages", 3, None, true);
        a.time = crate::model::Timestamp::parse("2026-06-12T08:30:00");
        a.time_source = TimeSource::FileTime;
        let mut b = ev("sosreport/var/log/messages", 9, None, false);
        b.time = crate::model::Timestamp::parse("2024-06-12T08:30:00");
        b.time_source = TimeSource::BundleDate;
        for events in [vec![a.clone(), b.clone()], vec![b, a]] {
            let out = dedup(events);
            assert_eq!(out.len(), 1);
            assert_eq!(out[0].time.as_deref(), Some("2024-06-12T08:30:00"));
            assert_eq!(out[0].time_source, TimeSource::BundleDate);
        }
    }

    #[test]
    fn same_pid_far_apart_in_uptime_is_two_kills() {
        let out = dedup(vec![
            ev("dmesg", 10, Some(5_000_000), true),
            ev("dmesg", 90, Some(900_000_000), true),
        ]);
        assert_eq!(out.len(), 2);
    }

    fn shown(n: &NodeNames, name: &str) -> String {
        let mut x = Some(name.to_string());
        n.apply(&mut x);
        x.unwrap()
    }

    #[test]
    fn node_names_match_case_and_short_names_of_one_fqdn() {
        let n = NodeNames::new(
            ["ip-10-0-3-41", "IP-10-0-3-41", "web-1", "db"],
            [
                "ip-10-0-3-41.eu-west-1.compute.internal",
                "db.eu-west-1.internal",
                "db.us-east-1.internal",
                "k8s-only.example.com",
                "k8s-only",
            ],
        );
        // The node's own name wins over Kubernetes' longer one; case folds.
        assert_eq!(
            shown(&n, "ip-10-0-3-41.eu-west-1.compute.internal"),
            "IP-10-0-3-41"
        );
        assert_eq!(shown(&n, "ip-10-0-3-41"), "IP-10-0-3-41");
        // A short name of two FQDNs is neither.
        assert_eq!(shown(&n, "db"), "db");
        assert_eq!(shown(&n, "db.us-east-1.internal"), "db.us-east-1.internal");
        // Names only others give: the most qualified.
        assert_eq!(shown(&n, "k8s-only"), "k8s-only.example.com");
        assert_eq!(shown(&n, "unknown"), "unknown");
        let own = NodeNames::new(["node7", "node7.lab.example"], []);
        assert_eq!(shown(&own, "node7"), "node7.lab.example");
    }

    #[test]
    fn many_kills_of_one_pid_and_many_copies_of_one_kill() {
        // 4000 kills of one pid a second apart, each seen three times.
        let mut evs = Vec::new();
        for copy in 0..3 {
            for k in 0..4000u64 {
                evs.push(ev(&format!("f{copy}"), k, Some(k * 2_000_000), true));
            }
        }
        let (out, map) = dedup_indexed(evs);
        assert_eq!(out.len(), 4000);
        assert!(out.iter().all(|e| e.sources.len() == 3));
        assert_eq!(map[4000 + 17], 17);
    }

    #[test]
    fn a_kill_of_unknown_node_joins_the_one_node_that_has_it() {
        let mut loose = ev("dmesg", 3, Some(5_000_000), false);
        loose.node = None;
        let out = dedup(vec![
            ev("sos/dmesg", 3, Some(5_000_000), true),
            loose.clone(),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].node.as_deref(), Some("n1"));
        assert_eq!(out[0].sources.len(), 2);
        // Two nodes with that kill: which one is not known.
        let mut other = ev("n2/dmesg", 3, Some(5_000_000), true);
        other.node = Some("n2".into());
        let out = dedup(vec![
            ev("sos/dmesg", 3, Some(5_000_000), true),
            other,
            loose,
        ]);
        assert_eq!(out.len(), 3);
    }
}
