//! Deaths that are not kernel OOM kills (panics, userspace killers, Kubernetes
//! reports), with the kernel kill each was matched to: a table of the summary.

use super::parts::{badge, id_link};
use super::t;
use crate::model::{Analysis, OtherDeath};
use maud::{Markup, html};

/// Rows of the other-deaths table.
const MAX_OTHER_DEATHS: usize = 200;

pub(super) fn table(a: &Analysis) -> Markup {
    html! {
        @if !a.other_deaths.is_empty() {
            table {
                caption { "Other deaths (not kernel OOM kills)" }
                tr {
                    th { "node" } th { "kind (reported by)" } th { "time" } th { "message" }
                    th { "same kill as" } th { "source" }
                }
                "\n"
                @for d in a.other_deaths.iter().take(MAX_OTHER_DEATHS) { (row(a, d)) "\n" }
            }
            "\n"
            @if a.other_deaths.len() > MAX_OTHER_DEATHS {
                p.note {
                    (t(&format!(
                        "The first {MAX_OTHER_DEATHS} of {} are shown; the JSON document has all.",
                        a.other_deaths.len()
                    )))
                }
            }
        }
    }
}

fn row(a: &Analysis, d: &OtherDeath) -> Markup {
    let sources: Vec<String> = d
        .sources
        .iter()
        .map(crate::report::view::source_ref)
        .collect();
    html! {
        tr {
            td.t { (t(d.node.as_deref().unwrap_or("(unknown)"))) }
            td { (t(&format!("{} ({})", d.kind, d.reporter))) }
            td.t { (t(d.time.as_deref().or(d.time_raw.as_deref()).unwrap_or(""))) }
            td.mono {
                (t(&d.message))
                @if let Some(named) = crate::report::view::death_pod(d) {
                    br; span.note { (t(&named)) }
                }
                @for diag in &d.diagnoses { (badge(diag)) }
            }
            td {
                @if let Some(e) = d.matched_event.and_then(|i| a.events.get(i)) {
                    (id_link(&e.id))
                }
            }
            td.mono { (t(&sources.join("\n"))) }
        }
    }
}
