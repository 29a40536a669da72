//! From per-source events to the analysis: node names, absolute times, dedup of one
//! kill seen in several sources, and a stable order.
//!
//! Times: a zoned stamp is printed with its offset; `dmesg -T` and year-less syslog
//! stamps are local wall-clock times (the syslog year taken from a reference date:
//! `--reference-date`, the file's rotation name or journal header, the bundle's
//! collection date, the file's modification time, the latest date in its siblings'
//! names, in that order; a warning when none is known, and when only the file's time
//! is); a bare uptime becomes UTC when the node's boot time is known (a warning per file
//! when it is not). Each time says where it came from (`TimeSource`). A year-less
//! file is dated backwards from its last record so its times never run backwards
//! across a new year. The analyzing machine's clock is never read.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

pub mod dedup;
pub mod diagnose;
pub mod explain;
pub mod filter;
pub mod incidents;
pub mod merge;
pub mod reconcile;
pub mod verdict;

use crate::bundle::facts::NodeFacts;
use crate::bundle::{Bundle, SourceFile};
use crate::clock::{Civil, civil_from_days};
use crate::envelope::Wall;
use crate::k8s::names::NameIndex;
use crate::model::CgroupSnapshot;
pub use crate::model::{Analysis, InputInfo, NodeInfo, Warning};
use crate::model::{OomEvent, OtherDeath, Stamp, TimeSource, Timestamp};
use crate::scan::SourceScan;

/// The pod (and container) of a report that gives a cgroup or a slice unit and no
/// pod: `systemd`'s "unit kubepods-burstable-pod<uid>.slice", `systemd-oomd`'s
/// cgroup path (the QoS class stays in the path; a `PodRef` has no field for it).
fn identify_death(d: &mut OtherDeath) {
    if d.pod.is_some() {
        return;
    }
    let path = d.cgroup.clone().or_else(|| {
        d.unit
            .as_deref()
            .and_then(crate::k8s::cgroup_path::slice_unit_path)
    });
    let Some(path) = path else { return };
    let id = crate::k8s::cgroup_path::identify(&path);
    if let Some(p) = id.pod {
        d.pod = Some(crate::model::PodRef {
            uid: Some(p.uid),
            ..crate::model::PodRef::default()
        });
        if d.container.is_none()
            && let Some(c) = id.container
        {
            d.container = Some(crate::model::ContainerRef {
                id: Some(c.id),
                ..crate::model::ContainerRef::default()
            });
        }
    }
}

/// Options that change how times are resolved.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeOptions {
    /// The date the logs were collected (for the syslog year), overriding the bundle's.
    pub reference_date: Option<(i32, u8, u8)>,
    /// Set by the analysis for each bundle: the latest date in its sources' names or
    /// journal headers, the last resort for a year.
    pub bundle_date: Option<(i32, u8, u8)>,
}

/// A bundle with what its sources yielded (`scans` in the order of `bundle.sources`),
/// its cgroup snapshots and the names its pod files and container log paths tell.
#[derive(Clone)]
pub struct Analyzed {
    pub bundle: Bundle,
    pub scans: Vec<SourceScan>,
    pub snapshots: Vec<CgroupSnapshot>,
    pub names: NameIndex,
    /// Nothing could be read in it: no log, fact, cgroup snapshot or pod file.
    pub nothing_read: bool,
    /// Files that were empty, skipped without a warning (listed with `--verbose`).
    pub empty_files: Vec<String>,
}

/// The warning of an input nothing could be read in.
pub const NOTHING_READ: &str =
    "nothing could be read in it: no log, fact, cgroup or pod file (this is not \"no OOM kill\")";

/// The warning of an input nothing could be read in, saying so when all it held to
/// read were empty files.
pub fn nothing_read_message(empty_files: usize) -> String {
    match empty_files {
        0 => NOTHING_READ.into(),
        n => format!(
            "nothing could be read in it: its {n} log or pod file(s) are empty, and it holds no fact or cgroup file (this is not \"no OOM kill\")"
        ),
    }
}

