//! Trust: where every time came from (`time_source`, with a warning when the year or
//! the boot time is a guess), and one kill being one event however many inputs show it.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// `(victim pid, time, time_source)` of every event, in output order.
fn times(doc: &Value) -> Vec<(u64, String, String)> {
    events(doc)
        .iter()
        .map(|e| {
            (
                e["victim"]["pid"].as_u64().unwrap(),
                e["time"].as_str().unwrap_or("null").to_string(),
                e["time_source"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn t(pid: u64, time: &str, source: &str) -> (u64, String, String) {
    (pid, time.to_string(), source.to_string())
}

fn messages(doc: &Value) -> Vec<(String, String)> {
    doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["file"].as_str().unwrap().to_string(),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Copies `testdata/<from>` to `dir/<to>`.
fn copy(from: &str, dir: &Path, to: &str) {
    let dst = dir.join(to);
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    std::fs::write(dst, testdata(from)).unwrap();
}

/// Sets a file's modification time (seconds since the epoch).
fn set_mtime(p: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(p).unwrap();
    f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
        .unwrap();
}

// ------------------------------------------------------------------ time provenance

#[test]
fn rotated_set_years_come_from_names_and_the_collection_date_and_never_run_backwards() {
    // A /var/log copy with the collection date (`date`: Jan 2 2024, zone not named).
    let doc = analyze_ok(&["testdata/varlog-newyear"]);
    assert_eq!(
        times(&doc),
        vec![
            // messages.1 holds a year of logs: Dec 30 is 2022's, not a date after Jun 15.
            t(6001, "2022-12-30T10:00:00", "bundle_date"),
            t(6002, "2023-06-15T12:00:00", "bundle_date"),
            // messages-20240102: its December line is 2023's.
            t(5001, "2023-12-31T23:59:50", "rotation_name"),
            t(5002, "2024-01-01T00:00:30", "rotation_name"),
            t(6003, "2024-01-01T08:00:00", "bundle_date"),
            t(7001, "2024-01-02T08:30:00", "bundle_date"),
        ]
    );
    assert!(doc["warnings"].as_array().unwrap().is_empty());

    let r = run(&["analyze", "testdata/varlog-newyear"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains(
            "  2023-12-31T23:59:50 (year from rotated name/journal header)  e3  host RAM  5001 (worker)"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "  2022-12-30T10:00:00 (year from collection date)  e1  host RAM  6001 (batch)"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn a_rotation_name_alone_dates_december_lines_in_the_year_before() {
    let doc = analyze_ok(&["testdata/varlog-newyear/messages-20240102"]);
    assert_eq!(
        times(&doc),
        vec![
            t(5001, "2023-12-31T23:59:50", "rotation_name"),
            t(5002, "2024-01-01T00:00:30", "rotation_name"),
        ]
    );
}

#[test]
fn reference_date_is_named_as_the_source_of_the_year() {
    let doc = analyze_ok(&["--reference-date", "2024-01-05", "testdata/varlog-newyear"]);
    let got = times(&doc);
    assert_eq!(got.len(), 6);
    assert!(got.iter().all(|(_, _, s)| s == "reference_date"), "{got:?}");
    assert!(got.contains(&t(5001, "2023-12-31T23:59:50", "reference_date")));
    assert!(got.contains(&t(6001, "2022-12-30T10:00:00", "reference_date")));
    let r = run(&[
        "analyze",
        "--reference-date",
        "2024-01-05",
        "testdata/varlog-newyear/messages",
    ]);
    assert!(
        r.stdout
            .contains("  2024-01-02T08:30:00 (year from --reference-date)  e1  host RAM"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_year_from_the_file_time_alone_is_said_once_per_file() {
    let dir = scratch_dir("trust-file-time");
    // The rotated file's lines under a name without a date: only its time tells.
    copy("varlog-newyear/messages-20240102", &dir, "messages");
    let file = dir.join("messages");
    set_mtime(&file, 1_704_196_800); // 2024-01-02T12:00:00Z
    let (doc, r) = analyze_json(&[arg(&file)]);
    assert_eq!(r.code, 0, "a year guess alone does not fail the run");
    assert_eq!(doc["complete"], true);
    assert_eq!(
        times(&doc),
        vec![
            t(5001, "2023-12-31T23:59:50", "file_time"),
            t(5002, "2024-01-01T00:00:30", "file_time"),
        ]
    );
    let expected = "syslog times carry no year: the year 2024 is taken from the file's modification time; give --reference-date YYYY-MM-DD if that is not the collection year";
    assert_eq!(
        messages(&doc),
        vec![(arg(&file).to_string(), expected.to_string())]
    );
    assert_eq!(
        r.stderr,
        format!("oomsift: warning: {}: {expected}\n", arg(&file))
    );
    let r = run(&["analyze", arg(&file)]);
    assert!(
        r.stdout
            .contains("  2023-12-31T23:59:50 (year from file time)  e1  host RAM  5001 (worker)"),
        "{}",
        r.stdout
    );
    // --reference-date silences it.
    let doc = analyze_ok(&["--reference-date", "2024-01-02", arg(&file)]);
    assert_eq!(
        times(&doc)[0],
        t(5001, "2023-12-31T23:59:50", "reference_date")
    );
}

#[test]
fn uptimes_without_a_boot_time_are_said_once_per_file() {
    let dir = scratch_dir("trust-no-boot");
    copy("sosreport-node1/sos_commands/kernel/dmesg", &dir, "dmesg");
    let file = dir.join("dmesg");
    let (doc, r) = analyze_json(&[arg(&file)]);
    assert_eq!(r.code, 0);
    assert_eq!(doc["complete"], true);
    let got = times(&doc);
    assert!(!got.is_empty());
    assert!(
        got.iter().all(|(_, t, s)| t == "null" && s == "none"),
        "{got:?}"
    );
    let w = messages(&doc);
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].0, arg(&file));
    assert!(w[0].1.contains("boot time is unknown"), "{w:?}");
}

#[test]
fn boot_zoned_local_and_node_zone_sources() {
    // Uptime + the sosreport's boot time; the systemd line's year from its date.
    let doc = analyze_ok(&["testdata/sosreport-node1"]);
    assert!(times(&doc).iter().all(|(_, _, s)| s == "boot"));
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert!(deaths.iter().all(|d| d["time_source"] == "bundle_date"));

    // RFC 3339 syslog and the journal's ISO times carry their zone.
    let doc = analyze_ok(&["testdata/zones"]);
    assert!(
        times(&doc).iter().all(|(_, _, s)| s == "zoned"),
        "{:?}",
        times(&doc)
    );

    // `dmesg -T` without the node's zone is a local time, shown so.
    let doc = analyze_ok(&["testdata/dmesg-T"]);
    assert_eq!(times(&doc), vec![t(2231, "2017-12-07T00:05:15", "local")]);
    let r = run(&["analyze", "testdata/dmesg-T"]);
    assert!(
        r.stdout
            .contains("  2017-12-07T00:05:15 (local, zone unknown)  e1  host RAM"),
        "{}",
        r.stdout
    );

    // … and with the node's zone known (its `date` names UTC), the zone is the node's.
    let dir = scratch_dir("trust-node-zone");
    copy("dmesg-T/dmesg_-T", &dir, "dmesg_-T");
    std::fs::write(dir.join("date"), "Thu Dec  7 09:00:00 UTC 2017\n").unwrap();
    let doc = analyze_ok(&[arg(&dir)]);
    assert_eq!(
        times(&doc),
        vec![t(2231, "2017-12-07T00:05:15+00:00", "node_zone")]
    );
    let r = run(&["analyze", arg(&dir)]);
    assert!(
        r.stdout
            .contains("  2017-12-07T00:05:15+00:00  e1  host RAM"),
        "no note beside a time in the node's zone: {}",
        r.stdout
    );

    // A Kubernetes API time is zoned.
    let doc = analyze_ok(&["testdata/support-bundle/support-bundle-2024-03-05T10_45_00"]);
    let report = doc["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "k8s_oomkilled")
        .unwrap();
    assert_eq!(report["time_source"], "zoned");
    assert_eq!(only_event(&doc)["time_source"], "rotation_name");
}

// ------------------------------------------------------- one kill, one event

/// Copies the tree `testdata/<from>` to `dst`.
fn copy_tree(from: &Path, dst: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let to = dst.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&to).unwrap();
            copy_tree(&p, &to);
        } else {
            std::fs::copy(&p, &to).unwrap();
        }
    }
}

/// The events with their sources and ids blanked, for comparing runs.
fn without_sources(doc: &Value) -> Vec<Value> {
    events(doc)
        .iter()
        .map(|e| {
            let mut e = e.clone();
            e["sources"] = Value::Null;
            e
        })
        .collect()
}

#[test]
fn the_same_bundle_twice_gives_the_events_of_one() {
    let one = analyze_ok(&["testdata/sosreport-node1"]);
    let twice = analyze_ok(&["testdata/sosreport-node1", "testdata/sosreport-node1"]);
    assert_eq!(twice["events"], one["events"]);
    assert_eq!(twice["other_deaths"], one["other_deaths"]);
    assert_eq!(twice["incidents"], one["incidents"]);
}

#[test]
fn two_copies_of_a_bundle_are_one_set_of_kills_listing_both() {
    let dir = scratch_dir("trust-two-copies");
    for copy in ["a", "b"] {
        std::fs::create_dir_all(dir.join(copy)).unwrap();
        copy_tree(Path::new("testdata/sosreport-node1"), &dir.join(copy));
    }
    let (a, b) = (dir.join("a"), dir.join("b"));
    let one = analyze_ok(&[arg(&a)]);
    let both = analyze_ok(&[arg(&a), arg(&b)]);
    assert_eq!(without_sources(&both), without_sources(&one));
    for (e1, e2) in events(&one).iter().zip(events(&both)) {
        let mut expected: Vec<(String, u64)> = sources(e1)
            .into_iter()
            .flat_map(|(f, l)| {
                let other = f.replacen(arg(&a), arg(&b), 1);
                [(f, l), (other, l)]
            })
            .collect();
        expected.sort();
        assert_eq!(sources(e2), expected, "every copy is a source, sorted");
    }
    assert_eq!(
        both["other_deaths"].as_array().unwrap().len(),
        one["other_deaths"].as_array().unwrap().len()
    );
    // The same in the reverse order of inputs.
    let reversed = analyze_ok(&[arg(&b), arg(&a)]);
    assert_eq!(reversed["events"], both["events"]);
}

#[test]
fn a_loose_dmesg_of_a_bundled_node_is_the_same_kills() {
    let dir = scratch_dir("trust-loose-dmesg");
    copy("sosreport-node1/sos_commands/kernel/dmesg", &dir, "dmesg");
    let loose = dir.join("dmesg");
    let one = analyze_ok(&["testdata/sosreport-node1"]);
    let (doc, r) = analyze_json(&["testdata/sosreport-node1", arg(&loose)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(without_sources(&doc), without_sources(&one));
    assert!(events(&doc).iter().all(|e| e["node"] == "node1"));
    for e in events(&doc) {
        assert!(
            sources(e).iter().any(|(f, _)| f == arg(&loose)),
            "the loose copy is a source of {e:#?}"
        );
    }
}

#[test]
fn kubernetes_names_the_node_by_its_fqdn_and_it_is_the_same_node() {
    let doc = analyze_ok(&["testdata/support-bundle/support-bundle-2024-03-05T10_45_00"]);
    let e = only_event(&doc);
    assert_eq!(e["node"], "ip-10-0-3-41");
    let report = doc["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "k8s_oomkilled")
        .expect("the pod status report");
    assert_eq!(
        report["node"], "ip-10-0-3-41",
        "shown by the node's own name"
    );
    assert_eq!(report["matched_event"], 0);
    assert!(
        !codes(report).contains(&"oomkilled_without_kernel_kill"),
        "the false diagnosis is gone: {report:#?}"
    );
    assert!(!codes(e).contains(&"kill_not_reported_by_kubernetes"));
    let nodes: Vec<&Value> = doc["nodes"].as_array().unwrap().iter().collect();
    assert_eq!(nodes.len(), 1, "{nodes:#?}");
    let r = run(&[
        "analyze",
        "testdata/support-bundle/support-bundle-2024-03-05T10_45_00",
    ]);
    assert!(
        !r.stdout.contains("oomkilled_without_kernel_kill"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("on ip-10-0-3-41 [kernel kill e1]"),
        "{}",
        r.stdout
    );
}

#[test]
fn merged_shards_of_copies_equal_one_run() {
    let dir = scratch_dir("trust-merge-copies");
    for copy in ["a", "b"] {
        std::fs::create_dir_all(dir.join(copy)).unwrap();
        copy_tree(Path::new("testdata/sosreport-node1"), &dir.join(copy));
    }
    let inputs = [
        arg(&dir.join("a")).to_string(),
        arg(&dir.join("b")).to_string(),
    ];
    let mut all = vec!["analyze", "--format", "json"];
    all.extend(inputs.iter().map(String::as_str));
    let whole = run(&all);
    assert_eq!(whole.code, 0);
    let mut shards = Vec::new();
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let mut args = vec!["analyze", "--format", "json", "--shard", &shard];
        args.extend(inputs.iter().map(String::as_str));
        let r = run(&args);
        assert_eq!(r.code, 0);
        let f = dir.join(format!("shard-{k}.json"));
        std::fs::write(&f, r.stdout).unwrap();
        shards.push(arg(&f).to_string());
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(shards.iter().map(String::as_str));
    let merged = run(&args);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(
        merged.stdout, whole.stdout,
        "merge must give the single run's document"
    );
    let doc: Value = serde_json::from_str(&merged.stdout).unwrap();
    assert_eq!(events(&doc).len(), 2);
}

/// Per node, what identifies a kill whatever its year guess: (uptime, victim pid,
/// victim name, kind) → the times it was given.
type Kills = std::collections::BTreeMap<
    Option<String>,
    std::collections::BTreeMap<[String; 4], std::collections::BTreeSet<String>>,
>;

fn kills_by_node(doc: &Value, into: &mut Kills) {
    for e in events(doc) {
        into.entry(e["node"].as_str().map(str::to_string))
            .or_default()
            .entry([
                e["uptime_us"].to_string(),
                e["victim"]["pid"].to_string(),
                e["victim"]["comm"].to_string(),
                e["kind"].to_string(),
            ])
            .or_default()
            .insert(e["time"].to_string());
    }
}

#[test]
fn a_parent_folder_gives_per_node_the_union_of_its_bundles_alone() {
    // Every top-level entry of `testdata/` alone, then `testdata/` itself: no kill
    // moves to another node, none appears or vanishes, and each keeps a time one of
    // its copies had alone (the best established, where two copies of one kill were
    // dated differently).
    let mut alone = Kills::new();
    let mut entries: Vec<String> = std::fs::read_dir("testdata")
        .unwrap()
        .map(|e| format!("testdata/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    entries.sort();
    for entry in &entries {
        let (doc, _) = analyze_json(&[entry]);
        kills_by_node(&doc, &mut alone);
    }
    let (doc, _) = analyze_json(&["testdata/"]);
    let mut whole = Kills::new();
    kills_by_node(&doc, &mut whole);
    let ids = |k: &Kills| -> Vec<(Option<String>, Vec<[String; 4]>)> {
        k.iter()
            .map(|(n, m)| (n.clone(), m.keys().cloned().collect()))
            .collect()
    };
    assert_eq!(ids(&whole), ids(&alone));
    for (node, m) in &whole {
        for (kill, times) in m {
            assert!(
                alone[node][kill].is_superset(times),
                "{node:?} {kill:?}: {times:?} not among {:?}",
                alone[node][kill]
            );
        }
    }
    // The must-gather under `testdata/` is dated by its own `timestamp`.
    let mg: Vec<&Value> = events(&doc)
        .iter()
        .filter(|e| {
            e["sources"][0]["file"]
                .as_str()
                .unwrap()
                .contains("must-gather")
        })
        .collect();
    assert!(!mg.is_empty());
    assert!(
        doc["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| !(w["file"].as_str().unwrap().contains("must-gather")
                && w["message"].as_str().unwrap().contains("modification time"))),
        "{:?}",
        doc["warnings"]
    );
}

#[test]
fn a_support_bundle_is_dated_by_the_time_its_name_carries() {
    // Without a journal header to tell the year, the folder troubleshoot named
    // `support-bundle-<collection time>` does: in the folder given, or in a folder of
    // cases beside other things, not the files' modification times (2026 here).
    const SB: &str = "testdata/support-bundle/support-bundle-2024-03-05T10_45_00";
    let dir = scratch_dir("support-bundle-name-date");
    let case = dir.join("case-77");
    let sb = case.join("support-bundle-2024-03-05T10_45_00");
    std::fs::create_dir_all(&sb).unwrap();
    copy_tree(Path::new(SB), &sb);
    let kernel = sb.join("host-collectors/journald/kernel.txt");
    let text = std::fs::read_to_string(&kernel).unwrap();
    let body: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    assert!(!body.starts_with("-- "));
    std::fs::write(&kernel, body).unwrap();
    set_mtime(&kernel, 1_781_000_000); // 2026-06-09
    std::fs::write(case.join("notes.txt"), "customer says pods restart\n").unwrap();
    for input in [sb.clone(), case.clone()] {
        let (doc, r) = analyze_json(&[arg(&input)]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("modification time"), "{}", r.stderr);
        let e = only_event(&doc);
        assert_eq!(e["time"], "2024-03-05T10:21:07", "{input:?}");
        assert_eq!(e["time_source"], "bundle_date");
        let node = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["name"] == e["node"])
            .unwrap();
        assert_eq!(node["collected_at"], "2024-03-05T10:45:00");
    }
}
