//! Five or more host OOM kills on one node within ten minutes: a storm, where killing
//! one victim after another did not relieve the node.
//!
//! Applies to: incident.
//!
//! Evidence: `kills`, `window_s`, `first`, `last`, `clock`, `victims`, `held_by`.
//!
//! Read over a node's host-RAM incident: the densest ten-minute window of its kills (by
//! wall time, else by kernel uptime when fewer than five kills have one). `victims`
//! counts the window's victims by name (the pattern: the same service's workers killed
//! one by one, or whatever ran). `held_by` is the largest group of the task table at
//! the window's kill whose largest group held the most (`events[].verdict.held_by`:
//! tasks grouped by name, as no source maps the table's pids to pods or units), or null
//! when no kill of the window printed a task table.

use super::{Entry, On, Rule};
use crate::model::{Diagnosis, DiagnosisCode, Holder, Incident, OomEvent, Scope, Severity};
use crate::util::human_kb;
use serde_json::json;
use std::collections::BTreeMap;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::HostOomStorm,
    severity: Severity::Critical,
    on: On::Incident,
    rule: Rule::Incident(check),
};

/// Kills that make a storm.
const MIN_KILLS: usize = 5;
/// Its window, in microseconds.
const WINDOW_US: i64 = 10 * 60 * 1_000_000;

/// The densest window: (first, last) positions in `pts` (sorted by instant).
fn densest(pts: &[(i64, &OomEvent)]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let mut start = 0;
    for (end, (t, _)) in pts.iter().enumerate() {
        while pts
            .get(start)
            .is_some_and(|(s, _)| t.saturating_sub(*s) > WINDOW_US)
        {
            start += 1;
        }
        if best.is_none_or(|(a, b)| end - start > b - a) {
            best = Some((start, end));
        }
    }
    best
}