/// Builds the analysis from the analyzed bundles.
pub fn analyze(
    analyzed: Vec<Analyzed>,
    failed_inputs: Vec<Warning>,
    opts: TimeOptions,
) -> Analysis {
    let mut analyzed = analyzed;
    for a in &mut analyzed {
        if a.bundle.facts.machine_id.is_none() {
            a.bundle.facts.machine_id = a
                .bundle
                .sources
                .iter()
                .find_map(|s| crate::bundle::facts::journal_machine_id(&s.display));
        }
    }
    distinct_machines(&mut analyzed);
    let mut warnings = failed_inputs;
    let mut incomplete = !warnings.is_empty();
    let mut per_bundle: Vec<Vec<OomEvent>> = Vec::new();
    let mut deaths = Vec::new();
    let mut bundles = Vec::new();
    let mut cgroups: Vec<CgroupSnapshot> = Vec::new();
    let mut names = NameIndex::default();
    for Analyzed {
        bundle: b,
        scans,
        snapshots,
        names: bundle_names,
        nothing_read,
        empty_files,
    } in analyzed
    {
        // Nothing read is never "nothing found"; an input whose files failed says why.
        if nothing_read && b.errors.is_empty() {
            warnings.push(Warning {
                file: b.input.clone(),
                message: nothing_read_message(empty_files.len()),
            });
            incomplete = true;
        }
        // A node's boot time from one of its logs applies to its other logs, not to
        // another node's side by side (a folder of loose files of several nodes).
        let host = |e: &OomEvent| {
            b.facts
                .hostname
                .clone()
                .or_else(|| e.node.as_deref().map(str::to_string))
        };
        // (A log naming no host has only its own records' boot times.)
        let mut boots_by_node: std::collections::BTreeMap<String, i64> = Default::default();
        for e in scans.iter().flat_map(|s| &s.events) {
            if let (Some(s), Some(h)) = (
                boot_epoch(&NodeFacts::default(), std::iter::once(e)),
                host(e),
            ) {
                let k = boots_by_node.entry(h).or_insert(s);
                *k = (*k).max(s);
            }
        }
        let opts = TimeOptions {
            bundle_date: b
                .sources
                .iter()
                .filter_map(|s| s.rotation_date.max(s.header_date))
                .max(),
            ..opts
        };
        let mut events = Vec::new();
        for (src, scan) in b.sources.iter().zip(scans) {
            let node = scan.events.first().and_then(host);
            let boot = b.facts.boot_epoch.or_else(|| match &node {
                Some(n) => boots_by_node.get(n).copied(),
                // A log that names no host: the boot of the one node there is, in a
                // bundle of one node's files (a folder of loose logs may hold any
                // machine's; a copy of its kill in a log that names the node still
                // gives it that log's time, by dedup).
                None if boots_by_node.len() == 1 && b.layout != crate::bundle::Layout::Loose => {
                    boots_by_node.values().next().copied()
                }
                None => None,
            });
            for w in &scan.warnings {
                warnings.push(Warning {
                    file: src.display.clone(),
                    message: w.clone(),
                });
            }
            incomplete |= scan.incomplete;
            names.merge(scan.names);
            let reference = reference_date(opts, src, &b.facts);
            let years = yearless_years(
                scan.events
                    .iter()
                    .map(|e| (e.offset, e.stamp))
                    .chain(scan.deaths.iter().map(|d| (d.offset, d.stamp))),
                reference,
            );
            let (ev_years, death_years) = years.split_at(scan.events.len());
            // Which boot each kill and death is of, and when each boot started.
            let boots = Boots::of(
                scan.events
                    .iter()
                    .map(|e| (e.offset, e.stamp))
                    .chain(scan.deaths.iter().map(|d| (d.offset, d.stamp))),
                &scan.boot_starts,
                uptime_at_collection(&b.facts),
                boot,
            );
            let (ev_boots, death_boots) = boots.of.split_at(scan.events.len());
            let mut undated = false;
            let mut from_file_time = false;
            let mut boot_unknown = false;
            let mut earlier_boot = false;
            let mut note = |stamp: Stamp, source: TimeSource, boot: u32| {
                undated |=
                    source == TimeSource::None && matches!(stamp.wall, Wall::Yearless { .. });
                from_file_time |= source == TimeSource::FileTime;
                let unknown = source == TimeSource::None
                    && stamp.wall == Wall::None
                    && stamp.uptime_us.is_some()
                    && !is_crash_dump(src);
                if boot == boots.current || boots.start(boots.current).is_none() {
                    boot_unknown |= unknown;
                } else {
                    earlier_boot |= unknown;
                }
            };
            let mut scan_events = scan.events;
            // One name shared by the input's events (issue 16).
            let input: std::sync::Arc<str> = b.input.as_str().into();
            for ((e, &year), &k) in scan_events.iter_mut().zip(ev_years).zip(ev_boots) {
                resolve(
                    &mut e.node,
                    &mut e.time,
                    &mut e.time_source,
                    e.stamp,
                    &b.facts,
                    src,
                    boots.start(k),
                    year,
                );
                note(e.stamp, e.time_source, k);
                e.boot = (boots.count > 1).then_some(k);
                if e.kernel.is_none() {
                    e.kernel.clone_from(&b.facts.kernel);
                }
                e.bundle = input.clone();
            }
            // Moved whole, not event by event: a storm is held once (issue 16).
            if events.is_empty() {
                events = scan_events;
            } else {
                events.append(&mut scan_events);
            }
            for ((mut d, &year), &k) in scan.deaths.into_iter().zip(death_years).zip(death_boots) {
                resolve(
                    &mut d.node,
                    &mut d.time,
                    &mut d.time_source,
                    d.stamp,
                    &b.facts,
                    src,
                    boots.start(k),
                    year,
                );
                note(d.stamp, d.time_source, k);
                deaths.push(d);
            }
            if undated {
                warnings.push(Warning {
                    file: src.display.clone(),
                    message: "syslog times carry no year and nothing tells it (no collection date, rotated name or file time): kills are shown as printed; give --reference-date YYYY-MM-DD".into(),
                });
            }
            if let (true, Some(((y, _, _), _))) = (from_file_time, reference) {
                warnings.push(Warning {
                    file: src.display.clone(),
                    message: format!("syslog times carry no year: the year {y} is taken from the file's modification time; give --reference-date YYYY-MM-DD if that is not the collection year"),
                });
            }
            if earlier_boot {
                warnings.push(Warning {
                    file: src.display.clone(),
                    message: "kernel times are uptimes and some kills are of an earlier boot than the node's known boot time (after a `Linux version` banner or an uptime going back, or with an uptime beyond the one the bundle was collected at), whose start is unknown: they are shown by uptime, without a wall-clock time".into(),
                });
            }
            if boot_unknown {
                warnings.push(Warning {
                    file: src.display.clone(),
                    message: "kernel times are uptimes and the node's boot time is unknown (no /proc/stat, uptime with date, or journal record with both): kills are shown without a wall-clock time".into(),
                });
            }
        }
        for (file, msg) in &b.errors {
            warnings.push(Warning {
                file: file.clone(),
                message: msg.clone(),
            });
            incomplete = true;
        }
        for (file, msg) in &b.skipped {
            warnings.push(Warning {
                file: file.clone(),
                message: msg.clone(),
            });
        }
        cgroups.extend(snapshots.into_iter().map(|mut s| {
            s.node.clone_from(&b.facts.hostname);
            s
        }));
        per_bundle.push(events);
        names.merge(bundle_names);
        bundles.push(b);
    }
    let mut events: Vec<OomEvent> = Vec::new();
    for mut evs in per_bundle {
        if events.is_empty() {
            events = evs;
        } else {
            events.append(&mut evs);
        }
    }
    // One node, one name: its copies in several inputs and Kubernetes' name for it.
    let node_names = dedup::NodeNames::new(
        events
            .iter()
            .filter_map(|e| e.node.as_deref())
            .chain(deaths.iter().filter_map(|d| d.node.as_deref()))
            .chain(bundles.iter().filter_map(|b| b.facts.hostname.as_deref()))
            .chain(cgroups.iter().filter_map(|c| c.node.as_deref())),
        names
            .pods
            .values()
            .filter_map(|p| p.node.as_deref())
            .chain(names.reports.iter().filter_map(|d| d.node.as_deref()))
            .chain(names.nodes.iter().map(|n| n.name.as_str())),
    );
    for e in &mut events {
        node_names.apply(&mut e.node);
    }
    for d in deaths.iter_mut().chain(names.reports.iter_mut()) {
        node_names.apply(&mut d.node);
    }
    for b in &mut bundles {
        node_names.apply(&mut b.facts.hostname);
    }
    for c in &mut cgroups {
        node_names.apply(&mut c.node);
    }
    for p in names.pods.values_mut() {
        node_names.apply(&mut p.node);
    }
    // One kill, one event, however many inputs show it.
    let mut events = dedup::dedup(events);
    for e in &mut events {
        e.uptime_us = e.stamp.uptime_us;
    }
    sort_in_order(&mut events);
    for (i, e) in events.iter_mut().enumerate() {
        e.id = compact_str::format_compact!("e{}", i + 1);
    }
    deaths.sort_by(|a, b| (&a.node, a.sources.first()).cmp(&(&b.node, b.sources.first())));
    let mut nodes: Vec<NodeInfo> = bundles
        .iter()
        .filter_map(|b| node_info(&named_facts(b, &events)?, &events))
        .collect();
    for e in &events {
        if e.node.is_some() && !nodes.iter().any(|n| n.name.as_deref() == e.node.as_deref()) {
            nodes.push(NodeInfo {
                name: e.node.as_deref().map(str::to_string),
                kernel: e.kernel.clone(),
                cgroup_driver: driver_from_paths(&events, e.node.as_deref()),
                ..NodeInfo::default()
            });
        }
    }
    join_node_objects(&mut nodes, &names.nodes, &node_names);
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    nodes.dedup();
    warnings.sort();
    warnings.dedup();
    cgroups.sort_by(cgroup_order);
    for c in &mut cgroups {
        names.enrich_ids(&mut c.pod, &mut c.container);
    }
    enrich(&mut events, &mut nodes, &cgroups, &names);
    deaths.extend(reconcile::pod_status_reports(&names));
    deaths.extend(names.reports.iter().cloned());
    reconcile::complete(&mut deaths, &names);
    for d in &mut deaths {
        identify_death(d);
        names.enrich_ref(&mut d.pod, &mut d.container);
    }
    let mut deaths = dedup::dedup_deaths(deaths);
    for d in &mut deaths {
        // Kubernetes' reports carry API times (RFC 3339, UTC when no offset is given).
        if let (Some(t), TimeSource::None) = (&d.time, d.time_source) {
            d.time_source = if t.offset().is_some() {
                TimeSource::Zoned
            } else {
                TimeSource::Local
            };
        }
    }
    deaths.sort_by(death_order);
    reconcile::reconcile(&events, &mut deaths);
    diagnose_events(&mut events, &nodes, &deaths, &names);
    let incidents = incidents::build(&events, &names);
    Analysis {
        schema: "oomsift/1".into(),
        inputs: bundles
            .iter()
            .map(|b| InputInfo {
                path: b.input.clone(),
                kind: b.kind.name().into(),
                layout: b.layout.name().into(),
                sources: b.sources.iter().map(|s| s.display.clone()).collect(),
            })
            .collect(),
        nodes,
        events,
        other_deaths: deaths,
        incidents,
        cgroups,
        warnings,
        complete: !incomplete,
        incomplete,
    }
}

