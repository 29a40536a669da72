//! One kill in detail, collapsed: a one-line summary, the kill, victim, trigger and
//! memory counters, its cgroup, pod and container, diagnoses, memcg stats or Mem-Info,
//! the task table (`task_table.rs`), warnings, sources and the raw block.

use super::context::Ctx;
use super::parts::{
    badge, diagnoses, kb, kb_limit, kv_table, kv_table_class, num, time_text, victim_rss,
    victim_text,
};
use super::{t, task_table, wb};
use crate::model::{Analysis, CgroupSnapshot, OomEvent, OomKind};
use crate::report::text::human_kb;
use crate::report::view::{Kind, PAGE_BYTES, human_bytes, named, page_bytes};
use maud::{Markup, html};
use std::fmt::Write as _;

pub(super) fn event(ctx: &Ctx, i: usize) -> Markup {
    let Some(e) = ctx.event(i) else {
        return Markup::default();
    };
    html! {
        details.event id=(t(&e.id)) {
            (summary(e))
            "\n"
            (verdict(e))
            (explanation(e))
            div.grid { "\n" (tables(e)) }
            "\n"
            (cgroup_table(ctx.a, e))
            (diagnoses(&e.diagnoses))
            (memcg_stats(e))
            (meminfo(e))
            div.scroll { (task_table::tasks(e)) }
            @if !e.warnings.is_empty() {
                p.warn { "Warnings:" }
                ul { @for w in &e.warnings { li.warn { (t(w)) } } }
                "\n"
            }
            p { "Seen in:" }
            ul.sources {
                @for s in &e.sources { li.mono { (t(&crate::report::view::source_ref(s))) } }
            }
            "\n"
            @if !e.raw.is_empty() {
                details.raw {
                    summary {
                        "Raw block (" (e.raw.len()) " lines, from "
                        (t(e.sources.first().map_or("", |s| &*s.file))) ")"
                    }
                    pre { @for l in &e.raw { (t(l)) "\n" } }
                }
                "\n"
            }
        }
        "\n"
    }
}

/// The verdict of a kill: which limit fired and why, the first thing shown.
pub(super) fn verdict(e: &OomEvent) -> Markup {
    html! {
        @if let Some(v) = &e.verdict {
            p.verdict.{ "v-" (v.limit.as_str()) } {
                b { "Verdict: " (t(v.limit.label())) ". " } (t(&v.summary))
            }
            "\n"
        }
    }
}

/// The kill explained in prose (`analysis::explain`): GFP flags, the request, zone
/// watermarks and fragmentation, RAM and swap, the victim's share. Nothing when there
/// is nothing to say.
fn explanation(e: &OomEvent) -> Markup {
    let x = crate::analysis::explain::explain(e);
    html! {
        @if !x.sentences.is_empty() {
            table.kv.explain {
                caption { "How the kernel got here" }
                @for s in &x.sentences {
                    tr { th { (t(s.topic.label())) } td { (t(&s.text)) } }
                }
            }
            "\n"
        }
    }
}

/// The line of a collapsed kill: kind, id, time, victim, usage, diagnosis badges.
fn summary(e: &OomEvent) -> Markup {
    let kind = Kind::of(e);
    html! {
        summary {
            span.kind.{ "kind-" (kind.name()) } {
                @match &e.verdict {
                    Some(v) => (t(v.limit.label())),
                    None => (t(e.kind.as_ref().map_or("unknown", OomKind::as_str))),
                }
            }
            " " b { (t(&e.id)) } " "
            (t(time_text(e)))
            " · killed " b { (wb(&victim_text(e))) }
            @match (e.memory.usage_kb, e.memory.limit_kb) {
                (Some(u), Some(l)) => {
                    " · usage " (human_kb(u)) " / limit " (kb_limit(Some(l)).unwrap_or_default())
                },
                _ => {
                    @if let Some(r) = victim_rss(e) { " · victim resident " (human_bytes(r)) }
                },
            }
            @for d in &e.diagnoses { (badge(d)) }
            @if !e.complete { " " span.warn { "(incomplete)" } }
        }
    }
}

/// The other tasks a `memory.oom.group` kill took with the victim, in print order.
fn group_table(g: &crate::model::event::OomGroup) -> Markup {
    let members: Vec<(String, Option<String>)> = g
        .killed
        .iter()
        .map(|m| {
            let mut what = format!(
                "anon-rss {}",
                kb(m.anon_rss_kb).unwrap_or_else(|| "?".into())
            );
            if m.reaped.is_some() {
                what.push_str(", reaped");
            }
            (format!("{} ({})", m.pid, m.comm), Some(what))
        })
        .collect();
    let mut rows: Vec<(&str, Option<String>)> = vec![
        ("cgroup", Some(g.cgroup.clone())),
        (
            "tasks killed with the victim",
            Some(g.killed.len().to_string()),
        ),
    ];
    rows.extend(members.iter().map(|(k, v)| (k.as_str(), v.clone())));
    kv_table("Group kill (memory.oom.group)", &rows)
}

