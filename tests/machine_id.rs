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
