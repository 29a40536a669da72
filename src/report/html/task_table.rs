//! A kill's task table, largest resident first (capped), in human units with the
//! trigger and the victim marked (`report::tasks`); header clicks re-sort it when
//! scripts run (by the values as printed).

use super::t;
use crate::model::OomEvent;
use crate::report::tasks::{Row, Unit, heading, rows, unit};
use crate::report::view::{human_bytes, page_bytes};
use maud::{Markup, html};

/// Task-table rows shown per kill (the largest resident first).
const MAX_TASK_ROWS: usize = 100;

pub(super) fn tasks(e: &OomEvent) -> Markup {
    if e.body.tasks.is_empty() {
        return Markup::default();
    }
    let (columns, rows) = rows(e);
    let caption = format!(
        "Tasks ({}, largest resident first; memory in KiB/MiB/GiB from pages of 4 KiB, the JSON keeps the kernel's pages)",
        e.body.tasks.len()
    );
    html! {
        table.sortable.tasks {
            caption { (t(&caption)) }
            thead {
                tr {
                    th.n { "pid" }
                    @for c in &columns { th.n { (t(heading(c))) } }
                    th.n { "resident" }
                    th { "name" }
                }
            }
            tbody {
                "\n"
                @for r in rows.iter().take(MAX_TASK_ROWS) { (row(r)) "\n" }
            }
        }
        "\n"
        @if e.body.tasks.len() > MAX_TASK_ROWS {
            p.note {
                (t(&format!(
                    "The {MAX_TASK_ROWS} largest of {} tasks are shown; the JSON document has all.",
                    e.body.tasks.len()
                )))
            }
        }
    }
}

fn row(r: &Row) -> Markup {
    let mark = r.mark.text();
    let class = match (r.mark.trigger, r.mark.victim) {
        (_, true) => Some("victim"),
        (true, false) => Some("trigger"),
        _ => None,
    };
    html! {
        tr class=[class] {
            td.n { (r.task.pid) }
            // Memory cells show human units and sort by the value as printed.
            @for (c, text, v) in &r.cells {
                @if unit(c) == Unit::Plain {
                    td.n { (text) }
                } @else {
                    td.n data-v=[*v] { (text) }
                }
            }
            // The resident size sorts by its page count.
            td.n data-v=(r.rss_pages) { (human_bytes(page_bytes(r.rss_pages))) }
            td.mono {
                (t(&r.task.name))
                @if !mark.is_empty() { " " span.mark { "(" (mark) ")" } }
            }
        }
    }
}
