//! One fixture per diagnosis code (`testdata/diagnoses/<code>/`, a log or a small
//! bundle written so that this diagnosis fires): each is analyzed with a fixed
//! reference date, the diagnoses found on its events, incidents and other deaths are
//! snapshotted (`tests/snapshots/diagnoses__<code>.snap`), and the fixture's own code
//! must be among them. A merge of the document read back from its JSON keeps them.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use oomsift::analysis::{Analysis, TimeOptions};
use oomsift::model::DiagnosisCode;
use serde_json::{Value, json};
use std::path::Path;

fn fixture_dir(code: &str) -> String {
    format!("testdata/diagnoses/{code}")
}

fn analyze(code: &str) -> Analysis {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cfg = oomsift::Config {
        inputs: vec![root.join(fixture_dir(code)).display().to_string()],
        jobs: Some(1),
        time: TimeOptions {
            reference_date: Some((2024, 6, 30)),
            ..TimeOptions::default()
        },
        ..oomsift::Config::default()
    };
    oomsift::run(&cfg).unwrap_or_else(|e| panic!("{code}: analysis failed: {e}"))
}

/// The diagnoses of a document: every event (with none too), and the incidents and
/// other deaths that have some.
fn found(a: &Analysis) -> Value {
    let diags =
        |d: &[oomsift::model::Diagnosis]| serde_json::to_value(d).expect("diagnoses serialize");
    json!({
        "events": a.events.iter().map(|e| json!({
            "id": e.id,
            "kind": e.kind,
            "victim": e.victim.comm,
            "diagnoses": diags(&e.diagnoses),
        })).collect::<Vec<_>>(),
        "incidents": a.incidents.iter().filter(|i| !i.diagnoses.is_empty()).map(|i| json!({
            "id": i.id,
            "scope": i.scope,
            "diagnoses": diags(&i.diagnoses),
        })).collect::<Vec<_>>(),
        "other_deaths": a.other_deaths.iter().filter(|d| !d.diagnoses.is_empty()).map(|d| json!({
            "kind": d.kind,
            "reporter": d.reporter,
            "diagnoses": diags(&d.diagnoses),
        })).collect::<Vec<_>>(),
    })
}

/// Every code found in [`found`]'s output.
fn codes(found: &Value) -> Vec<String> {
    ["events", "incidents", "other_deaths"]
        .iter()
        .flat_map(|k| found[k].as_array().into_iter().flatten())
        .flat_map(|x| x["diagnoses"].as_array().into_iter().flatten())
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

/// The keys of the `//! Evidence: …` paragraph of the code's file.
fn documented_evidence(code: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/analysis/diagnose")
        .join(format!("{code}.rs"));
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut para = String::new();
    for line in src.lines().take_while(|l| l.starts_with("//!")) {
        let text = line.trim_start_matches("//!").trim();
        if text.starts_with("Evidence: ") || (!para.is_empty() && !text.is_empty()) {
            para.push_str(text);
            para.push(' ');
        } else if !para.is_empty() {
            break;
        }
    }
    let keys: Vec<String> = para
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(
        !keys.is_empty(),
        "{}: no `Evidence: …` paragraph",
        path.display()
    );
    keys
}

fn check(code: &str) {
    let a = analyze(code);
    assert!(
        a.warnings.is_empty(),
        "{code}: the fixture should analyze cleanly, warnings: {:#?}",
        a.warnings
    );
    let f = found(&a);
    let got = codes(&f);
    assert!(
        got.iter().any(|c| c == code),
        "{code}: its fixture does not produce it; found {got:?}"
    );
    insta::assert_json_snapshot!(code, f);

    // Its own findings carry the evidence keys its documentation lists.
    let documented = documented_evidence(code);
    for x in ["events", "incidents", "other_deaths"]
        .iter()
        .flat_map(|k| f[k].as_array().into_iter().flatten())
        .flat_map(|x| x["diagnoses"].as_array().into_iter().flatten())
        .filter(|d| d["code"] == code)
    {
        let mut keys: Vec<&str> = x["evidence"]
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        keys.sort_unstable();
        let mut want: Vec<&str> = documented.iter().map(String::as_str).collect();
        want.sort_unstable();
        assert_eq!(keys, want, "{code}: evidence keys against its doc comment");
    }

    // `oomsift merge` reads documents back from JSON: what serde skips is gone then,
    // and the diagnoses must survive as they were.
    let text = serde_json::to_string(&a).expect("document serializes");
    let back: Analysis = serde_json::from_str(&text).expect("document reads back");
    let merged = oomsift::analysis::merge::merge(vec![(code.to_string(), back)])
        .unwrap_or_else(|e| panic!("{code}: merge failed: {e}"));
    assert_eq!(
        found(&merged),
        f,
        "{code}: diagnoses changed through a merge"
    );
}

macro_rules! fixtures {
    ($($code:ident),+ $(,)?) => {
        $( #[test] fn $code() { check(stringify!($code)); } )+
        /// The codes with a fixture test above.
        const TESTED: &[&str] = &[$(stringify!($code)),+];
    };
}

fixtures!(
    kmem_dominant,
    page_cache_dominant,
    shmem_dominant,
    memsw_limit_hit,
    pod_limit_fired,
    node_allocatable_limit,
    child_process_killed,
    guaranteed_victim,
    qos_victim_expected,
    oom_score_adj_inconsistent,
    burstable_request_inferred,
    host_oom_overcommitted,
    manual_oom,
    kills_suppressed,
    kill_not_reported_by_kubernetes,
    host_oom_killed_container_below_limit,
    repeated_kills,
    host_oom_storm,
    oomkilled_without_kernel_kill,
    exit_137_not_oom,
);

/// Every code has its fixture folder and test, and there is no folder without one.
#[test]
fn every_fixture_dir_is_tested() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/diagnoses");
    let mut dirs: Vec<String> = std::fs::read_dir(&dir)
        .expect("testdata/diagnoses")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    dirs.sort();
    let mut tested: Vec<String> = TESTED.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(dirs, tested, "fixture folders against fixture tests");
    let mut all: Vec<String> = DiagnosisCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    all.sort();
    assert_eq!(all, tested, "diagnosis codes against fixture tests");
}
