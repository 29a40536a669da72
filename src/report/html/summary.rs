//! The summary: counts as cards, the span of the kills, the nodes table, the incidents
//! with the most kills, the workloads across nodes (`fleet.rs`), every diagnosis
//! found, and the deaths that are not kernel OOM kills (`deaths.rs`).

use super::context::Ctx;
use super::parts::{
    badge, id_link, kb, kb_limit, node_link, plural, victim_rss, victim_text, workload_link,
};
use super::{deaths, fleet, t, wb, when};
use crate::model::{Diagnosis, Limit};
use crate::report::view::{Kind, human_bytes, pod_label};
use maud::{Markup, html};
use std::collections::BTreeMap;

/// Rows of the top-workloads table (and of the fleet table).
pub(super) const MAX_TOP_ROWS: usize = 25;

pub(super) fn section(ctx: &Ctx) -> Markup {
    let a = ctx.a;
    html! {
        section id="summary" {
            "\n" h2 { "Summary" } "\n"
            (cards(ctx))
            @if a.events.is_empty() {
                p { (t(&crate::report::view::no_kills_line(a))) }
            }
            (top_workloads(ctx))
            (nodes_table(ctx))
            (fleet::table(ctx))
            (diagnoses_found(ctx))
            (deaths::table(a))
        }
        "\n"
    }
}

fn cards(ctx: &Ctx) -> Markup {
    let a = ctx.a;
    let count = |k: Kind| a.events.iter().filter(|e| Kind::of(e) == k).count();
    // A card's label after its number: singular for one ("1 node", "1 OOM kill").
    let label =
        |n: usize, one: &'static str, many: &'static str| (n, if n == 1 { one } else { many });
    let mut items = vec![
        label(a.events.len(), "OOM kill", "OOM kills"),
        (count(Kind::Host), "host (global) OOM"),
        (count(Kind::Cgroup), "cgroup (limit) OOM"),
    ];
    let other = count(Kind::Other);
    if other > 0 {
        items.push((other, "other / unknown kind"));
    }
    items.push(label(a.nodes.len(), "node", "nodes"));
    items.push(label(ctx.workloads.len(), "workload", "workloads"));
    if !a.other_deaths.is_empty() {
        items.push(label(a.other_deaths.len(), "other death", "other deaths"));
    }
    if !a.warnings.is_empty() {
        items.push(label(a.warnings.len(), "warning", "warnings"));
    }
    let untimed = ctx.times.iter().filter(|t| t.is_none()).count();
    html! {
        div.cards {
            @for (v, label) in items { div.card { b { (v) } (label) } }
        }
        "\n"
        @if let Some((first, last)) = span(ctx) {
            p {
                "From " b { (t(first)) } " to " b { (t(last)) }
                @if untimed > 0 {
                    " (" (plural(untimed, "kill", "kills"))
                    " without a date: only their uptime was logged)"
                }
                "."
            }
            "\n"
        }
    }
}

/// The earliest and latest kill times, as printed.
fn span<'a>(ctx: &Ctx<'a>) -> Option<(&'a str, &'a str)> {
    let timed = ctx
        .times
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((t.as_ref()?.secs, i)));
    let first = timed.clone().min_by(|x, y| x.0.total_cmp(&y.0))?.1;
    let last = timed.max_by(|x, y| x.0.total_cmp(&y.0))?.1;
    let t = |i: usize| ctx.event(i).and_then(|e| e.time.as_deref()).unwrap_or("");
    Some((t(first), t(last)))
}

fn nodes_table(ctx: &Ctx) -> Markup {
    let a = ctx.a;
    html! {
        @if !a.nodes.is_empty() {
            div.scroll { table {
                caption { "Nodes" }
                tr {
                    th { "node" } th { "kernel" } th { "cgroup" } th.n { "memory" }
                    th { "booted" } th { "collected" } th.n { "host kills" }
                    th.n { "cgroup kills" }
                }
                "\n"
                @for n in 0..a.nodes.len() { (node_row(ctx, n)) "\n" }
            } }
            "\n"
        }
    }
}

fn node_row(ctx: &Ctx, i: usize) -> Markup {
    let a = ctx.a;
    let Some(n) = a.nodes.get(i) else {
        return Markup::default();
    };
    let evs = || {
        a.events
            .iter()
            .filter(|e| e.node.as_deref() == n.name.as_deref())
    };
    let host = evs().filter(|e| Kind::of(e) == Kind::Host).count();
    let cg = evs().filter(|e| Kind::of(e) == Kind::Cgroup).count();
    let cgroup = match (&n.cgroup_version, &n.cgroup_driver) {
        (Some(v), Some(d)) => format!("{v}, {d}"),
        (Some(v), None) => v.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => String::new(),
    };
    html! {
        tr {
            td { (node_link(ctx, i)) }
            td.mono { (t(n.kernel.as_deref().unwrap_or(""))) }
            td { (t(&cgroup)) }
            td.n { (t(&kb(n.mem_total_kb).unwrap_or_default())) }
            td { (t(n.boot_time.as_deref().unwrap_or(""))) }
            td { (t(n.collected_at.as_deref().unwrap_or(""))) }
            td.n { (host) }
            td.n { (cg) }
        }
    }
}