fn check(inc: &Incident, events: &[&OomEvent]) -> Option<Diagnosis> {
    if inc.scope != Scope::Host {
        return None;
    }
    let by = |f: fn(&OomEvent) -> Option<i64>| -> Vec<(i64, &OomEvent)> {
        let mut v: Vec<(i64, &OomEvent)> =
            events.iter().filter_map(|e| Some((f(e)?, *e))).collect();
        v.sort_by_key(|p| p.0);
        v
    };
    let wall = by(|e| e.time.as_ref().map(|t| t.instant_us()));
    let (clock, pts) = if wall.len() >= MIN_KILLS {
        ("time", wall)
    } else {
        (
            "uptime",
            by(|e| e.uptime_us.and_then(|u| i64::try_from(u).ok())),
        )
    };
    let (a, b) = densest(&pts)?;
    let window = pts.get(a..=b)?;
    if window.len() < MIN_KILLS {
        return None;
    }
    let (t0, first) = window.first()?;
    let (t1, last) = window.last()?;
    let span_s = (t1 - t0) / 1_000_000;
    let mut victims: BTreeMap<String, usize> = BTreeMap::new();
    for (_, e) in window {
        let name = e.victim.comm.clone().unwrap_or_else(|| "?".into());
        *victims.entry(name).or_default() += 1;
    }
    let mut pattern: Vec<(&String, &usize)> = victims.iter().collect();
    pattern.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let pattern: Vec<String> = pattern.iter().map(|(n, c)| format!("{n} ×{c}")).collect();
    let held: Option<&Holder> = window
        .iter()
        .filter_map(|(_, e)| e.verdict.as_ref()?.held_by.as_ref()?.top_groups.first())
        .max_by(|x, y| x.rss_kb.cmp(&y.rss_kb));
    let when = |e: &OomEvent, us: i64| match clock {
        "time" => e.time.as_ref().map_or_else(String::new, |t| t.to_string()),
        _ => format!("uptime {}s", us / 1_000_000),
    };
    let node = inc.node.as_deref().unwrap_or("(unknown)");
    let held_text = held
        .map(|h| {
            let share = h
                .share_of_ram_pct
                .map(|p| format!(" ({p}% of RAM)"))
                .unwrap_or_default();
            format!(
                "; {} {} processes held {}{share} at the worst kill (task table, grouped by name)",
                h.processes.unwrap_or(1),
                h.name,
                human_kb(h.rss_kb)
            )
        })
        .unwrap_or_default();
    Some(ENTRY.diagnosis(
        format!(
            "{} host OOM kills on {node} within {span_s} s ({} to {}): victims {}{held_text}: killing one process after another did not relieve the node",
            window.len(),
            when(first, *t0),
            when(last, *t1),
            pattern.join(", ")
        ),
        vec![
            ("kills", json!(window.len())),
            ("window_s", json!(span_s)),
            ("first", json!(when(first, *t0))),
            ("last", json!(when(last, *t1))),
            ("clock", json!(clock)),
            ("victims", json!(victims)),
            ("held_by", json!(held)),
        ],
        "Find who held the memory (the largest group of the task tables) and cap it — fewer workers (php-fpm pm.max_children, gunicorn workers), a memory limit on its unit or pod so it is killed alone — or add RAM; set requests so the scheduler does not overcommit the node.",
    ))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;
    use crate::model::Timestamp;

    fn kill(secs: i64, comm: &str) -> OomEvent {
        let mut e = OomEvent {
            kind: Some("host".into()),
            time: Timestamp::parse(&format!(
                "2024-06-20T16:{:02}:{:02}+00:00",
                secs / 60,
                secs % 60
            )),
            ..OomEvent::default()
        };
        e.victim.comm = Some(comm.into());
        e
    }

    fn inc(scope: Scope) -> Incident {
        Incident {
            id: "i1".into(),
            scope,
            limit: None,
            node: Some("worker-8".into()),
            pod: None,
            container: None,
            cgroup: None,
            events: Vec::new(),
            count: 0,
            first_time: None,
            last_time: None,
            restarts: None,
            max_usage_kb: None,
            limit_kb: None,
            usage_kb_at_kill: Vec::new(),
            victim_anon_rss_kb: Vec::new(),
            diagnoses: Vec::new(),
        }
    }

    #[test]
    fn five_in_ten_minutes() {
        // One early kill, then five within 4 minutes, then one 20 minutes on.
        let evs: Vec<OomEvent> = [0, 900, 960, 1000, 1100, 1140, 2400]
            .iter()
            .enumerate()
            .map(|(i, s)| kill(*s, if i == 3 { "java" } else { "php-fpm" }))
            .collect();
        let refs: Vec<&OomEvent> = evs.iter().collect();
        let d = check(&inc(Scope::Host), &refs).expect("a storm");
        assert_eq!(d.evidence["kills"], json!(5));
        assert_eq!(d.evidence["window_s"], json!(240));
        assert_eq!(d.evidence["victims"], json!({"java": 1, "php-fpm": 4}));
        assert_eq!(d.evidence["clock"], json!("time"));
        assert!(
            d.summary
                .starts_with("5 host OOM kills on worker-8 within 240 s"),
            "{}",
            d.summary
        );
        assert!(
            d.summary.contains("victims php-fpm ×4, java ×1"),
            "{}",
            d.summary
        );
        // Four are not a storm, nor kills spread wider than ten minutes.
        assert!(check(&inc(Scope::Host), &refs[..4]).is_none());
        let wide: Vec<OomEvent> = [0, 200, 400, 700, 1300]
            .iter()
            .map(|s| kill(*s, "x"))
            .collect();
        let wide: Vec<&OomEvent> = wide.iter().collect();
        assert!(check(&inc(Scope::Host), &wide).is_none());
        // Only host incidents.
        assert!(check(&inc(Scope::Container), &refs).is_none());
    }

    #[test]
    fn by_uptime_when_undated() {
        let evs: Vec<OomEvent> = (0..5)
            .map(|i| {
                let mut e = kill(0, "worker");
                e.time = None;
                e.uptime_us = Some(1_000_000_000 + i * 30_000_000);
                e
            })
            .collect();
        let refs: Vec<&OomEvent> = evs.iter().collect();
        let d = check(&inc(Scope::Host), &refs).expect("a storm");
        assert_eq!(d.evidence["clock"], json!("uptime"));
        assert_eq!(d.evidence["first"], json!("uptime 1000s"));
        assert_eq!(d.evidence["held_by"], json!(null));
    }
}
