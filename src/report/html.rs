//! The HTML report (`--html FILE`, `-o DIR`): one self-contained page a support
//! engineer attaches to a case (`docs/report.md`).
//!
//! One file, CSS and SVG inline, nothing fetched, readable with JavaScript disabled
//! (a few lines of inline script only sort task tables and open every event for
//! printing). Everything taken from the logs goes through [`escape`]. The page is a
//! function of the analysis alone — no generation time — so the same input gives the
//! same bytes. Large inputs stay usable: plots aggregate, per-event detail is collapsed
//! and capped (the JSON document has everything).
//!
//! Layout: summary → timeline → host OOMs → one section per workload (usage against
//! the limit over time, what filled the cgroup at each kill, the kills) → warnings.

use super::Render;
use super::plots::{self, Mark, TimeAxis, UsagePoint};
use super::text::human_kb;
use super::view::{
    self, Fill, FleetWorkload, Instant, Kind, PAGE_BYTES, Workload, cgroup_fill, host_fill,
    human_bytes, instant, limit_bytes, task_rss_pages,
};
use crate::model::Analysis;
use crate::model::CgroupSnapshot;
use crate::model::Incident;
use crate::model::{Diagnosis, OomEvent, TaskRow};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

pub struct Html;

impl Render for Html {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(page(analysis).as_bytes())
    }
}

/// Workloads that get a section of their own; the others are listed in the summary.
const MAX_WORKLOAD_SECTIONS: usize = 30;
/// Kills detailed in one workload section.
const MAX_EVENTS_PER_WORKLOAD: usize = 200;
/// Kills detailed in the whole page.
const MAX_EVENTS_DETAILED: usize = 500;
/// Bars in a fill chart (the most recent kills).
const MAX_BARS: usize = 30;
/// Task-table rows shown per kill (the largest resident first).
const MAX_TASK_ROWS: usize = 100;
/// Rows of the top-workloads table.
const MAX_TOP_ROWS: usize = 25;
/// Rows of the timeline (nodes) and of the repeated-kills chart (workloads).
const MAX_TIMELINE_ROWS: usize = 40;
const MAX_LANES: usize = 15;
/// Rows of the other-deaths table.
const MAX_OTHER_DEATHS: usize = 200;
/// Nodes that get a section of their own (the nodes table lists them all).
const MAX_NODE_SECTIONS: usize = 500;
/// Kills listed in one node's section.
const MAX_NODE_KILLS: usize = 50;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    Cow::Owned(o)
}

/// The whole page.
pub fn page(a: &Analysis) -> String {
    let ctx = Ctx::new(a);
    let mut o = String::with_capacity(64 * 1024 + a.events.len() * 2048);
    head(&mut o, &ctx);
    header(&mut o, &ctx);
    summary(&mut o, &ctx);
    timeline(&mut o, &ctx);
    workloads(&mut o, &ctx);
    nodes(&mut o, &ctx);
    warnings(&mut o, a);
    footer(&mut o);
    o
}

// ------------------------------------------------------------------ context

/// What every section needs: the analysis, event instants and the workloads.
struct Ctx<'a> {
    a: &'a Analysis,
    /// `events[i]`'s instant.
    times: Vec<Option<Instant>>,
    /// The incidents, most kills first.
    workloads: Vec<Workload>,
    /// The workloads grouped across nodes.
    fleet: Vec<FleetWorkload>,
    /// `events[i]` is detailed in its workload's section (has an anchor).
    detailed: Vec<bool>,
    /// The workload (index into `workloads`) of `events[i]`.
    event_workload: Vec<Option<usize>>,
    /// The events of each named node, in output order.
    node_events: BTreeMap<&'a str, Vec<usize>>,
    /// The input each source file belongs to.
    source_input: BTreeMap<&'a str, &'a str>,
}

impl<'a> Ctx<'a> {
    fn new(a: &'a Analysis) -> Ctx<'a> {
        Ctx {
            a,
            times: a
                .events
                .iter()
                .map(|e| instant(e.time.as_deref()))
                .collect(),
            workloads: Vec::new(),
            fleet: Vec::new(),
            detailed: vec![false; a.events.len()],
            event_workload: vec![None; a.events.len()],
            node_events: BTreeMap::new(),
            source_input: a
                .inputs
                .iter()
                .flat_map(|i| i.sources.iter().map(|s| (s.as_str(), i.path.as_str())))
                .collect(),
        }
        .with_workloads(view::workloads(a))
    }

    fn with_workloads(mut self, workloads: Vec<Workload>) -> Self {
        let mut budget = MAX_EVENTS_DETAILED;
        for wl in workloads.iter().take(MAX_WORKLOAD_SECTIONS) {
            let n = wl.events.len().min(MAX_EVENTS_PER_WORKLOAD).min(budget);
            for &i in &wl.events[..n] {
                self.detailed[i] = true;
            }
            budget -= n;
        }
        for (i, e) in self.a.events.iter().enumerate() {
            if let Some(n) = &e.node {
                self.node_events.entry(n).or_default().push(i);
            }
        }
        for (w, wl) in workloads.iter().enumerate() {
            for &i in &wl.events {
                self.event_workload[i] = Some(w);
            }
        }
        self.fleet = view::fleet_workloads(self.a, &workloads);
        self.workloads = workloads;
        self
    }

    /// The anchor of `nodes[n]`'s section, when it has one.
    /// One section per node name: a node with two bundles (collected twice) has
    /// two `nodes` entries and one section, the first entry's.
    fn node_anchor(&self, n: usize) -> Option<String> {
        let name = self.a.nodes[n].name.as_ref()?;
        let first = self
            .a
            .nodes
            .iter()
            .position(|x| x.name.as_ref() == Some(name))?;
        (n == first && n < MAX_NODE_SECTIONS).then(|| format!("node-{}", n + 1))
    }

    /// The anchor of the node named `name`'s section, when it has one.
    fn node_anchor_by_name(&self, name: &str) -> Option<String> {
        let n = self
            .a
            .nodes
            .iter()
            .position(|x| x.name.as_deref() == Some(name))?;
        self.node_anchor(n)
    }

    fn has_section(&self, w: usize) -> bool {
        w < MAX_WORKLOAD_SECTIONS
    }

    fn incident(&self, w: usize) -> &'a Incident {
        &self.a.incidents[self.workloads[w].incident]
    }
}

// ------------------------------------------------------------------ small helpers

fn esc(o: &mut String, s: &str) {
    o.push_str(&escape(s));
}

/// `<tag class="c">escaped text</tag>`.
fn el(o: &mut String, tag: &str, class: &str, text: &str) {
    if class.is_empty() {
        let _ = write!(o, "<{tag}>{}</{tag}>", escape(text));
    } else {
        let _ = write!(o, "<{tag} class=\"{class}\">{}</{tag}>", escape(text));
    }
}