/// Kubernetes names, snapshots and node memory onto the events and nodes.
/// Mem-Info's "pages RAM" (4 KiB pages) of a host OOM on `node`, in KiB; a page count
/// too large to be real (it comes from the log) saturates rather than overflows.
fn meminfo_ram_kb(events: &[OomEvent], node: &Option<String>) -> Option<u64> {
    events
        .iter()
        .filter(|e| e.node.as_deref() == node.as_deref())
        .find_map(|e| {
            e.body
                .meminfo
                .as_ref()?
                .get("ram_pages")
                .map(|p| p.saturating_mul(4))
        })
}

fn enrich(
    events: &mut [OomEvent],
    nodes: &mut [NodeInfo],
    cgroups: &[CgroupSnapshot],
    names: &NameIndex,
) {
    for n in nodes.iter_mut() {
        let pods: Vec<_> = names
            .pods
            .values()
            .filter(|p| p.node.is_some() && p.node == n.name)
            .collect();
        let sum = |f: fn(&crate::k8s::names::ContainerInfo) -> Option<u64>| -> Option<u64> {
            let v: Vec<u64> = pods
                .iter()
                .flat_map(|p| p.containers.values())
                .filter_map(f)
                .collect();
            (!v.is_empty()).then(|| v.iter().sum::<u64>() / 1024)
        };
        n.pod_memory_limits_kb = sum(|c| c.limit_bytes);
        n.pod_memory_requests_kb = sum(|c| c.request_bytes);
        if n.mem_total_kb.is_none() {
            n.mem_total_kb = meminfo_ram_kb(events, &n.name);
        }
    }
    for e in events.iter_mut() {
        names.enrich(e);
        e.cgroup_snapshot = snapshot_of(e, cgroups);
    }
}