fn top_workloads(ctx: &Ctx) -> Markup {
    let more = ctx.workloads.len().saturating_sub(MAX_TOP_ROWS);
    html! {
        @if !ctx.workloads.is_empty() {
            div.scroll { table.incidents {
                caption { "Incidents, most kills first" }
                tr {
                    th { "workload" } th { "limit that fired" } th { "last victim" }
                    th { "QoS" } th { "node" } th.n { "kills" }
                    th.n { "max usage" } th.n { "limit" } th { "first and last kill" }
                    th { "diagnoses" }
                }
                "\n"
                @for w in 0..ctx.workloads.len().min(MAX_TOP_ROWS) { (incident_row(ctx, w)) "\n" }
            } }
            "\n"
            @if more > 0 {
                p.note {
                    (t(&format!(
                        "{} more with fewer kills: see the JSON document.",
                        plural(more, "incident", "incidents")
                    )))
                }
            }
        }
    }
}

fn incident_row(ctx: &Ctx, w: usize) -> Markup {
    let (Some(wl), Some(inc)) = (ctx.workloads.get(w), ctx.incident(w)) else {
        return Markup::default();
    };
    // The codes of the incident and of its kills, once each.
    let mut codes: Vec<&Diagnosis> = inc.diagnoses.iter().collect();
    for e in wl.events.iter().filter_map(|&i| ctx.event(i)) {
        codes.extend(&e.diagnoses);
    }
    codes.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    codes.dedup_by(|a, b| a.code == b.code);
    let last = wl.events.last().and_then(|&i| ctx.event(i));
    let limit = inc.limit.map_or("", |l| l.label());
    // A host OOM: the victim's pod and resident size, and the node's RAM, in place of
    // a cgroup's usage and limit.
    let host = inc.scope.is_node_wide() && inc.limit != Some(Limit::NodeAllocatable);
    let victim = last.map(|e| {
        let mut s = victim_text(e);
        if let Some(p) = &e.pod {
            s.push_str(&format!(" · pod {}", pod_label(p)));
        }
        if host && let Some(r) = victim_rss(e) {
            s.push_str(&format!(" · resident {}", human_bytes(r)));
        }
        s
    });
    let ram = last.and_then(|e| e.verdict.as_ref()?.ram_kb);
    let (usage, cap) = if host {
        (
            String::new(),
            kb(ram).map(|r| format!("RAM {r}")).unwrap_or_default(),
        )
    } else {
        (
            kb(inc.max_usage_kb).unwrap_or_default(),
            kb_limit(inc.limit_kb).unwrap_or_default(),
        )
    };
    html! {
        tr.incident {
            td.id { (workload_link(ctx, w)) }
            td { (t(limit)) }
            td.id { (wb(victim.as_deref().unwrap_or(""))) }
            td { (t(wl.qos.as_deref().unwrap_or(""))) }
            td.id { (wb(wl.node.as_deref().unwrap_or(""))) }
            td.n { (wl.events.len()) }
            td.n.t { (t(&usage)) }
            td.n.t { (t(&cap)) }
            td.when {
                (when(inc.first_time.as_deref().unwrap_or("")))
                @if inc.last_time != inc.first_time {
                    br; (when(inc.last_time.as_deref().unwrap_or("")))
                }
            }
            td { @for d in codes { (badge(d)) } }
        }
    }
}

/// Each diagnosis code found, with its count and where.
fn diagnoses_found(ctx: &Ctx) -> Markup {
    let found = ctx
        .workloads
        .iter()
        .enumerate()
        .flat_map(|(w, wl)| {
            let ds = ctx.incident(w).map_or(&[][..], |i| &i.diagnoses);
            ds.iter().map(|d| (d, wl.anchor.as_str()))
        })
        .chain(
            ctx.a
                .events
                .iter()
                .flat_map(|e| e.diagnoses.iter().map(move |d| (d, e.id.as_str()))),
        );
    // code → (the first diagnosis with it, anchors where found)
    let mut by_code: BTreeMap<&str, (&Diagnosis, Vec<&str>)> = BTreeMap::new();
    for (d, anchor) in found {
        by_code
            .entry(d.code.as_str())
            .or_insert_with(|| (d, Vec::new()))
            .1
            .push(anchor);
    }
    html! {
        @if by_code.is_empty() {
            p.note { "No diagnoses: the evidence in the logs matched no known cause." }
        } @else {
            table {
                caption { "Diagnoses found" }
                tr {
                    th { "diagnosis" } th { "severity" } th.n { "count" } th { "first found" }
                    th { "where" }
                }
                "\n"
                @for (code, (d, anchors)) in &by_code {
                    tr {
                        td.mono { (t(code)) }
                        td { (t(d.severity.as_str())) }
                        td.n { (anchors.len()) }
                        td { (t(&d.summary)) }
                        td {
                            @for (n, a) in anchors.iter().take(10).enumerate() {
                                @if n > 0 { ", " }
                                (id_link(a))
                            }
                            @if anchors.len() > 10 { ", …" }
                        }
                    }
                    "\n"
                }
            }
            "\n"
        }
    }
}
