//! A kill's task table, largest resident first (capped); header clicks re-sort it
//! when scripts run.

use super::t;
use crate::model::{OomEvent, TaskRow};
use crate::report::view::{PAGE_BYTES, human_bytes, page_bytes, task_rss_pages};
use maud::{Markup, html};

/// Task-table rows shown per kill (the largest resident first).
const MAX_TASK_ROWS: usize = 100;

pub(super) fn tasks(e: &OomEvent) -> Markup {
    if e.tasks.is_empty() {
        return Markup::default();
    }
    let mut columns: Vec<&str> = Vec::new();
    for r in &e.tasks {
        for (c, _) in &r.columns {
            if !columns.contains(&c.as_str()) {
                columns.push(c);
            }
        }
    }
    let mut rows: Vec<&TaskRow> = e.tasks.iter().collect();
    rows.sort_by(|a, b| {
        task_rss_pages(b)
            .cmp(&task_rss_pages(a))
            .then(a.pid.cmp(&b.pid))
    });
    let caption = format!(
        "Tasks ({}, largest resident first; memory columns in pages of {} KiB unless named _bytes)",
        e.tasks.len(),
        PAGE_BYTES / 1024
    );
    html! {
        table.sortable.tasks {
            caption { (t(&caption)) }
            thead {
                tr {
                    th.n { "pid" }
                    @for c in &columns { th.n { (t(c)) } }
                    th.n { "resident" }
                    th { "name" }
                }
            }
            tbody {
                "\n"
                @for r in rows.iter().take(MAX_TASK_ROWS) { (row(e, r, &columns)) "\n" }
            }
        }
        "\n"
        @if e.tasks.len() > MAX_TASK_ROWS {
            p.note {
                (t(&format!(
                    "The {MAX_TASK_ROWS} largest of {} tasks are shown; the JSON document has all.",
                    e.tasks.len()
                )))
            }
        }
    }
}

fn row(e: &OomEvent, r: &TaskRow, columns: &[&str]) -> Markup {
    let victim = e.victim.pid == Some(r.pid);
    let rss = task_rss_pages(r).max(0) as u64;
    html! {
        tr class=[victim.then_some("victim")] {
            td.n { (r.pid) }
            @for c in columns {
                td.n { @if let Some(v) = r.get(c) { (v) } }
            }
            // The resident size sorts by its page count.
            td.n data-v=(rss) { (human_bytes(page_bytes(rss))) }
            td.mono { (t(&r.name)) }
        }
    }
}