/// The index of the snapshot of a kill's OOM (else task) cgroup on its node.
pub(crate) fn snapshot_of(e: &OomEvent, cgroups: &[CgroupSnapshot]) -> Option<u32> {
    [e.cgroup.oom.as_deref(), e.cgroup.task.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|p| {
            cgroups
                .iter()
                .position(|c| c.path == p && c.node.as_deref() == e.node.as_deref())
        })
        .and_then(|i| u32::try_from(i).ok())
}

/// Each kill's diagnoses, once its node, pod and the Kubernetes reports matched to it
/// are known.
fn diagnose_events(
    events: &mut [OomEvent],
    nodes: &[NodeInfo],
    deaths: &[OtherDeath],
    names: &NameIndex,
) {
    // The verdict before, handed again when the next is the same (one allocation for
    // a storm of kills the logs tell alike).
    let mut last: Option<std::sync::Arc<crate::model::Verdict>> = None;
    for (i, e) in events.iter_mut().enumerate() {
        let node = nodes
            .iter()
            .find(|n| n.name.as_deref() == e.node.as_deref() && e.node.is_some());
        let ctx = diagnose::Context {
            node_mem_kb: node.and_then(|n| n.mem_total_kb.or(n.mem_capacity_kb)),
            node_allocatable_kb: node.and_then(|n| n.mem_allocatable_kb),
            pod: e.pod.as_ref().and_then(|p| names.pods.get(&p.uid)),
            node_pod_limits: node
                .and_then(|n| n.pod_memory_limits_kb)
                .map(|kb| kb * 1024),
            reported_oomkilled: reconcile::reported_oomkilled(deaths, i),
        };
        let v = verdict::verdict(e, ctx.node_mem_kb);
        let shared = match last.take() {
            Some(l) if *l == v => l,
            _ => std::sync::Arc::new(v),
        };
        e.verdict = Some(std::sync::Arc::clone(&shared));
        last = Some(shared);
        // Set only when there is one: an empty list is not allocated (issue 16).
        let found = diagnose::event_diagnoses(e, &ctx);
        if !found.is_empty() || !e.diagnoses.is_empty() {
            *e.diagnoses = found;
        }
    }
}

/// The Kubernetes Node objects onto the nodes of the same name (node identity: a
/// short host name is its FQDN's first label); a Node object of a node nothing else
/// tells of is a node of its own. One node's object read twice is one entry.
fn join_node_objects(
    nodes: &mut Vec<NodeInfo>,
    objects: &[crate::k8s::nodes::NodeObject],
    node_names: &dedup::NodeNames,
) {
    for o in objects {
        let mut name = Some(o.name.clone());
        node_names.apply(&mut name);
        // A Node object of another machine than the bundle of that name (a name reused
        // by a new instance) is a node of its own; one of a machine whose bundles were
        // told apart by machine-id joins that machine's.
        if let (Some(theirs), Some(plain)) = (&o.machine_id, &name) {
            let qualified = Some(machine_qualified(plain, theirs));
            let other_machine = nodes.iter().any(|n| {
                n.name == name
                    && n.machine_id
                        .as_ref()
                        .is_some_and(|m| !m.eq_ignore_ascii_case(theirs))
            });
            if other_machine || nodes.iter().any(|n| n.name == qualified) {
                name = qualified;
            }
        }
        let i = match nodes.iter().position(|n| n.name == name) {
            Some(i) => i,
            None => {
                nodes.push(NodeInfo {
                    name,
                    ..NodeInfo::default()
                });
                nodes.len() - 1
            }
        };
        let Some(n) = nodes.get_mut(i) else { continue };
        let fill = |mine: &mut Option<String>, theirs: &Option<String>| {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        };
        fill(&mut n.kernel, &o.kernel);
        fill(&mut n.os_image, &o.os_image);
        fill(&mut n.container_runtime, &o.container_runtime);
        fill(&mut n.kubelet_version, &o.kubelet_version);
        fill(&mut n.memory_pressure, &o.memory_pressure);
        fill(&mut n.machine_id, &o.machine_id);
        n.mem_capacity_kb = n.mem_capacity_kb.or(o.mem_capacity_kb);
        n.mem_allocatable_kb = n.mem_allocatable_kb.or(o.mem_allocatable_kb);
    }
}

