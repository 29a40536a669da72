//! What userspace said about memory deaths: systemd-oomd kills, systemd units that
//! failed with `oom-kill`, earlyoom kills, kubelet evictions, and the OOM reports of
//! Kubernetes components (containerd `TaskOOM`, kubelet `SystemOOM`, cAdvisor's OOM
//! events, node-problem-detector `OOMKilling`). None of these is a kernel OOM kill;
//! they go to the top-level `other_deaths` list, each with its `kind`.
//!
//! One function per line form, each with its test; [`classify`] tries them in order.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::envelope::Record;
use crate::model::{ContainerRef, DeathKind, NameSource, OtherDeath, PodRef, SourceRef, Stamp};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Literal anchors for the scanner's prefilter (all rare in ordinary logs).
pub const ANCHORS: &[&str] = &[
    "systemd-oomd",
    "'oom-kill'",
    "killed by the OOM killer",
    "earlyoom",
    "eviction_manager",
    "TaskOOM",
    "System OOM encountered",
    "OOMKilling",
    "Created an OOM event",
    "oomd",
];

/// A death (or a report of one) told by a userspace program.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserDeath {
    /// `oomd_kill`, `unit_oom_failed`, `unit_process_oom_killed`, `earlyoom_kill`,
    /// `eviction`, `k8s_oom_report`.
    pub kind: DeathKind,
    /// Who said it (`systemd-oomd`, `containerd TaskOOM`, …).
    pub reporter: &'static str,
    pub cgroup: Option<String>,
    pub unit: Option<String>,
    /// `namespace/name` of a pod.
    pub pod: Option<String>,
    pub container_id: Option<String>,
    pub pid: Option<u64>,
    pub comm: Option<String>,
    pub evidence: BTreeMap<&'static str, String>,
}

fn re(p: &str) -> Regex {
    Regex::new(p).expect("static regex")
}

type Form = fn(Option<&str>, &str) -> Vec<UserDeath>;

/// Classifies one userspace message (with its program name, when known).
pub fn classify(program: Option<&str>, msg: &[u8]) -> Vec<UserDeath> {
    let Ok(msg) = std::str::from_utf8(msg) else {
        return Vec::new();
    };
    const FORMS: &[Form] = &[
        oomd,
        fb_oomd,
        unit_oom,
        earlyoom,
        eviction,
        task_oom,
        system_oom,
        npd_oom,
        cadvisor_oom,
    ];
    FORMS
        .iter()
        .map(|f| f(program, msg))
        .find(|v| !v.is_empty())
        .unwrap_or_default()
}

/// [`ANCHORS`] as searchers built once ([`may_tell`] runs on every non-kernel record
/// inside a block).
static ANCHOR_FINDERS: std::sync::LazyLock<Vec<memchr::memmem::Finder<'static>>> =
    std::sync::LazyLock::new(|| {
        ANCHORS
            .iter()
            .map(|a| memchr::memmem::Finder::new(a.as_bytes()))
            .collect()
    });

/// May this (non-kernel) record tell of a memory death? Its message holds an anchor,
/// or its program is a userspace OOM killer.
pub fn may_tell(rec: &Record) -> bool {
    ANCHOR_FINDERS.iter().any(|f| f.find(&rec.msg).is_some())
        || matches!(rec.program, Some("systemd-oomd" | "earlyoom" | "oomd"))
}

