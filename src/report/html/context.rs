//! What every section reads: the analysis, the kills' instants, the workloads, and
//! which kills and nodes have a place of their own on the page.

use crate::model::{Analysis, Incident, OomEvent};
use crate::report::view::{self, FleetWorkload, Instant, Workload, instant};
use std::collections::BTreeMap;

/// Workloads that get a section of their own; the others are listed in the summary.
pub(super) const MAX_WORKLOAD_SECTIONS: usize = 30;
/// Kills detailed in one workload section.
const MAX_EVENTS_PER_WORKLOAD: usize = 200;
/// Kills detailed in the whole page.
const MAX_EVENTS_DETAILED: usize = 500;
/// Nodes that get a section of their own (the nodes table lists them all).
pub(super) const MAX_NODE_SECTIONS: usize = 500;

/// What every section needs: the analysis, event instants and the workloads.
pub(super) struct Ctx<'a> {
    pub a: &'a Analysis,
    /// `events[i]`'s instant.
    pub times: Vec<Option<Instant>>,
    /// The incidents, most kills first.
    pub workloads: Vec<Workload>,
    /// The workloads grouped across nodes.
    pub fleet: Vec<FleetWorkload>,
    /// `events[i]` is detailed in its workload's section (has an anchor).
    pub detailed: Vec<bool>,
    /// The workload (index into `workloads`) of `events[i]`.
    pub event_workload: Vec<Option<usize>>,
    /// The events of each named node, in output order.
    pub node_events: BTreeMap<&'a str, Vec<usize>>,
    /// The input each source file belongs to.
    pub source_input: BTreeMap<&'a str, &'a str>,
}

impl<'a> Ctx<'a> {
    pub fn new(a: &'a Analysis) -> Ctx<'a> {
        Ctx {
            a,
            times: a
                .events
                .iter()
                .map(|e| instant(e.time.as_deref()))
                .collect(),
            workloads: Vec::new(),
            fleet: Vec::new(),
            detailed: vec![false; a.events.len()],
            event_workload: vec![None; a.events.len()],
            node_events: BTreeMap::new(),
            source_input: a
                .inputs
                .iter()
                .flat_map(|i| i.sources.iter().map(|s| (s.as_str(), i.path.as_str())))
                .collect(),
        }
        .with_workloads(view::workloads(a))
    }

    fn with_workloads(mut self, workloads: Vec<Workload>) -> Self {
        let mut budget = MAX_EVENTS_DETAILED;
        for wl in workloads.iter().take(MAX_WORKLOAD_SECTIONS) {
            let n = wl.events.len().min(MAX_EVENTS_PER_WORKLOAD).min(budget);
            for &i in wl.events.iter().take(n) {
                if let Some(d) = self.detailed.get_mut(i) {
                    *d = true;
                }
            }
            budget -= n;
        }
        for (i, e) in self.a.events.iter().enumerate() {
            if let Some(n) = &e.node {
                self.node_events.entry(n).or_default().push(i);
            }
        }
        for (w, wl) in workloads.iter().enumerate() {
            for &i in &wl.events {
                if let Some(slot) = self.event_workload.get_mut(i) {
                    *slot = Some(w);
                }
            }
        }
        self.fleet = view::fleet_workloads(self.a, &workloads);
        self.workloads = workloads;
        self
    }

    /// The anchor of `nodes[n]`'s section, when it has one.
    /// One section per node name: a node with two bundles (collected twice) has
    /// two `nodes` entries and one section, the first entry's.
    pub fn node_anchor(&self, n: usize) -> Option<String> {
        let name = self.a.nodes.get(n)?.name.as_ref()?;
        let first = self
            .a
            .nodes
            .iter()
            .position(|x| x.name.as_ref() == Some(name))?;
        (n == first && n < MAX_NODE_SECTIONS).then(|| format!("node-{}", n + 1))
    }

    /// The anchor of the node named `name`'s section, when it has one.
    pub fn node_anchor_by_name(&self, name: &str) -> Option<String> {
        let n = self
            .a
            .nodes
            .iter()
            .position(|x| x.name.as_deref() == Some(name))?;
        self.node_anchor(n)
    }

    /// The workload `w` has a section of its own.
    pub fn has_section(&self, w: usize) -> bool {
        w < MAX_WORKLOAD_SECTIONS
    }

    /// The incident of workload `w`.
    pub fn incident(&self, w: usize) -> Option<&'a Incident> {
        self.a.incidents.get(self.workloads.get(w)?.incident)
    }

    /// `events[i]`. The indexes the page holds are all into `events` (workloads drop
    /// the others), so `None` is only a fallback.
    pub fn event(&self, i: usize) -> Option<&'a OomEvent> {
        self.a.events.get(i)
    }

    /// `events[i]`'s instant.
    pub fn time(&self, i: usize) -> Option<Instant> {
        self.times.get(i).copied().flatten()
    }

    /// `events[i]` is detailed in its workload's section.
    pub fn is_detailed(&self, i: usize) -> bool {
        self.detailed.get(i).copied().unwrap_or(false)
    }

    /// The workload (index into `workloads`) of `events[i]`.
    pub fn workload_of(&self, i: usize) -> Option<usize> {
        self.event_workload.get(i).copied().flatten()
    }
}
