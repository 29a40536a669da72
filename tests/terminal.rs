//! The text summary on a terminal: `--color auto|always|never` and NO_COLOR, colour
//! codes only around text already escaped, and wrapping at `--width` or the
//! terminal's width (COLUMNS); piped output unchanged.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use std::process::Command;

const BUNDLES: &[&str] = &[
    "testdata/sosreport-node1",
    "testdata/sosreport-k8s-v1",
    "testdata/multinode",
    "testdata/sosreport-deaths",
];

/// Runs the binary with extra environment variables (NO_COLOR unset unless given).
fn run_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oomsift"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("cannot start oomsift");
    Run {
        code: out.status.code().expect("killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

/// The text without SGR codes (`ESC [ params m`); panics on any other ESC, so a
/// stray escape from the logs cannot pass as a code.
fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        assert!(tail.starts_with('['), "a bare ESC in {s:?}");
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == '['))
            .expect("an unterminated code");
        assert_eq!(&tail[end..end + 1], "m", "not an SGR code in {s:?}");
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn color_always_paints_and_strips_to_the_plain_output() {
    for b in BUNDLES {
        let plain = run_env(&["analyze", b], &[]);
        let never = run_env(&["analyze", "--color", "never", b], &[]);
        let always = run_env(&["analyze", "--color", "always", b], &[]);
        assert_eq!(plain.stdout, never.stdout, "{b}");
        assert!(!plain.stdout.contains('\u{1b}'), "{b}: {}", plain.stdout);
        assert!(always.stdout.contains("\u{1b}["), "{b}: no codes");
        assert_eq!(strip(&always.stdout), plain.stdout, "{b}");
    }
    // The words that carry the verdict are the coloured ones.
    let r = run_env(
        &["analyze", "--color", "always", "testdata/sosreport-node1"],
        &[],
    );
    assert!(r.stdout.contains("\u{1b}[36me1\u{1b}[0m"), "{}", r.stdout);
    assert!(
        r.stdout.contains("\u{1b}[1;31mhost RAM\u{1b}[0m"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\u{1b}[1;33mcontainer limit\u{1b}[0m"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("\u{1b}[2m(from uptime + boot time)\u{1b}[0m"),
        "{}",
        r.stdout
    );
}

#[test]
fn no_color_turns_auto_off_but_not_always() {
    let b = "testdata/sosreport-node1";
    let auto = run_env(&["analyze", "--color", "auto", b], &[("NO_COLOR", "1")]);
    assert!(!auto.stdout.contains('\u{1b}'), "{}", auto.stdout);
    let always = run_env(&["analyze", "--color", "always", b], &[("NO_COLOR", "1")]);
    assert!(always.stdout.contains("\u{1b}["), "{}", always.stdout);
}

/// `script` gives the binary a pseudo-terminal: there auto colours and wraps at
/// COLUMNS, unless NO_COLOR is set. Skipped (with a note) where util-linux's
/// `script` is missing.
#[test]
fn on_a_terminal_auto_colours_and_wraps_unless_no_color() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("note: util-linux `script` not found: terminal test skipped");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_oomsift");
    let tty = |env: &[(&str, &str)]| {
        let mut cmd = Command::new("script");
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["-qec"])
            .arg(format!("{bin} analyze --quiet testdata/sosreport-node1"))
            .arg("/dev/null")
            .env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("script");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n")
    };
    let piped = run_env(&["analyze", "testdata/sosreport-node1"], &[]);
    let coloured = tty(&[("COLUMNS", "70")]);
    assert!(coloured.contains("\u{1b}[36me1"), "{coloured:?}");
    let text = strip(&coloured);
    assert!(text.lines().all(|l| l.chars().count() <= 70), "{text}");
    assert_ne!(text, piped.stdout, "not wrapped");
    assert_eq!(words_of(&text).concat(), words_of(&piped.stdout).concat());
    let no_color = tty(&[("COLUMNS", "70"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains('\u{1b}'), "{no_color:?}");
    assert_eq!(no_color, text);
}

fn words_of(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

/// Every word of `plain` is, in order, one word of `wrapped` or several consecutive
/// ones (a path broken after a `/` or `-`, a long word cut at the width).
fn same_words_in_order(plain: &str, wrapped: &str) {
    let mut got = words_of(wrapped).into_iter();
    for want in words_of(plain) {
        let mut joined = String::new();
        while joined.len() < want.len() {
            let next = got
                .next()
                .unwrap_or_else(|| panic!("ran out before {want:?}"));
            joined.push_str(next);
        }
        assert_eq!(joined, want, "words differ");
    }
    assert_eq!(got.next(), None, "words left over");
}

#[test]
fn width_60_wraps_every_line_and_keeps_every_word() {
    for b in BUNDLES {
        let plain = run_env(&["analyze", b], &[]);
        let wide = plain.stdout.lines().map(|l| l.chars().count()).max();
        assert!(wide > Some(60), "{b}: nothing to wrap");
        for color in ["never", "always"] {
            let r = run_env(&["analyze", "--width", "60", "--color", color, b], &[]);
            let text = strip(&r.stdout);
            for l in text.lines() {
                assert!(l.chars().count() <= 60, "{b}: {l:?}");
            }
            same_words_in_order(&plain.stdout, &text);
        }
    }
    // A continuation row is indented 4 more than its line.
    let r = run_env(
        &["analyze", "--width", "60", "testdata/sosreport-node1"],
        &[],
    );
    assert!(
        r.stdout.contains(
            "      verdict: The container's own memory limit fired: usage\n          512.0 MiB"
        ),
        "{}",
        r.stdout
    );
    // Piped without --width: full lines, even with COLUMNS set.
    let piped = run_env(
        &["analyze", "testdata/sosreport-node1"],
        &[("COLUMNS", "40")],
    );
    assert!(piped.stdout.lines().any(|l| l.chars().count() > 200));
}

#[test]
fn a_width_too_small_is_a_usage_error() {
    let r = run_env(
        &["analyze", "--width", "5", "testdata/sosreport-node1"],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--width"), "{}", r.stderr);
}

#[test]
fn warnings_prefix_is_coloured_on_stderr_only_when_asked() {
    let b = "testdata/truncated";
    let plain = run_env(&["analyze", b], &[]);
    assert!(
        plain.stderr.contains("oomsift: warning: "),
        "{}",
        plain.stderr
    );
    assert!(!plain.stderr.contains('\u{1b}'));
    let always = run_env(&["analyze", "--color", "always", b], &[]);
    assert!(
        always
            .stderr
            .contains("oomsift: \u{1b}[1;33mwarning:\u{1b}[0m "),
        "{}",
        always.stderr
    );
    assert_eq!(strip(&always.stderr), plain.stderr);
}

/// Control characters from a process name are escaped before any colour is put
/// around them: the only ESC bytes in the output are the codes' own.
#[test]
fn colour_never_lets_an_escape_from_the_logs_through() {
    let dir = scratch_dir("terminal-hostile");
    let t = "2024-03-05T10:00:00+00:00 node1 kernel:";
    let comm = "ev\u{1b}[2J\u{7}il";
    let log = format!(
        "{t} {comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n\
         {t} Mem-Info:\n\
         {t} Out of memory: Killed process 9 ({comm}) total-vm:1000kB, anon-rss:2000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:0\n"
    );
    let p = dir.join("kern.log");
    std::fs::write(&p, log).unwrap();
    for width in ["200", "30"] {
        let r = run_env(
            &["analyze", "--color", "always", "--width", width, arg(&p)],
            &[],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        // strip panics on an ESC that does not start an SGR code; the name's own
        // `ESC [2J` is not one (it ends in J) and is shown as text.
        let text = strip(&r.stdout);
        assert!(text.contains("ev\\x1b[2J\\x07il"), "{text}");
    }
}

#[test]
fn merge_takes_the_same_flags() {
    let dir = scratch_dir("terminal-merge");
    let json = dir.join("node1.json");
    let r = run(&["analyze", "--format", "json", "testdata/sosreport-node1"]);
    std::fs::write(&json, r.stdout).unwrap();
    let plain = run_env(&["merge", arg(&json)], &[]);
    let styled = run_env(
        &["merge", "--color", "always", "--width", "60", arg(&json)],
        &[],
    );
    assert_eq!(styled.code, 0, "{}", styled.stderr);
    assert!(styled.stdout.contains("\u{1b}["));
    let text = strip(&styled.stdout);
    assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
    same_words_in_order(&plain.stdout, &text);
    // A merged document's ids are its own: no `oomsift show` hint naming the inputs.
    assert!(plain.stdout.contains("  e1  "), "{}", plain.stdout);
    assert!(!plain.stdout.contains("oomsift show"), "{}", plain.stdout);
}