/// A bundle's facts, named: by its host name, or when it names none, by the one node
/// its kills are of (a support bundle's journal names the node; its facts, such as the
/// collection date, are that node's). None when it names no node or several.
fn named_facts(b: &Bundle, events: &[OomEvent]) -> Option<NodeFacts> {
    if b.facts.hostname.is_some() {
        return Some(b.facts.clone());
    }
    let mut names = events
        .iter()
        .filter(|e| *e.bundle == *b.input)
        .map(|e| e.node.as_ref());
    let first = names.next()??;
    names.all(|n| n == Some(first)).then(|| NodeFacts {
        hostname: Some(first.to_string()),
        ..b.facts.clone()
    })
}

fn node_info(f: &NodeFacts, events: &[OomEvent]) -> Option<NodeInfo> {
    let name = f.hostname.clone()?;
    Some(NodeInfo {
        kernel: f.kernel.clone(),
        boot_time: f
            .boot_epoch
            .map(|s| Civil::from_utc_micros(s * 1_000_000, false).rfc3339_with_offset(0)),
        collected_at: f.collected.map(|c| match c.offset {
            Some(o) => c.civil.rfc3339_with_offset(o),
            None => c.civil.rfc3339_local(),
        }),
        mem_total_kb: f.mem_total_kb,
        machine_id: f.machine_id.clone(),
        cgroup_version: f.cgroup_version.clone(),
        sysctl: f.sysctl.clone(),
        cgroup_driver: f
            .cgroup_driver
            .clone()
            .or_else(|| driver_from_paths(events, Some(&name))),
        name: Some(name),
        ..NodeInfo::default()
    })
}

/// The cgroup driver the kernel's paths reveal (`kubepods.slice` → systemd, `/kubepods/` → cgroupfs).
fn driver_from_paths(events: &[OomEvent], node: Option<&str>) -> Option<String> {
    events
        .iter()
        .filter(|e| e.node.as_deref() == node)
        .flat_map(|e| [e.cgroup.task.as_deref(), e.cgroup.oom.as_deref()])
        .flatten()
        .find_map(|p| {
            if p.contains("kubepods.slice") {
                Some("systemd".to_string())
            } else if p.starts_with("/kubepods/") {
                Some("cgroupfs".to_string())
            } else {
                None
            }
        })
}

/// Boot time: the bundle's, else what journal records (wall and monotonic together) reveal.
fn boot_epoch<'a>(f: &NodeFacts, events: impl Iterator<Item = &'a OomEvent>) -> Option<i64> {
    f.boot_epoch.or_else(|| {
        events
            .filter_map(|e| match (e.stamp.wall, e.stamp.uptime_us) {
                (Wall::Zoned(c, off), Some(up)) => Some(
                    (c.as_utc_micros() - i64::from(off) * 1_000_000 - up as i64)
                        .div_euclid(1_000_000),
                ),
                _ => None,
            })
            .max()
    })
}

/// Bundles whose host names are one node's (equal ignoring case, or a short name and
/// its FQDN) but whose machine-ids differ are different machines: each such host name
/// is qualified with the start of its machine-id (`localhost [machine-id 3c5b1a3e8f2d]`),
/// so they are separate nodes. Bundles without a machine-id keep their name.
fn distinct_machines(analyzed: &mut [Analyzed]) {
    let key = |h: &str| {
        let l = h.to_ascii_lowercase();
        l.split('.').next().unwrap_or_default().to_string()
    };
    let mut ids: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for a in analyzed.iter() {
        if let (Some(h), Some(m)) = (&a.bundle.facts.hostname, &a.bundle.facts.machine_id) {
            ids.entry(key(h)).or_default().insert(m.clone());
        }
    }
    for a in analyzed.iter_mut() {
        let f = &mut a.bundle.facts;
        if let (Some(h), Some(m)) = (&f.hostname, &f.machine_id)
            && ids.get(&key(h)).is_some_and(|s| s.len() > 1)
        {
            f.hostname = Some(machine_qualified(h, m));
        }
    }
}

/// A host name told apart from another machine's of that name: `localhost [machine-id 3c5b1a3e8f2d]`.
fn machine_qualified(host: &str, machine_id: &str) -> String {
    format!(
        "{host} [machine-id {}]",
        machine_id.get(..12).unwrap_or(machine_id)
    )
}

/// The uptime (s) the node had when the bundle was collected, when its boot time and
/// a zoned collection time are known.
fn uptime_at_collection(f: &NodeFacts) -> Option<u64> {
    let c = f.collected?;
    let at = (c.civil.as_utc_micros() - i64::from(c.offset?) * 1_000_000).div_euclid(1_000_000);
    u64::try_from(at - f.boot_epoch?).ok()
}

