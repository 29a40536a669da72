//! `oomsift show ID PATH...`: one kill in full as text — what happened, its verdict,
//! its explanation (GFP flags, request, zones, memory, victim), its diagnoses, its task
//! table in human units with the trigger and victim marked, its sources and its raw
//! block. Every text from the input is escaped for the terminal.

use crate::model::{Analysis, Explanation, OomEvent, Topic};
use crate::report::tasks::text_table;
use crate::util::{human_kb, terminal};
use std::io::Write;

/// Task-table rows printed (the largest resident first).
const MAX_TASK_ROWS: usize = 40;

/// The event `id` of `a`, or the one-line error naming how many events there are
/// and the first few ids.
pub fn find<'a>(a: &'a Analysis, id: &str) -> Result<&'a OomEvent, String> {
    if let Some(e) = a.events.iter().find(|e| e.id == id) {
        return Ok(e);
    }
    let n = a.events.len();
    if n == 0 {
        return Err(format!("no event {id}: the input has no kernel OOM kills"));
    }
    let first: Vec<&str> = a.events.iter().take(5).map(|e| e.id.as_str()).collect();
    let more = if n > first.len() { ", …" } else { "" };
    let noun = if n == 1 { "event" } else { "events" };
    Err(format!(
        "no event {id}: the input has {n} {noun} ({}{more})",
        first.join(", ")
    ))
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or_else(|| "?".to_string(), |v| v.to_string())
}

fn t(s: &str) -> std::borrow::Cow<'_, str> {
    terminal(s, false)
}

/// Writes the event in full. `explanation` is the event's (`analysis::explain`).
pub fn render(e: &OomEvent, explanation: &Explanation, out: &mut dyn Write) -> std::io::Result<()> {
    let when = e.time.as_ref().map_or_else(
        || {
            e.time_raw.as_deref().map_or_else(
                || "time unknown".to_string(),
                |r| format!("{} (as logged)", t(r)),
            )
        },
        |ts| format!("{ts} ({})", e.time_source.as_str()),
    );
    writeln!(
        out,
        "event {}  node {}  {when}",
        t(&e.id),
        t(e.node.as_deref().unwrap_or("?"))
    )?;
    writeln!(
        out,
        "kind {}  constraint {}  kernel {}",
        e.kind.as_ref().map_or("?", |k| k.as_str()),
        t(e.constraint.as_deref().unwrap_or("?")),
        t(e.kernel.as_deref().unwrap_or("?"))
    )?;
    let tr = &e.trigger;
    writeln!(
        out,
        "trigger {} ({})  gfp_mask {}  order {}  oom_score_adj {}",
        opt(tr.pid),
        t(tr.comm.as_deref().unwrap_or("?")),
        t(tr.gfp_mask.as_deref().unwrap_or("?")),
        opt(tr.order),
        opt(tr.oom_score_adj)
    )?;
    let v = &e.victim;
    let rss = [v.anon_rss_kb, v.file_rss_kb, v.shmem_rss_kb];
    let rss = if rss.iter().all(Option::is_none) {
        String::new()
    } else {
        format!(
            "  anon-rss {}  file-rss {}  shmem-rss {}",
            human_kb(v.anon_rss_kb.unwrap_or(0)),
            human_kb(v.file_rss_kb.unwrap_or(0)),
            human_kb(v.shmem_rss_kb.unwrap_or(0))
        )
    };
    writeln!(
        out,
        "victim {} ({}){rss}",
        opt(v.pid),
        t(v.comm.as_deref().unwrap_or("?"))
    )?;
    if let Some(c) = &e.cgroup.oom {
        writeln!(out, "oom cgroup {}", t(c))?;
    }
    if let Some(c) = e
        .cgroup
        .task
        .as_ref()
        .filter(|c| Some(*c) != e.cgroup.oom.as_ref())
    {
        writeln!(out, "task cgroup {}", t(c))?;
    }
    if let Some(p) = &e.pod {
        let name = match (&p.namespace, &p.name) {
            (Some(ns), Some(n)) => format!("{}/{}", t(ns), t(n)),
            _ => "(name unknown)".to_string(),
        };
        let container = e
            .container
            .as_ref()
            .and_then(|c| c.name.as_deref())
            .map(|c| format!("  container {}", t(c)))
            .unwrap_or_default();
        writeln!(out, "pod {name} uid {}{container}", t(&p.uid))?;
    }
    if let Some(vd) = &e.verdict {
        writeln!(out, "\nverdict ({}): {}", vd.limit.label(), t(&vd.summary))?;
    }
    if !explanation.sentences.is_empty() {
        writeln!(out, "\nexplanation:")?;
        let width = [
            Topic::Gfp,
            Topic::Request,
            Topic::Zone,
            Topic::Memory,
            Topic::Victim,
        ]
        .iter()
        .map(|k| k.label().len())
        .max()
        .unwrap_or(0);
        for s in &explanation.sentences {
            writeln!(out, "  {:<width$}  {}", s.topic.label(), t(&s.text))?;
        }
    }
    if !e.diagnoses.is_empty() {
        writeln!(out, "\ndiagnoses:")?;
        for d in &e.diagnoses {
            writeln!(
                out,
                "  {} [{}]: {}",
                d.code.as_str(),
                d.severity.as_str(),
                t(&d.summary)
            )?;
        }
    }
    let table = text_table(e, MAX_TASK_ROWS);
    if !table.is_empty() {
        writeln!(
            out,
            "\ntasks ({}, largest resident first; memory in binary units from 4 KiB pages):",
            e.body.tasks.len()
        )?;
        for l in table {
            writeln!(out, "  {l}")?;
        }
    }
    for w in &e.warnings {
        writeln!(out, "\nwarning: {}", t(w))?;
    }
    writeln!(out, "\nsources:")?;
    for s in &e.sources {
        writeln!(out, "  {}", t(&crate::report::view::source_ref(s)))?;
    }
    if e.raw.is_empty() {
        writeln!(
            out,
            "\nraw block: not kept (the document was written without --raw-blocks)"
        )?;
    } else {
        writeln!(out, "\nraw block ({} lines):", e.raw.len())?;
        for l in &e.raw {
            writeln!(out, "  {}", t(l))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_id_names_the_ids_there_are() {
        let mut a = Analysis::default();
        assert_eq!(
            find(&a, "e3").unwrap_err(),
            "no event e3: the input has no kernel OOM kills"
        );
        for i in 1..=7 {
            a.events.push(OomEvent {
                id: compact_str::format_compact!("e{i}"),
                ..OomEvent::default()
            });
        }
        assert_eq!(
            find(&a, "e9").unwrap_err(),
            "no event e9: the input has 7 events (e1, e2, e3, e4, e5, …)"
        );
        assert_eq!(find(&a, "e7").map(|e| e.id.as_str()), Ok("e7"));
    }
}
