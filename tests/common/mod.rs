//! Shared helpers of the integration tests: run the built `oomsift` binary from the
//! package root, parse its JSON, make scratch directories and gzip files.

#![allow(dead_code)]

use flate2::write::GzEncoder;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `oomsift ARGS…` with the package root as working directory, so `testdata/…`
/// paths are relative and appear as given in the output.
pub fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("cannot start oomsift");
    Run {
        code: out.status.code().expect("oomsift was killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is not UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is not UTF-8"),
    }
}

/// Runs `oomsift analyze ARGS…`: its exit status and stdout.
pub fn analyze(args: &[&str]) -> (i32, String) {
    let mut full = vec!["analyze"];
    full.extend_from_slice(args);
    let r = run(&full);
    (r.code, r.stdout)
}

/// The diagnosis codes of an event or incident.
pub fn codes(v: &Value) -> Vec<&str> {
    v["diagnoses"]
        .as_array()
        .expect("diagnoses")
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect()
}

/// Runs `oomsift analyze --format json ARGS…` and parses the whole of stdout as one
/// JSON document (so anything else printed on stdout fails the test).
pub fn analyze_json(args: &[&str]) -> (Value, Run) {
    let mut full = vec!["analyze", "--format", "json"];
    full.extend_from_slice(args);
    let r = run(&full);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}); exit {}\nstdout:\n{}\nstderr:\n{}",
            r.code, r.stdout, r.stderr
        )
    });
    (doc, r)
}

/// Like [`analyze_ok`], for logs of kernel uptimes alone: the one warning allowed is
/// that their boot time is unknown (so their kills have no wall-clock time).
#[allow(dead_code)]
pub fn analyze_ok_uptimes(args: &[&str]) -> Value {
    let (doc, r) = analyze_json(args);
    assert_eq!(r.code, 0, "exit status; stderr:\n{}", r.stderr);
    for line in r.stderr.lines() {
        assert!(
            line.contains("the node's boot time is unknown"),
            "unexpected stderr line: {line}"
        );
    }
    assert_eq!(doc["schema"], "oomsift/1");
    doc
}

/// Like [`analyze_json`], asserting exit status 0 and an empty stderr.
pub fn analyze_ok(args: &[&str]) -> Value {
    let (doc, r) = analyze_json(args);
    assert_eq!(r.code, 0, "exit status; stderr:\n{}", r.stderr);
    assert_eq!(r.stderr, "", "stderr of a complete run");
    assert_eq!(doc["schema"], "oomsift/1");
    doc
}

/// The events array of a document.
pub fn events(doc: &Value) -> &Vec<Value> {
    doc["events"].as_array().expect("events is an array")
}

/// The one event of a document (fails unless there is exactly one).
pub fn only_event(doc: &Value) -> &Value {
    let evs = events(doc);
    assert_eq!(evs.len(), 1, "expected exactly one event, got {evs:#?}");
    &evs[0]
}

/// The event whose victim has this pid.
pub fn event_by_victim(doc: &Value, pid: u64) -> &Value {
    events(doc)
        .iter()
        .find(|e| e["victim"]["pid"] == pid)
        .unwrap_or_else(|| panic!("no event with victim pid {pid} in {:#?}", doc["events"]))
}

/// `(file, line)` of each source of an event.
pub fn sources(event: &Value) -> Vec<(String, u64)> {
    event["sources"]
        .as_array()
        .expect("sources is an array")
        .iter()
        .map(|s| {
            (
                s["file"].as_str().expect("source file").to_string(),
                s["line"].as_u64().expect("source line"),
            )
        })
        .collect()
}

/// A fresh, empty scratch directory for one test (under cargo's per-package tmp dir).
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("cannot clear scratch dir");
    }
    std::fs::create_dir_all(&dir).expect("cannot create scratch dir");
    dir
}

/// The bytes of a file under `testdata/`.
pub fn testdata(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// gzip of `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip write");
    enc.finish().expect("gzip finish")
}

/// A gzip stream of `head` then `tail`, cut in the middle of `tail`'s compressed
/// bytes: the stream is flushed (sync flush) after `head`, so a reader can
/// decompress all of `head` before it meets the damage. Returns the cut stream.
pub fn gzip_truncated_after(head: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(head).expect("gzip write");
    enc.flush().expect("gzip sync flush");
    let head_len = enc.get_ref().len();
    enc.write_all(tail).expect("gzip write");
    let mut full = enc.finish().expect("gzip finish");
    assert!(full.len() > head_len + 64, "tail too small to cut inside");
    full.truncate(head_len + (full.len() - head_len) / 2);
    full
}

/// The path as a `&str` for the command line.
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}
