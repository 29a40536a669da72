//! Machine-ids: two bundles whose host names are one node's but whose `etc/machine-id`
//! differ are two machines (two nodes, each its kills); with the same machine-id they
//! are one node, its kills deduplicated.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

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

fn node_names(doc: &Value) -> Vec<String> {
    doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap().to_string())
        .collect()
}

/// Two copies of `testdata/sosreport-node1` with these machine-ids.
fn two_copies(name: &str, ids: [&str; 2]) -> Vec<String> {
    let dir = scratch_dir(name);
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let to = dir.join(format!("copy-{i}"));
            copy_tree(Path::new("testdata/sosreport-node1"), &to);
            std::fs::create_dir_all(to.join("etc")).unwrap();
            std::fs::write(to.join("etc/machine-id"), format!("{id}\n")).unwrap();
            arg(&to).to_string()
        })
        .collect()
}

#[test]
fn different_machine_ids_are_different_nodes() {
    let inputs = two_copies(
        "machine-id-differ",
        [
            "3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e",
            "9f0e1d2c3b4a59687766554433221100",
        ],
    );
    let args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let doc = analyze_ok(&args);
    assert_eq!(
        node_names(&doc),
        [
            "node1 [machine-id 3c5b1a3e8f2d]",
            "node1 [machine-id 9f0e1d2c3b4a]"
        ]
    );
    // Each machine's two kills, not deduplicated into one node's.
    assert_eq!(events(&doc).len(), 4);
    for e in events(&doc) {
        assert!(
            e["node"]
                .as_str()
                .unwrap()
                .starts_with("node1 [machine-id ")
        );
    }
}

#[test]
fn the_same_machine_id_is_one_node() {
    let id = "3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e";
    let inputs = two_copies("machine-id-same", [id, id]);
    let args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let doc = analyze_ok(&args);
    assert_eq!(node_names(&doc), ["node1"]);
    assert_eq!(events(&doc).len(), 2);
}

fn machine_ids(doc: &Value) -> Vec<(String, Value)> {
    doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap().to_string(),
                n["machine_id"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_binary_journals_folder_names_the_machine() {
    // No `etc/machine-id` in the second copy: the folder journald keeps its files in
    // (`var/log/journal/<machine-id>/`) tells the machine, and it is another one.
    let dir = scratch_dir("machine-id-journal-folder");
    let a = dir.join("a");
    copy_tree(Path::new("testdata/sosreport-node1"), &a);
    std::fs::create_dir_all(a.join("etc")).unwrap();
    std::fs::write(
        a.join("etc/machine-id"),
        "3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e\n",
    )
    .unwrap();
    let b = dir.join("b");
    copy_tree(Path::new("testdata/sosreport-node1"), &b);
    let jdir = b.join("var/log/journal/9F0E1D2C3B4A59687766554433221100");
    std::fs::create_dir_all(&jdir).unwrap();
    std::fs::write(
        jdir.join("system.journal.zst"),
        testdata("journal/rotated/system.journal.zst"),
    )
    .unwrap();
    let (doc, r) = analyze_json(&[arg(&a), arg(&b)]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert_eq!(
        machine_ids(&doc),
        [
            (
                "node1 [machine-id 3c5b1a3e8f2d]".to_string(),
                Value::from("3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e")
            ),
            (
                "node1 [machine-id 9f0e1d2c3b4a]".to_string(),
                Value::from("9f0e1d2c3b4a59687766554433221100")
            )
        ]
    );
}

const NODE_YAML: &str = "apiVersion: v1
kind: Node
metadata:
  name: node1
status:
  capacity:
    memory: 16303600Ki
  allocatable:
    memory: 15152656Ki
  nodeInfo:
    machineID: MACHINE
    kernelVersion: 5.14.0-284.48.1.el9_2.x86_64
";

#[test]
fn a_node_object_joins_the_node_of_its_machine_only() {
    let mine = "3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e";
    for (theirs, want) in [
        (mine, vec![("node1".to_string(), Some(16_303_600))]),
        (
            "9f0e1d2c3b4a59687766554433221100",
            vec![
                ("node1".to_string(), None),
                (
                    "node1 [machine-id 9f0e1d2c3b4a]".to_string(),
                    Some(16_303_600),
                ),
            ],
        ),
    ] {
        let dir = scratch_dir(&format!("machine-id-node-object-{}", &theirs[..4]));
        let a = dir.join("sosreport-node1");
        copy_tree(Path::new("testdata/sosreport-node1"), &a);
        std::fs::create_dir_all(a.join("etc")).unwrap();
        std::fs::write(a.join("etc/machine-id"), format!("{mine}\n")).unwrap();
        let objects = dir.join("nodes.yaml");
        std::fs::write(&objects, NODE_YAML.replace("MACHINE", theirs)).unwrap();
        let (doc, r) = analyze_json(&[arg(&a), arg(&objects)]);
        assert!(r.code == 0, "{}", r.stderr);
        let got: Vec<(String, Option<u64>)> = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["name"].as_str().unwrap().to_string(),
                    n["mem_capacity_kb"].as_u64(),
                )
            })
            .collect();
        assert_eq!(got, want, "machine {theirs}");
        // The kills stay with the bundle's machine.
        for e in events(&doc) {
            assert_eq!(e["node"], "node1");
        }
    }
}