fn kb(v: Option<u64>) -> Option<String> {
    v.map(human_kb)
}

/// A kB limit: the kernel's "unlimited" spelled out.
fn kb_limit(v: Option<u64>) -> Option<String> {
    v.map(|k| match limit_bytes(Some(k)) {
        Some(_) => human_kb(k),
        None => "unlimited".into(),
    })
}

fn num<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// The time as printed in the JSON, else as printed in the log.
fn time_text(e: &OomEvent) -> &str {
    e.time
        .as_deref()
        .or(e.time_raw.as_deref())
        .unwrap_or("(no time)")
}

fn victim_text(e: &OomEvent) -> String {
    match (e.victim.pid, &e.victim.comm) {
        (Some(p), Some(c)) => format!("{p} ({c})"),
        (None, Some(c)) => format!("? ({c})"),
        (Some(p), None) => p.to_string(),
        (None, None) => "victim unknown".into(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A table of label/value rows; rows without a value are left out.
fn kv_table(o: &mut String, caption: &str, rows: &[(&str, Option<String>)]) {
    kv_table_class(o, "kv", caption, rows);
}

/// [`kv_table`] with its classes (`kv wide` spans the page, for long paths).
fn kv_table_class(o: &mut String, class: &str, caption: &str, rows: &[(&str, Option<String>)]) {
    if rows.iter().all(|(_, v)| v.is_none()) {
        return;
    }
    let _ = write!(o, "<table class=\"{class}\">");
    el(o, "caption", "", caption);
    for (k, v) in rows {
        if let Some(v) = v {
            o.push_str("<tr>");
            el(o, "th", "", k);
            el(o, "td", "", v);
            o.push_str("</tr>");
        }
    }
    o.push_str("</table>\n");
}

fn figure(o: &mut String, svg: Result<String, String>, caption: &str) {
    o.push_str("<figure>");
    match svg {
        Ok(s) => o.push_str(&s),
        Err(e) => el(o, "p", "note", &format!("The plot could not be drawn: {e}")),
    }
    el(o, "figcaption", "", caption);
    o.push_str("</figure>\n");
}

// ------------------------------------------------------------------ head and header

const CSS: &str = r#"
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9dce1;--bg2:#f5f6f8;--host:#d62728;--cgroup:#1f77b4;--other:#7f7f7f}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);margin:0 auto;max-width:1120px;padding:0 20px 40px}
h1{font-size:24px;margin:24px 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:24px 0 6px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-all}
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
tr.victim td{background:#fdecea;font-weight:600}
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
footer{margin-top:40px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
@media print{nav{display:none}body{max-width:none;padding:0;font-size:11px}h2{break-after:avoid}figure,table.kv,details.event{break-inside:avoid}a{color:inherit}details.event{border:none;padding:0}}
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

fn head(o: &mut String, ctx: &Ctx) {
    let a = ctx.a;
    let title = format!(
        "oomsift report: {} on {}",
        plural(a.events.len(), "OOM kill", "OOM kills"),
        node_names(a)
    );
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    el(o, "title", "", &title);
    o.push_str("\n<style>");
    o.push_str(CSS);
    o.push_str("</style>\n</head>\n<body>\n");
}

fn node_names(a: &Analysis) -> String {
    let names: Vec<&str> = a.nodes.iter().filter_map(|n| n.name.as_deref()).collect();
    match names.len() {
        0 => "unnamed nodes".into(),
        1..=3 => names.join(", "),
        n => format!("{} nodes", n),
    }
}

fn header(o: &mut String, ctx: &Ctx) {
    let a = ctx.a;
    o.push_str("<header>\n");
    el(
        o,
        "h1",
        "",
        &format!(
            "{} on {}",
            plural(a.events.len(), "OOM kill", "OOM kills"),
            node_names(a)
        ),
    );
    o.push_str("<p class=\"sub\">Kernel OOM kills found by oomsift in ");
    let inputs: Vec<String> = a
        .inputs
        .iter()
        .map(|i| format!("<code>{}</code> ({})", escape(&i.path), escape(&i.layout)))
        .collect();
    if inputs.is_empty() {
        o.push_str("no readable input");
    } else {
        o.push_str(&inputs.join(", "));
    }
    o.push_str(
        ".</p>\n</header>\n<nav><a href=\"#summary\">Summary</a><a href=\"#timeline\">Timeline</a>",
    );
    if !ctx.workloads.is_empty() {
        o.push_str("<a href=\"#workloads\">Workloads</a>");
    }
    if (0..a.nodes.len()).any(|n| ctx.node_anchor(n).is_some()) {
        o.push_str("<a href=\"#nodes\">Nodes</a>");
    }
    if !a.warnings.is_empty() {
        o.push_str("<a href=\"#warnings\">Warnings</a>");
    }
    o.push_str("</nav>\n");
}

// ------------------------------------------------------------------ summary

fn summary(o: &mut String, ctx: &Ctx) {
    let a = ctx.a;
    o.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    cards(o, ctx);
    if a.events.is_empty() {
        el(
            o,
            "p",
            "",
            &format!(
                "No kernel OOM kills found in {}.",
                plural(a.inputs.len(), "input", "inputs")
            ),
        );
    }
    nodes_table(o, ctx);
    top_workloads(o, ctx);
    fleet_workloads(o, ctx);
    diagnoses_summary(o, ctx);
    other_deaths(o, a);
    o.push_str("</section>\n");
}

fn cards(o: &mut String, ctx: &Ctx) {
    let a = ctx.a;
    let count = |k: Kind| a.events.iter().filter(|e| Kind::of(e) == k).count();
    let mut items = vec![
        (a.events.len().to_string(), "OOM kills"),
        (count(Kind::Host).to_string(), "host (global) OOM"),
        (count(Kind::Cgroup).to_string(), "cgroup (limit) OOM"),
    ];
    let other = count(Kind::Other);
    if other > 0 {
        items.push((other.to_string(), "other / unknown kind"));
    }
    items.push((a.nodes.len().to_string(), "nodes"));
    items.push((ctx.workloads.len().to_string(), "workloads"));
    if !a.other_deaths.is_empty() {
        items.push((a.other_deaths.len().to_string(), "other deaths"));
    }
    if !a.warnings.is_empty() {
        items.push((a.warnings.len().to_string(), "warnings"));
    }
    o.push_str("<div class=\"cards\">");
    for (v, label) in items {
        let _ = write!(o, "<div class=\"card\"><b>{v}</b>{label}</div>");
    }
    o.push_str("</div>\n");
    if let Some((first, last)) = span(ctx) {
        let _ = write!(
            o,
            "<p>From <b>{}</b> to <b>{}</b>",
            escape(first),
            escape(last)
        );
        let untimed = ctx.times.iter().filter(|t| t.is_none()).count();
        if untimed > 0 {
            let _ = write!(
                o,
                " ({} without a date: only their uptime was logged)",
                plural(untimed, "kill", "kills")
            );
        }
        o.push_str(".</p>\n");
    }
}

/// The earliest and latest kill times, as printed.
fn span<'a>(ctx: &Ctx<'a>) -> Option<(&'a str, &'a str)> {
    let timed = ctx
        .times
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((t.as_ref()?.secs, i)));
    let first = timed.clone().min_by(|x, y| x.0.total_cmp(&y.0))?.1;
    let last = timed.max_by(|x, y| x.0.total_cmp(&y.0))?.1;
    let t = |i: usize| ctx.a.events[i].time.as_deref().unwrap_or("");
    Some((t(first), t(last)))
}

fn nodes_table(o: &mut String, ctx: &Ctx) {
    let a = ctx.a;
    if a.nodes.is_empty() {
        return;
    }
    o.push_str("<table><caption>Nodes</caption><tr><th>node</th><th>kernel</th><th>cgroup</th><th class=\"n\">memory</th><th>booted</th><th>collected</th><th class=\"n\">host kills</th><th class=\"n\">cgroup kills</th></tr>\n");
    for (i, n) in a.nodes.iter().enumerate() {
        let evs = || a.events.iter().filter(|e| e.node == n.name);
        let host = evs().filter(|e| Kind::of(e) == Kind::Host).count();
        let cg = evs().filter(|e| Kind::of(e) == Kind::Cgroup).count();
        let cgroup = match (&n.cgroup_version, &n.cgroup_driver) {
            (Some(v), Some(d)) => format!("{v}, {d}"),
            (Some(v), None) => v.clone(),
            (None, Some(d)) => d.clone(),
            (None, None) => String::new(),
        };
        o.push_str("<tr><td>");
        node_link(o, ctx, i);
        o.push_str("</td>");
        el(o, "td", "mono", n.kernel.as_deref().unwrap_or(""));
        el(o, "td", "", &cgroup);
        el(o, "td", "n", &kb(n.mem_total_kb).unwrap_or_default());
        el(o, "td", "", n.boot_time.as_deref().unwrap_or(""));
        el(o, "td", "", n.collected_at.as_deref().unwrap_or(""));
        el(o, "td", "n", &host.to_string());
        el(o, "td", "n", &cg.to_string());
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
}

/// A link to `nodes[n]`'s section, or its name when it has none.
fn node_link(o: &mut String, ctx: &Ctx, n: usize) {
    node_name_link(
        o,
        ctx,
        ctx.a.nodes[n].name.as_deref().unwrap_or("(unknown)"),
    );
}

/// A link to the section of the node named `name`, or its name.
fn node_name_link(o: &mut String, ctx: &Ctx, name: &str) {
    match ctx.node_anchor_by_name(name) {
        Some(anchor) => {
            let _ = write!(o, "<a href=\"#{anchor}\">{}</a>", escape(name));
        }
        None => esc(o, name),
    }
}

/// A link to the workload's section, or its label when it has none.
fn workload_link(o: &mut String, ctx: &Ctx, w: usize) {
    let wl = &ctx.workloads[w];
    let label = plots::shorten(&wl.label, 90);
    if ctx.has_section(w) {
        let _ = write!(
            o,
            "<a href=\"#{}\">{}</a>",
            escape(&wl.anchor),
            escape(&label)
        );
    } else {
        esc(o, &label);
    }
}

fn top_workloads(o: &mut String, ctx: &Ctx) {
    if ctx.workloads.is_empty() {
        return;
    }
    o.push_str("<table><caption>Incidents, most kills first</caption><tr><th>workload</th><th>QoS</th><th>node</th><th class=\"n\">kills</th><th class=\"n\">max usage</th><th class=\"n\">limit</th><th>first and last kill</th><th>diagnoses</th></tr>\n");
    for (w, wl) in ctx.workloads.iter().enumerate().take(MAX_TOP_ROWS) {
        let inc = ctx.incident(w);
        o.push_str("<tr><td>");
        workload_link(o, ctx, w);
        o.push_str("</td>");
        el(o, "td", "", wl.qos.as_deref().unwrap_or(""));
        el(o, "td", "t", wl.node.as_deref().unwrap_or(""));
        el(o, "td", "n", &wl.events.len().to_string());
        el(o, "td", "n t", &kb(inc.max_usage_kb).unwrap_or_default());
        el(o, "td", "n t", &kb_limit(inc.limit_kb).unwrap_or_default());
        o.push_str("<td class=\"t\">");
        esc(o, inc.first_time.as_deref().unwrap_or(""));
        if inc.last_time != inc.first_time {
            o.push_str("<br>");
            esc(o, inc.last_time.as_deref().unwrap_or(""));
        }
        o.push_str("</td>");
        o.push_str("<td>");
        let mut codes: Vec<&Diagnosis> = inc.diagnoses.iter().collect();
        for &i in &wl.events {
            codes.extend(&ctx.a.events[i].diagnoses);
        }
        codes.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        codes.dedup_by(|a, b| a.code == b.code);
        for d in codes {
            badge(o, d);
        }
        o.push_str("</td></tr>\n");
    }
    o.push_str("</table>\n");
    if ctx.workloads.len() > MAX_TOP_ROWS {
        el(
            o,
            "p",
            "note",
            &format!(
                "{} more with fewer kills: see the JSON document.",
                plural(ctx.workloads.len() - MAX_TOP_ROWS, "incident", "incidents")
            ),
        );
    }
}

/// Workloads killed across the fleet: the same pod owner and container (or cgroup, or
/// the host OOMs) on every node, shown when the analysis covers several nodes.
fn fleet_workloads(o: &mut String, ctx: &Ctx) {
    let names: std::collections::BTreeSet<_> = ctx.a.nodes.iter().map(|n| &n.name).collect();
    if names.len() < 2 || ctx.fleet.is_empty() {
        return;
    }
    o.push_str("<table id=\"fleet-workloads\"><caption>Workloads across nodes, most kills first</caption><tr><th>workload</th><th class=\"n\">kills</th><th class=\"n\">nodes</th><th>killed on</th><th>incidents</th></tr>\n");
    for f in ctx.fleet.iter().take(MAX_TOP_ROWS) {
        o.push_str("<tr>");
        el(o, "td", "", &plots::shorten(&f.label, 90));
        el(o, "td", "n", &f.kills.to_string());
        el(o, "td", "n", &f.nodes.len().to_string());
        o.push_str("<td>");
        for (k, n) in f.nodes.iter().take(8).enumerate() {
            if k > 0 {
                o.push_str(", ");
            }
            node_name_link(o, ctx, n);
        }
        if f.nodes.len() > 8 {
            let _ = write!(o, " and {} more", f.nodes.len() - 8);
        }
        o.push_str("</td><td>");
        // The incidents: linked when they have a section, else their id.
        for (k, &w) in f.workloads.iter().take(8).enumerate() {
            if k > 0 {
                o.push_str(", ");
            }
            let id = escape(&ctx.workloads[w].anchor);
            if ctx.has_section(w) {
                let _ = write!(o, "<a href=\"#{id}\">{id}</a>");
            } else {
                o.push_str(&id);
            }
        }
        if f.workloads.len() > 8 {
            let _ = write!(o, " and {} more", f.workloads.len() - 8);
        }
        o.push_str("</td></tr>\n");
    }
    o.push_str("</table>\n");
    if ctx.fleet.len() > MAX_TOP_ROWS {
        el(
            o,
            "p",
            "note",
            &format!(
                "{} more across the nodes: see the JSON document.",
                plural(ctx.fleet.len() - MAX_TOP_ROWS, "workload", "workloads")
            ),
        );
    }
}

/// A diagnosis code as a badge coloured by its severity.
fn badge(o: &mut String, d: &Diagnosis) {
    let _ = write!(
        o,
        "<span class=\"badge sev-{}\" title=\"{}\">{}</span>",
        severity_class(d.severity.as_str()),
        escape(&d.summary),
        escape(d.code.as_str())
    );
}

/// Each diagnosis code found, with its count and where.
fn diagnoses_summary(o: &mut String, ctx: &Ctx) {
    let found = ctx
        .workloads
        .iter()
        .enumerate()
        .flat_map(|(w, wl)| ctx.incident(w).diagnoses.iter().map(|d| (d, &wl.anchor)))
        .chain(
            ctx.a
                .events
                .iter()
                .flat_map(|e| e.diagnoses.iter().map(move |d| (d, &e.id))),
        );
    // code → (the first diagnosis with it, anchors where found)
    let mut by_code: BTreeMap<&str, (&Diagnosis, Vec<&String>)> = BTreeMap::new();
    for (d, anchor) in found {
        by_code
            .entry(d.code.as_str())
            .or_insert_with(|| (d, Vec::new()))
            .1
            .push(anchor);
    }
    if by_code.is_empty() {
        el(
            o,
            "p",
            "note",
            "No diagnoses: the evidence in the logs matched no known cause.",
        );
        return;
    }
    o.push_str("<table><caption>Diagnoses found</caption><tr><th>diagnosis</th><th>severity</th><th class=\"n\">count</th><th>first found</th><th>where</th></tr>\n");
    for (code, (d, anchors)) in &by_code {
        o.push_str("<tr>");
        el(o, "td", "mono", code);
        el(o, "td", "", d.severity.as_str());
        el(o, "td", "n", &anchors.len().to_string());
        el(o, "td", "", &d.summary);
        o.push_str("<td>");
        for (n, a) in anchors.iter().take(10).enumerate() {
            if n > 0 {
                o.push_str(", ");
            }
            let _ = write!(o, "<a href=\"#{0}\">{0}</a>", escape(a));
        }
        if anchors.len() > 10 {
            o.push_str(", …");
        }
        o.push_str("</td></tr>\n");
    }
    o.push_str("</table>\n");
}

/// Renders a JSON value (diagnosis evidence) as text or nested lists.
fn value(o: &mut String, v: &Value) {
    match v {
        Value::Null => o.push('—'),
        Value::Bool(b) => o.push_str(if *b { "yes" } else { "no" }),
        Value::Number(n) => esc(o, &n.to_string()),
        Value::String(s) => esc(o, s),
        Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()) => {
            for (n, i) in items.iter().enumerate() {
                if n > 0 {
                    o.push_str(", ");
                }
                value(o, i);
            }
        }
        Value::Array(items) => {
            o.push_str("<ul>");
            for i in items {
                o.push_str("<li>");
                value(o, i);
                o.push_str("</li>");
            }
            o.push_str("</ul>");
        }
        Value::Object(m) => {
            o.push_str("<ul>");
            for (k, v) in m {
                o.push_str("<li><b>");
                esc(o, k);
                o.push_str("</b>: ");
                value(o, v);
                o.push_str("</li>");
            }
            o.push_str("</ul>");
        }
    }
}

/// Deaths that are not kernel OOM kills (panics, userspace killers, Kubernetes
/// reports), with the kernel kill each was matched to.
fn other_deaths(o: &mut String, a: &Analysis) {
    if a.other_deaths.is_empty() {
        return;
    }
    o.push_str("<table><caption>Other deaths (not kernel OOM kills)</caption><tr><th>node</th><th>kind (reported by)</th><th>time</th><th>message</th><th>same kill as</th><th>source</th></tr>\n");
    for d in a.other_deaths.iter().take(MAX_OTHER_DEATHS) {
        o.push_str("<tr>");
        el(o, "td", "t", d.node.as_deref().unwrap_or("(unknown)"));
        el(o, "td", "", &format!("{} ({})", d.kind, d.reporter));
        el(
            o,
            "td",
            "t",
            d.time.as_deref().or(d.time_raw.as_deref()).unwrap_or(""),
        );
        o.push_str("<td class=\"mono\">");
        esc(o, &d.message);
        for diag in &d.diagnoses {
            badge(o, diag);
        }
        o.push_str("</td><td>");
        if let Some(e) = d.matched_event.and_then(|i| a.events.get(i)) {
            let _ = write!(o, "<a href=\"#{0}\">{0}</a>", escape(&e.id));
        }
        o.push_str("</td>");
        let src: Vec<String> = d
            .sources
            .iter()
            .map(|s| format!("{}:{}", s.file, s.line))
            .collect();
        el(o, "td", "mono", &src.join("\n"));
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n");
    if a.other_deaths.len() > MAX_OTHER_DEATHS {
        el(
            o,
            "p",
            "note",
            &format!(
                "The first {MAX_OTHER_DEATHS} of {} are shown; the JSON document has all.",
                a.other_deaths.len()
            ),
        );
    }
}

// ------------------------------------------------------------------ timeline

fn timeline(o: &mut String, ctx: &Ctx) {
    o.push_str("<section id=\"timeline\">\n<h2>Timeline</h2>\n");
    let mut timed: Vec<Instant> = ctx.times.iter().flatten().copied().collect();
    timed.extend(
        ctx.a
            .other_deaths
            .iter()
            .filter_map(|d| instant(d.time.as_deref())),
    );
    let Some(axis) = TimeAxis::new(&timed) else {
        el(
            o,
            "p",
            "note",
            "No kill has a date (only uptimes were logged, and the boot time is unknown): nothing to place on a time axis.",
        );
        o.push_str("</section>\n");
        return;
    };
    node_timeline(o, ctx, &axis);
    repeated_kills(o, ctx, &axis);
    let untimed = ctx.times.iter().filter(|t| t.is_none()).count();
    if untimed > 0 {
        el(
            o,
            "p",
            "note",
            &format!(
                "{} without a date not shown.",
                plural(untimed, "kill", "kills")
            ),
        );
    }
    o.push_str("</section>\n");
}

/// Every kill on the time axis, one row per node (nodes past the cap share a row).
fn node_timeline(o: &mut String, ctx: &Ctx, axis: &TimeAxis) {
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
            rows.push(format!("{} ×{kills}", node.unwrap_or("(unknown node)")));
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
        .filter_map(|(e, t)| {
            Some(Mark {
                secs: t.as_ref()?.secs,
                row: row_of[&e.node.as_deref()],
                kind: Kind::of(e),
            })
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
                row: row_of[&d.node.as_deref()],
                kind: Kind::Death,
            })
        })
        .chain(marks)
        .collect();
    figure(
        o,
        plots::timeline("OOM kills by node over time", &rows, &marks, axis),
        "Every kill on one time axis, one row per node: triangles are host (global) OOM kills, circles cgroup (limit) kills, purple squares the other deaths (evictions, oomd and unit kills, panics) and Kubernetes' reports. Marks closer than a pixel share one.",
    );
}

/// Workloads killed more than once, one row each: repeated kills at a glance.
fn repeated_kills(o: &mut String, ctx: &Ctx, axis: &TimeAxis) {
    let repeated: Vec<usize> = (0..ctx.workloads.len())
        .filter(|&w| ctx.workloads[w].events.len() > 1)
        .take(MAX_LANES)
        .collect();
    if repeated.is_empty() {
        el(o, "p", "note", "No workload was killed more than once.");
        return;
    }
    let rows: Vec<String> = repeated
        .iter()
        .map(|&w| {
            let wl = &ctx.workloads[w];
            format!("{} ×{}", plots::shorten(&wl.label, 36), wl.events.len())
        })
        .collect();
    let mut marks = Vec::new();
    for (row, &w) in repeated.iter().enumerate() {
        for &i in &ctx.workloads[w].events {
            if let Some(t) = ctx.times[i] {
                marks.push(Mark {
                    secs: t.secs,
                    row,
                    kind: Kind::of(&ctx.a.events[i]),
                });
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
        o,
        plots::timeline("Repeated kills by workload", &rows, &marks, axis),
        &caption,
    );
}

/// A bar's row label: the event id and its time of day.
fn bar_label(e: &OomEvent) -> String {
    let t = time_text(e);
    let short = t.get(11..19).filter(|_| e.time.is_some()).unwrap_or(t);
    format!("{} {}", e.id, short)
}

// ------------------------------------------------------------------ workloads

fn workloads(o: &mut String, ctx: &Ctx) {
    if ctx.workloads.is_empty() {
        return;
    }
    o.push_str("<section id=\"workloads\">\n<h2>Workloads</h2>\n");
    let shown = ctx.workloads.len().min(MAX_WORKLOAD_SECTIONS);
    if shown < ctx.workloads.len() {
        el(
            o,
            "p",
            "note",
            &format!(
                "The {shown} workloads with the most kills have a section; {} more are in the JSON document.",
                ctx.workloads.len() - shown
            ),
        );
    }
    for w in 0..shown {
        workload(o, ctx, w);
    }
    o.push_str("</section>\n");
}

fn workload(o: &mut String, ctx: &Ctx, w: usize) {
    let wl = &ctx.workloads[w];
    let _ = writeln!(
        o,
        "<section class=\"workload\" id=\"{}\">",
        escape(&wl.anchor)
    );
    let _ = write!(o, "<h3>{}", escape(&wl.label));
    if let Some(q) = &wl.qos {
        el(o, "span", "badge", q);
    }
    o.push_str("</h3>\n");
    workload_facts(o, ctx, w);
    diagnoses(o, &ctx.incident(w).diagnoses);
    usage_plot(o, ctx, wl);
    fill_plot(o, ctx, wl);
    let mut detailed = 0;
    for &i in wl.events.iter().filter(|&&i| ctx.detailed[i]) {
        event(o, ctx, i);
        detailed += 1;
    }
    if detailed < wl.events.len() {
        el(
            o,
            "p",
            "note",
            &format!(
                "{} of {} kills detailed here; every kill is in the JSON document.",
                detailed,
                wl.events.len()
            ),
        );
    }
    o.push_str("</section>\n");
}

fn workload_facts(o: &mut String, ctx: &Ctx, w: usize) {
    let wl = &ctx.workloads[w];
    let inc = ctx.incident(w);
    let mut oom_cgroups: Vec<&str> = wl
        .events
        .iter()
        .filter_map(|&i| ctx.a.events[i].cgroup.oom.as_deref())
        .collect();
    oom_cgroups.sort_unstable();
    oom_cgroups.dedup();
    let more = oom_cgroups.len().saturating_sub(3);
    let mut cgroups = oom_cgroups[..oom_cgroups.len().min(3)].join("\n");
    if more > 0 {
        cgroups.push_str(&format!("\n… {more} more"));
    }
    let pod = inc.pod.as_ref();
    let container = inc.container.as_ref();
    kv_table_class(
        o,
        "kv wide",
        &format!("Incident {}", inc.id),
        &[
            ("scope", Some(inc.scope.to_string())),
            ("node", inc.node.clone()),
            ("pod", pod.and_then(|p| p.name.clone())),
            ("namespace", pod.and_then(|p| p.namespace.clone())),
            ("pod UID", pod.map(|p| p.uid.clone())),
            ("QoS class", pod.and_then(|p| p.qos.clone())),
            ("container", container.and_then(|c| c.name.clone())),
            ("container id", container.map(|c| c.id.clone())),
            ("cgroup", inc.cgroup.clone()),
            ("OOM cgroups", (!cgroups.is_empty()).then_some(cgroups)),
            (
                "kills",
                Some(format!(
                    "{} ({} host, {} cgroup)",
                    inc.count, wl.host, wl.cgroup
                )),
            ),
            ("restarts (Kubernetes)", num(inc.restarts)),
            ("first", inc.first_time.as_deref().map(str::to_string)),
            ("last", inc.last_time.as_deref().map(str::to_string)),
            ("max usage at a kill", kb(inc.max_usage_kb)),
            ("limit (last kill)", kb_limit(inc.limit_kb)),
        ],
    );
}

/// Usage (or the victim's resident size for host kills) at each kill against the limit,
/// when the workload has at least two kills with a time.
fn usage_plot(o: &mut String, ctx: &Ctx, wl: &Workload) {
    let points: Vec<UsagePoint> = wl
        .events
        .iter()
        .filter_map(|&i| {
            let e = &ctx.a.events[i];
            let t = ctx.times[i]?;
            let cgroup = Kind::of(e) != Kind::Host;
            let usage = e.memory.usage_kb.filter(|_| cgroup).map(|k| k * 1024);
            let limit = limit_bytes(e.memory.limit_kb).filter(|_| cgroup);
            let victim_rss = (!cgroup).then(|| victim_rss(e)).flatten();
            (usage.is_some() || limit.is_some() || victim_rss.is_some()).then_some(UsagePoint {
                secs: t.secs,
                usage,
                limit,
                victim_rss,
            })
        })
        .collect();
    if points.len() < 2 {
        // One point is no trend: the bar chart shows that kill against its limit.
        return;
    }
    let times: Vec<Instant> = wl.events.iter().filter_map(|&i| ctx.times[i]).collect();
    let Some(axis) = TimeAxis::new(&times) else {
        return;
    };
    figure(
        o,
        plots::usage_over_time(
            &format!("Memory at each kill of {}", wl.label),
            &points,
            &axis,
        ),
        "Memory usage of the OOM cgroup at each cgroup kill (the limit as a line, holding until the next kill), and the victim's resident size at host kills.",
    );
}

fn victim_rss(e: &OomEvent) -> Option<u64> {
    let v = &e.victim;
    let parts = [v.anon_rss_kb, v.file_rss_kb, v.shmem_rss_kb];
    parts
        .iter()
        .any(Option::is_some)
        .then(|| parts.iter().flatten().sum::<u64>() * 1024)
}

/// What filled the memory at each kill, as stacked bars against the limit: the OOM
/// cgroup at cgroup kills, the node (from Mem-Info) at host OOMs.
fn fill_plot(o: &mut String, ctx: &Ctx, wl: &Workload) {
    let host = wl.scope == "host";
    let fills: Vec<(usize, Fill)> = wl
        .events
        .iter()
        .filter_map(|&i| {
            let e = &ctx.a.events[i];
            let f = if Kind::of(e) == Kind::Host {
                host_fill(e)
            } else {
                cgroup_fill(e)
            };
            Some((i, f?))
        })
        .collect();
    if fills.is_empty() {
        return;
    }
    let skipped = fills.len().saturating_sub(MAX_BARS);
    let rows: Vec<(String, Fill)> = fills[skipped..]
        .iter()
        .map(|(i, f)| (bar_label(&ctx.a.events[*i]), f.clone()))
        .collect();
    let (title, mut caption, limit) = if host {
        (
            format!(
                "Node memory at each host OOM on {}",
                wl.node.as_deref().unwrap_or("(unknown node)")
            ),
            format!(
                "The node's memory at each host OOM, from the kernel's Mem-Info (pages of {} KiB assumed), against its RAM.",
                PAGE_BYTES / 1024
            ),
            "RAM",
        )
    } else {
        (
            format!("What filled the cgroup of {}", wl.label),
            "What filled the OOM cgroup at each kill, from the kernel's memcg stats and counters, against its limit (swap is drawn past the memory; it does not count against the memory limit).".to_string(),
            "limit",
        )
    };
    if skipped > 0 {
        caption.push_str(&format!(
            " The {} most recent of {} kills are shown.",
            rows.len(),
            fills.len()
        ));
    }
    figure(o, plots::fill_bars(&title, &rows, limit), &caption);
}

// ------------------------------------------------------------------ one event

fn event(o: &mut String, ctx: &Ctx, i: usize) {
    let e = &ctx.a.events[i];
    let _ = write!(o, "<details class=\"event\" id=\"{}\">", escape(&e.id));
    event_summary(o, ctx, i);
    o.push_str("\n<div class=\"grid\">\n");
    event_tables(o, e);
    o.push_str("</div>\n");
    cgroup_table(o, ctx.a, e);
    diagnoses(o, &e.diagnoses);
    memcg_stats(o, e);
    meminfo(o, e);
    tasks(o, e);
    if !e.warnings.is_empty() {
        o.push_str("<p class=\"warn\">Warnings:</p><ul>");
        for w in &e.warnings {
            el(o, "li", "warn", w);
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<p>Seen in:</p><ul class=\"sources\">");
    for s in &e.sources {
        el(o, "li", "mono", &format!("{}:{}", s.file, s.line));
    }
    o.push_str("</ul>\n");
    if !e.raw.is_empty() {
        let _ = write!(
            o,
            "<details class=\"raw\"><summary>Raw block ({} lines, from {})</summary><pre>",
            e.raw.len(),
            escape(e.sources.first().map_or("", |s| s.file.as_str()))
        );
        for l in &e.raw {
            esc(o, l);
            o.push('\n');
        }
        o.push_str("</pre></details>\n");
    }
    o.push_str("</details>\n");
}

fn event_summary(o: &mut String, ctx: &Ctx, i: usize) {
    let e = &ctx.a.events[i];
    let kind = Kind::of(e);
    o.push_str("<summary>");
    let _ = write!(
        o,
        "<span class=\"kind kind-{}\">{}</span> <b>{}</b> ",
        kind.name(),
        escape(e.kind.as_deref().unwrap_or("unknown")),
        escape(&e.id)
    );
    esc(o, time_text(e));
    o.push_str(" · killed ");
    el(o, "b", "", &victim_text(e));
    match (e.memory.usage_kb, e.memory.limit_kb) {
        (Some(u), Some(l)) => {
            let _ = write!(
                o,
                " · usage {} / limit {}",
                human_kb(u),
                kb_limit(Some(l)).unwrap_or_default()
            );
        }
        _ => {
            if let Some(r) = victim_rss(e) {
                let _ = write!(o, " · victim resident {}", human_bytes(r));
            }
        }
    }
    for d in &e.diagnoses {
        badge(o, d);
    }
    if !e.complete {
        o.push_str(" <span class=\"warn\">(incomplete)</span>");
    }
    o.push_str("</summary>");
}

/// A severity usable in a class name: lowercase letters only.
fn severity_class(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn event_tables(o: &mut String, e: &OomEvent) {
    kv_table(
        o,
        "Kill",
        &[
            ("time", e.time.as_deref().map(str::to_string)),
            ("as printed", e.time_raw.clone()),
            ("node", e.node.clone()),
            ("kernel", e.kernel.clone()),
            ("kind", e.kind.clone()),
            ("constraint", e.constraint.clone()),
            (
                "complete",
                Some(
                    if e.complete {
                        "yes"
                    } else {
                        "no: the block was cut"
                    }
                    .into(),
                ),
            ),
        ],
    );
    let v = &e.victim;
    kv_table(
        o,
        "Victim (killed)",
        &[
            ("process", Some(victim_text(e))),
            ("uid", num(v.uid)),
            ("total-vm", kb(v.total_vm_kb)),
            ("anon-rss", kb(v.anon_rss_kb)),
            ("file-rss", kb(v.file_rss_kb)),
            ("shmem-rss", kb(v.shmem_rss_kb)),
            ("page tables", kb(v.pgtables_kb)),
            ("oom_score_adj", num(v.oom_score_adj)),
            ("score", num(v.score)),
            (
                "reaped",
                e.reaped.as_ref().map(|r| {
                    format!(
                        "pid {}, now anon-rss {}",
                        r.pid,
                        kb(r.anon_rss_kb).unwrap_or_else(|| "?".into())
                    )
                }),
            ),
        ],
    );
    let t = &e.trigger;
    kv_table(
        o,
        "Trigger (invoked the OOM killer)",
        &[
            (
                "process",
                match (t.pid, &t.comm) {
                    (Some(p), Some(c)) => Some(format!("{p} ({c})")),
                    (None, Some(c)) => Some(c.clone()),
                    (Some(p), None) => Some(p.to_string()),
                    (None, None) => None,
                },
            ),
            ("gfp_mask", t.gfp_mask.clone()),
            ("order", num(t.order)),
            ("oom_score_adj", num(t.oom_score_adj)),
            ("nodemask", t.nodemask.clone()),
            ("cpuset", t.cpuset.clone()),
            ("manual (sysrq)", t.manual.then(|| "yes".into())),
        ],
    );
    let m = &e.memory;
    let pair = |u: Option<u64>, l: Option<u64>| match (u, l) {
        (None, None) => None,
        (u, l) => Some(format!(
            "{} / limit {}",
            kb(u).unwrap_or_else(|| "?".into()),
            kb_limit(l).unwrap_or_else(|| "?".into())
        )),
    };
    kv_table(
        o,
        "Memory counters",
        &[
            ("memory", pair(m.usage_kb, m.limit_kb)),
            ("failcnt", num(m.failcnt)),
            ("memory+swap", pair(m.memsw_usage_kb, m.memsw_limit_kb)),
            ("swap", pair(m.swap_usage_kb, m.swap_limit_kb)),
            ("kmem", pair(m.kmem_usage_kb, m.kmem_limit_kb)),
        ],
    );
}

/// The cgroups, pod and container of a kill, and the OOM cgroup's snapshot at
/// collection time when the bundle had one (full width: paths are long).
fn cgroup_table(o: &mut String, a: &Analysis, e: &OomEvent) {
    kv_table_class(
        o,
        "kv wide",
        "Cgroup, pod and container",
        &[
            ("OOM cgroup (limit hit)", e.cgroup.oom.clone()),
            ("victim's cgroup", e.cgroup.task.clone()),
            ("pod UID", e.pod.as_ref().map(|p| p.uid.clone())),
            ("pod", e.pod.as_ref().and_then(|p| p.name.clone())),
            (
                "namespace",
                e.pod.as_ref().and_then(|p| p.namespace.clone()),
            ),
            ("QoS class", e.pod.as_ref().and_then(|p| p.qos.clone())),
            ("container", e.container.as_ref().map(|c| c.id.clone())),
            (
                "container name",
                e.container.as_ref().and_then(|c| c.name.clone()),
            ),
            (
                "runtime",
                e.container.as_ref().and_then(|c| c.runtime.clone()),
            ),
            (
                "OOM cgroup at collection time",
                e.cgroup_snapshot
                    .and_then(|i| a.cgroups.get(i))
                    .map(snapshot_text),
            ),
        ],
    );
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

fn diagnoses(o: &mut String, ds: &[Diagnosis]) {
    if ds.is_empty() {
        return;
    }
    o.push_str("<ul class=\"diagnoses\">");
    for d in ds {
        let _ = write!(
            o,
            "<li><code>{}</code> <span class=\"badge sev-{}\">{}</span> {}",
            escape(d.code.as_str()),
            severity_class(d.severity.as_str()),
            escape(d.severity.as_str()),
            escape(&d.summary)
        );
        if !d.action.is_empty() {
            o.push_str("<br><b>What to do:</b> ");
            esc(o, &d.action);
        }
        if !d.evidence.is_empty() {
            o.push_str("<div class=\"note\">Evidence: ");
            for (n, (k, v)) in d.evidence.iter().enumerate() {
                if n > 0 {
                    o.push_str("; ");
                }
                esc(o, k);
                o.push_str(" = ");
                value(o, v);
            }
            o.push_str("</div>");
        }
        o.push_str("</li>\n");
    }
    o.push_str("</ul>\n");
}

fn memcg_stats(o: &mut String, e: &OomEvent) {
    for (path, stats) in &e.memcg_stats {
        o.push_str("<p class=\"cap\">Memory cgroup stats for <code>");
        esc(o, path);
        o.push_str("</code></p><dl class=\"stats\">");
        for (k, v) in stats {
            stat_item(o, k, &human_bytes(*v));
        }
        o.push_str("</dl>\n");
    }
}

fn stat_item(o: &mut String, k: &str, v: &str) {
    o.push_str("<div>");
    el(o, "dt", "", k);
    el(o, "dd", "", v);
    o.push_str("</div>");
}

/// A host OOM's Mem-Info: page counts with their size (`_kb` keys are kB).
fn meminfo(o: &mut String, e: &OomEvent) {
    let Some(mi) = &e.meminfo else {
        return;
    };
    let _ = write!(
        o,
        "<p class=\"cap\">Mem-Info (pages of {} KiB assumed)</p><dl class=\"stats\">",
        PAGE_BYTES / 1024
    );
    for (k, v) in mi {
        let text = if k.ends_with("_kb") {
            human_kb(*v)
        } else {
            format!("{} ({v} pages)", human_bytes(v * PAGE_BYTES))
        };
        stat_item(o, k, &text);
    }
    o.push_str("</dl>\n");
}

/// The task table, largest resident first; header clicks re-sort it (with scripts).
fn tasks(o: &mut String, e: &OomEvent) {
    if e.tasks.is_empty() {
        return;
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
    let _ = write!(
        o,
        "<table class=\"sortable tasks\"><caption>Tasks ({}, largest resident first; memory columns in pages of {} KiB unless named _bytes)</caption><thead><tr><th class=\"n\">pid</th>",
        e.tasks.len(),
        PAGE_BYTES / 1024
    );
    for c in &columns {
        el(o, "th", "n", c);
    }
    o.push_str("<th class=\"n\">resident</th><th>name</th></tr></thead><tbody>\n");
    for r in rows.iter().take(MAX_TASK_ROWS) {
        task_row(o, e, r, &columns);
    }
    o.push_str("</tbody></table>\n");
    if e.tasks.len() > MAX_TASK_ROWS {
        el(
            o,
            "p",
            "note",
            &format!(
                "The {MAX_TASK_ROWS} largest of {} tasks are shown; the JSON document has all.",
                e.tasks.len()
            ),
        );
    }
}

fn task_row(o: &mut String, e: &OomEvent, r: &TaskRow, columns: &[&str]) {
    let victim = e.victim.pid == Some(r.pid);
    o.push_str(if victim {
        "<tr class=\"victim\">"
    } else {
        "<tr>"
    });
    el(o, "td", "n", &r.pid.to_string());
    for c in columns {
        el(
            o,
            "td",
            "n",
            &r.get(c).map(|v| v.to_string()).unwrap_or_default(),
        );
    }
    let rss = task_rss_pages(r).max(0) as u64;
    let _ = write!(
        o,
        "<td class=\"n\" data-v=\"{rss}\">{}</td>",
        human_bytes(rss * PAGE_BYTES)
    );
    el(o, "td", "mono", &r.name);
    o.push_str("</tr>\n");
}

// ------------------------------------------------------------------ warnings, footer

// ------------------------------------------------------------------ nodes

/// One section per node: its facts and its kills, linked to their details.
fn nodes(o: &mut String, ctx: &Ctx) {
    let a = ctx.a;
    let shown: Vec<(usize, String)> = (0..a.nodes.len())
        .filter_map(|n| Some((n, ctx.node_anchor(n)?)))
        .collect();
    if shown.is_empty() {
        return;
    }
    o.push_str("<section id=\"nodes\">\n<h2>Nodes</h2>\n");
    if a.nodes.len() > MAX_NODE_SECTIONS {
        el(
            o,
            "p",
            "note",
            &format!(
                "The first {MAX_NODE_SECTIONS} nodes by name have a section; {} more are in the nodes table and the JSON document.",
                a.nodes.len() - MAX_NODE_SECTIONS
            ),
        );
    }
    for (n, anchor) in shown {
        node_section(o, ctx, n, &anchor);
    }
    o.push_str("</section>\n");
}

fn node_section(o: &mut String, ctx: &Ctx, n: usize, anchor: &str) {
    let a = ctx.a;
    let node = &a.nodes[n];
    let _ = writeln!(o, "<section class=\"node\" id=\"{anchor}\">");
    el(o, "h3", "", node.name.as_deref().unwrap_or("(unknown)"));
    let cgroup = [
        node.cgroup_version.as_deref(),
        node.cgroup_driver.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    let sysctl = node
        .sysctl
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let kills: &[usize] = node
        .name
        .as_ref()
        .and_then(|n| ctx.node_events.get(n.as_str()))
        .map_or(&[], Vec::as_slice);
    // The inputs holding this node's kills, by their sources (`bundle` is not in the
    // JSON, and a merged document must render as the single run does).
    let inputs: std::collections::BTreeSet<&str> = kills
        .iter()
        .flat_map(|&i| &a.events[i].sources)
        .filter_map(|s| ctx.source_input.get(s.file.as_str()).copied())
        .collect();
    let inputs: Vec<&str> = inputs.into_iter().collect();
    kv_table(
        o,
        "Node",
        &[
            ("kernel", node.kernel.clone()),
            ("cgroup", (!cgroup.is_empty()).then_some(cgroup)),
            ("memory", kb(node.mem_total_kb)),
            ("pod memory limits", kb(node.pod_memory_limits_kb)),
            ("pod memory requests", kb(node.pod_memory_requests_kb)),
            ("booted", node.boot_time.clone()),
            ("collected", node.collected_at.clone()),
            ("OOM sysctls", (!sysctl.is_empty()).then_some(sysctl)),
            (
                "kills found in",
                (!inputs.is_empty()).then(|| inputs.join(", ")),
            ),
        ],
    );
    let deaths = a
        .other_deaths
        .iter()
        .filter(|d| d.node == node.name)
        .count();
    if kills.is_empty() {
        el(o, "p", "", "No kernel OOM kills on this node.");
    } else {
        o.push_str("<table><caption>Kills on this node</caption><tr><th>kill</th><th>time</th><th>kind</th><th>victim</th><th>workload</th><th class=\"n\">usage / limit</th></tr>\n");
        for &i in kills.iter().take(MAX_NODE_KILLS) {
            let e = &a.events[i];
            o.push_str("<tr><td>");
            if ctx.detailed[i] {
                let _ = write!(o, "<a href=\"#{0}\">{0}</a>", escape(&e.id));
            } else {
                esc(o, &e.id);
            }
            o.push_str("</td>");
            el(o, "td", "t", time_text(e));
            el(o, "td", "", e.kind.as_deref().unwrap_or("unknown"));
            el(o, "td", "", &victim_text(e));
            o.push_str("<td>");
            if let Some(w) = ctx.event_workload[i] {
                workload_link(o, ctx, w);
            }
            o.push_str("</td>");
            let usage = match (e.memory.usage_kb, e.memory.limit_kb) {
                (Some(u), Some(l)) => format!(
                    "{} / {}",
                    human_kb(u),
                    kb_limit(Some(l)).unwrap_or_default()
                ),
                _ => String::new(),
            };
            el(o, "td", "n t", &usage);
            o.push_str("</tr>\n");
        }
        o.push_str("</table>\n");
        if kills.len() > MAX_NODE_KILLS {
            el(
                o,
                "p",
                "note",
                &format!(
                    "{} of {} kills listed; every kill is in the JSON document.",
                    MAX_NODE_KILLS,
                    kills.len()
                ),
            );
        }
    }
    if deaths > 0 {
        el(
            o,
            "p",
            "",
            &format!(
                "{} on this node (see the summary).",
                plural(deaths, "other death", "other deaths")
            ),
        );
    }
    o.push_str("</section>\n");
}

fn warnings(o: &mut String, a: &Analysis) {
    if a.warnings.is_empty() {
        return;
    }
    o.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n<table><tr><th>file</th><th>message</th></tr>\n");
    for w in &a.warnings {
        o.push_str("<tr>");
        el(o, "td", "mono", &w.file);
        el(o, "td", "", &w.message);
        o.push_str("</tr>\n");
    }
    o.push_str("</table>\n</section>\n");
}

fn footer(o: &mut String) {
    let _ = write!(
        o,
        "<footer>Made by oomsift {} (document schema oomsift/1). Times are as the logs printed them, with their UTC offset where known. The JSON document (<code>--format json</code>) has every field.</footer>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn severity_classes_are_letters() {
        assert_eq!(severity_class("Warning\" onclick=x"), "warningonclickx");
    }

    #[test]
    fn any_json_value_renders_escaped() {
        let mut o = String::new();
        value(
            &mut o,
            &serde_json::json!({"a<": ["x", 1, null], "b": [{"c": "<i>"}]}),
        );
        assert_eq!(
            o,
            "<ul><li><b>a&lt;</b>: x, 1, —</li><li><b>b</b>: <ul><li><ul><li><b>c</b>: &lt;i&gt;</li></ul></li></ul></li></ul>"
        );
    }
}
