//! Shared memory / tmpfs was 30 % or more of the cgroup's usage at the kill (emptyDir
//! `medium: Memory`, `/dev/shm`).
//!
//! Applies to: cgroup kill.
//!
//! Evidence: `shmem_kb`, `usage_kb`, `shmem_share_pct`.
//!
//! Files in a memory-backed volume count against the cgroup's limit and cannot be
//! reclaimed (without swap): deleting them is the only way back. Read from the
//! `shmem` stat of the OOM memcg.

use super::{Entry, On, Rule, is_cgroup, own_stats, pct, stat_kb};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::ShmemDominant,
    severity: Severity::Warning,
    on: On::CgroupKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    let stats = own_stats(e)?;
    let usage = e.memory.usage_kb.filter(|u| *u > 0)?;
    let shmem = stat_kb(stats, &["shmem"])?;
    let share = pct(shmem, usage);
    (is_cgroup(e) && share >= 30.0).then(|| {
        ENTRY.diagnosis(
            format!("shared memory / tmpfs was {share}% of the cgroup's usage at the kill: files in a memory-backed volume count against the limit and cannot be reclaimed"),
            vec![("shmem_kb", json!(shmem)), ("usage_kb", json!(usage)), ("shmem_share_pct", json!(share))],
            "Check emptyDir volumes with medium: Memory, /dev/shm and POSIX shared memory; clean them up or size the limit for them.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn share_of_usage() {
        let mut e = cgroup_event();
        e.body.memcg_stats.insert(
            "/a".into(),
            [("shmem".to_string(), 400_000u64 * 1024)]
                .into_iter()
                .collect(),
        );
        let d = check(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["shmem_share_pct"], json!(38.1));
        e.memory.usage_kb = Some(4_000_000);
        assert!(check(&e, &ctx()).is_none());
    }
}
