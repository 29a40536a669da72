//! Fleet options: `--format ndjson` and `--shard K/N` over several bundles.

use serde_json::Value;
use std::process::Command;

const INPUTS: &[&str] = &[
    "testdata/multinode",
    "testdata/sosreport-node1",
    "testdata/sosreport-k8s-v1",
    "testdata/sosreport-deaths",
];

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .arg("analyze")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run oomsift");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

fn json(args: &[&str]) -> Value {
    let (code, out) = run(args);
    assert_eq!(code, 0);
    serde_json::from_str(&out).expect("JSON")
}

#[test]
fn ndjson_is_the_documents_events_one_per_line_with_their_bundle() {
    let mut args = vec!["--format", "json"];
    args.extend(INPUTS);
    let doc = json(&args);
    let mut args = vec!["--format", "ndjson"];
    args.extend(INPUTS);
    let (code, out) = run(&args);
    assert_eq!(code, 0);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object per line"))
        .collect();
    let events = doc["events"].as_array().unwrap();
    assert_eq!(lines.len(), events.len());
    assert_eq!(lines.len(), 8);
    for (l, e) in lines.iter().zip(events) {
        let mut l = l.clone();
        let bundle = l.as_object_mut().unwrap().remove("bundle").unwrap();
        assert_eq!(&l, e);
        let file = e["sources"][0]["file"].as_str().unwrap();
        assert!(
            file.starts_with(bundle.as_str().unwrap()),
            "{file} not in {bundle}"
        );
    }
}

#[test]
fn shards_partition_the_bundles() {
    let mut all = vec!["--format", "json"];
    all.extend(INPUTS);
    let whole = json(&all);
    let mut seen = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let mut args = vec!["--format", "json", "--shard", &shard];
        args.extend(INPUTS);
        let d = json(&args);
        for i in d["inputs"].as_array().unwrap() {
            seen.push(i["path"].as_str().unwrap().to_string());
        }
    }
    let mut expected: Vec<String> = whole["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap().to_string())
        .collect();
    seen.sort();
    expected.sort();
    assert_eq!(seen, expected, "every bundle in exactly one shard");
    // A shard with nothing to do is an empty, complete analysis.
    let d = json(&[
        "--format",
        "json",
        "--shard",
        "2/2",
        "testdata/sosreport-node1",
    ]);
    assert_eq!(d["events"].as_array().unwrap().len(), 0);
    let (code, _) = run(&["--shard", "3/2", "testdata/sosreport-node1"]);
    assert_eq!(code, 2);
}

#[test]
fn merged_shards_equal_one_run() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fleet-merge");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut all = vec!["--format", "json"];
    all.extend(INPUTS);
    let (_, whole) = run(&all);
    let mut shard_files = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let mut args = vec!["--format", "json", "--shard", &shard];
        args.extend(INPUTS);
        let (code, out) = run(&args);
        assert_eq!(code, 0);
        let f = dir.join(format!("shard-{k}.json"));
        std::fs::write(&f, out).unwrap();
        shard_files.push(f.to_string_lossy().into_owned());
    }
    let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .arg("merge")
        .args(["--format", "json"])
        .args(&shard_files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        whole,
        "merge must give the single run's document"
    );
    // And the report from the merge.
    let report = dir.join("fleet");
    let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .arg("merge")
        .arg("-o")
        .arg(&report)
        .args(&shard_files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("8 OOM kills on 5 nodes"), "{}", &html[..300]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn merge_rejects_what_is_not_a_document() {
    let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .args(["merge", "README.md"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("oomsift: README.md: not an oomsift JSON document"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}
