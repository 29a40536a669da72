//! The terminal summary: per node, the count of host and cgroup kills, then one line
//! per kill (time, event id, the limit that fired, victim, pod or cgroup, usage against
//! limit) with its verdict first beneath it, its explanation with `--explain`
//! (`analysis::explain`, as `oomsift show` prints it), then its diagnoses; last, the
//! `oomsift show ID PATH…` command that prints one kill in full (before the warnings).

use super::Render;
use super::style::{Line, Style, Term};
use crate::model::Analysis;
use crate::model::{Container, OomEvent, OomKind, Pod, Scope, TimeSource, Timestamp};
use std::io::{self, Write};

/// The text summary, written as `term` says (colour codes, wrapping width); the
/// default is the plain, unwrapped text of a pipe, without explanations or hint.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub term: Term,
    /// Each kill's explanation beneath its verdict (`analyze --explain`).
    pub explain: bool,
    /// What follows `oomsift show ID` in the closing hint: the inputs and the options
    /// that decide the event ids, shell-quoted (`None`: no hint — a merged document,
    /// standard input or a shard, which `show` cannot analyze again as they were).
    pub show_args: Option<String>,
}

pub use crate::util::human_kb;

/// A limit of 2^53-ish kB or more is the kernel's "unlimited".
fn limit_text(kb: u64) -> String {
    if kb >= (1 << 50) {
        "unlimited".into()
    } else {
        human_kb(kb)
    }
}

/// A time as shown, with where it came from when that is worth a word
/// (`2024-03-05T10:18:20 (year from file time)`, the note dimmed); the time as
/// printed, or `(no time)`, when none is known.
fn time_text(time: Option<&Timestamp>, source: TimeSource, raw: Option<&str>) -> Line {
    let mut l = Line::new();
    match (time, source.note()) {
        (Some(t), Some(n)) => l
            .plain(t.to_string())
            .plain(" ")
            .push(Style::Note, format!("({n})")),
        (Some(t), None) => l.plain(t.to_string()),
        (None, _) => l.plain(raw.unwrap_or("(no time)")),
    };
    l
}

fn line(e: &OomEvent) -> Line {
    let (kind, style) = match &e.verdict {
        Some(v) => (v.limit.label(), Style::of_limit(v.limit)),
        None => (
            e.kind.as_ref().map_or("unknown", OomKind::as_str),
            Style::Other,
        ),
    };
    let victim = match (e.victim.pid, &e.victim.comm) {
        (Some(p), Some(c)) => format!("{p} ({c})"),
        (None, Some(c)) => format!("? ({c})"),
        (Some(p), None) => p.to_string(),
        (None, None) => "victim unknown".into(),
    };
    let whom = workload(e.pod.as_deref(), e.container.as_deref()).unwrap_or_else(|| {
        e.cgroup
            .task
            .as_ref()
            .or(e.cgroup.oom.as_ref())
            .map(|c| format!("cgroup {c}"))
            .unwrap_or_default()
    });
    let mem = match (e.memory.usage_kb, e.memory.limit_kb) {
        (Some(u), Some(l)) => format!("usage {} / limit {}", human_kb(u), limit_text(l)),
        (Some(u), None) => format!("usage {}", human_kb(u)),
        _ => match e.victim.anon_rss_kb {
            Some(a) => format!("victim anon-rss {}", human_kb(a)),
            None => String::new(),
        },
    };
    let mut l = Line::new();
    l.plain("  ")
        .append(time_text(
            e.time.as_ref(),
            e.time_source,
            e.time_raw.as_deref(),
        ))
        .plain("  ")
        .push(Style::Id, e.id.to_string())
        .plain("  ")
        .push(style, kind)
        .plain(format!("  {victim}"));
    for part in [whom, mem] {
        if !part.is_empty() {
            l.plain(format!("  {part}"));
        }
    }
    if !e.complete {
        l.plain("  ").push(Style::Warning, "(incomplete)");
    }
    l
}

/// `      code: summary`, the code coloured.
fn finding(code: &dyn std::fmt::Display, summary: &str) -> Line {
    let mut l = Line::new();
    l.plain("      ")
        .push(Style::Code, code.to_string())
        .plain(format!(": {summary}"));
    l
}

