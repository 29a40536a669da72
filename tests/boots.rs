//! Boots: a `Linux version` banner, an uptime going back by more than a second, or an
//! uptime beyond the one the bundle was collected at starts another boot. Kills of a
//! boot whose start is unknown keep their uptime and get no wall time; reaper and
//! continuation lines never cross a boot; within a node, kills are ordered by boot
//! (known starts first, by time), then uptime. `testdata/reboots` holds a sosreport
//! collected 25 minutes after boot with the previous boot's dmesg, and a serial
//! console capture across a reboot.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

mod common;

use common::*;
use serde_json::Value;

const SOS: &str = "testdata/reboots/sosreport-node7";
const CONSOLE: &str = "testdata/reboots/console/node9-serial-console.log";

/// `(pid, time, time_source, uptime_us, boot, reaped)` of every event, in output order.
fn kills(doc: &Value) -> Vec<(u64, Value, String, u64, Value, bool)> {
    events(doc)
        .iter()
        .map(|e| {
            (
                e["victim"]["pid"].as_u64().unwrap(),
                e["time"].clone(),
                e["time_source"].as_str().unwrap().to_string(),
                e["uptime_us"].as_u64().unwrap(),
                e.get("boot").cloned().unwrap_or(Value::Null),
                !e["reaped"].is_null(),
            )
        })
        .collect()
}

#[test]
fn a_kill_older_than_the_collections_uptime_is_of_an_earlier_boot() {
    let (doc, r) = analyze_json(&[SOS]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        kills(&doc),
        vec![
            // The current boot (booted 10:20:00, 1500 s before the collection at 10:45).
            (
                3311,
                Value::from("2024-03-05T10:40:00.250000+00:00"),
                "boot".into(),
                1_200_250_000,
                Value::Null,
                true
            ),
            // 27 742 s of uptime cannot be this boot's: no wall time, not 18:02.
            (
                2901,
                Value::Null,
                "none".into(),
                27_742_118_000,
                Value::from(0),
                true
            ),
        ]
    );
    let old = format!("{SOS}/var/log/dmesg.old");
    let w = doc["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0]["file"], old.as_str());
    assert!(
        w[0]["message"]
            .as_str()
            .unwrap()
            .contains("of an earlier boot than the node's known boot time"),
        "{w:#?}"
    );
    // Shown by uptime in the text summary, after the current boot's kill.
    let text = run(&["analyze", SOS]);
    let at = |s: &str| {
        text.stdout
            .find(s)
            .unwrap_or_else(|| panic!("{s}: {}", text.stdout))
    };
    assert!(at("2024-03-05T10:40:00.250000+00:00") < at("[27742.118000]"));
}

#[test]
fn a_reboot_in_one_log_splits_its_kills_and_their_reaper_lines() {
    let (doc, r) = analyze_json(&[CONSOLE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        kills(&doc),
        vec![
            // Before the reboot: its reaper line was never logged; the stray reaper line
            // of the same pid after the banner is not its.
            (
                712,
                Value::Null,
                "none".into(),
                5_000_200_000,
                Value::from(0),
                false
            ),
            // After the reboot, though its uptime is lower: boot 1 sorts after boot 0.
            (
                1733,
                Value::Null,
                "none".into(),
                1_100_400_000,
                Value::from(1),
                true
            ),
        ]
    );
    // The sysrq and boot lines after the first kill are not part of its block.
    let first = &events(&doc)[0];
    assert_eq!(first["complete"], true);
    assert!(
        first["warnings"]
            .as_array()
            .is_none_or(|w| w.iter().all(|m| !m.as_str().unwrap().contains("Linux"))),
        "{first:#?}"
    );
}

#[test]
fn boots_survive_a_merge_of_shards() {
    let dir = scratch_dir("boots-merge");
    let inputs = [SOS, CONSOLE];
    let mut whole = vec!["analyze", "--format", "json"];
    whole.extend(inputs);
    let whole = run(&whole);
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    let mut shards = Vec::new();
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let mut args = vec!["analyze", "--format", "json", "--shard", &shard];
        args.extend(inputs);
        let r = run(&args);
        let f = dir.join(format!("shard-{k}.json"));
        std::fs::write(&f, r.stdout).unwrap();
        shards.push(arg(&f).to_string());
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(shards.iter().map(String::as_str));
    let merged = run(&args);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(merged.stdout, whole.stdout);
}

#[test]
fn another_nodes_boot_time_in_the_same_folder_does_not_date_a_hostless_log() {
    // Under `testdata/`, the console capture sits beside other nodes' journals whose
    // records give their own boot times: none of them is the console's.
    let (doc, r) = analyze_json(&["testdata/"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let console: Vec<(u64, Value, Value)> = events(&doc)
        .iter()
        .filter(|e| e["sources"][0]["file"] == CONSOLE)
        .map(|e| {
            (
                e["victim"]["pid"].as_u64().unwrap(),
                e["time"].clone(),
                e["boot"].clone(),
            )
        })
        .collect();
    assert_eq!(
        console,
        vec![
            (712, Value::Null, Value::from(0)),
            (1733, Value::Null, Value::from(1))
        ]
    );
}