/// The deaths one userspace record tells of, recorded at `file`:`line` (byte `offset`).
pub fn deaths(rec: &Record, file: &std::sync::Arc<str>, line: u64, offset: u64) -> Vec<OtherDeath> {
    classify(rec.program, &rec.msg)
        .into_iter()
        .map(|u| {
            let pod = u.pod.as_ref().map(|p| {
                let (ns, name) = p.split_once('/').unwrap_or(("", p));
                PodRef {
                    uid: None,
                    namespace: Some(ns.to_string()).filter(|s| !s.is_empty()),
                    name: Some(name.to_string()),
                    // Only the kubelet's eviction manager names pods in its lines.
                    name_source: Some(NameSource::KubeletLog),
                    api_uid: None,
                }
            });
            let at = SourceRef {
                file: file.clone(),
                line,
            };
            let stamp = Stamp {
                wall: rec.wall,
                uptime_us: rec.uptime_us,
            };
            OtherDeath {
                kind: u.kind,
                reporter: u.reporter.to_string(),
                message: String::from_utf8_lossy(&rec.msg).trim().to_string(),
                cgroup: u.cgroup,
                unit: u.unit,
                pod,
                container: u.container_id.map(|id| ContainerRef {
                    id: Some(id),
                    name: None,
                    name_source: None,
                }),
                pid: u.pid,
                comm: u.comm,
                evidence: u
                    .evidence
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
                ..OtherDeath::logged(at, offset, stamp, &rec.time_raw, rec.host)
            }
        })
        .collect()
}

fn prog_is(program: Option<&str>, name: &str) -> bool {
    program.is_some_and(|p| p == name || p.ends_with(&format!("/{name}")))
}

/// `systemd-oomd[1]: Killed /user.slice/…/tmux due to memory pressure for /user.slice/… being 64.53% > 50.00% for > 20s with reclaim activity`
fn oomd(program: Option<&str>, msg: &str) -> Vec<UserDeath> {
    static RE: LazyLock<Regex> = LazyLock::new(|| re(r"^Killed (\S+)(?: due to (.+?))?\.?$"));
    if !prog_is(program, "systemd-oomd") {
        return Vec::new();
    }
    RE.captures(msg)
        .map(|c| UserDeath {
            kind: DeathKind::OomdKill,
            reporter: "systemd-oomd",
            cgroup: Some(c[1].to_string()),
            evidence: c
                .get(2)
                .map(|r| ("reason", r.as_str().to_string()))
                .into_iter()
                .collect(),
            ..UserDeath::default()
        })
        .into_iter()
        .collect()
}

/// Facebook's oomd (`oomd[812]: … Killed 3 processes in cgroup /system.slice/foo.service`,
/// `… killed /workload.slice/… (1.2G) …`): the cgroup it acted on.
fn fb_oomd(program: Option<&str>, msg: &str) -> Vec<UserDeath> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?i)\bkill(?:ed|ing)?\b.*?(/[\w./@:-]+\.(?:slice|service|scope))"));
    if !prog_is(program, "oomd") {
        return Vec::new();
    }
    RE.captures(msg)
        .map(|c| UserDeath {
            kind: DeathKind::OomdKill,
            reporter: "oomd",
            cgroup: Some(c[1].trim_start_matches("/sys/fs/cgroup").to_string()),
            evidence: [("message", msg.to_string())].into_iter().collect(),
            ..UserDeath::default()
        })
        .into_iter()
        .collect()
}

/// `systemd[1]: postgresql.service: Failed with result 'oom-kill'.` and
/// `… A process of this unit has been killed by the OOM killer.`
fn unit_oom(program: Option<&str>, msg: &str) -> Vec<UserDeath> {
    if !prog_is(program, "systemd") {
        return Vec::new();
    }
    let Some((unit, rest)) = msg.split_once(": ") else {
        return Vec::new();
    };
    let kind = if rest.starts_with("Failed with result 'oom-kill'") {
        DeathKind::UnitOomFailed
    } else if rest.starts_with("A process of this unit has been killed by the OOM killer") {
        DeathKind::UnitProcessOomKilled
    } else {
        return Vec::new();
    };
    vec![UserDeath {
        kind,
        reporter: "systemd",
        unit: Some(unit.to_string()),
        ..UserDeath::default()
    }]
}

