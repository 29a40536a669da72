//! Workloads killed across the fleet: the same pod owner and container (or cgroup, or
//! the host OOMs) on every node, in the summary when the analysis covers several nodes.

use super::context::Ctx;
use super::parts::{id_link, node_name_link, plural};
use super::summary::MAX_TOP_ROWS;
use super::t;
use crate::report::plots;
use crate::report::view::FleetWorkload;
use maud::{Markup, html};
use std::collections::BTreeSet;

/// Nodes, and incidents, named in one row.
const MAX_NAMED: usize = 8;

pub(super) fn table(ctx: &Ctx) -> Markup {
    let names: BTreeSet<_> = ctx.a.nodes.iter().map(|n| &n.name).collect();
    let more = ctx.fleet.len().saturating_sub(MAX_TOP_ROWS);
    html! {
        @if names.len() >= 2 && !ctx.fleet.is_empty() {
            table id="fleet-workloads" {
                caption { "Workloads across nodes, most kills first" }
                tr {
                    th { "workload" } th.n { "kills" } th.n { "nodes" } th { "killed on" }
                    th { "incidents" }
                }
                "\n"
                @for f in ctx.fleet.iter().take(MAX_TOP_ROWS) { (row(ctx, f)) "\n" }
            }
            "\n"
            @if more > 0 {
                p.note {
                    (t(&format!(
                        "{} more across the nodes: see the JSON document.",
                        plural(more, "workload", "workloads")
                    )))
                }
            }
        }
    }
}

fn row(ctx: &Ctx, f: &FleetWorkload) -> Markup {
    html! {
        tr {
            td { (t(&plots::shorten(&f.label, 90))) }
            td.n { (f.kills) }
            td.n { (f.nodes.len()) }
            td {
                @for (k, n) in f.nodes.iter().take(MAX_NAMED).enumerate() {
                    @if k > 0 { ", " }
                    (node_name_link(ctx, n))
                }
                @if f.nodes.len() > MAX_NAMED { " and " (f.nodes.len() - MAX_NAMED) " more" }
            }
            td {
                // The incidents: linked when they have a section, else their id.
                @for (k, &w) in f.workloads.iter().take(MAX_NAMED).enumerate() {
                    @if k > 0 { ", " }
                    @if let Some(wl) = ctx.workloads.get(w) {
                        @if ctx.has_section(w) {
                            (id_link(&wl.anchor))
                        } @else {
                            (t(&wl.anchor))
                        }
                    }
                }
                @if f.workloads.len() > MAX_NAMED {
                    " and " (f.workloads.len() - MAX_NAMED) " more"
                }
            }
        }
    }
}