/// `pod shop/checkout-7c9f [burstable] container app (4f3a9c1e7b2d)`.
pub fn workload(pod: Option<&Pod>, container: Option<&Container>) -> Option<String> {
    let p = pod?;
    let mut s = match (&p.namespace, &p.name) {
        (Some(ns), Some(n)) => format!("pod {ns}/{n}"),
        _ => format!("pod {}", p.uid),
    };
    if let Some(q) = &p.qos {
        s.push_str(&format!(" [{q}]"));
    }
    if let Some(c) = container {
        let short = &c.id[..c.id.len().min(12)];
        match &c.name {
            Some(n) => s.push_str(&format!(" container {n} ({short})")),
            None => s.push_str(&format!(" container {short}")),
        }
    }
    Some(s)
}

impl Render for Text {
    /// The summary for a terminal: each piece escaped (control and bidi characters
    /// from names and paths shown visibly, `crate::util::terminal`), then wrapped and
    /// coloured as `self.term` says.
    fn render(&self, a: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        let mut text = String::new();
        for l in summary(a, self) {
            self.term.write_line(&l, &mut text);
        }
        out.write_all(text.as_bytes())
    }
}

fn plain(s: String) -> Line {
    let mut l = Line::new();
    l.plain(s);
    l
}

/// `      explanation:` and one line per sentence beneath it, labels aligned as
/// `oomsift show` aligns them.
fn explanation(e: &OomEvent) -> Vec<Line> {
    let x = crate::analysis::explain::explain(e);
    if x.sentences.is_empty() {
        return Vec::new();
    }
    let width = x
        .sentences
        .iter()
        .map(|s| s.topic.label().len())
        .max()
        .unwrap_or(0);
    let mut out = Vec::with_capacity(x.sentences.len() + 1);
    let mut head = Line::new();
    head.plain("      ").push(Style::Heading, "explanation:");
    out.push(head);
    for s in &x.sentences {
        let mut l = Line::new();
        l.plain("        ")
            .push(Style::Note, format!("{:<width$}", s.topic.label()))
            .plain(format!("  {}", s.text));
        out.push(l);
    }
    out
}

/// The line before the warnings: the command printing one kill in full, for the
/// first kill shown.
fn show_hint(a: &Analysis, opts: &Text) -> Option<Line> {
    let args = opts.show_args.as_deref()?;
    let first = a.events.first()?;
    let what = if opts.explain {
        "its task table, sources and raw block"
    } else {
        "its explanation, task table and raw block; --explain explains each kill here"
    };
    let mut l = Line::new();
    l.push(Style::Note, "one kill in full: ")
        .push(Style::Heading, format!("oomsift show {} {args}", first.id))
        .push(Style::Note, format!(" ({what})"));
    Some(l)
}

