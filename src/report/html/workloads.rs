//! One section per workload (incident), most kills first: its facts and diagnoses,
//! usage against the limit over time, what filled the memory at each kill, and its
//! kills (`events.rs`).

use super::context::{Ctx, MAX_WORKLOAD_SECTIONS};
use super::parts::{
    diagnoses, figure, kb, kb_limit, kv_table_class, num, time_text, victim_rss, victim_text,
};
use super::{events, t, wb};
use crate::model::OomEvent;
use crate::report::plots::{self, TimeAxis, UsagePoint};
use crate::report::view::{
    Fill, Instant, Kind, PAGE_BYTES, Workload, cgroup_fill, host_fill, kb_bytes, limit_bytes, named,
};
use maud::{Markup, html};

/// Bars in a fill chart (the most recent kills).
const MAX_BARS: usize = 30;

pub(super) fn section(ctx: &Ctx) -> Markup {
    let shown = ctx.workloads.len().min(MAX_WORKLOAD_SECTIONS);
    html! {
        @if !ctx.workloads.is_empty() {
            section id="workloads" {
                "\n" h2 { "Workloads" } "\n"
                @if shown < ctx.workloads.len() {
                    p.note {
                        (t(&format!(
                            "The {shown} workloads with the most kills have a section; {} more are in the JSON document.",
                            ctx.workloads.len() - shown
                        )))
                    }
                }
                @for w in 0..shown { (workload(ctx, w)) }
            }
            "\n"
        }
    }
}

fn workload(ctx: &Ctx, w: usize) -> Markup {
    let (Some(wl), Some(inc)) = (ctx.workloads.get(w), ctx.incident(w)) else {
        return Markup::default();
    };
    let detailed: Vec<usize> = wl
        .events
        .iter()
        .copied()
        .filter(|&i| ctx.is_detailed(i))
        .collect();
    html! {
        section.workload id=(t(&wl.anchor)) {
            "\n"
            h3 {
                (wb(&wl.label))
                @if let Some(q) = &wl.qos { span.badge { (t(q)) } }
            }
            "\n"
            @if let Some(e) = wl.events.last().and_then(|&i| ctx.event(i)) {
                (events::verdict(e))
                p {
                    "Last victim: " b { (t(&victim_text(e))) }
                    @if wl.events.len() > 1 { " (" (t(&e.id)) ", the last of " (wl.events.len()) " kills)" }
                }
                "\n"
            }
            (facts(ctx, w))
            (diagnoses(&inc.diagnoses))
            (usage_plot(ctx, wl))
            (fill_plot(ctx, wl))
            @for &i in &detailed { (events::event(ctx, i)) }
            @if detailed.len() < wl.events.len() {
                p.note {
                    (t(&format!(
                        "{} of {} kills detailed here; every kill is in the JSON document.",
                        detailed.len(),
                        wl.events.len()
                    )))
                }
            }
        }
        "\n"
    }
}

fn facts(ctx: &Ctx, w: usize) -> Markup {
    let (Some(wl), Some(inc)) = (ctx.workloads.get(w), ctx.incident(w)) else {
        return Markup::default();
    };
    let mut oom_cgroups: Vec<&str> = wl
        .events
        .iter()
        .filter_map(|&i| ctx.event(i)?.cgroup.oom.as_deref())
        .collect();
    oom_cgroups.sort_unstable();
    oom_cgroups.dedup();
    let more = oom_cgroups.len().saturating_sub(3);
    oom_cgroups.truncate(3);
    let mut cgroups = oom_cgroups.join("\n");
    if more > 0 {
        cgroups.push_str(&format!("\n… {more} more"));
    }
    let pod = inc.pod.as_ref();
    let container = inc.container.as_ref();
    kv_table_class(
        "kv wide",
        &format!("Incident {}", inc.id),
        &[
            ("limit that fired", inc.limit.map(|l| l.label().to_string())),
            ("scope", Some(inc.scope.to_string())),
            ("node", inc.node.clone()),
            (
                "pod",
                pod.and_then(|p| Some(named(p.name.as_ref()?, p.name_source))),
            ),
            ("namespace", pod.and_then(|p| p.namespace.clone())),
            ("pod UID", pod.map(|p| p.uid.clone())),
            ("QoS class", pod.and_then(|p| p.qos.clone())),
            (
                "container",
                container.and_then(|c| Some(named(c.name.as_ref()?, c.name_source))),
            ),
            ("container id", container.map(|c| c.id.clone())),
            ("cgroup", inc.cgroup.clone()),
            ("OOM cgroups", (!cgroups.is_empty()).then_some(cgroups)),
            (
                "kills",
                Some(format!(
                    "{} ({} host, {} cgroup)",
                    inc.count, wl.host, wl.cgroup
                )),
            ),
            ("restarts (Kubernetes)", num(inc.restarts)),
            ("first", inc.first_time.as_deref().map(str::to_string)),
            ("last", inc.last_time.as_deref().map(str::to_string)),
            ("max usage at a kill", kb(inc.max_usage_kb)),
            ("limit (last kill)", kb_limit(inc.limit_kb)),
        ],
    )
}

