//! The HTML report (`--html FILE`, `-o DIR`): one self-contained page a support
//! engineer attaches to a case (`docs/report.md`).
//!
//! One file, CSS and SVG inline, nothing fetched, readable with JavaScript disabled
//! (a few lines of inline script only sort task tables and open every event for
//! printing). The page is a function of the analysis alone — no generation time — so
//! the same input gives the same bytes. Large inputs stay usable: plots aggregate,
//! per-event detail is collapsed and capped (the JSON document has everything).
//!
//! The markup is written with maud's `html!`: every spliced value is escaped unless it
//! is wrapped in `PreEscaped`, which only the plotters SVG and the fixed style sheet
//! and script are. Text goes through `t`, which also writes `'` as `&#39;` (the
//! page's escaping since its first version; attributes are double-quoted, so maud's
//! own escaping would be as safe). The newlines between block elements are written
//! out so the page reads line by line.
//!
//! Layout, one file per part of the page: the skeleton (head, header, navigation,
//! footer) here; `summary.rs` (cards, nodes, incidents, diagnoses) with `fleet.rs`
//! (workloads across nodes) and `deaths.rs` (other deaths); `timeline.rs`;
//! `workloads.rs` (one section per incident: facts, usage and fill plots) holding the
//! kills of `events.rs` with their task tables (`task_table.rs`); `nodes.rs` (one section per node);
//! `warnings.rs`. `context.rs` is what every section reads, `parts.rs` the pieces they
//! share.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod context;
mod deaths;
mod events;
mod fleet;
mod nodes;
mod parts;
mod summary;
mod task_table;
mod timeline;
mod warnings;
mod workloads;

use super::Render;
use crate::model::Analysis;
use context::Ctx;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use parts::plural;
use std::borrow::Cow;
use std::io::{self, Write};

pub struct Html;

impl Render for Html {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(page(analysis).as_bytes())
    }
}

/// The whole page.
pub fn page(a: &Analysis) -> String {
    let ctx = Ctx::new(a);
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            (head(&ctx)) "\n"
            body {
                "\n"
                (header(&ctx))
                (summary::section(&ctx))
                (timeline::section(&ctx))
                (workloads::section(&ctx))
                (nodes::section(&ctx))
                (warnings::section(a))
                (footer())
            }
            "\n"
        }
        "\n"
    }
    .into_string()
}

// ------------------------------------------------------------------ escaping

/// The characters [`escape`] replaces.
const SPECIAL: [char; 5] = ['&', '<', '>', '"', '\''];

/// Escapes text for HTML element content and attribute values (`&`, `<`, `>`, `"`
/// and `'`). The plots escape their titles with it.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(SPECIAL) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 16);
    escape_to(s, &mut o);
    Cow::Owned(o)
}

/// [`escape`], appended to `o`.
// The slices start and end next to replaced bytes, which are ASCII: character boundaries.
#[allow(clippy::string_slice)]
fn escape_to(s: &str, o: &mut String) {
    let mut done = 0;
    for (i, b) in s.bytes().enumerate() {
        let with = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The replaced bytes are ASCII: `i` and `i + 1` are character boundaries.
        o.push_str(&s[done..i]);
        o.push_str(with);
        done = i + 1;
    }
    o.push_str(&s[done..]);
}

/// Text spliced into the page, escaped by [`escape`].
struct Text<'a>(&'a str);

/// `(t(s))` in `html!`: `s` as text or as an attribute value.
fn t(s: &str) -> Text<'_> {
    Text(s)
}

impl maud::Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        escape_to(self.0, buffer);
    }
}

/// Text with break opportunities (`<wbr>`) at safe points, for ids and paths: after
/// `/`, `-` and `_`, and after every 16 characters of a run of hex digits (a 64-hex
/// container id), never before a space or at the end — so a cgroup path wraps between
/// its parts instead of pushing its table off the screen. Each character is escaped as [`t`] escapes; the `<wbr>` is
/// the only markup written as is.
struct Wrap<'a>(&'a str);

/// `(wb(s))` in `html!`: `s` as text that may wrap at safe points (element content
/// only, never an attribute).
fn wb(s: &str) -> Wrap<'_> {
    Wrap(s)
}

