//! "Nothing read" is never "nothing found": an input that yields no log, fact, cgroup
//! or pod file says so in a warning naming it (exit 1 beside inputs that were read, 2
//! alone); an archive that is not what its name says is named as such; an empty file
//! is skipped without a warning (listed with `-v`). The inputs are generated here:
//! an empty folder cannot be committed, and broken bundles in `testdata/` would break
//! the runs over the whole of it.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const GOOD: &str = "testdata/sosreport-node1";

/// A `.tar.gz` of `files` (path, bytes).
fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_709_634_000);
        h.set_cksum();
        b.append_data(&mut h, path, *bytes).unwrap();
    }
    gzip(&b.into_inner().unwrap())
}

/// The inputs nothing can be read from, each with what its warning must say.
fn unreadable(dir: &Path) -> Vec<(PathBuf, &'static str)> {
    let empty = dir.join("empty-folder");
    std::fs::create_dir_all(&empty).unwrap();
    let no_logs = dir.join("folder-without-logs");
    std::fs::create_dir_all(no_logs.join("notes")).unwrap();
    std::fs::write(no_logs.join("README.txt"), "Collected by the customer.\n").unwrap();
    std::fs::write(
        no_logs.join("notes/ticket.txt"),
        "case 01234567\nsee attached\n",
    )
    .unwrap();
    let no_log_archive = dir.join("nolog.tar.gz");
    std::fs::write(
        &no_log_archive,
        tar_gz(&[("bundle/README.txt", b"Collected by the customer.\n")]),
    )
    .unwrap();
    let html = dir.join("must-gather.tar.xz");
    std::fs::write(
        &html,
        "<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>Access denied</body></html>\n",
    )
    .unwrap();
    let zero = dir.join("sosreport-node9.tar.gz");
    std::fs::write(&zero, b"").unwrap();
    // Logs that are there but hold nothing: nothing read, not "no OOM".
    let empty_logs = dir.join("empty-logs");
    std::fs::create_dir_all(empty_logs.join("var/log")).unwrap();
    std::fs::write(empty_logs.join("var/log/messages"), b"").unwrap();
    std::fs::write(empty_logs.join("var/log/kern.log"), b"").unwrap();
    let empty_member = dir.join("empty-messages.tar.gz");
    std::fs::write(
        &empty_member,
        tar_gz(&[("var/log/messages", b""), ("README.txt", b"x\n")]),
    )
    .unwrap();
    vec![
        (empty_logs, "its 2 log or pod file(s) are empty"),
        (empty_member, "its 1 log or pod file(s) are empty"),
        (empty, "nothing could be read in it"),
        (no_logs, "nothing could be read in it"),
        (no_log_archive, "nothing could be read in it"),
        (html, "not an xz stream (it is an HTML page"),
        (zero, "not a gzip stream (the file is empty)"),
    ]
}

#[test]
fn an_input_nothing_is_read_from_alone_exits_2_naming_it() {
    let dir = scratch_dir("nothing-read-alone");
    for (input, why) in unreadable(&dir) {
        for format in ["text", "json"] {
            let r = run(&["analyze", "--format", format, arg(&input)]);
            assert_eq!(r.code, 2, "{}: {}", input.display(), r.stderr);
            assert_eq!(
                r.stdout,
                "",
                "no \"no OOM kill\" answer for {}",
                input.display()
            );
            assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
            assert!(
                r.stderr.starts_with(&format!("oomsift: {}: ", arg(&input))),
                "{:?}",
                r.stderr
            );
            assert!(r.stderr.contains(why), "{:?}", r.stderr);
        }
    }
}

#[test]
fn an_input_nothing_is_read_from_beside_a_good_one_is_a_warning_and_exit_1() {
    let dir = scratch_dir("nothing-read-beside");
    for (input, why) in unreadable(&dir) {
        let (doc, r) = analyze_json(&[GOOD, arg(&input)]);
        assert_eq!(r.code, 1, "{}: {}", input.display(), r.stderr);
        // The good bundle is analyzed in full.
        assert_eq!(events(&doc).len(), 2);
        assert_eq!(doc["complete"], false);
        let warnings: Vec<&Value> = doc["warnings"].as_array().unwrap().iter().collect();
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert_eq!(warnings[0]["file"], arg(&input));
        assert!(
            warnings[0]["message"].as_str().unwrap().contains(why),
            "{warnings:#?}"
        );
        assert_eq!(
            r.stderr,
            format!(
                "oomsift: warning: {}: {}\n",
                arg(&input),
                warnings[0]["message"].as_str().unwrap()
            )
        );
    }
}

