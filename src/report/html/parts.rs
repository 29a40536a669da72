//! Pieces several sections share: label/value tables, figures, diagnosis badges and
//! lists, links to other sections, and how numbers and names are worded.

use super::context::Ctx;
use super::{t, wb};
use crate::model::{Diagnosis, OomEvent};
use crate::report::plots;
use crate::report::text::human_kb;
use crate::report::view::{kb_bytes, limit_bytes, sum_bytes};
use maud::{Markup, PreEscaped, html};
use serde_json::Value;

// ------------------------------------------------------------------ wording

pub(super) fn kb(v: Option<u64>) -> Option<String> {
    v.map(human_kb)
}

/// A kB limit: the kernel's "unlimited" spelled out.
pub(super) fn kb_limit(v: Option<u64>) -> Option<String> {
    v.map(|k| match limit_bytes(Some(k)) {
        Some(_) => human_kb(k),
        None => "unlimited".into(),
    })
}

pub(super) fn num<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// The time as printed in the JSON, else as printed in the log.
pub(super) fn time_text(e: &OomEvent) -> &str {
    e.time
        .as_deref()
        .or(e.time_raw.as_deref())
        .unwrap_or("(no time)")
}

pub(super) fn victim_text(e: &OomEvent) -> String {
    match (e.victim.pid, &e.victim.comm) {
        (Some(p), Some(c)) => format!("{p} ({c})"),
        (None, Some(c)) => format!("? ({c})"),
        (Some(p), None) => p.to_string(),
        (None, None) => "victim unknown".into(),
    }
}

/// The victim's resident size in bytes (anon + file + shmem rss), when printed.
pub(super) fn victim_rss(e: &OomEvent) -> Option<u64> {
    let v = &e.victim;
    let parts = [v.anon_rss_kb, v.file_rss_kb, v.shmem_rss_kb];
    parts
        .iter()
        .any(Option::is_some)
        .then(|| kb_bytes(sum_bytes(parts.iter().flatten().copied())))
}

pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A severity usable in a class name: lowercase letters only.
pub(super) fn severity_class(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

// ------------------------------------------------------------------ blocks

/// A table of label/value rows; rows without a value are left out.
pub(super) fn kv_table(caption: &str, rows: &[(&str, Option<String>)]) -> Markup {
    kv_table_class("kv", caption, rows)
}

/// [`kv_table`] with its classes (`kv wide` spans the page, for long paths).
pub(super) fn kv_table_class(
    class: &str,
    caption: &str,
    rows: &[(&str, Option<String>)],
) -> Markup {
    html! {
        @if rows.iter().any(|(_, v)| v.is_some()) {
            table class=(class) {
                caption { (t(caption)) }
                @for (k, v) in rows {
                    @if let Some(v) = v {
                        tr { th { (t(k)) } td { (wb(v)) } }
                    }
                }
            }
            "\n"
        }
    }
}

/// A plot (SVG from plotters, which escapes its own text) with its caption.
pub(super) fn figure(svg: Result<String, String>, caption: &str) -> Markup {
    html! {
        figure {
            @match svg {
                Ok(svg) => (PreEscaped(svg)),
                Err(e) => p.note { (t(&format!("The plot could not be drawn: {e}"))) },
            }
            figcaption { (t(caption)) }
        }
        "\n"
    }
}

/// A diagnosis code as a badge coloured by its severity.
pub(super) fn badge(d: &Diagnosis) -> Markup {
    html! {
        span.badge.{ "sev-" (severity_class(d.severity.as_str())) } title=(t(&d.summary)) {
            (wb(d.code.as_str()))
        }
    }
}

/// Diagnoses with their summary, the suggested action and the evidence.
pub(super) fn diagnoses(ds: &[Diagnosis]) -> Markup {
    html! {
        @if !ds.is_empty() {
            ul.diagnoses {
                @for d in ds {
                    li {
                        code { (t(d.code.as_str())) } " "
                        span.badge.{ "sev-" (severity_class(d.severity.as_str())) } { (t(d.severity.as_str())) }
                        " " (t(&d.summary))
                        @if !d.action.is_empty() {
                            br; b { "What to do:" } " " (t(&d.action))
                        }
                        @if !d.evidence.is_empty() {
                            div.note {
                                "Evidence: "
                                @for (n, (k, v)) in d.evidence.iter().enumerate() {
                                    @if n > 0 { "; " }
                                    (t(k)) " = " (value(v))
                                }
                            }
                        }
                    }
                    "\n"
                }
            }
            "\n"
        }
    }
}

/// A JSON value (diagnosis evidence) as text or nested lists.
pub(super) fn value(v: &Value) -> Markup {
    html! {
        @match v {
            Value::Null => "—",
            Value::Bool(b) => (if *b { "yes" } else { "no" }),
            Value::Number(n) => (t(&n.to_string())),
            Value::String(s) => (t(s)),
            Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
                @for (n, i) in items.iter().enumerate() {
                    @if n > 0 { ", " }
                    (value(i))
                }
            },
            Value::Array(items) => ul { @for i in items { li { (value(i)) } } },
            Value::Object(m) => ul {
                @for (k, v) in m { li { b { (t(k)) } ": " (value(v)) } }
            },
        }
    }
}

// ------------------------------------------------------------------ links

/// A link to the element `id` on the page, showing the id.
pub(super) fn id_link(id: &str) -> Markup {
    html! { a href={ "#" (t(id)) } { (t(id)) } }
}

/// A link to `nodes[n]`'s section, or its name when it has none.
pub(super) fn node_link(ctx: &Ctx, n: usize) -> Markup {
    let name = ctx.a.nodes.get(n).and_then(|x| x.name.as_deref());
    node_name_link(ctx, name.unwrap_or("(unknown)"))
}

/// A link to the section of the node named `name`, or its name.
pub(super) fn node_name_link(ctx: &Ctx, name: &str) -> Markup {
    html! {
        @match ctx.node_anchor_by_name(name) {
            Some(anchor) => a href={ "#" (anchor) } { (t(name)) },
            None => (t(name)),
        }
    }
}

/// A link to the workload's section, or its label when it has none.
pub(super) fn workload_link(ctx: &Ctx, w: usize) -> Markup {
    let Some(wl) = ctx.workloads.get(w) else {
        return Markup::default();
    };
    let label = plots::shorten(&wl.label, 90);
    html! {
        @if ctx.has_section(w) {
            a href={ "#" (t(&wl.anchor)) } { (wb(&label)) }
        } @else {
            (wb(&label))
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn severity_classes_are_letters() {
        assert_eq!(severity_class("Warning\" onclick=x"), "warningonclickx");
    }

    #[test]
    fn any_json_value_renders_escaped() {
        let o = value(&serde_json::json!({"a<": ["x", 1, null], "b": [{"c": "<i>"}]}));
        assert_eq!(
            o.into_string(),
            "<ul><li><b>a&lt;</b>: x, 1, —</li><li><b>b</b>: <ul><li><ul><li><b>c</b>: &lt;i&gt;</li></ul></li></ul></li></ul>"
        );
    }

    #[test]
    fn empty_tables_are_left_out_and_values_escaped() {
        assert_eq!(kv_table("c", &[("k", None)]).into_string(), "");
        assert_eq!(
            kv_table_class("kv wide", "c'", &[("k", None), ("x", Some("<'>".into()))])
                .into_string(),
            "<table class=\"kv wide\"><caption>c&#39;</caption><tr><th>x</th><td>&lt;&#39;&gt;</td></tr></table>\n"
        );
    }
}
