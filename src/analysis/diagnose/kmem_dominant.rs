//! Kernel memory was 30 % or more of the cgroup's usage at the kill (v1 `kmem: usage`,
//! else v2 `memory.stat kernel`): dashboards that sum rss+cache miss it.
//!
//! Applies to: cgroup kill.
//!
//! Evidence: `kmem_usage_kb`, `usage_kb`, `kmem_share_pct`.
//!
//! On cgroup v1 kernel memory (slab: dentries, inodes, socket buffers; page tables;
//! kernel stacks) is charged to `memory.usage_in_bytes` but missing from the rss+cache
//! that dashboards sum, so a container looks far below its limit while it is at it.
//! The v1 `kmem: usage` line of the OOM report wins when it is printed and non-zero;
//! otherwise the `kernel` stat of the OOM memcg's `memory.stat` (cgroup v2).

use super::{Entry, On, Rule, is_cgroup, kmem_kb, own_stats, pct};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::KmemDominant,
    severity: Severity::Warning,
    on: On::CgroupKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    let usage = e.memory.usage_kb.filter(|u| *u > 0)?;
    let (kmem, source) = kmem_kb(e, own_stats(e))?;
    let share = pct(kmem, usage);
    (is_cgroup(e) && share >= 30.0).then(|| {
        ENTRY.diagnosis(
            format!("kernel memory was {share}% of the cgroup's usage at the kill ({source}): monitoring that sums rss+cache misses it, so usage looks far below the limit"),
            vec![("kmem_usage_kb", json!(kmem)), ("usage_kb", json!(usage)), ("kmem_share_pct", json!(share))],
            "Find what allocates kernel memory (sockets, dentries/inodes from many files, pipes, page tables); raise the limit to cover it, and monitor memory.usage_in_bytes rather than rss+cache.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn v1_line_then_v2_stat() {
        let mut e = cgroup_event();
        e.memory.kmem_usage_kb = Some(600_000);
        let d = check(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["kmem_share_pct"], json!(57.2));
        e.memory.kmem_usage_kb = Some(10);
        assert!(check(&e, &ctx()).is_none());
        e.body.memcg_stats.insert(
            "/a".into(),
            [("kernel".to_string(), 500_000u64 * 1024)]
                .into_iter()
                .collect(),
        );
        assert!(
            check(&e, &ctx()).is_none(),
            "v1 kmem line present and small: it wins"
        );
        e.memory.kmem_usage_kb = None;
        assert!(check(&e, &ctx()).is_some());
        e.kind = Some("host".into());
        assert!(check(&e, &ctx()).is_none(), "only a cgroup kill");
    }
}