fn summary(a: &Analysis, opts: &Text) -> Vec<Line> {
    let mut out = Vec::new();
    if a.events.is_empty() {
        out.push(plain(crate::report::view::no_kills_line(a)));
    }
    let mut nodes: Vec<Option<&str>> = a.events.iter().map(|e| e.node.as_deref()).collect();
    nodes.dedup();
    if nodes.len() > 1 {
        // A fleet: the totals first.
        let count = |k: OomKind| {
            a.events
                .iter()
                .filter(|e| e.kind.as_ref() == Some(&k))
                .count()
        };
        let mut l = Line::new();
        l.push(
            Style::Heading,
            format!(
                "{} OOM kill(s) on {} nodes ({} host, {} cgroup) in {} input(s)",
                a.events.len(),
                nodes.len(),
                count(OomKind::Host),
                count(OomKind::Cgroup),
                a.inputs.len(),
            ),
        );
        if !a.warnings.is_empty() {
            l.push(
                Style::Warning,
                format!("; {} warning(s) at the end", a.warnings.len()),
            );
        }
        out.push(l);
    }
    for node in nodes {
        let evs: Vec<&OomEvent> = a
            .events
            .iter()
            .filter(|e| e.node.as_deref() == node)
            .collect();
        let host = evs.iter().filter(|e| e.kind == Some(OomKind::Host)).count();
        let cgroup = evs
            .iter()
            .filter(|e| e.kind == Some(OomKind::Cgroup))
            .count();
        let other = evs.len() - host - cgroup;
        let mut head = format!(
            "node {}: {} OOM kill(s): {host} host, {cgroup} cgroup",
            node.unwrap_or("(unknown)"),
            evs.len()
        );
        if other > 0 {
            head.push_str(&format!(", {other} other/unknown"));
        }
        let mut l = Line::new();
        l.push(Style::Heading, head);
        out.push(l);
        for e in evs {
            out.push(line(e));
            if let Some(v) = &e.verdict {
                let mut l = Line::new();
                l.plain("      ")
                    .push(Style::Heading, "verdict:")
                    .plain(format!(" {}", v.summary));
                out.push(l);
            }
            if opts.explain {
                out.extend(explanation(e));
            }
            if let Some(g) = &e.body.oom_group {
                let tasks: Vec<String> = g
                    .killed
                    .iter()
                    .map(|m| format!("{} ({})", m.pid, m.comm))
                    .collect();
                out.push(finding(
                    &"oom_group",
                    &format!(
                        "{} more task(s) of {} killed with the victim: {}",
                        g.killed.len(),
                        g.cgroup,
                        tasks.join(", ")
                    ),
                ));
            }
            for d in &e.diagnoses {
                out.push(finding(&d.code, &d.summary));
            }
        }
    }
    let notable: Vec<_> = a
        .incidents
        .iter()
        .filter(|i| !i.diagnoses.is_empty())
        .collect();
    if !notable.is_empty() {
        let mut l = Line::new();
        l.push(Style::Heading, "incidents:");
        out.push(l);
        for i in notable {
            let what = workload(i.pod.as_ref(), i.container.as_ref())
                .or_else(|| i.cgroup.as_ref().map(|c| format!("cgroup {c}")))
                .unwrap_or_else(|| {
                    let node = i.node.as_deref().unwrap_or("(unknown)");
                    match i.scope {
                        Scope::Host => format!("host OOMs on {node}"),
                        other => format!("{} OOMs on {node}", other.as_str().replace('_', " ")),
                    }
                });
            let mut l = Line::new();
            l.plain("  ")
                .push(Style::Id, i.id.to_string())
                .plain(format!(" {what}: {} kill(s)", i.count));
            if let Some(lim) = i.limit {
                l.plain(" (limit: ")
                    .push(Style::of_limit(lim), lim.label())
                    .plain(")");
            }
            out.push(l);
            for d in &i.diagnoses {
                out.push(finding(&d.code, &d.summary));
            }
        }
    }
    if !a.other_deaths.is_empty() {
        let mut l = Line::new();
        l.push(Style::Heading, "other deaths and Kubernetes reports:");
        out.push(l);
    }
    for d in &a.other_deaths {
        let mut l = Line::new();
        l.plain("  ")
            .append(time_text(
                d.time.as_ref(),
                d.time_source,
                d.time_raw.as_deref(),
            ))
            .plain("  ")
            .push(Style::Code, d.kind.to_string())
            .plain(format!(
                " ({}) on {}",
                d.reporter,
                d.node.as_deref().unwrap_or("(unknown)")
            ));
        if let Some(e) = d.matched_event.and_then(|i| a.events.get(i)) {
            l.plain(" [kernel kill ")
                .push(Style::Id, e.id.to_string())
                .plain("]");
        }
        l.plain(format!(": {}", d.message));
        if let Some(named) = crate::report::view::death_pod(d) {
            l.plain(format!(" — {named}"));
        }
        out.push(l);
        for g in &d.diagnoses {
            out.push(finding(&g.code, &g.summary));
        }
    }
    // Before the warnings, which a fleet's heading promises at the end.
    out.extend(show_hint(a, opts));
    if !a.warnings.is_empty() {
        let mut l = Line::new();
        l.push(Style::Warning, format!("{} warning(s):", a.warnings.len()));
        out.push(l);
        for w in &a.warnings {
            out.push(plain(format!("  {}: {}", w.file, w.message)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human_kb(980), "980 KiB");
        assert_eq!(human_kb(524_288), "512.0 MiB");
        assert_eq!(limit_text(9_007_199_254_740_988), "unlimited");
    }
}