impl maud::Render for Wrap<'_> {
    fn render_to(&self, buffer: &mut String) {
        let mut hex = 0;
        let mut chars = self.0.chars().peekable();
        let mut one = [0u8; 4];
        while let Some(c) = chars.next() {
            escape_to(c.encode_utf8(&mut one), buffer);
            let brk = if matches!(c, '/' | '-' | '_') {
                hex = 0;
                true
            } else if c.is_ascii_hexdigit() {
                hex += 1;
                hex % 16 == 0
            } else {
                hex = 0;
                false
            };
            if brk && chars.peek().is_some_and(|n| !n.is_whitespace()) {
                buffer.push_str("<wbr>");
            }
        }
    }
}

/// A time as printed (`2024-03-05T10:11:12.123456+00:00`) that may wrap after its
/// date and before its UTC offset.
fn when(s: &str) -> Markup {
    match s.split_once('T') {
        Some((date, time)) if !date.is_empty() && !time.is_empty() => {
            // And before the UTC offset: `10:11:12.123456` `+00:00`.
            let (clock, zone) = match time.rfind(['+', '-']) {
                Some(at) if at > 0 => time.split_at(at),
                _ => (time, ""),
            };
            html! { (t(date)) "T" wbr; (t(clock)) @if !zone.is_empty() { wbr; (t(zone)) } }
        }
        _ => html! { (t(s)) },
    }
}

// ------------------------------------------------------------------ head, header, footer

