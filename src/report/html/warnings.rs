//! The warnings of the analysis (unreadable files, damaged archives, cut blocks): the
//! last section.

use super::t;
use crate::model::Analysis;
use maud::{Markup, html};

pub(super) fn section(a: &Analysis) -> Markup {
    html! {
        @if !a.warnings.is_empty() {
            section id="warnings" {
                "\n" h2 { "Warnings" } "\n"
                table {
                    tr { th { "file" } th { "message" } }
                    "\n"
                    @for w in &a.warnings {
                        tr { td.mono { (t(&w.file)) } td { (t(&w.message)) } }
                        "\n"
                    }
                }
                "\n"
            }
            "\n"
        }
    }
}
