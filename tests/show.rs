//! `oomsift show ID PATH...`: one kill in full — verdict, explanation (GFP flags,
//! order as bytes, zone watermarks and fragmentation, RAM/swap, the victim's share),
//! the task table in human units with the trigger and victim marked, sources and the
//! raw block — from bundles (analyzed with raw blocks kept) or from a saved JSON
//! document (taken as is).
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;

const NODE1: &str = "testdata/sosreport-node1";
const ZONES: &str = "testdata/zone-watermarks";

fn show_ok(args: &[&str]) -> String {
    let mut full = vec!["show"];
    full.extend_from_slice(args);
    let r = run(&full);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// The line of `out` starting (after its indent) with `prefix`.
fn line<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .find(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{out}"))
}

#[test]
fn a_container_kill_from_a_bundle() {
    let out = show_ok(&["e1", NODE1]);
    assert!(
        out.starts_with("event e1  node node1  2024-03-05T10:18:20.120001+00:00"),
        "{out}"
    );
    assert!(
        line(&out, "verdict (container limit):").contains("usage 512.0 MiB of a 512.0 MiB limit")
    );
    assert_eq!(
        line(&out, "gfp flags"),
        "  gfp flags  gfp_mask=0xcc0 is GFP_KERNEL (as the kernel printed it): an ordinary kernel allocation that may sleep and reclaim."
    );
    assert!(line(&out, "request").contains("order=0: one page, 4 KiB (4 KiB pages assumed"));
    assert_eq!(
        line(&out, "memory"),
        "  memory     cgroup memory 512.0 MiB used of a 512.0 MiB limit."
    );
    assert!(
        line(&out, "victim     the victim").contains("98.4% of the cgroup limit (512.0 MiB)"),
        "{out}"
    );
    // The task table in human units, the trigger (also the victim) marked.
    assert!(out.contains("pid   uid   tgid   total_vm        rss  pgtables   swap  oom_score_adj   resident  name"), "{out}");
    assert!(
        line(&out, "48211  1001").ends_with("python3  <- trigger, victim"),
        "{out}"
    );
    assert!(line(&out, "48190  1001").ends_with("  sh"), "{out}");
    // Sources and the raw block (kept: show analyzes with raw blocks).
    assert!(
        out.contains("\nsources:\n  testdata/sosreport-node1/sos_commands/kernel/dmesg:"),
        "{out}"
    );
    assert!(out.contains("\nraw block ("), "{out}");
    assert!(out.contains("python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0"));
}

#[test]
fn zone_watermarks_and_fragmentation() {
    let out = show_ok(&["e1", ZONES]);
    assert_eq!(
        line(&out, "zone "),
        "  zone       zone Normal of node 0: free 57.5 MiB, below its min watermark of 58.4 MiB: the zone was exhausted."
    );
    assert_eq!(
        line(&out, "memory"),
        "  memory     RAM 16.0 GiB, 135.3 MiB free; no swap (page counts of 4 KiB assumed)."
    );
    assert!(
        line(&out, "22817").ends_with("postgres         <- victim"),
        "{out}"
    );
    assert!(
        line(&out, "1422").ends_with("node_exporter    <- trigger"),
        "{out}"
    );
    assert!(
        line(&out, "22817").contains("13.6 GiB"),
        "rss in GiB: {out}"
    );

    let out = show_ok(&["e2", ZONES]);
    assert!(line(&out, "gfp flags").contains("GFP_KERNEL|__GFP_COMP (as the kernel printed it)"));
    assert!(line(&out, "request").starts_with("  request    order=3: 8 contiguous pages, 32 KiB"));
    let zones: Vec<&str> = out.lines().filter(|l| l.starts_with("  zone ")).collect();
    assert_eq!(
        zones,
        [
            "  zone       no free block of order >= 3 in zone DMA32 of node 0 although 75.8 MiB was free (largest free block order 2): fragmentation.",
            "  zone       no free block of order >= 3 in zone Normal of node 0 although 479.9 MiB was free (largest free block order 2): fragmentation.",
        ]
    );
}

#[test]
fn zones_are_in_the_json() {
    let doc = analyze_ok(&[ZONES]);
    let e = &events(&doc)[0];
    let normal = e["zones"]
        .as_array()
        .unwrap()
        .iter()
        .find(|z| z["name"] == "Normal")
        .unwrap();
    assert_eq!(normal["free_kb"], 58928);
    assert_eq!(normal["min_kb"], 59828);
    assert_eq!(normal["largest_free_order"], 6);
    assert_eq!(e["trigger"]["gfp_flags"], "GFP_HIGHUSER_MOVABLE");
}

#[test]
fn from_a_saved_document() {
    let dir = scratch_dir("show-saved");
    let saved = dir.join("node1.json");
    let r = run(&["analyze", "--format", "json", NODE1]);
    std::fs::write(&saved, &r.stdout).unwrap();
    let out = show_ok(&["e2", arg(&saved)]);
    assert!(out.starts_with("event e2  node node1"), "{out}");
    assert!(
        line(&out, "gfp flags").contains("gfp_mask=0x140cca is GFP_HIGHUSER_MOVABLE|__GFP_COMP")
    );
    // Columns in the kernel's order although the document sorts them by name.
    assert!(
        out.contains(
            "pid   uid   tgid  total_vm       rss  pgtables   swap  oom_score_adj  resident  name"
        ),
        "{out}"
    );
    assert!(
        line(&out, "51234").ends_with("java     <- trigger, victim"),
        "{out}"
    );
    assert!(out.contains("raw block: not kept (the document was written without --raw-blocks)"));
    // With --raw-blocks the document carries them.
    let r = run(&["analyze", "--format", "json", "--raw-blocks", NODE1]);
    std::fs::write(&saved, &r.stdout).unwrap();
    let out = show_ok(&["e2", arg(&saved)]);
    assert!(out.contains("java invoked oom-killer"), "{out}");
}

#[test]
fn an_unknown_id_is_one_line_and_exit_2() {
    let r = run(&["show", "e9", ZONES]);
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "oomsift: no event e9: the input has 2 events (e1, e2)\n"
    );
}

#[test]
fn documents_and_logs_do_not_mix() {
    let dir = scratch_dir("show-mixed");
    let saved = dir.join("z.json");
    std::fs::write(&saved, run(&["analyze", "--format", "json", ZONES]).stdout).unwrap();
    let r = run(&["show", "e1", arg(&saved), NODE1]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not both"), "{}", r.stderr);
}

#[test]
fn several_saved_documents_are_merged_as_one_run() {
    let dir = scratch_dir("show-merged");
    let (a, b) = (dir.join("zones.json"), dir.join("node1.json"));
    std::fs::write(&a, run(&["analyze", "--format", "json", ZONES]).stdout).unwrap();
    std::fs::write(&b, run(&["analyze", "--format", "json", NODE1]).stdout).unwrap();
    // Numbered as one run over both: db-03's two kills, then node1's.
    let out = show_ok(&["e3", arg(&a), arg(&b)]);
    assert!(
        out.starts_with("event e3  node node1  2024-03-05T10:18:20.120001+00:00"),
        "{out}"
    );
}

#[test]
fn a_log_on_standard_input() {
    let log = testdata("zone-watermarks/var/log/messages");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .args(["show", "e2", "--reference-date", "2024-03-05", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &log).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.starts_with("event e2  node db-03"), "{out}");
    assert!(
        out.contains("no free block of order >= 3 in zone Normal of node 0"),
        "{out}"
    );
    assert!(
        out.contains("haproxy invoked oom-killer"),
        "raw block kept: {out}"
    );
}
