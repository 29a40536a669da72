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
//! Shards split by bundle, so per-bundle work (dedup across a node's sources, its
//! incidents) is already whole in each shard. What a single run can do and a merge
//! cannot: name a pod of one shard's kill from a pod listing in another shard.

use super::{Analysis, cgroup_order, death_order, order_key};
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
    cgroups.sort_by(|(_, a), (_, b)| cgroup_order(a, b));
    let cg_index: BTreeMap<(usize, usize), usize> = cgroups
        .iter()
        .enumerate()
        .map(|(n, (k, _))| (*k, n))
        .collect();
    events.sort_by_key(|(_, e)| order_key(e));
    let ev_index: BTreeMap<(usize, usize), usize> = events
        .iter()
        .enumerate()
        .map(|(n, (k, _))| (*k, n))
        .collect();
    out.events = events
        .into_iter()
        .enumerate()
        .map(|(n, ((d, _), mut e))| {
            e.id = format!("e{}", n + 1);
            e.cgroup_snapshot = e
                .cgroup_snapshot
                .and_then(|c| cg_index.get(&(d, c)).copied());
            e
        })
        .collect();
    out.cgroups = cgroups.into_iter().map(|(_, c)| c).collect();
    let mut incidents: Vec<_> = incidents
        .into_iter()
        .map(|(d, mut i)| {
            i.events = i
                .events
                .iter()
                .filter_map(|e| ev_index.get(&(d, *e)).copied())
                .collect();
            i.events.sort_unstable();
            i
        })
        .collect();
    incidents.sort_by_key(|i| i.events.first().copied().unwrap_or(usize::MAX));
    for (n, i) in incidents.iter_mut().enumerate() {
        i.id = format!("i{}", n + 1);
    }
    out.incidents = incidents;
    let mut deaths: Vec<_> = deaths
        .into_iter()
        .map(|(d, mut x)| {
            x.matched_event = x.matched_event.and_then(|e| ev_index.get(&(d, e)).copied());
            x
        })
        .collect();
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
