//! Fleet options: `--format ndjson` and `--shard K/N` over several bundles.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use serde_json::Value;
use std::process::Command;

const INPUTS: &[&str] = &[
    "testdata/multinode",
    "testdata/sosreport-node1",
    "testdata/sosreport-k8s-v1",
    "testdata/sosreport-deaths",
];

use common::analyze as run;

fn json(args: &[&str]) -> Value {
    let (code, out) = run(args);
    assert_eq!(code, 0);
    serde_json::from_str(&out).expect("JSON")
}

fn ndjson(inputs: &[&str], jobs: &str) -> (String, Vec<Value>) {
    let mut args = vec!["--format", "ndjson", "--jobs", jobs];
    args.extend(inputs);
    let (code, out) = run(&args);
    assert_eq!(code, 0);
    let lines = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object per line"))
        .collect();
    (out, lines)
}

/// Which of `inputs` a line's bundle came from.
fn input_of(line: &Value, inputs: &[&str]) -> usize {
    let bundle = line["bundle"].as_str().unwrap();
    inputs
        .iter()
        .position(|i| bundle.starts_with(i))
        .unwrap_or_else(|| panic!("{bundle} is not one of the inputs"))
}

/// (These inputs do not name each other's pods; the stream analyzes each unit alone.)
#[test]
fn ndjson_streams_the_documents_events_bundle_by_bundle_in_input_order() {
    let doc = common::analyze_ok(INPUTS);
    let events = doc["events"].as_array().unwrap();
    let (one, lines) = ndjson(INPUTS, "1");
    let (two, _) = ndjson(INPUTS, "2");
    assert_eq!(one, two, "byte-identical whatever the thread count");
    assert_eq!(lines.len(), events.len());
    assert_eq!(lines.len(), 8);
    let order: Vec<usize> = lines.iter().map(|l| input_of(l, INPUTS)).collect();
    assert!(order.is_sorted(), "bundles in input order: {order:?}");
    assert_eq!(order.first(), Some(&0));
    assert_eq!(order.last(), Some(&3));
    for (n, l) in lines.iter().enumerate() {
        assert_eq!(l["id"], format!("e{}", n + 1), "ids number the stream");
        let e = events
            .iter()
            .find(|e| e["sources"] == l["sources"])
            .expect("every line is an event of the document");
        let file = e["sources"][0]["file"].as_str().unwrap();
        assert!(file.starts_with(l["bundle"].as_str().unwrap()));
        // The snapshot itself instead of an index into the document's `cgroups`.
        let snapshot = match e["cgroup_snapshot"].as_u64() {
            Some(i) => doc["cgroups"][i as usize].clone(),
            None => Value::Null,
        };
        assert_eq!(l["cgroup_snapshot"], snapshot);
        let strip = |v: &Value| {
            let mut v = v.clone();
            for k in ["id", "bundle", "cgroup_snapshot"] {
                v.as_object_mut().unwrap().remove(k);
            }
            v
        };
        assert_eq!(strip(l), strip(e));
    }
    assert!(lines.iter().any(|l| l["cgroup_snapshot"].is_object()));
    // Input order, not sorted order.
    let reversed: Vec<&str> = INPUTS.iter().rev().copied().collect();
    let (_, lines) = ndjson(&reversed, "2");
    let order: Vec<usize> = lines.iter().map(|l| input_of(l, &reversed)).collect();
    assert!(order.is_sorted(), "{order:?}");
    assert_eq!(lines.len(), 8);
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

#[test]
fn a_bundle_that_fails_is_reported_and_the_rest_completes() {
    let dir = common::scratch_dir("fleet-broken");
    // Named as archives, not archives: random bytes, and a gzip stream cut short.
    std::fs::write(dir.join("node-x.tar.gz"), [0x5a_u8; 4096]).unwrap();
    let cut = common::gzip(&[b'x'; 100_000]);
    std::fs::write(dir.join("node-y.tar.gz"), &cut[..cut.len() / 2]).unwrap();
    let r = common::run(&[
        "analyze",
        "--format",
        "json",
        "testdata/fleet",
        common::arg(&dir),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(doc["events"].as_array().unwrap().len(), 4);
    assert_eq!(doc["complete"], false);
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0]["file"]
            .as_str()
            .unwrap()
            .ends_with("node-x.tar.gz")
    );
    // Named what it is not: the name promises a gzip stream.
    assert_eq!(warnings[0]["message"], "not a gzip stream (it is text)");
    assert!(
        warnings[1]["file"]
            .as_str()
            .unwrap()
            .ends_with("node-y.tar.gz")
    );
    // One line per failed bundle on stderr, naming it.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].starts_with("oomsift: warning: ") && lines[0].contains("node-x.tar.gz"));
    assert!(lines[1].contains("node-y.tar.gz"));
}

#[cfg(unix)]
#[test]
fn a_folder_of_links_to_bundles_is_a_fleet() {
    let dir = common::scratch_dir("fleet-links");
    let fleet = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fleet");
    for node in ["a", "b"] {
        let name = format!("sosreport-node-{node}-2024-03-07-{}", node.repeat(7));
        std::os::unix::fs::symlink(fleet.join(&name), dir.join(&name)).unwrap();
    }
    // A link to an ancestor is not walked (no cycle, no reading the whole disk).
    std::os::unix::fs::symlink("/", dir.join("root")).unwrap();
    let (code, out) = run(&["--format", "json", common::arg(&dir)]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["events"].as_array().unwrap().len(), 4);
    let nodes: Vec<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(nodes, ["node-a", "node-b"]);
    // Inside a bundle, a link leading out of the input is not followed.
    let inner = common::scratch_dir("fleet-links-inner");
    std::fs::create_dir_all(inner.join("var/log")).unwrap();
    let messages = fleet.join("sosreport-node-a-2024-03-07-aaaaaaa/var/log/messages");
    std::os::unix::fs::symlink(&messages, inner.join("var/log/messages")).unwrap();
    // Nothing else is in it: nothing read, which is not "no OOM kill".
    let r = common::run(&["analyze", "--format", "json", common::arg(&inner)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("nothing could be read"), "{}", r.stderr);
}

#[test]
fn streamed_ndjson_with_a_report_file_keeps_every_kill_for_the_report() {
    let dir = common::scratch_dir("fleet-ndjson-html");
    let page = dir.join("fleet.html");
    let mut args = vec!["--format", "ndjson", "--html", common::arg(&page)];
    args.extend(INPUTS);
    let (code, out) = run(&args);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 8);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("8 OOM kills on 5 nodes"));
    assert_eq!(html.matches("<summary>Raw block (").count(), 8);
}

