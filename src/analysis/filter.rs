//! Output filters (`analyze --since/--until/--node/--namespace/--pod/--kind`):
//! applied after the analysis, so incidents, trends and diagnoses are computed on
//! every kill, to what the outputs show. Kept events stay in their order; every
//! cross-reference into `events` (`incidents[].events`, `other_deaths[].matched_event`)
//! is remapped, an incident left with no kill is dropped, and an other death that
//! only referenced a dropped kill is dropped. `cgroups` is kept whole, so
//! `events[].cgroup_snapshot` stays valid.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::Analysis;
use crate::model::{OomEvent, OtherDeath, Timestamp};

/// What to keep. Every set field must match; an empty filter keeps everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Earliest instant kept, microseconds since the epoch (inclusive).
    pub since_us: Option<i64>,
    /// Latest instant kept (inclusive).
    pub until_us: Option<i64>,
    /// Keep records without a wall time when a time bound is set.
    pub include_undated: bool,
    pub node: Option<String>,
    pub namespace: Option<String>,
    pub pod: Option<String>,
    /// `host`, `cgroup`, `cpuset`, `memory_policy` or another kind as the JSON writes it.
    pub kind: Option<String>,
}

/// Parses a `--since`/`--until` bound: RFC 3339 (a time without offset is UTC) or
/// `YYYY-MM-DD` (the start of that UTC day; `end_of_day` for `--until`: its last
/// microsecond).
pub fn parse_bound(s: &str, end_of_day: bool) -> Result<i64, String> {
    let bad = || format!("expected an RFC 3339 time or YYYY-MM-DD, got {s:?}");
    if s.len() == 10 {
        let t = Timestamp::from_api(&format!("{s}T00:00:00Z")).ok_or_else(bad)?;
        let day = 86_400_000_000;
        return Ok(t.instant_us() + if end_of_day { day - 1 } else { 0 });
    }
    if !s.contains('T') && !s.contains(' ') {
        return Err(bad());
    }
    Timestamp::from_api(s)
        .filter(|_| Timestamp::parse(s).is_some())
        .map(|t| t.instant_us())
        .ok_or_else(bad)
}

impl Filter {
    /// Is any filter set?
    pub fn is_active(&self) -> bool {
        self.since_us.is_some()
            || self.until_us.is_some()
            || self.node.is_some()
            || self.namespace.is_some()
            || self.pod.is_some()
            || self.kind.is_some()
    }

    fn time_ok(&self, t: Option<&Timestamp>) -> bool {
        if self.since_us.is_none() && self.until_us.is_none() {
            return true;
        }
        let Some(t) = t else {
            return self.include_undated;
        };
        let us = t.instant_us();
        self.since_us.is_none_or(|s| us >= s) && self.until_us.is_none_or(|u| us <= u)
    }

    fn eq(want: Option<&String>, have: Option<&str>) -> bool {
        want.is_none_or(|w| have == Some(w.as_str()))
    }

    /// Does the kill pass?
    pub fn keeps_event(&self, e: &OomEvent) -> bool {
        let kind = e.kind.as_ref().map(|k| {
            serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        });
        self.time_ok(e.time.as_ref())
            && Self::eq(self.node.as_ref(), e.node.as_deref())
            && Self::eq(
                self.namespace.as_ref(),
                e.pod.as_ref().and_then(|p| p.namespace.as_deref()),
            )
            && Self::eq(
                self.pod.as_ref(),
                e.pod.as_ref().and_then(|p| p.name.as_deref()),
            )
            && Self::eq(self.kind.as_ref(), kind.as_deref())
    }

    /// Does the other death pass on its own fields (it has no kernel kind, so
    /// `--kind` drops it)?
    fn keeps_death(&self, d: &OtherDeath) -> bool {
        self.kind.is_none()
            && self.time_ok(d.time.as_ref())
            && Self::eq(self.node.as_ref(), d.node.as_deref())
            && Self::eq(
                self.namespace.as_ref(),
                d.pod.as_ref().and_then(|p| p.namespace.as_deref()),
            )
            && Self::eq(
                self.pod.as_ref(),
                d.pod.as_ref().and_then(|p| p.name.as_deref()),
            )
    }

    /// Applies the filter to what `a` shows, remapping indices into `events`.
    pub fn apply(&self, a: &mut Analysis) {
        if !self.is_active() {
            return;
        }
        let mut map = Vec::with_capacity(a.events.len());
        let mut next = 0usize;
        for e in &a.events {
            if self.keeps_event(e) {
                map.push(Some(next));
                next += 1;
            } else {
                map.push(None);
            }
        }
        let remap = |i: usize| map.get(i).copied().flatten();
        let mut kept = map.iter();
        a.events
            .retain(|_| kept.next().copied().flatten().is_some());
        a.incidents.retain_mut(|x| {
            x.events = x.events.iter().filter_map(|&i| remap(i)).collect();
            !x.events.is_empty()
        });
        a.other_deaths.retain_mut(|d| match d.matched_event {
            // A death matched to a kill goes with that kill.
            Some(i) => {
                d.matched_event = remap(i);
                d.matched_event.is_some()
            }
            None => self.keeps_death(d),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let day = parse_bound("2024-03-05", false).unwrap();
        assert_eq!(parse_bound("2024-03-05T00:00:00Z", false), Ok(day));
        assert_eq!(
            parse_bound("2024-03-05", true),
            Ok(day + 86_400_000_000 - 1)
        );
        assert_eq!(parse_bound("2024-03-05T02:00:00+02:00", false), Ok(day));
        assert!(parse_bound("yesterday", false).is_err());
        assert!(parse_bound("2024-13-05", false).is_err());
    }

    #[test]
    fn empty_is_inactive() {
        assert!(!Filter::default().is_active());
        let f = Filter {
            kind: Some("host".into()),
            ..Filter::default()
        };
        assert!(f.is_active());
    }
}
