//! One section per node: its facts and its kills, linked to their details and to their
//! workloads' sections.

use super::context::{Ctx, MAX_NODE_SECTIONS};
use super::parts::{
    id_link, kb, kb_limit, kv_table, plural, time_text, victim_text, workload_link,
};
use super::t;
use crate::model::OomKind;
use crate::report::text::human_kb;
use maud::{Markup, html};
use std::collections::BTreeSet;

/// Kills listed in one node's section.
const MAX_NODE_KILLS: usize = 50;

pub(super) fn section(ctx: &Ctx) -> Markup {
    let a = ctx.a;
    let shown: Vec<(usize, String)> = (0..a.nodes.len())
        .filter_map(|n| Some((n, ctx.node_anchor(n)?)))
        .collect();
    html! {
        @if !shown.is_empty() {
            section id="nodes" {
                "\n" h2 { "Nodes" } "\n"
                @if a.nodes.len() > MAX_NODE_SECTIONS {
                    p.note {
                        (t(&format!(
                            "The first {MAX_NODE_SECTIONS} nodes by name have a section; {} more are in the nodes table and the JSON document.",
                            a.nodes.len() - MAX_NODE_SECTIONS
                        )))
                    }
                }
                @for (n, anchor) in &shown { (node(ctx, *n, anchor)) }
            }
            "\n"
        }
    }
}

fn node(ctx: &Ctx, n: usize, anchor: &str) -> Markup {
    let a = ctx.a;
    let Some(node) = a.nodes.get(n) else {
        return Markup::default();
    };
    let cgroup = [
        node.cgroup_version.as_deref(),
        node.cgroup_driver.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let sysctl = node
        .sysctl
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let kills: &[usize] = node
        .name
        .as_ref()
        .and_then(|n| ctx.node_events.get(n.as_str()))
        .map_or(&[], Vec::as_slice);
    // The inputs holding this node's kills, by their sources (`bundle` is not in the
    // JSON, and a merged document must render as the single run does).
    let inputs: BTreeSet<&str> = kills
        .iter()
        .filter_map(|&i| ctx.event(i))
        .flat_map(|e| &e.sources)
        .filter_map(|s| ctx.source_input.get(&*s.file).copied())
        .collect();
    let inputs: Vec<&str> = inputs.into_iter().collect();
    let deaths = a
        .other_deaths
        .iter()
        .filter(|d| d.node == node.name)
        .count();
    html! {
        section.node id=(t(anchor)) {
            "\n"
            h3 { (t(node.name.as_deref().unwrap_or("(unknown)"))) }
            (kv_table("Node", &[
                ("kernel", node.kernel.clone()),
                ("cgroup", (!cgroup.is_empty()).then_some(cgroup)),
                ("memory", kb(node.mem_total_kb)),
                ("memory capacity (Node object)", kb(node.mem_capacity_kb)),
                ("memory allocatable (Node object)", kb(node.mem_allocatable_kb)),
                ("MemoryPressure", node.memory_pressure.clone()),
                ("OS image", node.os_image.clone()),
                ("container runtime", node.container_runtime.clone()),
                ("kubelet", node.kubelet_version.clone()),
                ("pod memory limits", kb(node.pod_memory_limits_kb)),
                ("pod memory requests", kb(node.pod_memory_requests_kb)),
                ("booted", node.boot_time.clone()),
                ("collected", node.collected_at.clone()),
                ("OOM sysctls", (!sysctl.is_empty()).then_some(sysctl)),
                ("kills found in", (!inputs.is_empty()).then(|| inputs.join(", "))),
            ]))
            @if kills.is_empty() {
                p { "No kernel OOM kills on this node." }
            } @else {
                (kills_table(ctx, kills))
            }
            @if deaths > 0 {
                p {
                    (t(&format!(
                        "{} on this node (see the summary).",
                        plural(deaths, "other death", "other deaths")
                    )))
                }
            }
        }
        "\n"
    }
}

fn kills_table(ctx: &Ctx, kills: &[usize]) -> Markup {
    html! {
        table {
            caption { "Kills on this node" }
            tr {
                th { "kill" } th { "time" } th { "kind" } th { "victim" } th { "workload" }
                th.n { "usage / limit" }
            }
            "\n"
            @for &i in kills.iter().take(MAX_NODE_KILLS) { (kill_row(ctx, i)) "\n" }
        }
        "\n"
        @if kills.len() > MAX_NODE_KILLS {
            p.note {
                (t(&format!(
                    "{} of {} kills listed; every kill is in the JSON document.",
                    MAX_NODE_KILLS,
                    kills.len()
                )))
            }
        }
    }
}

fn kill_row(ctx: &Ctx, i: usize) -> Markup {
    let Some(e) = ctx.event(i) else {
        return Markup::default();
    };
    let usage = match (e.memory.usage_kb, e.memory.limit_kb) {
        (Some(u), Some(l)) => format!(
            "{} / {}",
            human_kb(u),
            kb_limit(Some(l)).unwrap_or_default()
        ),
        _ => String::new(),
    };
    html! {
        tr {
            td {
                @if ctx.is_detailed(i) { (id_link(&e.id)) } @else { (t(&e.id)) }
            }
            td.t { (t(time_text(e))) }
            td { (t(e.kind.as_ref().map_or("unknown", OomKind::as_str))) }
            td { (t(&victim_text(e))) }
            td { @if let Some(w) = ctx.workload_of(i) { (workload_link(ctx, w)) } }
            td.n.t { (t(&usage)) }
        }
    }
}