#[test]
fn merged_shards_with_raw_blocks_give_the_single_runs_report() {
    let dir = common::scratch_dir("fleet-merge-raw");
    let single = dir.join("single.html");
    let mut args = vec!["-q", "--html", common::arg(&single)];
    args.extend(INPUTS);
    let (code, _) = run(&args);
    assert_eq!(code, 0);
    let mut shard_files = Vec::new();
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let mut args = vec!["--format", "json", "--raw-blocks", "--shard", &shard];
        args.extend(INPUTS);
        let (code, out) = run(&args);
        assert_eq!(code, 0);
        assert!(
            out.contains("\"raw\":"),
            "--raw-blocks puts the blocks in the JSON"
        );
        let f = dir.join(format!("shard-{k}.json"));
        std::fs::write(&f, out).unwrap();
        shard_files.push(f.to_string_lossy().into_owned());
    }
    let merged = dir.join("merged.html");
    let mut args = vec!["merge", "-q", "--html", common::arg(&merged)];
    args.extend(shard_files.iter().map(String::as_str));
    let r = common::run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (a, b) = (
        std::fs::read_to_string(&single).unwrap(),
        std::fs::read_to_string(&merged).unwrap(),
    );
    assert_eq!(a.matches("<summary>Raw block (").count(), 8);
    assert!(
        a == b,
        "the merged report is the single run's, byte for byte"
    );
    // Without --raw-blocks the JSON stays lean.
    let (_, out) = run(&["--format", "json", INPUTS[0]]);
    assert!(!out.contains("\"raw\":"));
}

/// `cp -r SRC DST_DIR/`.
#[cfg(unix)]
fn copy_tree(src: &std::path::Path, dst_dir: &std::path::Path) {
    let ok = Command::new("cp")
        .arg("-r")
        .arg(src)
        .arg(dst_dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "cp -r {}", src.display());
}

