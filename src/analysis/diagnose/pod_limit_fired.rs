//! The OOM memcg is the pod-level cgroup, not a container's: the pod's limit fired.
//!
//! Applies to: cgroup kill.
//!
//! Evidence: `oom_memcg`, `task_memcg`, `limit_kb`.
//!
//! The sum of the pod's containers (and its overhead) filled the pod's cgroup; a
//! container without a limit, or a sidecar, may be the one that grew. Recognized from
//! `oom_memcg` naming a pod (`…pod<uid>…`) but no container.

use super::{Entry, On, Rule, is_cgroup};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::PodLimitFired,
    severity: Severity::Info,
    on: On::CgroupKill,
    rule: Rule::Event(check),
};

/// The pod UID when `oom` is a pod-level cgroup: it names a pod but no container.
pub(crate) fn pod_level_uid(oom: &str) -> Option<String> {
    let id = crate::k8s::cgroup_path::identify(oom);
    id.container.is_none().then_some(id.pod?.uid)
}

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    let oom = e.cgroup.oom.as_deref()?;
    let uid = pod_level_uid(oom)?;
    is_cgroup(e).then(|| {
        ENTRY.diagnosis(
            format!("the pod-level cgroup's limit was hit (oom_memcg is the pod {uid}), not a single container's: the sum of the pod's containers (and its overhead) filled it"),
            vec![("oom_memcg", json!(oom)), ("task_memcg", json!(e.cgroup.task)), ("limit_kb", json!(e.memory.limit_kb))],
            "Compare each container's usage with its own limit; a container without a limit, or sidecars, may be filling the pod's total.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn pod_memcg_not_container() {
        let mut e = cgroup_event();
        e.cgroup.oom = Some("/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e".into());
        let d = check(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["limit_kb"], json!(1_048_576));
        e.cgroup.oom = Some(format!(
            "/kubepods/burstable/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/{}",
            "a".repeat(64)
        ));
        assert!(check(&e, &ctx()).is_none());
    }
}