const CSS: &str = r#"
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9dce1;--bg2:#f5f6f8;--host:#d62728;--cgroup:#1f77b4;--other:#7f7f7f}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);margin:0 auto;max-width:1120px;padding:0 20px 40px}
h1{font-size:24px;margin:24px 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:24px 0 6px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;overflow-wrap:anywhere}
nav{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);padding:6px 0;z-index:1}
nav a{margin-right:14px}
a{color:#1a5fb4;text-decoration:none}a:hover{text-decoration:underline}
.sub,.note{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.card{background:var(--bg2);border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;margin:8px 0 14px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
td{white-space:pre-line}
td.id{overflow-wrap:anywhere;min-width:9em}td.when{font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;max-width:100%}
th{background:var(--bg2);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.t{white-space:nowrap;font-variant-numeric:tabular-nums}
table.kv th{background:none;color:var(--muted);font-weight:normal;white-space:nowrap}
table.kv td{overflow-wrap:anywhere}
table.wide{width:100%}table.wide th{width:14em}
p.cap{font-weight:600;margin:10px 0 2px;overflow-wrap:anywhere}
dl.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:0 16px;margin:0 0 10px;font-size:13px}
dl.stats div{display:flex;justify-content:space-between;border-bottom:1px solid var(--line);padding:2px 0}
dl.stats dt{color:var(--muted)}dl.stats dd{margin:0;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:2px 0}
table.sortable th{cursor:pointer}
tr.victim td{background:#fdecea;font-weight:700}tr.trigger td{background:#eef3fb;font-weight:600}
tr.victim td:first-child{border-left:4px solid #a51d1d}tr.trigger td:first-child{border-left:4px dashed #1a5fb4}
span.mark{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 4px;margin-left:2px;font-size:11px;font-weight:700;letter-spacing:.02em;font-family:system-ui,sans-serif}
tr.victim span.mark{color:#a51d1d}tr.trigger span.mark{color:#1a5fb4}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 20px}
.kind{display:inline-block;border-radius:3px;padding:0 6px;color:#fff;font-size:12px;font-weight:600}
.kind-host{background:var(--host)}.kind-cgroup{background:var(--cgroup)}.kind-other{background:var(--other)}
.badge{display:inline-block;border:1px solid var(--line);border-radius:3px;padding:0 5px;font-size:12px;margin-left:4px}
.sev-critical,.sev-error,.sev-high{border-color:#d62728;color:#a51d1d}.sev-warning,.sev-medium{border-color:#e6a100;color:#8a5a00}
details.event{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:4px 10px}
details.event>summary{cursor:pointer;padding:2px 0}
details.event[open]>summary{border-bottom:1px solid var(--line);margin-bottom:6px}
figure{margin:10px 0 18px}figure svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:13px}
ul.sources{margin:4px 0;padding-left:20px}
.warn{color:#a51d1d}
p.verdict{background:var(--bg2);border-left:4px solid var(--cgroup);padding:4px 10px;margin:6px 0;overflow-wrap:anywhere}
p.verdict.v-host_ram,p.verdict.v-cpuset,p.verdict.v-memory_policy{border-left-color:var(--host)}
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@media print{nav{display:none}table{font-size:10px}th,td{padding:2px 4px}th{overflow-wrap:anywhere}.scroll{overflow:visible}pre{white-space:pre-wrap;overflow-wrap:anywhere}body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}figure,table.kv,details.event{break-inside:avoid}a{color:inherit}details.event{border:none;padding:0}tr.victim td,tr.trigger td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"#;

/// Sorts task tables by a clicked header; opens every event before printing.
const SCRIPT: &str = r#"
document.addEventListener('click',function(ev){
  var th=ev.target.closest('table.sortable th');if(!th)return;
  var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex,num=th.classList.contains('n');
  var dir=th.getAttribute('data-dir')==='d'?'a':'d';th.setAttribute('data-dir',dir);
  var rows=Array.prototype.slice.call(b.rows);
  rows.sort(function(x,y){
    var p=x.cells[i].getAttribute('data-v')||x.cells[i].textContent,q=y.cells[i].getAttribute('data-v')||y.cells[i].textContent;
    var c=num?(Number(p)-Number(q)):p.localeCompare(q);return dir==='a'?c:-c;});
  rows.forEach(function(r){b.appendChild(r);});
});
window.addEventListener('beforeprint',function(){
  document.querySelectorAll('details').forEach(function(d){d.open=true;});
});
"#;

fn head(ctx: &Ctx) -> Markup {
    let a = ctx.a;
    let title = format!(
        "oomsift report: {} on {}",
        plural(a.events.len(), "OOM kill", "OOM kills"),
        node_names(a)
    );
    html! {
        head {
            "\n"
            meta charset="utf-8"; "\n"
            meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
            title { (t(&title)) } "\n"
            style { (PreEscaped(CSS)) } "\n"
        }
    }
}

fn node_names(a: &Analysis) -> String {
    let names: Vec<&str> = a.nodes.iter().filter_map(|n| n.name.as_deref()).collect();
    match names.len() {
        0 => "unnamed nodes".into(),
        1..=3 => names.join(", "),
        n => format!("{} nodes", n),
    }
}

/// The heading, the inputs, and the navigation to the sections the page has.
fn header(ctx: &Ctx) -> Markup {
    let a = ctx.a;
    let heading = format!(
        "{} on {}",
        plural(a.events.len(), "OOM kill", "OOM kills"),
        node_names(a)
    );
    html! {
        header {
            "\n"
            h1 { (t(&heading)) }
            p.sub {
                "Kernel OOM kills found by oomsift in "
                @for (k, i) in a.inputs.iter().enumerate() {
                    @if k > 0 { ", " }
                    code { (t(&i.path)) } " (" (t(&i.layout)) ")"
                }
                @if a.inputs.is_empty() { "no readable input" }
                "."
            }
            "\n"
        }
        "\n"
        nav {
            a href="#summary" { "Summary" }
            a href="#timeline" { "Timeline" }
            @if !ctx.workloads.is_empty() { a href="#workloads" { "Workloads" } }
            @if (0..a.nodes.len()).any(|n| ctx.node_anchor(n).is_some()) {
                a href="#nodes" { "Nodes" }
            }
            @if !a.warnings.is_empty() { a href="#warnings" { "Warnings" } }
        }
        "\n"
    }
}

fn footer() -> Markup {
    html! {
        footer {
            "Made by oomsift " (env!("CARGO_PKG_VERSION"))
            " (document schema oomsift/1). Times are as the logs printed them, with their UTC offset where known. The JSON document ("
            code { "--format json" }
            ") has every field."
        }
        "\n"
        script { (PreEscaped(SCRIPT)) }
        "\n"
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(escape("é'ü<"), "é&#39;ü&lt;", "multibyte text kept around");
    }

    /// Counters as large as a log can print (`memory: usage 18446744073709551615kB`)
    /// used to overflow `kB × 1024` in the usage plot: a panic in debug builds, a
    /// wrapped number in release.
    #[test]
    fn a_page_with_huge_counters_renders() {
        const MAX: &str = "18446744073709551615";
        let log = [
            "invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
            &format!("memory: usage {MAX}kB, limit {MAX}kB, failcnt 1"),
            &format!("swap: usage {MAX}kB, limit {MAX}kB, failcnt 0"),
            "Memory cgroup stats for /system.slice/a.scope:",
            &format!("anon {MAX}"),
            &format!("file {MAX}"),
            &format!("kernel_stack {MAX}"),
            &format!("pagetables {MAX}"),
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=a.scope,mems_allowed=0,oom_memcg=/system.slice/a.scope,task_memcg=/system.slice/a.scope,task=python3,pid=7781,uid=0",
            &format!(
                "Memory cgroup out of memory: Killed process 7781 (python3) total-vm:{MAX}kB, anon-rss:{MAX}kB, file-rss:{MAX}kB, shmem-rss:{MAX}kB, UID:0 pgtables:684kB oom_score_adj:0"
            ),
        ];
        let mut text = String::new();
        for (k, t) in ["2024-03-05T10:11:12", "2024-03-05T10:21:12"]
            .iter()
            .enumerate()
        {
            for (i, l) in log.iter().enumerate() {
                let l = l.replace("7781", &format!("{}", 7781 + k));
                text.push_str(&format!("{t}.{i:06}+01:00 app-02 kernel: {l}\n"));
            }
        }
        let path = std::env::temp_dir().join(format!("oomsift-huge-{}.log", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let cfg = crate::Config {
            inputs: vec![path.display().to_string()],
            jobs: Some(1),
            ..crate::Config::default()
        };
        let analysis = crate::run(&cfg).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(analysis.events.len(), 2);
        assert_eq!(analysis.events[0].memory.usage_kb, Some(u64::MAX));
        let html = page(&analysis);
        assert!(html.contains("<svg"), "the plots are drawn");
    }

    #[test]
    fn ids_and_paths_get_break_points_and_stay_escaped() {
        let r = |s: &str| html! { (wb(s)) }.into_string();
        assert_eq!(
            r("/kubepods.slice/pod_a-b"),
            "/<wbr>kubepods.slice/<wbr>pod_<wbr>a-<wbr>b"
        );
        let id = "4f3a9c1e7b2d4f3a9c1e7b2d4f3a9c1e7b2d4f3a9c1e7b2d4f3a9c1e7b2d4f3a";
        assert_eq!(
            r(id),
            "4f3a9c1e7b2d4f3a<wbr>9c1e7b2d4f3a9c1e<wbr>7b2d4f3a9c1e7b2d<wbr>4f3a9c1e7b2d4f3a"
        );
        // Markup from the logs stays text; no break point at the very end.
        assert_eq!(r("<b>'x'/"), "&lt;b&gt;&#39;x&#39;/");
        assert_eq!(r("évènement-é"), "évènement-<wbr>é");
        assert_eq!(r("512.0 MiB / limit"), "512.0 MiB / limit");
        assert_eq!(
            when("2024-03-05T10:11:12+00:00").into_string(),
            "2024-03-05T<wbr>10:11:12<wbr>+00:00"
        );
        assert_eq!(
            when("2024-03-05T10:11:12").into_string(),
            "2024-03-05T<wbr>10:11:12"
        );
        assert_eq!(when("Mar  5 10:11:12").into_string(), "Mar  5 10:11:12");
    }

    #[test]
    fn spliced_text_is_escaped_like_escape() {
        let hostile = "a\"b'c<d>e&f";
        let page = html! { td title=(t(hostile)) { (t(hostile)) } }.into_string();
        let e = escape(hostile);
        assert_eq!(page, format!("<td title=\"{e}\">{e}</td>"));
    }
}
