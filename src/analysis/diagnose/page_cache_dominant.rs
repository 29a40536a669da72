//! Page cache (file − shmem) was 50 % or more of the cgroup's usage at the kill.
//!
//! Applies to: cgroup kill.
//!
//! Evidence: `page_cache_kb`, `usage_kb`, `page_cache_share_pct`.
//!
//! Page cache is normally reclaimed before the OOM killer runs; when it dominates at
//! the kill, the kernel could not reclaim it fast enough (dirty or mapped pages, or
//! writeback slower than the writer). Read from the OOM memcg's stats: `file` (v2) or
//! `cache` (v1), less `shmem`, which is not reclaimable cache.

use super::{Entry, On, Rule, is_cgroup, own_stats, page_cache_kb, pct};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::PageCacheDominant,
    severity: Severity::Warning,
    on: On::CgroupKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    let stats = own_stats(e)?;
    let usage = e.memory.usage_kb.filter(|u| *u > 0)?;
    let cache = page_cache_kb(stats)?;
    let share = pct(cache, usage);
    (is_cgroup(e) && share >= 50.0).then(|| {
        ENTRY.diagnosis(
            format!("page cache was {share}% of the cgroup's usage at the kill: the kernel could not reclaim it fast enough (dirty or mapped pages, or writeback slower than the writer)"),
            vec![("page_cache_kb", json!(cache)), ("usage_kb", json!(usage)), ("page_cache_share_pct", json!(share))],
            "Look for heavy file writes or mmapped files in the container; write with O_DIRECT or fsync in smaller batches, or raise the limit to cover the cache the workload needs.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;

    #[test]
    fn cache_without_shmem() {
        let mut e = cgroup_event();
        e.body.memcg_stats.insert(
            "/a".into(),
            [
                ("file".to_string(), 900_000u64 * 1024),
                ("shmem".to_string(), 400_000 * 1024),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(codes(&e, &ctx()), vec!["shmem_dominant"]);
        if let Some(s) = e.body.memcg_stats.get_mut("/a") {
            s.insert("shmem".into(), 0);
        }
        assert_eq!(codes(&e, &ctx()), vec!["page_cache_dominant"]);
    }
}