/// An uptime this far (s) beyond the one the bundle was collected at is of an earlier
/// boot (a bundle's files are collected over some minutes).
const COLLECTION_SLACK_S: u64 = 600;

/// The boots of one source: each record's (in the order given), how many there are,
/// the one the node's boot time is for, and when each started when known.
struct Boots {
    of: Vec<u32>,
    count: u32,
    /// The current boot: the last one, or after it when even its records are older
    /// than the collection's uptime allows.
    current: u32,
    starts: std::collections::BTreeMap<u32, i64>,
}

impl Boots {
    /// `records`: (offset, stamp) of the source's kills and deaths; `starts`: the
    /// offsets where the scan saw another boot start; `collected_uptime`: the node's
    /// uptime at collection; `current_start`: the node's boot time (the current
    /// boot's start).
    fn of(
        records: impl Iterator<Item = (u64, Stamp)>,
        starts: &[u64],
        collected_uptime: Option<u64>,
        current_start: Option<i64>,
    ) -> Boots {
        let records: Vec<(u64, Stamp)> = records.collect();
        let mut order: Vec<usize> = (0..records.len()).collect();
        order.sort_by_key(|&i| records.get(i).map(|r| r.0));
        let mut bounds: std::collections::BTreeSet<u64> = starts.iter().copied().collect();
        // An uptime going back between two records the scan saw apart (another part).
        let mut prev: Option<(u64, u64)> = None;
        for &i in &order {
            let Some(&(off, stamp)) = records.get(i) else {
                continue;
            };
            let Some(up) = stamp.uptime_us else { continue };
            if let Some((po, pu)) = prev
                && up.saturating_add(crate::kernel::assemble::BOOT_UPTIME_BACKWARDS_US) < pu
                && bounds.range(po + 1..=off).next().is_none()
            {
                bounds.insert(off);
            }
            prev = Some((off, up));
        }
        let boot_at = |bounds: &std::collections::BTreeSet<u64>, off: u64| {
            u32::try_from(bounds.range(..=off).count()).unwrap_or(u32::MAX)
        };
        let last = order
            .iter()
            .filter_map(|&i| records.get(i))
            .map(|r| boot_at(&bounds, r.0))
            .max()
            .unwrap_or(0);
        let mut current = last;
        // Records of the last boot with an uptime beyond the collection's are older.
        if let Some(limit) =
            collected_uptime.map(|u| u.saturating_add(COLLECTION_SLACK_S) * 1_000_000)
        {
            let in_last: Vec<&(u64, Stamp)> = order
                .iter()
                .filter_map(|&i| records.get(i))
                .filter(|r| boot_at(&bounds, r.0) == last)
                .collect();
            if let Some(p) = in_last
                .iter()
                .rposition(|r| r.1.uptime_us.is_some_and(|u| u > limit))
            {
                match in_last.get(p + 1) {
                    Some(next) => {
                        bounds.insert(next.0);
                        current = last + 1;
                    }
                    None => current = last + 1,
                }
            }
        }
        let of: Vec<u32> = records.iter().map(|r| boot_at(&bounds, r.0)).collect();
        let count = of.iter().copied().max().unwrap_or(0).max(current) + 1;
        // A boot's start from its own records logged with both a zoned time and an
        // uptime; the current boot's is the node's boot time.
        let mut starts = std::collections::BTreeMap::new();
        for (r, &k) in records.iter().zip(&of) {
            if let (Wall::Zoned(c, off), Some(up)) = (r.1.wall, r.1.uptime_us) {
                let s = (c.as_utc_micros() - i64::from(off) * 1_000_000 - up as i64)
                    .div_euclid(1_000_000);
                let e = starts.entry(k).or_insert(s);
                *e = (*e).max(s);
            }
        }
        if let Some(s) = current_start {
            starts.entry(current).or_insert(s);
        }
        Boots {
            of,
            count,
            current,
            starts,
        }
    }

    /// When boot `k` started (seconds since the epoch), when known.
    fn start(&self, k: u32) -> Option<i64> {
        self.starts.get(&k).copied()
    }
}

/// A crash dump's dmesg is from an earlier boot: this boot's time does not apply.
fn is_crash_dump(src: &SourceFile) -> bool {
    src.rel.contains("var/crash/")
}

