//! The timeline: every kill (and other death) on one time axis, one row per node, and
//! the workloads killed more than once, one row each.

use super::context::Ctx;
use super::parts::{figure, plural, time_text, victim_text};
use super::t;
use crate::report::plots::{self, Mark, TimeAxis};
use crate::report::view::{Instant, Kind, Workload, instant};
use maud::{Markup, html};
use std::collections::BTreeMap;

/// Rows of the timeline (nodes) and of the repeated-kills chart (workloads).
const MAX_TIMELINE_ROWS: usize = 40;
const MAX_LANES: usize = 15;

pub(super) fn section(ctx: &Ctx) -> Markup {
    let mut timed: Vec<Instant> = ctx.times.iter().flatten().copied().collect();
    timed.extend(
        ctx.a
            .other_deaths
            .iter()
            .filter_map(|d| instant(d.time.as_deref())),
    );
    let untimed = ctx.times.iter().filter(|t| t.is_none()).count();
    html! {
        section id="timeline" {
            "\n" h2 { "Timeline" } "\n"
            @if let Some(axis) = TimeAxis::new(&timed) {
                (node_timeline(ctx, &axis))
                (repeated_kills(ctx, &axis))
                @if untimed > 0 {
                    p.note {
                        (t(&format!("{} without a date not shown.", plural(untimed, "kill", "kills"))))
                    }
                }
            } @else {
                p.note {
                    "No kill has a date (only uptimes were logged, and the boot time is unknown): nothing to place on a time axis."
                }
            }
        }
        "\n"
    }
}

/// Every kill on the time axis, one row per node (nodes past the cap share a row).
fn node_timeline(ctx: &Ctx, axis: &TimeAxis) -> Markup {
    let mut rows: Vec<String> = Vec::new();
    let mut row_of: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    let nodes = ctx.a.events.iter().map(|e| e.node.as_deref()).chain(
        ctx.a
            .other_deaths
            .iter()
            .filter(|d| d.time.is_some())
            .map(|d| d.node.as_deref()),
    );
    for node in nodes {
        if row_of.contains_key(&node) {
            continue;
        }
        if rows.len() < MAX_TIMELINE_ROWS {
            row_of.insert(node, rows.len());
            let kills = ctx
                .a
                .events
                .iter()
                .filter(|e| e.node.as_deref() == node)
                .count();
            let name = node.unwrap_or("(unknown node)");
            rows.push(if kills == 0 {
                format!("{name} (no kills)")
            } else {
                format!("{name} ×{kills}")
            });
        } else {
            if rows.len() == MAX_TIMELINE_ROWS {
                rows.push("(more nodes)".into());
            }
            row_of.insert(node, MAX_TIMELINE_ROWS);
        }
    }
    let marks: Vec<Mark> = ctx
        .a
        .events
        .iter()
        .zip(&ctx.times)
        .enumerate()
        .filter_map(|(i, (e, t))| {
            // Every event's node has a row.
            kill_mark(ctx, i, t.as_ref()?.secs, *row_of.get(&e.node.as_deref())?)
        })
        .collect();
    // Other deaths first, so the kills are drawn over them.
    let marks: Vec<Mark> = ctx
        .a
        .other_deaths
        .iter()
        .filter_map(|d| {
            Some(Mark {
                secs: instant(d.time.as_deref())?.secs,
                // Every death with a time has a row.
                row: *row_of.get(&d.node.as_deref())?,
                kind: Kind::Death,
                tip: format!(
                    "{} ({}) {}: {}",
                    d.kind,
                    d.reporter,
                    d.time.as_deref().unwrap_or(""),
                    plots::shorten_end(&d.message, 240)
                ),
                href: None,
            })
        })
        .chain(marks)
        .collect();
    figure(
        plots::timeline("OOM kills by node over time", &rows, &marks, axis),
        "Every kill on one time axis, one row per node: triangles are host (global) OOM kills, circles cgroup (limit) kills, purple squares the other deaths (evictions, oomd and unit kills, panics) and Kubernetes' reports. Marks close together are stacked; hover a kill for its id, time and victim, click it to open its details.",
    )
}

/// The mark of kill `i`: its tooltip (event id, time, the limit that fired, victim)
/// and a link to its details when the page has them.
fn kill_mark(ctx: &Ctx, i: usize, secs: f64, row: usize) -> Option<Mark> {
    let e = ctx.event(i)?;
    let limit = e
        .verdict
        .as_ref()
        .map(|v| format!(" — {}", v.limit.label()));
    Some(Mark {
        secs,
        row,
        kind: Kind::of(e),
        tip: format!(
            "{} {}{} — victim {}",
            e.id,
            time_text(e),
            limit.unwrap_or_default(),
            victim_text(e)
        ),
        href: ctx.is_detailed(i).then(|| e.id.to_string()),
    })
}

/// Workloads killed more than once, one row each: repeated kills at a glance.
fn repeated_kills(ctx: &Ctx, axis: &TimeAxis) -> Markup {
    let repeated: Vec<&Workload> = ctx
        .workloads
        .iter()
        .filter(|wl| wl.events.len() > 1)
        .take(MAX_LANES)
        .collect();
    if repeated.is_empty() {
        return html! { p.note { "No workload was killed more than once." } };
    }
    let rows: Vec<String> = repeated
        .iter()
        .map(|wl| format!("{} ×{}", plots::shorten(&wl.label, 36), wl.events.len()))
        .collect();
    let mut marks = Vec::new();
    for (row, wl) in repeated.iter().enumerate() {
        for &i in &wl.events {
            if let Some(m) = ctx.time(i).and_then(|t| kill_mark(ctx, i, t.secs, row)) {
                marks.push(m);
            }
        }
    }
    let more = ctx
        .workloads
        .iter()
        .filter(|w| w.events.len() > 1)
        .count()
        .saturating_sub(MAX_LANES);
    let mut caption =
        "Workloads killed more than once, most kills first, one row each.".to_string();
    if more > 0 {
        caption.push_str(&format!(
            " {} more not shown.",
            plural(more, "workload", "workloads")
        ));
    }
    figure(
        plots::timeline("Repeated kills by workload", &rows, &marks, axis),
        &caption,
    )
}
