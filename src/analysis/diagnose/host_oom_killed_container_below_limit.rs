//! The victim used less than half its container's own limit: the node ran out, not the
//! container.
//!
//! Applies to: host kill.
//!
//! Evidence: `victim_anon_rss_kb`, `container_limit_kb`.
//!
//! The limit is the container's `resources.limits.memory` from its pod listing; the
//! usage is the victim's anon-rss at the kill. Requests, not limits, protect a
//! container from host OOMs.

use super::{Context, Entry, On, Rule, container_status, is_host};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::HostOomKilledContainerBelowLimit,
    severity: Severity::Warning,
    on: On::HostKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, ctx: &Context) -> Option<Diagnosis> {
    let (cname, c) = container_status(e, ctx)?;
    let (limit, rss) = (c.limit_bytes?, e.victim.anon_rss_kb?);
    (is_host(e) && rss.saturating_mul(2048) < limit).then(|| {
        ENTRY.diagnosis(
            format!("a host OOM killed a process of container {cname} while it used {rss} kB, less than half its own limit of {} kB: the node, not the container, ran out of memory", limit / 1024),
            vec![("victim_anon_rss_kb", json!(rss)), ("container_limit_kb", json!(limit / 1024))],
            "Raise the container's request toward its real usage (requests, not limits, protect it from host OOMs) and look for what else grew on the node.",
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
    fn far_below_its_limit() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
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
        e.victim.anon_rss_kb = Some(300_000);
        let mut info = PodInfo {
            uid: "u".into(),
            ..PodInfo::default()
        };
        info.containers.insert(
            "app".into(),
            ContainerInfo {
                limit_bytes: Some(2 << 30),
                ..ContainerInfo::default()
            },
        );
        let c = Context {
            pod: Some(&info),
            ..ctx()
        };
        let d = check(&e, &c).unwrap();
        assert_eq!(d.evidence["container_limit_kb"], json!(2_097_152));
        e.victim.anon_rss_kb = Some(1_500_000);
        assert!(check(&e, &c).is_none(), "near its limit");
        e.victim.anon_rss_kb = Some(300_000);
        e.kind = Some("cgroup".into());
        assert!(check(&e, &c).is_none(), "a cgroup kill");
    }
}
