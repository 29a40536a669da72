//! Pod status `OOMKilled` is read from `state.terminated` (a Job's container, one not
//! yet restarted) and from `lastState.terminated`, for regular, init and ephemeral
//! containers: `testdata/pod-status` is a support bundle whose three kernel kills are
//! each reported by one of these, and each report is matched to its kill.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::Value;

const BUNDLE: &str = "testdata/pod-status";

/// `(container, message, matched event's victim pid)` of each pod-status report.
fn reports(doc: &Value) -> Vec<(String, String, Option<u64>)> {
    // `matched_event` is the index of the kill in `events`.
    let pid_of = |i: u64| {
        events(doc)
            .get(usize::try_from(i).unwrap())
            .and_then(|e| e["victim"]["pid"].as_u64())
    };
    doc["other_deaths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["reporter"] == "pod status")
        .map(|d| {
            assert_eq!(d["kind"], "k8s_oomkilled", "{d:#?}");
            (
                d["container"]["name"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["matched_event"].as_u64().and_then(pid_of),
            )
        })
        .collect()
}

#[test]
fn oomkilled_in_state_and_last_state_of_every_kind_of_container() {
    let doc = analyze_ok(&[BUNDLE]);
    assert_eq!(events(&doc).len(), 3);
    let mut got = reports(&doc);
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "debugger-x7k2p".into(),
                "container debugger-x7k2p of pod shop/cart-0 terminated: OOMKilled (exit code 137)"
                    .into(),
                Some(60877)
            ),
            (
                "export".into(),
                "container export of pod batch/report-nightly-28491840-q7x2m terminated: OOMKilled (exit code 137)".into(),
                Some(41210)
            ),
            (
                "migrate".into(),
                "container migrate of pod shop/api-5d8f7c6b9-m4kzp last terminated: OOMKilled (exit code 137)".into(),
                Some(52344)
            ),
        ]
    );
    // Each kill is known to Kubernetes: no "not reported", no "without kernel kill".
    for e in events(&doc) {
        assert!(
            !codes(e).contains(&"kill_not_reported_by_kubernetes"),
            "{e:#?}"
        );
    }
    for d in doc["other_deaths"].as_array().unwrap() {
        assert!(
            !codes(d).contains(&"oomkilled_without_kernel_kill"),
            "{d:#?}"
        );
    }
    // The init and ephemeral containers are named on their kills.
    assert_eq!(event_by_victim(&doc, 52344)["container"]["name"], "migrate");
    assert_eq!(
        event_by_victim(&doc, 60877)["container"]["name"],
        "debugger-x7k2p"
    );
}