/// The kill, the victim, the trigger and the memory counters, side by side.
fn tables(e: &OomEvent) -> Markup {
    let v = &e.victim;
    let tr = &e.trigger;
    let m = &e.memory;
    let pair = |u: Option<u64>, l: Option<u64>| match (u, l) {
        (None, None) => None,
        (u, l) => Some(format!(
            "{} / limit {}",
            kb(u).unwrap_or_else(|| "?".into()),
            kb_limit(l).unwrap_or_else(|| "?".into())
        )),
    };
    html! {
        (kv_table("Kill", &[
            ("time", e.time.as_deref().map(str::to_string)),
            ("as printed", e.time_raw.as_deref().map(str::to_string)),
            ("node", e.node.as_deref().map(str::to_string)),
            ("kernel", e.kernel.clone()),
            ("kind", e.kind.as_ref().map(OomKind::to_string)),
            ("constraint", e.constraint.clone()),
            ("complete", Some(if e.complete { "yes" } else { "no: the block was cut" }.into())),
        ]))
        (kv_table("Victim (killed)", &[
            ("process", Some(victim_text(e))),
            ("uid", num(v.uid)),
            ("total-vm", kb(v.total_vm_kb)),
            ("anon-rss", kb(v.anon_rss_kb)),
            ("file-rss", kb(v.file_rss_kb)),
            ("shmem-rss", kb(v.shmem_rss_kb)),
            ("page tables", kb(v.pgtables_kb)),
            ("oom_score_adj", num(v.oom_score_adj)),
            ("score", num(v.score)),
            ("reaped", e.body.reaped.as_ref().map(|r| {
                format!(
                    "pid {}, now anon-rss {}",
                    r.pid,
                    kb(r.anon_rss_kb).unwrap_or_else(|| "?".into())
                )
            })),
        ]))
        @if let Some(g) = &e.body.oom_group {
            (group_table(g))
        }
        (kv_table("Trigger (invoked the OOM killer)", &[
            ("process", match (tr.pid, &tr.comm) {
                (Some(p), Some(c)) => Some(format!("{p} ({c})")),
                (None, Some(c)) => Some(c.to_string()),
                (Some(p), None) => Some(p.to_string()),
                (None, None) => None,
            }),
            ("gfp_mask", tr.gfp_mask.as_deref().map(str::to_string)),
            ("order", num(tr.order)),
            ("oom_score_adj", num(tr.oom_score_adj)),
            ("nodemask", tr.nodemask.clone()),
            ("cpuset", tr.cpuset.clone()),
            ("manual (sysrq)", tr.manual.then(|| "yes".into())),
        ]))
        (kv_table("Memory counters", &[
            ("memory", pair(m.usage_kb, m.limit_kb)),
            ("failcnt", num(m.failcnt)),
            ("memory+swap", pair(m.memsw_usage_kb, m.memsw_limit_kb)),
            ("swap", pair(m.swap_usage_kb, m.swap_limit_kb)),
            ("kmem", pair(m.kmem_usage_kb, m.kmem_limit_kb)),
        ]))
    }
}

/// The cgroups, pod and container of a kill, and the OOM cgroup's snapshot at
/// collection time when the bundle had one (full width: paths are long).
fn cgroup_table(a: &Analysis, e: &OomEvent) -> Markup {
    let pod = e.pod.as_ref();
    let container = e.container.as_ref();
    kv_table_class(
        "kv wide",
        "Cgroup, pod and container",
        &[
            ("OOM cgroup (limit hit)", e.cgroup.oom.clone()),
            ("victim's cgroup", e.cgroup.task.clone()),
            ("pod UID", pod.map(|p| p.uid.clone())),
            (
                "pod",
                pod.and_then(|p| Some(named(p.name.as_ref()?, p.name_source))),
            ),
            ("namespace", pod.and_then(|p| p.namespace.clone())),
            ("QoS class", pod.and_then(|p| p.qos.clone())),
            ("container", container.map(|c| c.id.clone())),
            (
                "container name",
                container.and_then(|c| Some(named(c.name.as_ref()?, c.name_source))),
            ),
            ("runtime", container.and_then(|c| c.runtime.clone())),
            (
                "OOM cgroup at collection time",
                e.cgroup_snapshot
                    .and_then(|i| a.cgroups.get(usize::try_from(i).ok()?))
                    .map(snapshot_text),
            ),
        ],
    )
}

/// `usage 300.0 MiB, peak 1.0 GiB, limit 1.0 GiB, oom_kill 2` (values when the bundle
/// was collected, not at the kill).
fn snapshot_text(c: &CgroupSnapshot) -> String {
    let b = |v: Option<u64>| v.map_or_else(|| "?".into(), human_bytes);
    let mut s = format!(
        "usage {}, peak {}, limit {}",
        b(c.usage_bytes),
        b(c.peak_bytes),
        c.limit_bytes.map_or_else(|| "none".into(), human_bytes)
    );
    if let Some(n) = c.events.get("oom_kill") {
        let _ = write!(s, ", oom_kill {n}");
    }
    s.push_str(" (not at the kill)");
    s
}

fn memcg_stats(e: &OomEvent) -> Markup {
    html! {
        @for (path, stats) in &e.body.memcg_stats {
            p.cap { "Memory cgroup stats for " code { (t(path)) } }
            dl.stats { @for (k, v) in stats { (stat_item(k, &human_bytes(*v))) } }
            "\n"
        }
    }
}

fn stat_item(k: &str, v: &str) -> Markup {
    html! { div { dt { (t(k)) } dd { (t(v)) } } }
}

/// A host OOM's Mem-Info: page counts with their size (`_kb` keys are kB).
fn meminfo(e: &OomEvent) -> Markup {
    let text = |k: &str, v: u64| {
        if k.ends_with("_kb") {
            human_kb(v)
        } else {
            format!("{} ({v} pages)", human_bytes(page_bytes(v)))
        }
    };
    html! {
        @if let Some(mi) = &e.body.meminfo {
            p.cap { "Mem-Info (pages of " (PAGE_BYTES / 1024) " KiB assumed)" }
            dl.stats { @for (k, v) in mi { (stat_item(k, &text(k, *v))) } }
            "\n"
        }
    }
}
