//! The HTML report: a snapshot of a real bundle's page, determinism, escaping of
//! everything taken from logs, self-containment, the plots, the `--html` and `-o`
//! options with their errors, and a bounded page for a large input.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;
mod gen_oom;

use common::*;
use oomsift::report::Render;
use oomsift::report::html::Html;
use std::path::Path;

const SOS: &str = "testdata/sosreport-node1";
const ESCAPE: &str = "testdata/html-escape";

/// The HTML of `inputs`, analyzed in-process with `jobs` threads.
fn html(inputs: &[&str], jobs: usize) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    std::env::set_current_dir(root).expect("cd to the package root");
    let cfg = oomsift::Config {
        inputs: inputs.iter().map(|s| s.to_string()).collect(),
        jobs: Some(jobs),
        raw_blocks: true,
        ..oomsift::Config::default()
    };
    let analysis = oomsift::run(&cfg).expect("analysis runs");
    let mut out = Vec::new();
    Html.render(&analysis, &mut out).expect("render");
    String::from_utf8(out).expect("UTF-8 HTML")
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

// ---------------------------------------------------------------- the page

#[test]
fn sosreport_page_snapshot() {
    insta::assert_snapshot!("sosreport_node1_html", html(&[SOS], 1));
}

#[test]
fn same_input_gives_byte_identical_html_whatever_the_threads() {
    let a = html(&[SOS, "testdata/journal-json", "testdata/multinode"], 1);
    let b = html(&[SOS, "testdata/journal-json", "testdata/multinode"], 2);
    assert!(a == b, "the HTML differs between runs");
}

#[test]
fn sosreport_page_has_summary_timeline_plots_and_every_event() {
    let h = html(&[SOS], 1);
    assert!(h.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(h.ends_with("</html>\n"));
    assert!(h.contains("<title>oomsift report: 2 OOM kills on node1</title>"));
    // Summary: counts, the span as printed, the nodes table, the incidents, diagnoses.
    assert!(h.contains("<div class=\"card\"><b>1</b>host (global) OOM</div>"));
    assert!(h.contains("<div class=\"card\"><b>1</b>cgroup (limit) OOM</div>"));
    assert!(h.contains(
        "From <b>2024-03-05T10:18:20.120001+00:00</b> to <b>2024-03-05T10:40:00.500002+00:00</b>"
    ));
    assert!(h.contains("<caption>Incidents, most kills first</caption>"));
    assert!(h.contains("<caption>Diagnoses found</caption>"));
    // The timeline (one node row) and one fill chart per incident: the cgroup against
    // its limit, the node's Mem-Info against its RAM.
    assert!(h.contains("aria-label=\"OOM kills by node over time\""));
    assert!(h.contains("time (UTC, 2024-03-05)"));
    assert!(h.contains("aria-label=\"What filled the cgroup of container 4f3a9c1e7b2d in pod 7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10\""));
    assert!(h.contains("aria-label=\"Node memory at each host OOM on node1\""));
    assert_eq!(count(&h, "<svg class=\"plot\""), 3);
    assert!(h.contains("memory (MiB)") && h.contains("memory (GiB)"));
    // Each kill collapsed, with its task table largest first and its sources.
    assert_eq!(count(&h, "<details class=\"event\""), 2);
    let e2 = &h[h.find("<details class=\"event\" id=\"e2\"").unwrap()..];
    let java = e2
        .find("<td class=\"mono\">java <span class=\"mark\">(trigger, victim)</span></td>")
        .unwrap();
    let python = e2.find("<td class=\"mono\">python3</td>").unwrap();
    let sshd = e2.find("<td class=\"mono\">sshd</td>").unwrap();
    assert!(java < python && python < sshd, "task table ordered by rss");
    assert!(e2.contains("<tr class=\"victim\"><td class=\"n\">51234</td>"));
    assert!(
        e2.contains(
            "<li class=\"mono\">testdata/sosreport-node1/sos_commands/kernel/dmesg:51</li>"
        )
    );
    assert!(e2.contains("<li class=\"mono\">testdata/sosreport-node1/var/log/messages:98</li>"));
    assert!(e2.contains("<p class=\"cap\">Mem-Info (pages of 4 KiB assumed)</p>"));
    assert!(e2.contains("<dt>active_anon</dt><dd>14.1 GiB (3701843 pages)</dd>"));
}

#[test]
fn page_is_self_contained() {
    let h = html(&[SOS, "testdata/journal-json", "testdata/multinode"], 1);
    for bad in [
        "<link", "<img", "<iframe", "src=", "@import", "url(", "https://",
    ] {
        assert!(!h.contains(bad), "the page holds {bad:?}");
    }
    // The only URL is SVG's namespace name, which is never fetched.
    let urls = count(&h, "http://");
    assert_eq!(urls, count(&h, "xmlns=\"http://www.w3.org/2000/svg\""));
    assert_eq!(count(&h, "<script>"), 1, "one inline script");
    assert_eq!(count(&h, "<style>"), 1, "one inline style sheet");
}

#[test]
fn everything_from_the_logs_is_escaped() {
    let h = html(&[ESCAPE], 1);
    assert!(
        !h.contains("<script>alert(1)"),
        "a process name ran as markup"
    );
    assert!(!h.contains("<b>.service"), "a cgroup path ran as markup");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(h.contains("/system.slice/evil&quot;quote&#39;&amp;&lt;b&gt;.service"));
    // plotters escapes its own text (the repeated-kills row label here).
    assert!(h.contains("aria-label=\"Repeated kills by workload\""));
    assert!(h.contains("&apos;&amp;&lt;b&gt;.service"));
    assert_eq!(count(&h, "<script>"), 1, "only the page's own script");
    // Nothing unescaped in any attribute either: every quote inside a tag is paired.
    for tag in h
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        assert_eq!(count(tag, "\"") % 2, 0, "unbalanced quotes in <{tag}>");
    }
}