/// `earlyoom[812]: sending SIGTERM to process 4321 uid 1000 "firefox": badness 850, VmRSS 2048 MiB`
fn earlyoom(program: Option<&str>, msg: &str) -> Vec<UserDeath> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r#"sending (SIG\w+) to process (\d+) uid (\d+) "([^"]*)": (?:oom_score|badness) (-?\d+), VmRSS (\d+) MiB"#,
        )
    });
    if !prog_is(program, "earlyoom") {
        return Vec::new();
    }
    RE.captures(msg)
        .map(|c| UserDeath {
            kind: DeathKind::EarlyoomKill,
            reporter: "earlyoom",
            pid: c[2].parse().ok(),
            comm: Some(c[4].to_string()),
            evidence: [
                ("signal", c[1].to_string()),
                ("uid", c[3].to_string()),
                ("badness", c[5].to_string()),
                ("vmrss_mib", c[6].to_string()),
            ]
            .into_iter()
            .collect(),
            ..UserDeath::default()
        })
        .into_iter()
        .collect()
}

/// kubelet's eviction manager: `"Eviction manager: pods evicted, waiting for pod to be
/// cleaned up" pods=["shop/checkout-x"]`, `"Eviction manager: pod is evicted
/// successfully" pod="shop/checkout-x"`, and the status message `The node was low on
/// resource: memory. Threshold quantity: 100Mi, available: 92Mi. Container app was using
/// 1200Mi, request is 512Mi.` wherever it is logged.
fn eviction(program: Option<&str>, msg: &str) -> Vec<UserDeath> {
    static PODS: LazyLock<Regex> = LazyLock::new(|| re(r#"pods?=\[?((?:"[^"]+"(?:, ?|\s)?)+)\]?"#));
    static ONE: LazyLock<Regex> =
        LazyLock::new(|| re(r#""([a-z0-9][-a-z0-9.]*/[a-z0-9][-a-z0-9.]*)""#));
    static LOW: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"low on resource: memory\. Threshold quantity: ([^,]+), available: ([^.]+(?:\.\d+[A-Za-z]*)?)\.(?: Container (\S+) was using ([0-9.]+[A-Za-z]*), request is ([0-9.]+[A-Za-z]*))?",
        )
    });
    let kubelet = prog_is(program, "kubelet") || msg.contains("eviction_manager");
    if !kubelet || !(msg.contains("evicted") || msg.contains("Evicting")) {
        return Vec::new();
    }
    let mut evidence = BTreeMap::new();
    if let Some(c) = LOW.captures(msg) {
        evidence.insert("threshold", c[1].to_string());
        evidence.insert("available", c[2].trim().to_string());
        if let (Some(cn), Some(u), Some(r)) = (c.get(3), c.get(4), c.get(5)) {
            evidence.insert("container", cn.as_str().to_string());
            evidence.insert("container_usage", u.as_str().to_string());
            evidence.insert("container_request", r.as_str().to_string());
        }
    }
    let pods: Vec<String> = PODS
        .captures(msg)
        .map(|c| ONE.captures_iter(&c[1]).map(|p| p[1].to_string()).collect())
        .unwrap_or_default();
    pods.into_iter()
        .map(|p| UserDeath {
            kind: DeathKind::Eviction,
            reporter: "kubelet eviction manager",
            pod: Some(p),
            evidence: evidence.clone(),
            ..UserDeath::default()
        })
        .collect()
}

fn container_id_in(msg: &str) -> Option<String> {
    static ID: LazyLock<Regex> = LazyLock::new(|| re(r"\b([0-9a-f]{64})\b"));
    ID.captures(msg).map(|c| c[1].to_string())
}

/// containerd: `msg="TaskOOM event container_id:\"<id>\""` / `&TaskOOM{ContainerID:<id>,…}`.
fn task_oom(_: Option<&str>, msg: &str) -> Vec<UserDeath> {
    if !msg.contains("TaskOOM") {
        return Vec::new();
    }
    container_id_in(msg)
        .map(|id| UserDeath {
            kind: DeathKind::K8sOomReport,
            reporter: "containerd TaskOOM",
            container_id: Some(id),
            ..UserDeath::default()
        })
        .into_iter()
        .collect()
}

/// kubelet's OOM watcher: `System OOM encountered, victim process: java, pid: 7134`.
fn system_oom(_: Option<&str>, msg: &str) -> Vec<UserDeath> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r#"System OOM encountered(?:, victim process: ([^,]+), pid: (\d+)|"? victimProcess="([^"]+)" victimPid=(\d+))?"#,
        )
    });
    RE.captures(msg)
        .map(|c| UserDeath {
            kind: DeathKind::K8sOomReport,
            reporter: "kubelet SystemOOM",
            comm: c.get(1).or(c.get(3)).map(|m| m.as_str().to_string()),
            pid: c.get(2).or(c.get(4)).and_then(|m| m.as_str().parse().ok()),
            ..UserDeath::default()
        })
        .into_iter()
        .collect()
}