/// Usage (or the victim's resident size for host kills) at each kill against the limit,
/// when the workload has at least two kills with a time.
fn usage_plot(ctx: &Ctx, wl: &Workload) -> Markup {
    let points: Vec<UsagePoint> = wl
        .events
        .iter()
        .filter_map(|&i| {
            let e = ctx.event(i)?;
            let t = ctx.time(i)?;
            let cgroup = Kind::of(e) != Kind::Host;
            let usage = e.memory.usage_kb.filter(|_| cgroup).map(kb_bytes);
            let limit = limit_bytes(e.memory.limit_kb).filter(|_| cgroup);
            let victim_rss = (!cgroup).then(|| victim_rss(e)).flatten();
            (usage.is_some() || limit.is_some() || victim_rss.is_some()).then_some(UsagePoint {
                secs: t.secs,
                usage,
                limit,
                victim_rss,
            })
        })
        .collect();
    if points.len() < 2 {
        // One point is no trend: the bar chart shows that kill against its limit.
        return Markup::default();
    }
    let times: Vec<Instant> = wl.events.iter().filter_map(|&i| ctx.time(i)).collect();
    let Some(axis) = TimeAxis::new(&times) else {
        return Markup::default();
    };
    figure(
        plots::usage_over_time(
            &format!("Memory at each kill of {}", wl.label),
            &points,
            &axis,
        ),
        "Memory usage of the OOM cgroup at each cgroup kill (the limit as a line, holding until the next kill), and the victim's resident size at host kills.",
    )
}

/// A bar's row label: the event id and its time of day.
fn bar_label(e: &OomEvent) -> String {
    let t = time_text(e);
    let short = t.get(11..19).filter(|_| e.time.is_some()).unwrap_or(t);
    format!("{} {}", e.id, short)
}

/// What filled the memory at each kill, as stacked bars against the limit: the OOM
/// cgroup at cgroup kills, the node (from Mem-Info) at host OOMs.
fn fill_plot(ctx: &Ctx, wl: &Workload) -> Markup {
    let host = wl.scope == "host";
    let fills: Vec<(usize, Fill)> = wl
        .events
        .iter()
        .filter_map(|&i| {
            let e = ctx.event(i)?;
            let f = if Kind::of(e) == Kind::Host {
                host_fill(e)
            } else {
                cgroup_fill(e)
            };
            Some((i, f?))
        })
        .collect();
    if fills.is_empty() {
        return Markup::default();
    }
    let skipped = fills.len().saturating_sub(MAX_BARS);
    let rows: Vec<(String, Fill)> = fills
        .iter()
        .skip(skipped)
        .filter_map(|(i, f)| Some((bar_label(ctx.event(*i)?), f.clone())))
        .collect();
    let (title, mut caption, limit) = if host {
        (
            format!(
                "Node memory at each host OOM on {}",
                wl.node.as_deref().unwrap_or("(unknown node)")
            ),
            format!(
                "The node's memory at each host OOM, from the kernel's Mem-Info (pages of {} KiB assumed), against its RAM.",
                PAGE_BYTES / 1024
            ),
            "RAM",
        )
    } else {
        (
            format!("What filled the cgroup of {}", wl.label),
            "What filled the OOM cgroup at each kill, from the kernel's memcg stats and counters, against its limit (swap is drawn past the memory; it does not count against the memory limit).".to_string(),
            "limit",
        )
    };
    if skipped > 0 {
        caption.push_str(&format!(
            " The {} most recent of {} kills are shown.",
            rows.len(),
            fills.len()
        ));
    }
    figure(plots::fill_bars(&title, &rows, limit), &caption)
}