/// The page with its style sheet and script cut out: what is built from the analysis.
fn outside_style_and_script(page: &str) -> String {
    let mut rest = page.to_string();
    for (open, close) in [("<style>", "</style>"), ("<script>", "</script>")] {
        let start = rest.find(open).expect("the style sheet and script");
        let end = rest[start..].find(close).expect("closed") + start;
        rest.replace_range(start..end + close.len(), "");
    }
    rest
}

#[test]
fn hostile_names_in_every_field_are_escaped() {
    // Markup and both quotes in the input's path (header, sources, raw block, the
    // node's inputs), the node name (titles, tables, timeline, links), a cgroup path
    // and a process name (tables, plots), and a damaged file (the warnings section).
    let dir = scratch_dir("html-hostile-names").join("case 'o\"<q>&x");
    std::fs::create_dir_all(&dir).unwrap();
    let log = String::from_utf8(testdata("html-escape/messages")).unwrap();
    std::fs::write(
        dir.join("messages"),
        log.replace(" evil-node ", " o'neil<i>\"x& "),
    )
    .unwrap();
    let gz = gzip(&testdata("varlog-rotated/messages-20240101"));
    std::fs::write(dir.join("messages-1'<u>.gz"), &gz[..gz.len() / 2]).unwrap();
    let h = html(&[arg(&dir)], 1);
    let built = outside_style_and_script(&h);
    assert!(!built.contains('\''), "a raw ' in the page");
    assert_eq!(count(&h, "<script>"), 1, "only the page's own script");
    for raw in ["<q>", "<i>", "<u>", "\"x&", "'neil"] {
        assert!(!built.contains(raw), "{raw:?} unescaped");
    }
    let path = "case &#39;o&quot;&lt;q&gt;&amp;x";
    assert!(h.contains(&format!("<code>{}", escape_path(&dir, path))));
    assert!(h.contains(&format!("{path}/messages:2</li>")));
    assert!(h.contains("<h3>o&#39;neil&lt;i&gt;&quot;x&amp;</h3>"));
    assert!(h.contains(
        "<title>oomsift report: 3 OOM kills on o&#39;neil&lt;i&gt;&quot;x&amp;, web-1</title>"
    ));
    assert!(h.contains("<section id=\"warnings\">"));
    assert!(h.contains(&format!("{path}/messages-1&#39;&lt;u&gt;.gz</td>")));
    for tag in built
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        assert_eq!(count(tag, "\"") % 2, 0, "unbalanced quotes in <{tag}>");
    }
}