/// node-problem-detector: `… OOMKilling … Killed process 7134 (java) total-vm:…`.
fn npd_oom(_: Option<&str>, msg: &str) -> Vec<UserDeath> {
    static RE: LazyLock<Regex> = LazyLock::new(|| re(r"Kill(?:ed)? process (\d+) \((.*?)\)"));
    if !msg.contains("OOMKilling") {
        return Vec::new();
    }
    vec![UserDeath {
        kind: DeathKind::K8sOomReport,
        reporter: "node-problem-detector OOMKilling",
        pid: RE.captures(msg).and_then(|c| c[1].parse().ok()),
        comm: RE.captures(msg).map(|c| c[2].to_string()),
        ..UserDeath::default()
    }]
}

/// kubelet/cAdvisor: `Created an OOM event in container "/kubepods/…/<id>" at 2024-…`.
fn cadvisor_oom(_: Option<&str>, msg: &str) -> Vec<UserDeath> {
    static RE: LazyLock<Regex> =
        LazyLock::new(|| re(r#"Created an OOM event in container "?([^" ]+)"?"#));
    RE.captures(msg)
        .map(|c| UserDeath {
            kind: DeathKind::K8sOomReport,
            reporter: "cadvisor",
            container_id: container_id_in(&c[1]),
            cgroup: Some(c[1].to_string()),
            ..UserDeath::default()
        })
        .into_iter()
        .collect()
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    fn one(program: &str, msg: &str) -> UserDeath {
        let v = classify(Some(program), msg.as_bytes());
        assert_eq!(v.len(), 1, "{msg}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn oomd_kill() {
        let d = one(
            "systemd-oomd",
            "Killed /user.slice/user-1000.slice/user@1000.service/app.slice/tmux.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 64.53% > 50.00% for > 20s with reclaim activity",
        );
        assert_eq!(
            (d.kind.as_str(), d.cgroup.as_deref()),
            (
                "oomd_kill",
                Some("/user.slice/user-1000.slice/user@1000.service/app.slice/tmux.scope")
            )
        );
        assert!(d.evidence["reason"].starts_with("memory pressure for"));
        assert!(
            classify(
                Some("systemd-oomd"),
                b"Considered 97 cgroups for killing, top candidates were:"
            )
            .is_empty()
        );
    }

    #[test]
    fn facebook_oomd() {
        let d = one(
            "oomd",
            "[../oomd/plugins/BaseKillPlugin.cpp:260] Killed 3 processes in cgroup /sys/fs/cgroup/workload.slice/batch.service (mem pressure 82.10)",
        );
        assert_eq!(
            (d.reporter, d.cgroup.as_deref()),
            ("oomd", Some("/workload.slice/batch.service"))
        );
        assert!(classify(Some("oomd"), b"[../oomd/Oomd.cpp:120] Running oomd").is_empty());
    }

    #[test]
    fn unit_results() {
        let d = one(
            "systemd",
            "postgresql.service: Failed with result 'oom-kill'.",
        );
        assert_eq!(
            (d.kind.as_str(), d.unit.as_deref()),
            ("unit_oom_failed", Some("postgresql.service"))
        );
        let d = one(
            "systemd",
            "postgresql.service: A process of this unit has been killed by the OOM killer.",
        );
        assert_eq!(d.kind.as_str(), "unit_process_oom_killed");
        assert!(
            classify(
                Some("systemd"),
                b"foo.service: Failed with result 'signal'."
            )
            .is_empty()
        );
    }

    #[test]
    fn earlyoom_kill() {
        let d = one(
            "earlyoom",
            r#"sending SIGTERM to process 4321 uid 1000 "firefox": badness 850, VmRSS 2048 MiB"#,
        );
        assert_eq!((d.pid, d.comm.as_deref()), (Some(4321), Some("firefox")));
        assert_eq!(d.evidence["vmrss_mib"], "2048");
    }

    #[test]
    fn kubelet_evictions() {
        let v = classify(
            Some("kubelet"),
            br#"I0612 09:01:02.1 2101 eviction_manager.go:400] "Eviction manager: pods evicted, waiting for pod to be cleaned up" pods=["shop/cart-1","shop/cart-2"]"#,
        );
        assert_eq!(
            v.iter().map(|d| d.pod.clone().unwrap()).collect::<Vec<_>>(),
            ["shop/cart-1", "shop/cart-2"]
        );
        let d = one(
            "kubelet",
            r#"I0612 09:01:01.9 2101 eviction_manager.go:368] "Eviction manager: pod is evicted successfully" pod="shop/cart-1" message="The node was low on resource: memory. Threshold quantity: 100Mi, available: 92Mi. Container cart was using 1200Mi, request is 512Mi.""#,
        );
        assert_eq!(d.evidence["threshold"], "100Mi");
        assert_eq!(d.evidence["available"], "92Mi");
        assert_eq!(d.evidence["container_request"], "512Mi");
        assert!(classify(Some("kubelet"), br#"eviction_manager.go:350] "Eviction manager: attempting to reclaim" resourceName="memory""#).is_empty());
    }

    #[test]
    fn kubernetes_reports() {
        let id = "4f3a9c1e7b2d8a6f0c5e9b3d1a7f2c8e6b4d0a9f3e7c1b5d9a2f6e0c4b8d3a7f";
        let d = one(
            "containerd",
            &format!(
                r#"time="2024-03-05T10:18:20Z" level=info msg="TaskOOM event container_id:\"{id}\"""#
            ),
        );
        assert_eq!(
            (d.reporter, d.container_id.as_deref()),
            ("containerd TaskOOM", Some(id))
        );
        let d = one(
            "kubelet",
            "I0305 10:40:01 1344 oom_watcher_linux.go:69] \"Got sys oom event\" event=&{Pid:51234 ProcessName:java} System OOM encountered, victim process: java, pid: 51234",
        );
        assert_eq!((d.pid, d.comm.as_deref()), (Some(51234), Some("java")));
        let d = one(
            "kubelet",
            r#"W0305 10:07:51.400218 1702 oom_watcher_linux.go:88] "System OOM encountered" victimProcess="postgres" victimPid=7781"#,
        );
        assert_eq!((d.pid, d.comm.as_deref()), (Some(7781), Some("postgres")));
        let d = one(
            "node-problem-detector",
            "OOMKilling: Out of memory: Killed process 7134 (java) total-vm:1kB",
        );
        assert_eq!(d.pid, Some(7134));
        let d = one(
            "kubelet",
            &format!(
                "I1010 17:41:57.858757 4991 manager.go:1126] Created an OOM event in container \"/kubepods/burstable/pod1/{id}\" at 2017-10-10"
            ),
        );
        assert_eq!(d.container_id.as_deref(), Some(id));
    }
}