/// The year of each year-less stamp of one file (`None` for the others and when no
/// reference is known), in the order given. The file's last year-less record takes
/// the reference's year, or the year before when its date is after the reference
/// (allowing a day of zone skew); each earlier record (by offset) takes its
/// successor's year, or the year before when it would otherwise be more than a day
/// after its successor — so a file's times never run backwards across a new year.
#[allow(clippy::type_complexity)]
fn yearless_years(
    stamps: impl Iterator<Item = (u64, Stamp)>,
    reference: Option<((i32, u8, u8), TimeSource)>,
) -> Vec<Option<(i32, TimeSource)>> {
    let stamps: Vec<(u64, Stamp)> = stamps.collect();
    let mut out = vec![None; stamps.len()];
    let Some(((ry, rm, rd), source)) = reference else {
        return out;
    };
    let mut order: Vec<usize> = stamps
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.1.wall, Wall::Yearless { .. }))
        .map(|(i, _)| i)
        .collect();
    order.sort_by_key(|&i| stamps.get(i).map(|s| s.0));
    let mut next: Option<i64> = None;
    for &i in order.iter().rev() {
        let Some(&Wall::Yearless {
            month,
            day,
            hour,
            minute,
            second,
            micros,
        }) = stamps.get(i).map(|s| &s.1.wall)
        else {
            continue;
        };
        let at = |year| Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros,
        };
        let year = match next {
            // A date after the reference (allowing a day of zone skew) is last year's.
            None if (month, day) > (rm, rd.saturating_add(1)) => ry - 1,
            None => ry,
            Some(t) => {
                let y = Civil::from_utc_micros(t, false).year;
                if at(y).as_utc_seconds() * 1_000_000 > t + 86_400_000_000 {
                    y - 1
                } else {
                    y
                }
            }
        };
        next = Some(at(year).as_utc_seconds() * 1_000_000);
        if let Some(o) = out.get_mut(i) {
            *o = Some((year, source));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn resolve<S: for<'a> From<&'a str>>(
    node: &mut Option<S>,
    time: &mut Option<Timestamp>,
    time_source: &mut TimeSource,
    stamp: Stamp,
    facts: &NodeFacts,
    src: &SourceFile,
    boot: Option<i64>,
    year: Option<(i32, TimeSource)>,
) {
    if facts.hostname.is_some() {
        *node = facts.hostname.as_deref().map(S::from);
    }
    if node.is_none() {
        *node = node_from_path(&src.display).as_deref().map(S::from);
    }
    let node_offset = facts.collected.and_then(|c| c.offset);
    let (t, source) = match stamp.wall {
        Wall::Zoned(c, off) => (Some(Timestamp::zoned(c, off)), TimeSource::Zoned),
        Wall::Local(c) => (
            Some(local(c, node_offset)),
            if node_offset.is_some() {
                TimeSource::NodeZone
            } else {
                TimeSource::Local
            },
        ),
        Wall::Yearless {
            month,
            day,
            hour,
            minute,
            second,
            micros,
        } => match year {
            Some((year, source)) => (
                Some(local(
                    Civil {
                        year,
                        month,
                        day,
                        hour,
                        minute,
                        second,
                        micros,
                    },
                    node_offset,
                )),
                source,
            ),
            None => (None, TimeSource::None),
        },
        Wall::None if is_crash_dump(src) => (None, TimeSource::None),
        Wall::None => match (stamp.uptime_us, boot) {
            (Some(up), Some(b)) => (
                Some(Timestamp::from_utc_micros(b * 1_000_000 + up as i64, true)),
                TimeSource::Boot,
            ),
            _ => (None, TimeSource::None),
        },
    };
    *time = t;
    *time_source = source;
}

/// A node named by the path of its logs: must-gather's `nodes/<name>/…`.
fn node_from_path(display: &str) -> Option<String> {
    let comps: Vec<&str> = display.split('/').collect();
    let i = comps.iter().rposition(|c| *c == "nodes")?;
    match comps.get(i + 1..)? {
        [name, _, ..] if !name.is_empty() => Some(name.to_string()),
        _ => None,
    }
}

fn local(c: Civil, offset: Option<i32>) -> Timestamp {
    Timestamp::in_zone(c, offset)
}

/// The date a year-less syslog time is read against, and what gave it:
/// `--reference-date`, the file's rotated name or journal header, the bundle's
/// collection date, the file's time, and last a date from its siblings (the latest
/// rotated name or journal header in its bundle) when the file has no time of its own
/// (a zip member, standard input).
fn reference_date(
    opts: TimeOptions,
    src: &SourceFile,
    facts: &NodeFacts,
) -> Option<((i32, u8, u8), TimeSource)> {
    let with = |s: TimeSource| move |d: (i32, u8, u8)| (d, s);
    opts.reference_date
        .map(with(TimeSource::ReferenceDate))
        .or(src.rotation_date.map(with(TimeSource::RotationName)))
        .or(src.header_date.map(with(TimeSource::RotationName)))
        .or_else(|| {
            facts.collected.map(|c| {
                (
                    (c.civil.year, c.civil.month, c.civil.day),
                    TimeSource::BundleDate,
                )
            })
        })
        .or_else(|| {
            src.mtime.map(|s| {
                let (y, m, d) = civil_from_days(s.div_euclid(86_400));
                ((y, m, d), TimeSource::FileTime)
            })
        })
        .or(opts.bundle_date.map(with(TimeSource::BundleDate)))
}

/// Output order of other deaths: node, time, first source, message.
pub(crate) fn death_order(a: &OtherDeath, b: &OtherDeath) -> std::cmp::Ordering {
    let t = |d: &OtherDeath| d.time.as_ref().map(Timestamp::instant_us);
    (&a.node, t(a), a.sources.first(), &a.message).cmp(&(
        &b.node,
        t(b),
        b.sources.first(),
        &b.message,
    ))
}

/// Output order of cgroup snapshots: node, path, cgroup version.
pub(crate) fn cgroup_order(a: &CgroupSnapshot, b: &CgroupSnapshot) -> std::cmp::Ordering {
    (&a.node, &a.path, &a.version).cmp(&(&b.node, &b.path, &b.version))
}

/// Output order: node, then time (events without a time last), uptime, then source
/// (the key borrowed from the event).
#[allow(clippy::type_complexity)]
pub(crate) fn order_key(
    e: &OomEvent,
) -> (
    Option<&str>,
    bool,
    Option<i64>,
    u32,
    u64,
    Option<&crate::model::SourceRef>,
) {
    (
        e.node.as_deref(),
        e.time.is_none(),
        e.time.as_ref().map(Timestamp::instant_us),
        // Kills without a time: by boot (in their source's order), then uptime.
        if e.time.is_none() {
            e.boot.unwrap_or(0)
        } else {
            0
        },
        e.uptime_us.unwrap_or(u64::MAX),
        e.sources.first(),
    )
}

/// Sorts events by [`order_key`], stably, without a copy of them: their indices are
/// sorted (the keys borrowed, not cloned) and the permutation applied by swaps, so a
/// storm of a million events is not held twice (a stable sort's scratch of half the
/// events; issue 16).
fn sort_in_order(events: &mut [OomEvent]) {
    let mut perm: Vec<usize> = (0..events.len()).collect();
    perm.sort_by(|&a, &b| match (events.get(a), events.get(b)) {
        (Some(x), Some(y)) => order_key(x).cmp(&order_key(y)),
        _ => std::cmp::Ordering::Equal,
    });
    // Position i takes the event at perm[i]: each cycle of the permutation followed
    // once, a placed position marked by perm[i] == i.
    for i in 0..perm.len() {
        let mut cur = i;
        while let Some(&next) = perm.get(cur)
            && next != i
        {
            events.swap(cur, next);
            if let Some(p) = perm.get_mut(cur) {
                *p = cur;
            }
            cur = next;
        }
        if let Some(p) = perm.get_mut(cur) {
            *p = cur;
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn the_sort_by_swaps_is_the_stable_sort_by_order_key() {
        // Nodes, uptimes and ties (same key, told apart by offset) in a scrambled order.
        let mut evs: Vec<OomEvent> = (0..200u64)
            .map(|i| {
                let k = (i * 7919) % 200;
                OomEvent {
                    node: (k % 3 != 0).then(|| compact_str::format_compact!("n{}", k % 3)),
                    uptime_us: (k % 5 != 0).then_some(k / 4),
                    offset: i,
                    sources: vec![crate::model::SourceRef {
                        file: "f".into(),
                        line: k / 8,
                    }],
                    ..OomEvent::default()
                }
            })
            .collect();
        let mut want = evs.clone();
        want.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        sort_in_order(&mut evs);
        let offs = |v: &[OomEvent]| v.iter().map(|e| e.offset).collect::<Vec<_>>();
        assert_eq!(offs(&evs), offs(&want));
        assert_ne!(offs(&evs), (0..200).collect::<Vec<_>>());
    }

    fn up(off: u64, secs: u64) -> (u64, Stamp) {
        (
            off,
            Stamp {
                wall: Wall::None,
                uptime_us: Some(secs * 1_000_000),
            },
        )
    }

    #[test]
    fn boots_from_banners_uptimes_going_back_and_the_collections_uptime() {
        // A banner the scan saw at 100; an uptime going back between 300 and 400.
        let b = Boots::of(
            [up(10, 50), up(200, 20), up(300, 90), up(400, 5)].into_iter(),
            &[100],
            None,
            Some(1_000),
        );
        assert_eq!((b.of.clone(), b.count, b.current), (vec![0, 1, 1, 2], 3, 2));
        assert_eq!((b.start(2), b.start(1)), (Some(1_000), None));
        // Collected at an uptime of 1500 s: 27 742 s is of an earlier boot.
        let b = Boots::of(
            [up(10, 27_742), up(20, 27_800)].into_iter(),
            &[],
            Some(1_500),
            Some(1_000),
        );
        assert_eq!((b.of.clone(), b.count, b.current), (vec![0, 0], 2, 1));
        assert_eq!(b.start(0), None);
        // Within the collection's uptime (and its slack): the current boot.
        let b = Boots::of(
            [up(10, 1_200), up(20, 2_000)].into_iter(),
            &[],
            Some(1_500),
            Some(1_000),
        );
        assert_eq!((b.of.clone(), b.count, b.current), (vec![0, 0], 1, 0));
        assert_eq!(b.start(0), Some(1_000));
    }

    #[test]
    fn huge_ram_pages_saturate() {
        let node = Some("n1".to_string());
        let e = OomEvent {
            node: node.as_deref().map(Into::into),
            body: crate::model::Body {
                meminfo: Some([("ram_pages".to_string(), 4_611_686_018_427_387_904)].into()),
                ..Default::default()
            }
            .into(),
            ..OomEvent::default()
        };
        assert_eq!(meminfo_ram_kb(&[e], &node), Some(u64::MAX));
        let e = OomEvent {
            node: node.as_deref().map(Into::into),
            body: crate::model::Body {
                meminfo: Some([("ram_pages".to_string(), 262_045)].into()),
                ..Default::default()
            }
            .into(),
            ..OomEvent::default()
        };
        assert_eq!(meminfo_ram_kb(&[e], &node), Some(1_048_180));
    }
}
