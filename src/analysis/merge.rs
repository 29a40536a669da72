//! `oomsift merge`: joins the JSON documents of shards (`--shard K/N` runs) into the
//! document one run over all the inputs gives: inputs, nodes, events, incidents,
//! other deaths, cgroups and warnings concatenated, then ordered and numbered as one
//! run orders and numbers them, with every cross-reference (`incidents[].events`,
//! `other_deaths[].matched_event`, `events[].cgroup_snapshot`) remapped.
//!
//! Diagnoses are carried over as the shards wrote them, never re-run: what the JSON
//! does not hold (serde-skipped fields such as `OomEvent::suppressed_before`) is gone
//! from a document read back, but the findings made from it are in the document.
//!
//! Shards split by bundle, so a node's copies can be in several shards: node names
//! are joined by the same identity rule, kills are deduped as one run dedups them
//! (their stamps restored from `time`, `time_source` and `uptime_us`), snapshots are
//! found again as one run finds them, and incidents are rebuilt over the merged kills
//! (restart counts carried over). What a single run can do and a merge cannot: name a
//! pod of one shard's kill from a pod listing in another shard, or match a Kubernetes
//! report of one shard to a kill in another.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::{Analysis, cgroup_order, death_order, dedup, incidents, order_key, snapshot_of};
use crate::model::{OomEvent, Stamp, TimeSource, Wall};
use std::collections::BTreeMap;

/// Merges shard documents. `Err` names the first document of another schema.
pub fn merge(docs: Vec<(String, Analysis)>) -> Result<Analysis, String> {
    let mut out = Analysis {
        schema: "oomsift/1".into(),
        complete: true,
        ..Analysis::default()
    };
    let mut events = Vec::new();
    let mut cgroups = Vec::new();
    let mut incidents = Vec::new();
    let mut deaths = Vec::new();
    for (d, (name, doc)) in docs.into_iter().enumerate() {
        if doc.schema != "oomsift/1" {
            return Err(format!("{name}: schema {:?} is not oomsift/1", doc.schema));
        }
        out.complete &= doc.complete;
        out.inputs.extend(doc.inputs);
        out.nodes.extend(doc.nodes);
        out.warnings.extend(doc.warnings);
        events.extend(doc.events.into_iter().enumerate().map(|(i, e)| ((d, i), e)));
        cgroups.extend(
            doc.cgroups
                .into_iter()
                .enumerate()
                .map(|(i, c)| ((d, i), c)),
        );
        incidents.extend(doc.incidents.into_iter().map(|x| (d, x)));
        deaths.extend(doc.other_deaths.into_iter().map(|x| (d, x)));
    }
    let node_names = dedup::NodeNames::new(
        events
            .iter()
            .filter_map(|(_, e)| e.node.as_deref())
            .chain(out.nodes.iter().filter_map(|n| n.name.as_deref()))
            .chain(cgroups.iter().filter_map(|(_, c)| c.node.as_deref())),
        // A shard renamed its reports to their node's own name when it had the node;
        // what is left is Kubernetes' name.
        deaths.iter().filter_map(|(_, d)| d.node.as_deref()),
    );
    for (_, e) in &mut events {
        node_names.apply(&mut e.node);
        e.stamp = stamp_of(e);
    }
    for (_, d) in &mut deaths {
        node_names.apply(&mut d.node);
    }
    for n in &mut out.nodes {
        node_names.apply(&mut n.name);
    }
    for (_, c) in &mut cgroups {
        node_names.apply(&mut c.node);
    }
    cgroups.sort_by(|(_, a), (_, b)| cgroup_order(a, b));
    out.cgroups = cgroups.into_iter().map(|(_, c)| c).collect();
    let (keys, evs): (Vec<(usize, usize)>, Vec<OomEvent>) = events.into_iter().unzip();
    let (evs, map) = dedup::dedup_indexed(evs);
    let mut order: Vec<usize> = (0..evs.len()).collect();
    order.sort_by(|&a, &b| evs.get(a).map(order_key).cmp(&evs.get(b).map(order_key)));
    // `order` is a permutation of `0..evs.len()`, so every `rank` entry is set.
    let mut rank = vec![0; evs.len()];
    for (n, &i) in order.iter().enumerate() {
        if let Some(r) = rank.get_mut(i) {
            *r = n;
        }
    }
    let ev_index: BTreeMap<(usize, usize), usize> = keys
        .into_iter()
        .zip(map)
        .map(|(k, i)| (k, rank.get(i).copied().unwrap_or_default()))
        .collect();
    let mut sorted: Vec<Option<OomEvent>> = (0..evs.len()).map(|_| None).collect();
    for (&r, mut e) in rank.iter().zip(evs) {
        e.id = compact_str::format_compact!("e{}", r + 1);
        e.cgroup_snapshot = snapshot_of(&e, &out.cgroups);
        if let Some(slot) = sorted.get_mut(r) {
            *slot = Some(e);
        }
    }
    out.events = sorted.into_iter().flatten().collect();
    // Incidents as one run builds them; restart counts (from pod listings) carried over.
    let mut restarts = BTreeMap::new();
    for (_, i) in &incidents {
        if let Some(r) = i.restarts {
            restarts.entry(incident_key(i)).or_insert(r);
        }
    }
    let mut incidents = incidents::build(&out.events, &Default::default());
    for i in &mut incidents {
        if i.restarts.is_none() {
            i.restarts = restarts.get(&incident_key(i)).copied();
        }
    }
    out.incidents = incidents;
    let deaths: Vec<_> = deaths
        .into_iter()
        .map(|(d, mut x)| {
            x.matched_event = x.matched_event.and_then(|e| ev_index.get(&(d, e)).copied());
            x
        })
        .collect();
    let mut deaths = dedup::dedup_deaths(deaths);
    deaths.sort_by(death_order);
    out.other_deaths = deaths;
    out.inputs.sort_by(|a, b| a.path.cmp(&b.path));
    out.nodes.sort_by(|a, b| a.name.cmp(&b.name));
    out.nodes.dedup();
    out.warnings.sort();
    out.warnings.dedup();
    out.incomplete = !out.complete;
    Ok(out)
}

/// What an incident is about, for carrying its restart count over.
fn incident_key(i: &crate::model::Incident) -> String {
    serde_json::json!([i.scope, i.node, i.pod, i.container, i.cgroup]).to_string()
}

/// The stamp a kill read back from a document had, as far as dedup compares stamps:
/// its uptime, and its wall-clock time of the kind `time_source` tells.
fn stamp_of(e: &OomEvent) -> Stamp {
    let wall = match (&e.time, e.time_source) {
        (Some(t), TimeSource::Zoned) => Wall::Zoned(t.civil(), t.offset().unwrap_or(0)),
        (Some(t), TimeSource::NodeZone | TimeSource::Local) => Wall::Local(t.civil()),
        (
            Some(t),
            TimeSource::BundleDate
            | TimeSource::RotationName
            | TimeSource::FileTime
            | TimeSource::ReferenceDate,
        ) => {
            let c = t.civil();
            Wall::Yearless {
                month: c.month,
                day: c.day,
                hour: c.hour,
                minute: c.minute,
                second: c.second,
                micros: c.micros,
            }
        }
        _ => Wall::None,
    };
    Stamp {
        wall,
        uptime_us: e.uptime_us,
    }
}
