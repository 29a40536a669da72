//! `docs/oomsift-1.schema.json` against the documents of every testdata bundle, with
//! a small validator of the JSON Schema keywords the file uses (`type`, `required`,
//! `properties`, `additionalProperties: false`, `items`, `enum`, `const`, `minimum`,
//! `$ref` to `#/$defs/…`): an unknown keyword fails the test, so the schema cannot
//! silently use one unchecked. With `additionalProperties: false` an object may carry
//! only the keys its sibling `properties` names, so a field added to the document
//! without a schema entry fails the test.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::Value;

fn schema() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/oomsift-1.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("the schema file")).expect("JSON")
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("unknown type {other} in the schema"),
    }
}

/// The errors of `v` against `s`, each with its JSON path.
fn check(root: &Value, s: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let Some(obj) = s.as_object() else {
        panic!("{at}: a schema is an object");
    };
    for (k, want) in obj {
        match k.as_str() {
            "$schema" | "$id" | "title" | "description" | "$defs" => {}
            "$ref" => {
                let name = want
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .unwrap_or_else(|| panic!("{at}: only #/$defs/ references"));
                let target = &root["$defs"][name];
                assert!(!target.is_null(), "{at}: no $defs/{name}");
                check(root, target, v, at, errs);
            }
            "type" => {
                let ok = match want {
                    Value::String(t) => type_ok(t, v),
                    Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap_or(""), v)),
                    _ => panic!("{at}: bad type"),
                };
                if !ok {
                    errs.push(format!("{at}: {v} is not of type {want}"));
                }
            }
            "const" if v != want => errs.push(format!("{at}: {v} is not {want}")),
            "const" => {}
            "enum" => {
                if !want.as_array().is_some_and(|a| a.contains(v)) {
                    errs.push(format!("{at}: {v} is not one of {want}"));
                }
            }
            "minimum" => {
                if let (Some(x), Some(m)) = (v.as_f64(), want.as_f64())
                    && x < m
                {
                    errs.push(format!("{at}: {x} < {m}"));
                }
            }
            "required" => {
                if let Some(o) = v.as_object() {
                    for key in want.as_array().into_iter().flatten() {
                        let key = key.as_str().unwrap_or_default();
                        if !o.contains_key(key) {
                            errs.push(format!("{at}: missing {key}"));
                        }
                    }
                }
            }
            "properties" => {
                if let Some(o) = v.as_object() {
                    for (key, sub) in want.as_object().into_iter().flatten() {
                        if let Some(x) = o.get(key) {
                            check(root, sub, x, &format!("{at}.{key}"), errs);
                        }
                    }
                }
            }
            "additionalProperties" => {
                assert_eq!(
                    want,
                    &Value::Bool(false),
                    "{at}: only additionalProperties: false is checked"
                );
                if let Some(o) = v.as_object() {
                    let known = obj.get("properties").and_then(Value::as_object);
                    for key in o.keys() {
                        if !known.is_some_and(|p| p.contains_key(key)) {
                            errs.push(format!("{at}: undocumented field {key}"));
                        }
                    }
                }
            }
            "items" => {
                for (i, x) in v.as_array().into_iter().flatten().enumerate() {
                    check(root, want, x, &format!("{at}[{i}]"), errs);
                }
            }
            other => panic!("{at}: keyword {other} is not checked by this validator"),
        }
    }
}

fn errors(doc: &Value) -> Vec<String> {
    let s = schema();
    let mut errs = Vec::new();
    check(&s, &s, doc, "$", &mut errs);
    errs
}

#[test]
fn every_testdata_bundle_is_a_valid_document() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .expect("testdata")
        .filter_map(|e| e.ok())
        .map(|e| format!("testdata/{}", e.file_name().to_string_lossy()))
        .collect();
    dirs.sort();
    for d in dirs
        .iter()
        .chain(["testdata/diagnoses/host_oom_storm".to_string()].iter())
    {
        let (doc, r) = analyze_json(&["--reference-date", "2024-06-30", "--raw-blocks", d]);
        assert!(r.code <= 1, "{d}: exit {}: {}", r.code, r.stderr);
        let errs = errors(&doc);
        assert!(errs.is_empty(), "{d}: {}", errs.join("\n"));
    }
}

#[test]
fn the_validator_finds_what_is_wrong() {
    let (mut doc, _) = analyze_json(&["testdata/sosreport-node1"]);
    assert!(errors(&doc).is_empty());
    doc["events"][0]["verdict"]["limit"] = Value::from("bigger");
    doc["incidents"][0]
        .as_object_mut()
        .expect("incident")
        .remove("scope");
    doc["complete"] = Value::from("yes");
    let errs = errors(&doc);
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(
        errs.iter()
            .any(|e| e.starts_with("$.events[0].verdict.limit: \"bigger\""))
    );
    assert!(errs.iter().any(|e| e == "$.incidents[0]: missing scope"));
    assert!(
        errs.iter()
            .any(|e| e.starts_with("$.complete: \"yes\" is not of type"))
    );
}

#[test]
fn an_undocumented_field_fails_the_schema() {
    let (mut doc, _) = analyze_json(&["testdata/sosreport-node1"]);
    assert!(errors(&doc).is_empty());
    doc["nodes"][0]["not_in_the_schema"] = Value::from(1);
    doc["events"][0]["verdict"]["filled"]["extra_kb"] = Value::from(2);
    doc["surprise"] = Value::Bool(true);
    let errs = errors(&doc);
    assert_eq!(
        errs,
        [
            "$: undocumented field surprise",
            "$.events[0].verdict.filled: undocumented field extra_kb",
            "$.nodes[0]: undocumented field not_in_the_schema",
        ],
        "{errs:#?}"
    );
}