#[test]
fn in_a_folder_of_bundles_each_unreadable_one_is_named() {
    let dir = scratch_dir("nothing-read-fleet");
    let fleet = dir.join("fleet");
    std::fs::create_dir_all(&fleet).unwrap();
    // Archives at the top of the folder: each is a bundle of the fleet.
    let mut wanted = Vec::new();
    for (input, why) in unreadable(&dir) {
        if input.is_file() {
            let to = fleet.join(input.file_name().unwrap());
            std::fs::rename(&input, &to).unwrap();
            wanted.push((to, why));
        }
    }
    assert_eq!(wanted.len(), 4);
    std::fs::write(
        fleet.join("sosreport-node1.tar.gz"),
        tar_gz(&[(
            "sosreport-node1/var/log/messages",
            &testdata("sosreport-node1/var/log/messages"),
        )]),
    )
    .unwrap();
    let (doc, r) = analyze_json(&["--reference-date", "2024-03-05", arg(&fleet)]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!events(&doc).is_empty());
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), wanted.len(), "{warnings:#?}");
    for (input, why) in &wanted {
        assert!(
            warnings
                .iter()
                .any(|w| w["file"] == arg(input) && w["message"].as_str().unwrap().contains(why)),
            "{} not named: {warnings:#?}",
            input.display()
        );
    }
    // And nothing at all read in the fleet is exit 2, each bundle named on one line.
    std::fs::remove_file(fleet.join("sosreport-node1.tar.gz")).unwrap();
    let r = run(&["analyze", arg(&fleet)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    for (input, _) in &wanted {
        assert!(r.stderr.contains(arg(input)), "{}", r.stderr);
    }
}

#[test]
fn an_empty_pod_file_is_skipped_without_a_warning_and_listed_with_verbose() {
    let dir = scratch_dir("nothing-read-empty-pods");
    let bundle = dir.join("node1");
    std::fs::create_dir_all(bundle.join("var/log")).unwrap();
    std::fs::write(
        bundle.join("var/log/messages"),
        testdata("sosreport-node1/var/log/messages"),
    )
    .unwrap();
    std::fs::write(bundle.join("pods.json"), b"").unwrap();
    let doc = analyze_ok(&["--reference-date", "2024-03-05", arg(&bundle)]);
    assert!(!events(&doc).is_empty());
    assert_eq!(doc["complete"], true);

    let r = run(&[
        "analyze",
        "-v",
        "--reference-date",
        "2024-03-05",
        arg(&bundle),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let empty = format!("oomsift: {}/pods.json: empty, skipped", arg(&bundle));
    assert!(r.stderr.lines().any(|l| l == empty), "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn a_bundle_of_cgroup_files_alone_is_read_and_exits_0() {
    let dir = scratch_dir("nothing-read-cgroups");
    let bundle = dir.join("cgroups");
    let cg = bundle.join("sys/fs/cgroup");
    std::fs::create_dir_all(cg.join("kubepods.slice")).unwrap();
    std::fs::write(
        cg.join("cgroup.controllers"),
        testdata("sosreport-node1/sys/fs/cgroup/cgroup.controllers"),
    )
    .unwrap();
    let limit = testdata("sosreport-node1/sys/fs/cgroup/kubepods.slice/memory.max");
    std::fs::write(cg.join("kubepods.slice/memory.max"), &limit).unwrap();
    let doc = analyze_ok(&[arg(&bundle)]);
    assert_eq!(doc["cgroups"][0]["path"], "/kubepods.slice");
    // The same as an archive.
    let archive = dir.join("cgroups.tar.gz");
    std::fs::write(
        &archive,
        tar_gz(&[
            (
                "sys/fs/cgroup/cgroup.controllers",
                &testdata("sosreport-node1/sys/fs/cgroup/cgroup.controllers"),
            ),
            ("sys/fs/cgroup/kubepods.slice/memory.max", &limit),
        ]),
    )
    .unwrap();
    let doc = analyze_ok(&[arg(&archive)]);
    assert_eq!(doc["cgroups"][0]["path"], "/kubepods.slice");
}

#[test]
fn kubernetes_objects_alone_say_no_kernel_log_was_read_not_no_kill() {
    // A support bundle of cluster resources without host collectors: its pod reports
    // are shown, and the summary says kernel kills cannot be told, not that there
    // were none.
    let dir = scratch_dir("nothing-read-objects-only");
    let sb = dir.join("support-bundle");
    let from = std::path::Path::new(
        "testdata/support-bundle/support-bundle-2024-03-05T10_45_00/cluster-resources",
    );
    std::fs::create_dir_all(sb.join("cluster-resources/pods")).unwrap();
    for f in ["nodes.json", "pods/shop.json"] {
        std::fs::copy(from.join(f), sb.join("cluster-resources").join(f)).unwrap();
    }
    let r = run(&["analyze", arg(&sb)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with(
            "No kernel log in 1 input (only Kubernetes objects, facts or cgroup files): kernel OOM kills cannot be told from what was read.\n"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("k8s_oomkilled (pod status)"),
        "{}",
        r.stdout
    );
}