/// `dir` as the page prints it: its parent as is, its last part `escaped`.
fn escape_path(dir: &Path, escaped: &str) -> String {
    format!("{}/{escaped}", arg(dir.parent().unwrap()))
}

#[test]
fn repeated_kills_get_a_usage_plot_and_a_lane() {
    let dir = scratch_dir("html-repeated");
    let log = dir.join("messages");
    // 90 kills of 40 pods: each pod's container killed two or three times.
    std::fs::write(&log, gen_oom::syslog(90)).unwrap();
    let h = html(&[arg(&log)], 1);
    assert!(h.contains("aria-label=\"Repeated kills by workload\""));
    assert!(h.contains("aria-label=\"Memory at each kill of container c0ffee000000 in pod 00000000-1111-4222-8333-000000000000\""));
    assert!(h.contains("cgroup usage at the kill"));
    assert!(h.contains("<code>repeated_kills</code>"));
    // Host OOMs: the node's memory against its RAM.
    assert!(h.contains("aria-label=\"Node memory at each host OOM on gen-node-a\""));
}

#[test]
fn a_v1_pod_killed_twice_shows_kernel_memory_filling_its_limit() {
    let h = html(&["testdata/sosreport-k8s-v1"], 1);
    let label = "container ledger in pod payments/ledger-5d8f7c9b6-qx2lm";
    assert!(h.contains(&format!("aria-label=\"Memory at each kill of {label}\"")));
    let fill = &h[h
        .find(&format!("aria-label=\"What filled the cgroup of {label}\""))
        .unwrap()..];
    let fill = &fill[..fill.find("</svg>").unwrap()];
    // kmem: usage is 70 % of the cgroup: the kernel part is drawn, anon beside it.
    assert!(fill.contains("kernel (slab, stacks, page tables)"));
    assert!(fill.contains("anon / rss"));
    assert!(h.contains("<code>kmem_dominant</code>"));
    assert!(h.contains("<code>repeated_kills</code>"));
}

#[test]
fn no_kills_still_renders_a_page() {
    let h = html(&["testdata/lookalikes"], 1);
    assert!(h.contains("No kernel OOM kills found in 1 input."));
    // No kill to place, but the userspace deaths in the file are on the timeline.
    assert!(h.contains("other death or Kubernetes report (3)"));
    assert_eq!(count(&h, "<details"), 0);
}

#[test]
fn large_input_gives_a_bounded_page() {
    let dir = scratch_dir("html-large");
    let log = dir.join("messages");
    std::fs::write(&log, gen_oom::syslog(2_000)).unwrap();
    let h = html(&[arg(&log)], 2);
    assert!(h.contains("<title>oomsift report: 2000 OOM kills on "));
    // Per-event detail is capped, plots aggregate: a few MiB at most.
    assert!(h.len() < 6 << 20, "{} bytes for 2,000 kills", h.len());
    assert!(count(&h, "<details class=\"event\"") <= 500);
    assert!(h.contains("kills detailed here; every kill is in the JSON document."));
    assert!(h.contains("The 30 most recent of "));
}

// ---------------------------------------------------------------- command line

