//! OOMKilled (or TaskOOM, SystemOOM, …) with no kernel kill in the bundle: rotated logs
//! or another node.
//!
//! Applies to: Kubernetes report.
//!
//! Evidence: `reporter`.
//!
//! Fires on a pod status `OOMKilled` (`k8s_oomkilled`) or another Kubernetes OOM report
//! (`k8s_oom_report`: containerd `TaskOOM`, kubelet `SystemOOM`, node-problem-detector,
//! cAdvisor) that no kernel OOM kill of the bundle matches (by container id, pid,
//! cgroup, or pod and container name, on the same node).

use super::{Entry, On, Rule};
use crate::model::{DeathKind, Diagnosis, DiagnosisCode, OtherDeath, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::OomkilledWithoutKernelKill,
    severity: Severity::Warning,
    on: On::KubernetesReport,
    rule: Rule::Report(check),
};

fn check(d: &OtherDeath) -> Option<Diagnosis> {
    (matches!(d.kind, DeathKind::K8sOomkilled | DeathKind::K8sOomReport) && d.matched_event.is_none())
        .then(|| {
            ENTRY.diagnosis(
                format!("{} reported an OOM kill that no kernel OOM report in the bundle shows: the kernel log rotated away, or the kill happened on another node", d.reporter),
                vec![("reporter", json!(d.reporter))],
                "Collect the node's kernel log for that time (journalctl -k, /var/log/messages of the right day) to see what filled the cgroup.",
            )
        })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn unmatched_reports_only() {
        let mut d = OtherDeath {
            kind: DeathKind::K8sOomReport,
            reporter: "containerd TaskOOM".into(),
            ..OtherDeath::default()
        };
        let found = check(&d).unwrap();
        assert_eq!(found.evidence["reporter"], json!("containerd TaskOOM"));
        d.matched_event = Some(0);
        assert!(check(&d).is_none());
        d.matched_event = None;
        d.kind = DeathKind::K8sExit137;
        assert!(check(&d).is_none());
    }
}
