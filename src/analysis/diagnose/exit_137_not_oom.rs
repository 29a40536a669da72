//! Exit code 137 not called OOMKilled and no kernel kill: a probe, a forced delete,
//! another SIGKILL.
//!
//! Applies to: Kubernetes report.
//!
//! Evidence: `exit_code`.
//!
//! Fires on a pod status whose last termination has exit code 137 (SIGKILL) and a
//! reason other than `OOMKilled` (`k8s_exit_137`), when no kernel OOM kill of the
//! bundle matches it.

use super::{Entry, On, Rule};
use crate::model::{DeathKind, Diagnosis, DiagnosisCode, OtherDeath, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::Exit137NotOom,
    severity: Severity::Warning,
    on: On::KubernetesReport,
    rule: Rule::Report(check),
};

fn check(d: &OtherDeath) -> Option<Diagnosis> {
    (d.kind == DeathKind::K8sExit137 && d.matched_event.is_none()).then(|| {
        ENTRY.diagnosis(
            "exit code 137 (SIGKILL) without OOMKilled and without a kernel OOM kill: something else killed the container (a liveness probe, a forced delete, the runtime, or another process)".into(),
            vec![("exit_code", json!(137))],
            "Look at the pod's events for probe failures and at the kubelet log around the termination time.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn unmatched_exit_137() {
        let mut d = OtherDeath {
            kind: DeathKind::K8sExit137,
            ..OtherDeath::default()
        };
        assert_eq!(check(&d).unwrap().evidence["exit_code"], json!(137));
        d.matched_event = Some(3);
        assert!(check(&d).is_none(), "a kernel kill stands behind it");
    }
}
