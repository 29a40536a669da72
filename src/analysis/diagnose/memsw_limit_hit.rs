//! The cgroup v1 memory+swap limit was hit while memory itself was below its limit.
//!
//! Applies to: cgroup kill.
//!
//! Evidence: `memsw_usage_kb`, `memsw_limit_kb`, `usage_kb`, `limit_kb`.
//!
//! From the `memory+swap: usage …, limit …` line of a v1 OOM report: the cgroup ran
//! out of swap allowance, not of memory. An unlimited memsw (the kernel prints about
//! 2⁵³ kB) never fires.

use super::{Entry, On, Rule};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::MemswLimitHit,
    severity: Severity::Warning,
    on: On::CgroupKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    let (u, l) = (e.memory.memsw_usage_kb?, e.memory.memsw_limit_kb?);
    let (mu, ml) = (e.memory.usage_kb?, e.memory.limit_kb?);
    (u >= l && mu < ml && l < (1 << 50)).then(|| {
        ENTRY.diagnosis(
            format!("the memory+swap limit was hit ({u} of {l} kB) while memory itself was below its limit ({mu} of {ml} kB): the cgroup ran out of swap allowance"),
            vec![("memsw_usage_kb", json!(u)), ("memsw_limit_kb", json!(l)), ("usage_kb", json!(mu)), ("limit_kb", json!(ml))],
            "The workload needs more than memory+swap allows: raise the limits, or disable swap accounting expectations (Kubernetes sets memsw = memory limit on cgroup v1).",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;

    #[test]
    fn memsw_and_pod_limit() {
        let mut e = cgroup_event();
        e.memory.usage_kb = Some(524_092);
        e.memory.limit_kb = Some(524_288);
        e.memory.memsw_usage_kb = Some(1_048_576);
        e.memory.memsw_limit_kb = Some(1_048_576);
        e.cgroup.oom = Some("/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e".into());
        assert_eq!(
            codes(&e, &ctx()),
            vec!["memsw_limit_hit", "pod_limit_fired"]
        );
        e.memory.memsw_limit_kb = Some(9_007_199_254_740_988);
        assert_eq!(
            codes(&e, &ctx()),
            vec!["pod_limit_fired"],
            "unlimited memsw"
        );
    }
}