#[cfg(unix)]
#[test]
fn a_link_to_a_bundle_inside_the_folder_is_not_a_second_bundle() {
    let dir = common::scratch_dir("fleet-latest-link");
    let fleet = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fleet");
    let name = "sosreport-node-a-2024-03-07-aaaaaaa";
    copy_tree(&fleet.join(name), &dir);
    std::os::unix::fs::symlink(name, dir.join("latest")).unwrap();
    // And two links to one bundle outside: walked once.
    for l in ["b1", "b2"] {
        std::os::unix::fs::symlink(
            fleet.join("sosreport-node-b-2024-03-07-bbbbbbb"),
            dir.join(l),
        )
        .unwrap();
    }
    let (code, out) = run(&["--format", "json", common::arg(&dir)]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["events"].as_array().unwrap().len(), 4);
    assert_eq!(doc["inputs"].as_array().unwrap().len(), 2);
}

#[cfg(unix)]
#[test]
fn links_inside_a_bundle_reached_through_a_link_are_followed() {
    let store = common::scratch_dir("fleet-link-store");
    let dir = common::scratch_dir("fleet-link-inner");
    let fleet = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fleet");
    let name = "sosreport-node-a-2024-03-07-aaaaaaa";
    copy_tree(&fleet.join(name), &store);
    // kubelet's layout: var/log/containers/*.log are links into ../pods.
    let logs = store.join(name).join("var/log");
    std::fs::create_dir_all(logs.join("pods")).unwrap();
    for e in std::fs::read_dir(logs.join("containers")).unwrap() {
        let e = e.unwrap();
        let n = e.file_name();
        std::fs::rename(e.path(), logs.join("pods").join(&n)).unwrap();
        std::os::unix::fs::symlink(std::path::Path::new("../pods").join(&n), e.path()).unwrap();
    }
    std::os::unix::fs::symlink(store.join(name), dir.join(name)).unwrap();
    let direct = common::analyze_ok(&[common::arg(&store.join(name))]);
    let linked = common::analyze_ok(&[common::arg(&dir)]);
    assert_eq!(direct["events"][0]["pod"]["name"], "cart-7b9c6d5f48-k2m9x");
    assert_eq!(linked["events"][0]["pod"], direct["events"][0]["pod"]);
    assert_eq!(
        linked["events"][0]["container"],
        direct["events"][0]["container"]
    );
}

#[cfg(unix)]
#[test]
fn a_file_named_like_an_archive_inside_a_bundle_is_only_skipped() {
    let dir = common::scratch_dir("fleet-inner-tgz");
    let fleet = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fleet");
    let name = "sosreport-node-a-2024-03-07-aaaaaaa";
    copy_tree(&fleet.join(name), &dir);
    let inner = dir.join(name).join("sos_commands/foo");
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::write(inner.join("collect.tar.gz"), [0x5a_u8; 600]).unwrap();
    let (code, out) = run(&["--format", "json", common::arg(&dir)]);
    assert_eq!(code, 0, "a stray file of a sosreport does not fail the run");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["events"].as_array().unwrap().len(), 2);
}

#[test]
fn a_closed_stdout_ends_the_stream_quietly() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .args(["analyze", "--format", "ndjson", "--jobs", "1"])
        .args(INPUTS)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'));
    // stdout is closed here; the run stops without an error.
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn the_text_summary_of_a_fleet_starts_with_its_totals_and_ends_with_failures() {
    let dir = common::scratch_dir("fleet-text");
    std::fs::write(dir.join("node-x.tar.gz"), [0x5a_u8; 4096]).unwrap();
    let r = common::run(&["analyze", "-q", "testdata/fleet", common::arg(&dir)]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "4 OOM kill(s) on 2 nodes (0 host, 4 cgroup) in 2 input(s); 1 warning(s) at the end"
    );
    assert_eq!(lines[1], "node node-a: 2 OOM kill(s): 0 host, 2 cgroup");
    assert!(
        lines[lines.len() - 1].ends_with("node-x.tar.gz: not a gzip stream (it is text)"),
        "{}",
        r.stdout
    );
}
