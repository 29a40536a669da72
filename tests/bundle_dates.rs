//! In-bundle dates: a must-gather's `timestamp` (Go's time format, in the folder
//! below the input) dates the year-less kubelet lines, whatever the files' times; it
//! is a fact, not a log.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

const MG: &str = "must-gather.local.5837412095823";

fn copy_tree(from: &Path, to: &Path) {
    let ok = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// Sets every file's modification time under `dir` to 2026-01-02.
fn touch_all(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            touch_all(&p);
        } else {
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_312_000))
                .unwrap();
        }
    }
}

fn system_oom_times(doc: &Value) -> Vec<(String, String)> {
    doc["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "k8s_oom_report")
        .map(|d| {
            (
                d["time"].as_str().unwrap().to_string(),
                d["time_source"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn must_gather_timestamp_dates_its_kubelet_lines() {
    let dir = scratch_dir("bundle-dates-mg");
    copy_tree(&Path::new("testdata/must-gather").join(MG), &dir);
    touch_all(&dir);
    let tgz = dir.join("must-gather.tar.gz");
    let ok = std::process::Command::new("tar")
        .arg("czf")
        .arg(&tgz)
        .arg("-C")
        .arg(&dir)
        .arg(MG)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    for input in [dir.join(MG), dir.clone(), tgz] {
        let (doc, r) = analyze_json(&[arg(&input)]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(
            system_oom_times(&doc),
            vec![
                ("2024-03-05T10:07:51.400218".into(), "bundle_date".into()),
                ("2024-03-05T10:07:52.004511".into(), "bundle_date".into()),
            ],
            "{}",
            input.display()
        );
        assert!(
            !r.stderr.contains("modification time"),
            "{}: {}",
            input.display(),
            r.stderr
        );
        // `timestamp` is not a log.
        let sources = doc["inputs"][0]["sources"].as_array().unwrap();
        assert!(
            sources
                .iter()
                .all(|s| !s.as_str().unwrap().ends_with("/timestamp")),
            "{sources:?}"
        );
    }
}
