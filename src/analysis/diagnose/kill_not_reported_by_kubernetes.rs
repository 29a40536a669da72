//! The pod status of the victim's container (from pod JSON/YAML) does not say
//! OOMKilled.
//!
//! Applies to: any kill.
//!
//! Evidence: `last_terminated_reason`, `restart_count`.
//!
//! Only a pod status with a restart count tells how Kubernetes saw the kill: it fires
//! when such a status is known for the victim's container, no pod-status `OOMKilled`
//! report was matched to this kill, and neither the container's state nor its last
//! termination is `OOMKilled`. A child process died while the container lived on, or a later restart
//! overwrote the status.

use super::{Context, Entry, On, Rule, container_status};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::KillNotReportedByKubernetes,
    severity: Severity::Warning,
    on: On::AnyKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    let (cname, c) = container_status(e, ctx)?;
    // Only a pod status (with its restart count) tells how Kubernetes saw the kill.
    let status_known = c.restart_count.is_some();
    (status_known
        && !ctx.reported_oomkilled
        && c.last_terminated_reason.as_deref() != Some("OOMKilled")
        && c.terminated.as_ref().and_then(|t| t.reason.as_deref()) != Some("OOMKilled"))
    .then(|| {
        ENTRY.diagnosis(
            format!(
                "the kernel OOM-killed a process of container {cname} but its pod status does not say OOMKilled (last termination: {}): a child process died while the container lived on, or the status was overwritten by a later restart",
                c.last_terminated_reason.as_deref().unwrap_or("none")
            ),
            vec![("last_terminated_reason", json!(c.last_terminated_reason)), ("restart_count", json!(c.restart_count))],
            "Do not rely on OOMKilled alone: alert on the cgroup's oom_kill counter (memory.events) or on kernel OOM messages.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::k8s::names::{ContainerInfo, PodInfo};
    use crate::model::{Container, Pod};

    #[test]
    fn status_says_otherwise() {
        let mut e = cgroup_event();
        e.pod = Some(Box::new(Pod {
            uid: "u".into(),
            ..Pod::default()
        }));
        e.container = Some(Box::new(Container {
            id: "a".repeat(64),
            runtime: None,
            name: Some("app".into()),
            name_source: None,
        }));
        let mut info = PodInfo {
            uid: "u".into(),
            ..PodInfo::default()
        };
        info.containers.insert(
            "app".into(),
            ContainerInfo {
                restart_count: Some(2),
                last_terminated_reason: Some("Error".into()),
                ..ContainerInfo::default()
            },
        );
        let c = Context {
            pod: Some(&info),
            ..ctx()
        };
        let d = check(&e, &c).unwrap();
        assert_eq!(d.evidence["restart_count"], json!(2));
        let reported = Context {
            reported_oomkilled: true,
            ..c
        };
        assert!(check(&e, &reported).is_none());
        if let Some(ci) = info.containers.get_mut("app") {
            ci.last_terminated_reason = Some("OOMKilled".into());
        }
        let c = Context {
            pod: Some(&info),
            ..ctx()
        };
        assert!(check(&e, &c).is_none());
        assert!(check(&e, &ctx()).is_none(), "no pod status");
    }
}