#[test]
fn html_option_writes_the_page_and_keeps_stdout() {
    let dir = scratch_dir("html-option");
    let file = dir.join("report.html");
    let (doc, r) = analyze_json(&[SOS, "--html", arg(&file)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(doc["schema"], "oomsift/1", "stdout keeps --format json");
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written, html(&[SOS], 1));
}

#[test]
fn output_dir_writes_html_and_json_and_prints_the_summary() {
    let dir = scratch_dir("html-output-dir").join("new/nested");
    let r = run(&["analyze", SOS, "-o", arg(&dir)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "oomsift: wrote {} and {}\n",
            dir.join("report.html").display(),
            dir.join("report.json").display()
        ),
        "-o says where it wrote"
    );
    let quiet = run(&["analyze", SOS, "-q", "-o", arg(&dir)]);
    assert_eq!(quiet.stderr, "", "-q silences it");
    assert!(
        r.stdout
            .starts_with("node node1: 2 OOM kill(s): 1 host, 1 cgroup\n")
    );
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<summary>Raw block (").count(), 2);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["events"].as_array().unwrap().len(), 2);
}

#[test]
fn unwritable_outputs_exit_2_naming_the_path() {
    let dir = scratch_dir("html-unwritable");
    let missing = dir.join("no/such/dir/report.html");
    let r = run(&["analyze", SOS, "--html", arg(&missing)]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "oomsift: cannot write {}: no such file or directory\n",
            missing.display()
        )
    );
    assert_eq!(
        r.stdout, "",
        "nothing printed when a report cannot be written"
    );

    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let r = run(&["analyze", SOS, "-o", arg(&file)]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with(&format!("oomsift: cannot create {}: ", file.display())),
        "{}",
        r.stderr
    );
}

#[test]
fn output_dir_and_format_conflict() {
    let r = run(&["analyze", SOS, "-o", "x", "--format", "json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

// ---------------------------------------------------------------- fleet

/// The text of the table row holding `needle`, tags removed.
fn row_with(page: &str, needle: &str) -> String {
    let at = page.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let start = page[..at].rfind("<tr>").unwrap();
    let end = at + page[at..].find("</tr>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in page[start..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push('|');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn fleet_page_groups_a_workload_across_nodes_and_has_a_section_per_node() {
    let page = html(&["testdata/fleet"], 2);
    // The cart Deployment's pods were killed on both nodes: one row, three kills.
    assert!(page.contains("<a href=\"#nodes\">Nodes</a>"));
    let cart = row_with(&page, "container cart of shop/cart-*");
    assert_eq!(
        cart,
        "container cart of shop/cart-* | 3 | 2 | node-a | , | node-b | i1 | , | i2"
    );
    assert!(page.contains("<a href=\"#node-1\">node-a</a>, <a href=\"#node-2\">node-b</a>"));
    let redis = row_with(&page, "container redis of cache/redis-*");
    assert!(
        redis.starts_with("container redis of cache/redis-* | 1 | 1 | node-b"),
        "{redis}"
    );
    // One section per node with its kills, linked to their details and workloads.
    assert_eq!(count(&page, "<section class=\"node\""), 2);
    let a = &page[page.find("id=\"node-1\"").unwrap()..page.find("id=\"node-2\"").unwrap()];
    assert!(a.contains("<h3>node-a</h3>"));
    assert_eq!(count(a, "<td>31001 (java)</td>"), 1);
    assert_eq!(count(a, "<td>31877 (java)</td>"), 1);
    assert!(!a.contains("42002"));
    // Paths carry break points (`<wbr>` after `/` and `-`) so they wrap at safe places.
    assert!(a.contains("testdata/<wbr>fleet/<wbr>sosreport-<wbr>node-<wbr>a-"));
    assert!(
        a.replace("<wbr>", "")
            .contains("testdata/fleet/sosreport-node-a-2024-03-07-aaaaaaa")
    );
    // Every in-page link has its target.
    for href in page.split("href=\"#").skip(1) {
        let id = &href[..href.find('"').unwrap()];
        assert!(
            page.contains(&format!("id=\"{id}\"")),
            "no target for #{id}"
        );
    }
}

#[test]
fn one_node_gets_no_fleet_table_but_a_node_section() {
    let page = html(&[SOS], 1);
    assert!(!page.contains("fleet-workloads"));
    assert_eq!(count(&page, "<section class=\"node\""), 1);
}

#[test]
fn a_node_collected_twice_has_one_section() {
    let dir = scratch_dir("html-node-twice");
    let node = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/fleet/sosreport-node-a-2024-03-07-aaaaaaa");
    for (copy, date) in [
        ("sos-1", "Thu Mar  7 12:00:00 UTC 2024"),
        ("sos-2", "Fri Mar  8 12:00:00 UTC 2024"),
    ] {
        for f in [
            "version.txt",
            "sos_commands/host/hostname",
            "sos_commands/date/date",
            "var/log/messages",
        ] {
            let to = dir.join(copy).join(f);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(node.join(f), &to).unwrap();
        }
        std::fs::write(
            dir.join(copy).join("sos_commands/date/date"),
            format!("{date}\n"),
        )
        .unwrap();
    }
    let page = dir.join("page.html");
    let r = run(&[
        "analyze",
        "-q",
        "--html",
        arg(&page),
        arg(&dir.join("sos-1")),
        arg(&dir.join("sos-2")),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&page).unwrap();
    assert_eq!(count(&page, "<section class=\"node\""), 1);
    assert_eq!(
        count(&page, "<a href=\"#node-1\">node-a</a>"),
        2,
        "both rows of the nodes table link to it"
    );
}

/// At 1,000 px and in print: ids and paths carry break points, the incidents table
/// (verdict and victim) comes first after the cards, and each timeline mark is a link
/// to its kill with a tooltip.
#[test]
fn ids_wrap_the_verdict_comes_first_and_marks_link_to_their_kills() {
    let h = html(&[SOS], 1);
    // A 64-hex container id: a break point every 16 digits; a cgroup path after `/`.
    assert!(h.contains(
        "<td>4f3a9c1e7b2d8a6f<wbr>0c5e9b3d1a7f2c8e<wbr>6b4d0a9f3e7c1b5d<wbr>9a2f6e0c4b8d3a7f</td>"
    ));
    assert!(h.contains("<td>/<wbr>kubepods.slice/<wbr>kubepods-<wbr>burstable.slice/"));
    // The incidents (limit that fired, last victim) right after the cards, before the
    // nodes table, the timeline and the workload sections.
    let cards = h.find("<div class=\"cards\">").unwrap();
    let incidents = h.find("<table class=\"incidents\">").unwrap();
    let nodes = h.find("<caption>Nodes</caption>").unwrap();
    let timeline = h.find("<section id=\"timeline\">").unwrap();
    assert!(cards < incidents && incidents < nodes && nodes < timeline);
    assert!(!h[cards..incidents].contains("<table"));
    assert!(h[incidents..nodes].contains("<td class=\"id\">51234 (java) · pod c2b4e6f8-<wbr>"));
    // Timeline marks: a link to the kill, a tooltip with id, time and victim.
    assert!(h.contains(
        "<a class=\"kill\" href=\"#e2\"><title>e2 2024-03-05T10:40:00.500002+00:00 — host RAM — victim 51234 (java)</title><polygon"
    ));
    assert_eq!(count(&h, "<a class=\"kill\" href=\"#e1\">"), 1);
    assert!(h.contains("<details class=\"event\" id=\"e2\""));
    // The systemd unit's report is a mark with a tooltip, beside e2 but not on it.
    assert!(h.contains(
        "<g class=\"mark\"><title>unit_process_oom_killed (systemd) 2024-03-05T10:40:01+00:00:"
    ));
}

#[test]
fn each_kill_is_explained_in_prose() {
    // A RHEL 8 host OOM with its zone lines: the watermark and fragmentation findings
    // are on the page, beside the GFP flags and the request's size.
    let h = html(&["testdata/zone-watermarks"], 1);
    assert!(h.contains("How the kernel got here"));
    assert!(h.contains("below its min watermark"), "watermark sentence");
    assert!(h.contains("GFP_HIGHUSER_MOVABLE"));
    assert!(h.contains("order=3"), "the high-order request");
}

// ---------------------------------------------------------------- every bundle

/// What the page of one bundle says, for a snapshot: the page as written, but the
/// stylesheet and script (the same on every page, checked here, and snapshotted
/// whole in `sosreport_node1_html`) elided and each plot reduced to what it says —
/// its label and title, its texts (legends, ticks, axis names), its marks' links and
/// tooltips — and a count of the shapes plotters drew (their geometry is not kept).
/// Any change to a fact, a sentence, a table cell, a tick or a mark's tooltip fails.
fn page_outline(page: &str, style: &mut Option<String>) -> String {
    // The <style> and <script> blocks: compared across pages, then elided.
    let mut page = page.to_string();
    let mut shared = String::new();
    for (open, close) in [("<style>", "</style>"), ("<script>", "</script>")] {
        let start = page.find(open).unwrap_or_else(|| panic!("no {open}"));
        let end = page[start..].find(close).expect("closed") + start + close.len();
        shared.push_str(&page[start..end]);
        page.replace_range(start..end, &format!("{open}(elided){close}"));
    }
    match style {
        Some(first) => assert!(*first == shared, "the stylesheet or script differs"),
        None => *style = Some(shared),
    }
    let mut out = String::with_capacity(page.len() / 2);
    let mut rest = page.as_str();
    while let Some(start) = rest.find("<svg") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("</svg>").expect("svg closed") + start;
        out.push_str(&svg_outline(&rest[start..end]));
        out.push_str("</svg>");
        rest = &rest[end + "</svg>".len()..];
    }
    out.push_str(rest);
    out
}

/// One plot: its opening tag and title, its text lines, its marks (links with
/// tooltips, kept whole), and `<!-- shapes: … -->` counting the other elements.
fn svg_outline(svg: &str) -> String {
    let mut out = String::new();
    let mut shapes = std::collections::BTreeMap::<&str, usize>::new();
    let mut in_text = false;
    for line in svg.lines() {
        let l = line.trim();
        if in_text {
            if l == "</text>" {
                in_text = false;
            } else {
                out.push_str("text: ");
                out.push_str(l);
                out.push('\n');
            }
        } else if l.starts_with("<text") {
            in_text = !l.ends_with("</text>");
            if !in_text {
                let inner = l.split_once('>').map_or("", |(_, t)| t);
                out.push_str("text: ");
                out.push_str(inner.trim_end_matches("</text>"));
                out.push('\n');
            }
        } else if l.starts_with("<svg")
            || l.starts_with("<title>")
            || l.starts_with("<a ")
            || l.starts_with("<g class=")
        {
            out.push_str(l);
            out.push('\n');
        } else {
            let name = l
                .trim_start_matches('<')
                .split([' ', '>', '/'])
                .next()
                .unwrap_or("");
            *shapes.entry(name).or_default() += 1;
        }
    }
    let counts: Vec<String> = shapes.iter().map(|(k, n)| format!("{n} {k}")).collect();
    out.push_str(&format!("<!-- shapes: {} -->\n", counts.join(", ")));
    out
}

/// The HTML page of every bundle in `testdata/` (the list and the reference date of
/// `verdict::text_outputs_of_every_testdata_bundle`), each a snapshot of its
/// outline; no clock, file time, checkout path or thread count enters the page.
#[test]
fn html_outputs_of_every_testdata_bundle() {
    let dir = scratch_dir("every-html");
    let mut entries: Vec<String> = std::fs::read_dir("testdata")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert!(entries.len() > 20, "{entries:?}");
    let root = env!("CARGO_MANIFEST_DIR");
    let mut style = None;
    for name in entries {
        let path = format!("testdata/{name}");
        let page = dir.join(format!("{name}.html"));
        let mut pages = Vec::new();
        for jobs in ["1", "2"] {
            let r = run(&[
                "analyze",
                "-q",
                "--jobs",
                jobs,
                "--reference-date",
                "2024-06-30",
                "--html",
                arg(&page),
                &path,
            ]);
            assert!(r.code == 0 || r.code == 1, "{path}: exit {}", r.code);
            pages.push(std::fs::read_to_string(&page).expect("page written"));
        }
        assert!(pages[0] == pages[1], "{path}: the page depends on --jobs");
        let html = &pages[0];
        assert!(
            !html.contains(root),
            "{path}: the checkout's path is on the page"
        );
        assert!(html.ends_with("</html>\n"), "{path}");
        insta::assert_snapshot!(
            format!("every_html_{}", name.replace('-', "_")),
            page_outline(html, &mut style)
        );
    }
}
