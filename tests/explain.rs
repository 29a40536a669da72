//! `analyze --explain`: each kill's explanation (GFP flags, request, zones, memory,
//! the victim's share) beneath its verdict in the text summary, the sentences
//! `oomsift show` prints, wrapped as the rest; and the closing hint naming the
//! `oomsift show ID PATH…` command, which runs as printed.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use std::process::Command;

const DATE: &str = "2024-06-30";
const BUNDLES: &[&str] = &[
    "testdata/sosreport-node1",
    "testdata/zone-watermarks",
    "testdata/multinode",
    "testdata/verdicts/pod-limit-twice",
];

/// The explanation lines `oomsift show ID` prints (label and sentence, trimmed).
fn shown_explanation(id: &str, bundle: &str) -> Vec<String> {
    let r = run(&["show", "-q", "--reference-date", DATE, id, bundle]);
    assert_eq!(r.code, 0, "show {id} {bundle}: {}", r.stderr);
    r.stdout
        .lines()
        .skip_while(|l| *l != "explanation:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.trim().to_string())
        .collect()
}

/// The explanation lines (trimmed) beneath the kill line of event `id`.
fn summary_explanation(out: &str, id: &str) -> Vec<String> {
    let lines: Vec<&str> = out.lines().collect();
    let kill = lines
        .iter()
        .position(|l| {
            l.starts_with("  ") && !l.starts_with("   ") && l.contains(&format!("  {id}  "))
        })
        .unwrap_or_else(|| panic!("no kill line for {id}:\n{out}"));
    let mut x = Vec::new();
    let mut j = kill + 1;
    while j < lines.len() && lines[j].starts_with("      ") {
        if lines[j] == "      explanation:" {
            j += 1;
            while j < lines.len() && lines[j].starts_with("        ") {
                x.push(lines[j].trim().to_string());
                j += 1;
            }
            break;
        }
        j += 1;
    }
    x
}

#[test]
fn explain_prints_under_each_kill_what_show_prints() {
    for bundle in BUNDLES {
        let r = run(&[
            "analyze",
            "-q",
            "--explain",
            "--reference-date",
            DATE,
            bundle,
        ]);
        assert_eq!(r.code, 0, "{bundle}: {}", r.stderr);
        let (doc, _) = analyze_json(&["--reference-date", DATE, bundle]);
        let evs = events(&doc);
        assert!(!evs.is_empty(), "{bundle}");
        assert_eq!(
            r.stdout.matches("      explanation:").count(),
            evs.len(),
            "one explanation per kill:\n{}",
            r.stdout
        );
        for e in evs {
            let id = e["id"].as_str().unwrap();
            let lines = summary_explanation(&r.stdout, id);
            assert!(
                !lines.is_empty(),
                "{bundle} {id}: no explanation\n{}",
                r.stdout
            );
            assert_eq!(lines, shown_explanation(id, bundle), "{bundle} {id}");
        }
    }
}

#[test]
fn the_explanation_comes_after_the_verdict_and_before_the_diagnoses() {
    let r = run(&[
        "analyze",
        "--explain",
        "--reference-date",
        DATE,
        "testdata/sosreport-node1",
    ]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let kill = lines.iter().position(|l| l.contains("  e1  ")).unwrap();
    assert!(
        lines[kill + 1].starts_with("      verdict: "),
        "{}",
        r.stdout
    );
    assert_eq!(lines[kill + 2], "      explanation:");
    assert!(lines[kill + 3].starts_with("        gfp flags  gfp_mask=0xcc0 is GFP_KERNEL"));
    let diag = lines
        .iter()
        .position(|l| l.starts_with("      child_process_killed: "))
        .unwrap();
    let last = lines[kill + 3..]
        .iter()
        .position(|l| !l.starts_with("        "))
        .unwrap()
        + kill
        + 3;
    assert_eq!(diag, last, "the diagnoses follow the explanation");
}

#[test]
fn without_explain_the_summary_has_no_explanation_but_the_hint() {
    let plain = run(&[
        "analyze",
        "--reference-date",
        DATE,
        "testdata/zone-watermarks",
    ]);
    let explained = run(&[
        "analyze",
        "--explain",
        "--reference-date",
        DATE,
        "testdata/zone-watermarks",
    ]);
    assert!(!plain.stdout.contains("explanation:"));
    assert!(!plain.stdout.contains("below its min watermark"));
    assert!(explained.stdout.contains("below its min watermark"));
    // Without the explanation lines the two summaries are the same but for the hint.
    let drop_x = |s: &str| -> Vec<String> {
        let mut out = Vec::new();
        let mut inside = false;
        for l in s.lines() {
            if l == "      explanation:" {
                inside = true;
                continue;
            }
            if inside && l.starts_with("        ") {
                continue;
            }
            inside = false;
            if !l.starts_with("one kill in full: ") {
                out.push(l.to_string());
            }
        }
        out
    };
    assert_eq!(drop_x(&plain.stdout), drop_x(&explained.stdout));
    let last = plain.stdout.lines().last().unwrap();
    assert_eq!(
        last,
        "one kill in full: oomsift show e1 --reference-date 2024-06-30 testdata/zone-watermarks (its explanation, task table and raw block; --explain explains each kill here)"
    );
    let last = explained.stdout.lines().last().unwrap();
    assert!(
        last.ends_with(" (its task table, sources and raw block)"),
        "{last}"
    );
}

/// The command of the hint: the words between `oomsift ` and ` (`.
fn hint_command(out: &str) -> String {
    let cmd = out
        .lines()
        .find_map(|l| l.strip_prefix("one kill in full: oomsift "))
        .unwrap_or_else(|| panic!("no hint:\n{out}"));
    cmd[..cmd.find(" (").unwrap()].to_string()
}

#[test]
fn the_hint_runs_as_printed_even_for_a_path_a_shell_must_quote() {
    // A bundle under a directory whose name has a space and a quote.
    let dir = scratch_dir("explain-hint");
    let odd = dir.join("it's a bundle");
    std::fs::create_dir_all(&odd).unwrap();
    let bundle = odd.join("node1");
    let status = Command::new("cp")
        .args(["-r", "testdata/sosreport-node1", arg(&bundle)])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    let r = run(&[
        "analyze",
        "--kind",
        "host",
        "--reference-date",
        DATE,
        arg(&bundle),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let cmd = hint_command(&r.stdout);
    // The filter kept e2 only: the hint names it, with the path quoted for a shell.
    assert!(
        cmd.starts_with("show e2 --reference-date 2024-06-30 '"),
        "{cmd}"
    );
    assert!(cmd.contains("it'\\''s a bundle/node1'"), "{cmd}");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("{} {cmd}", env!("CARGO_BIN_EXE_oomsift")))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.starts_with("event e2  node node1  "), "{shown}");
    assert!(shown.contains("51234 (java)"), "{shown}");
}

#[test]
fn the_hint_carries_limits_set_and_is_left_out_where_show_cannot_follow() {
    let r = run(&[
        "analyze",
        "--max-ratio",
        "50",
        "--reference-date",
        DATE,
        "testdata/sosreport-node1",
    ]);
    assert_eq!(
        hint_command(&r.stdout),
        "show e1 --reference-date 2024-06-30 --max-ratio 50 testdata/sosreport-node1"
    );
    // A shard's ids are the shard's own; standard input cannot be read again; a
    // summary without kills has nothing to show.
    let shard = run(&[
        "analyze",
        "--shard",
        "1/1",
        "--reference-date",
        DATE,
        "testdata/sosreport-node1",
    ]);
    assert!(shard.stdout.contains("  e1  "));
    assert!(!shard.stdout.contains("oomsift show"), "{}", shard.stdout);
    let log = std::fs::read("testdata/sosreport-node1/sos_commands/kernel/dmesg").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .args(["analyze", "-q", "--reference-date", DATE, "-"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&log).unwrap();
    let out = child.wait_with_output().unwrap();
    let stdin = String::from_utf8(out.stdout).unwrap();
    assert!(stdin.contains("  e1  "), "{stdin}");
    assert!(!stdin.contains("oomsift show"), "{stdin}");
    // Warnings stay last: the hint comes before them.
    let dir = scratch_dir("explain-warnings");
    std::fs::write(dir.join("node-x.tar.gz"), [0x5a_u8; 4096]).unwrap();
    let r = run(&["analyze", "-q", "testdata/sosreport-node1", arg(&dir)]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let hint = lines
        .iter()
        .position(|l| l.starts_with("one kill in full: "));
    let warnings = lines.iter().position(|l| *l == "1 warning(s):");
    assert!(hint.is_some() && hint < warnings, "{}", r.stdout);
    assert!(lines[lines.len() - 1].ends_with("not a gzip stream (it is text)"));
    let none = run(&["analyze", "--reference-date", DATE, "testdata/lookalikes"]);
    assert!(!none.stdout.contains("oomsift show"), "{}", none.stdout);
}

#[test]
fn explanations_wrap_at_the_width_with_a_hanging_indent() {
    let r = run(&[
        "analyze",
        "--explain",
        "--width",
        "60",
        "--reference-date",
        DATE,
        "testdata/zone-watermarks",
    ]);
    assert_eq!(r.code, 0);
    for l in r.stdout.lines() {
        assert!(l.chars().count() <= 60, "{l:?} is wider than 60");
    }
    // A sentence's continuation rows sit deeper than its label.
    let lines: Vec<&str> = r.stdout.lines().collect();
    let gfp = lines
        .iter()
        .position(|l| l.starts_with("        gfp flags  "))
        .unwrap();
    assert!(lines[gfp + 1].starts_with("            "), "{}", r.stdout);
}

#[test]
fn explained_summary_snapshot() {
    let r = run(&[
        "analyze",
        "-q",
        "--explain",
        "--reference-date",
        DATE,
        "testdata/zone-watermarks",
    ]);
    assert_eq!(r.code, 0);
    insta::assert_snapshot!("explain_zone_watermarks", r.stdout);
}

#[test]
fn explain_with_a_json_format_is_a_usage_error_not_silence() {
    for format in ["json", "ndjson"] {
        let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
            .args([
                "analyze",
                "--explain",
                "--format",
                format,
                "testdata/zone-watermarks",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty(), "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--explain") && err.contains("text summary"),
            "{err}"
        );
    }
    // With -o the summary on stdout is text: --explain applies.
    let dir = std::env::temp_dir().join(format!("oomsift-explain-o-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .args(["analyze", "--explain", "-o"])
        .arg(&dir)
        .arg("testdata/zone-watermarks")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
