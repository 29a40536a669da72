//! Diagnoses: why a kill happened, each with a stable code, the numbers that support
//! it and a suggested action. One file per code: its `//!` comment documents the code
//! (`docs/diagnoses.md` is generated from those comments and [`REGISTRY`]; a test
//! compares, `UPDATE_DOCS=1 cargo test` rewrites it), then its [`Entry`] (`ENTRY`),
//! its rule and the rule's tests.
//!
//! Three kinds of subject, one rule signature each ([`Rule`]): a kill (the event and
//! a [`Context`]: node memory, the pod's declarations and status, whether Kubernetes
//! reported the kill), an incident (the incident and its events), a Kubernetes report
//! (an other death, already matched to its kernel kill or not).
//!
//! Adding a diagnosis: a variant in `model::DiagnosisCode`, a file here named after
//! the code, one line in [`REGISTRY`], and a fixture in `testdata/diagnoses/<code>/`
//! (tests check that each code has all four and that the doc is regenerated).

use crate::k8s::names::{ContainerInfo, PodInfo};
use crate::model::{Diagnosis, DiagnosisCode, Incident, OomEvent, OomKind, OtherDeath, Severity};
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) use node_allocatable_limit::is_kubepods_root;
pub(crate) use pod_limit_fired::pod_level_uid;

mod burstable_request_inferred;
mod child_process_killed;
mod exit_137_not_oom;
mod guaranteed_victim;
mod host_oom_killed_container_below_limit;
mod host_oom_overcommitted;
mod host_oom_storm;
mod kill_not_reported_by_kubernetes;
mod kills_suppressed;
mod kmem_dominant;
mod manual_oom;
mod memsw_limit_hit;
mod node_allocatable_limit;
mod oom_score_adj_inconsistent;
mod oomkilled_without_kernel_kill;
mod page_cache_dominant;
mod pod_limit_fired;
mod qos_victim_expected;
mod repeated_kills;
mod shmem_dominant;

/// Every diagnosis, one line each. Within a subject kind this is the output order.
pub const REGISTRY: &[Entry] = &[
    kmem_dominant::ENTRY,
    page_cache_dominant::ENTRY,
    shmem_dominant::ENTRY,
    memsw_limit_hit::ENTRY,
    pod_limit_fired::ENTRY,
    node_allocatable_limit::ENTRY,
    child_process_killed::ENTRY,
    guaranteed_victim::ENTRY,
    qos_victim_expected::ENTRY,
    oom_score_adj_inconsistent::ENTRY,
    burstable_request_inferred::ENTRY,
    host_oom_overcommitted::ENTRY,
    manual_oom::ENTRY,
    kills_suppressed::ENTRY,
    kill_not_reported_by_kubernetes::ENTRY,
    host_oom_killed_container_below_limit::ENTRY,
    repeated_kills::ENTRY,
    host_oom_storm::ENTRY,
    oomkilled_without_kernel_kill::ENTRY,
    exit_137_not_oom::ENTRY,
];

/// What a kill's rule may know beyond the event.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The node's memory in kB (`/proc/meminfo`, or `pages RAM` of a Mem-Info).
    pub node_mem_kb: Option<u64>,
    /// What Kubernetes declared for the victim's pod (and its pod status).
    pub pod: Option<&'a PodInfo>,
    /// Sum of the memory limits of the pods known on the node, in bytes.
    pub node_pod_limits: Option<u64>,
    /// A pod-status `OOMKilled` report was matched to this kill.
    pub reported_oomkilled: bool,
    /// The node's allocatable memory in kB (its Node object's `status.allocatable.memory`).
    pub node_allocatable_kb: Option<u64>,
}

/// A rule over one kill.
pub type EventRule = fn(&OomEvent, &Context) -> Option<Diagnosis>;
/// A rule over one incident and its events (in event order).
pub type IncidentRule = fn(&Incident, &[&OomEvent]) -> Option<Diagnosis>;
/// A rule over one Kubernetes report (`matched_event` already set).
pub type ReportRule = fn(&OtherDeath) -> Option<Diagnosis>;

/// A diagnosis's rule, by the kind of subject it reads.
#[derive(Clone, Copy)]
pub enum Rule {
    Event(EventRule),
    Incident(IncidentRule),
    Report(ReportRule),
}

/// What a diagnosis applies to (the documentation's `on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    CgroupKill,
    HostKill,
    AnyKill,
    Incident,
    KubernetesReport,
}

impl On {
    pub const fn label(self) -> &'static str {
        match self {
            On::CgroupKill => "cgroup kill",
            On::HostKill => "host kill",
            On::AnyKill => "any kill",
            On::Incident => "incident",
            On::KubernetesReport => "Kubernetes report",
        }
    }
}

/// One diagnosis: its code, severity, subject and rule.
#[derive(Clone, Copy)]
pub struct Entry {
    pub code: DiagnosisCode,
    pub severity: Severity,
    pub on: On,
    pub rule: Rule,
}

impl Entry {
    /// A finding of this diagnosis.
    pub(crate) fn diagnosis(
        &self,
        summary: String,
        evidence: Vec<(&'static str, Value)>,
        action: &str,
    ) -> Diagnosis {
        Diagnosis {
            code: self.code,
            severity: self.severity,
            summary,
            evidence: evidence
                .into_iter()
                .map(|(k, v)| (k.into(), v))
                .collect::<BTreeMap<_, _>>(),
            action: action.to_string(),
        }
    }
}

/// The diagnoses of one kill.
pub fn event_diagnoses(e: &OomEvent, ctx: &Context) -> Vec<Diagnosis> {
    REGISTRY
        .iter()
        .filter_map(|d| match d.rule {
            Rule::Event(r) => r(e, ctx),
            _ => None,
        })
        .collect()
}

/// The diagnoses of one incident.
pub fn incident_diagnoses(inc: &Incident, events: &[&OomEvent]) -> Vec<Diagnosis> {
    REGISTRY
        .iter()
        .filter_map(|d| match d.rule {
            Rule::Incident(r) => r(inc, events),
            _ => None,
        })
        .collect()
}

/// The diagnoses of one Kubernetes report.
pub fn report_diagnoses(report: &OtherDeath) -> Vec<Diagnosis> {
    REGISTRY
        .iter()
        .filter_map(|d| match d.rule {
            Rule::Report(r) => r(report),
            _ => None,
        })
        .collect()
}

/// `part` as a percentage of `whole`, one decimal.
pub(crate) fn pct(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The OOM memcg's own stats (the first stats path, or the one named `cgroup.oom`).
pub(crate) fn own_stats(e: &OomEvent) -> Option<&BTreeMap<String, u64>> {
    e.cgroup
        .oom
        .as_ref()
        .and_then(|p| e.body.memcg_stats.get(p))
        .or_else(|| e.body.memcg_stats.values().next())
}

/// Kernel memory charged to the cgroup at the kill, in kB, and where it was read: the
/// v1 `kmem: usage` line when printed and non-zero, else the `kernel` stat of `stats`
/// (cgroup v2).
pub(crate) fn kmem_kb(
    e: &OomEvent,
    stats: Option<&BTreeMap<String, u64>>,
) -> Option<(u64, &'static str)> {
    match e.memory.kmem_usage_kb {
        Some(k) if k > 0 => Some((k, "kmem: usage (cgroup v1)")),
        _ => Some((
            stats?.get("kernel").map(|b| b / 1024)?,
            "memory.stat kernel (cgroup v2)",
        )),
    }
}

/// Page cache in `stats`, in kB: `file` (v2) or `cache` (v1) less `shmem`, which is
/// not reclaimable cache.
pub(crate) fn page_cache_kb(stats: &BTreeMap<String, u64>) -> Option<u64> {
    let file = stat_kb(stats, &["file", "cache"])?;
    let shmem = stat_kb(stats, &["shmem"]).unwrap_or(0);
    Some(file.saturating_sub(shmem))
}

/// The first of `keys` in `stats`, in kB.
pub(crate) fn stat_kb(stats: &BTreeMap<String, u64>, keys: &[&str]) -> Option<u64> {
    keys.iter().find_map(|k| stats.get(*k)).map(|b| b / 1024)
}

fn is_cgroup(e: &OomEvent) -> bool {
    e.kind == Some(OomKind::Cgroup)
}

fn is_host(e: &OomEvent) -> bool {
    e.kind == Some(OomKind::Host)
}

/// The victim's QoS class: from its cgroup path, else the pod's declaration.
fn qos(e: &OomEvent, ctx: &Context) -> Option<String> {
    e.pod
        .as_ref()
        .and_then(|p| p.qos.clone())
        .or_else(|| ctx.pod.and_then(|p| p.qos.clone()))
}

/// The victim's container name and what its pod listing says of that container.
fn container_status<'a>(
    e: &'a OomEvent,
    ctx: &Context<'a>,
) -> Option<(&'a str, &'a ContainerInfo)> {
    e.pod.as_ref()?;
    let info = ctx.pod?;
    let name = e.container.as_ref()?.name.as_deref()?;
    Some((name, info.containers.get(name)?))
}

#[cfg(test)]
mod test_util {
    use super::*;

    pub fn ctx() -> Context<'static> {
        Context {
            node_mem_kb: Some(16_000_000),
            ..Context::default()
        }
    }

    pub fn cgroup_event() -> OomEvent {
        let mut e = OomEvent {
            kind: Some("cgroup".into()),
            ..OomEvent::default()
        };
        e.memory.usage_kb = Some(1_048_576);
        e.memory.limit_kb = Some(1_048_576);
        e
    }

    pub fn codes(e: &OomEvent, c: &Context) -> Vec<&'static str> {
        event_diagnoses(e, c)
            .into_iter()
            .map(|d| d.code.as_str())
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::test_util::*;
    use super::*;
    use crate::model::Pod;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn every_code_is_registered_once() {
        for &c in DiagnosisCode::ALL {
            let n = REGISTRY.iter().filter(|e| e.code == c).count();
            assert_eq!(n, 1, "{c} is registered {n} times");
        }
        assert_eq!(REGISTRY.len(), DiagnosisCode::ALL.len());
    }

    #[test]
    fn subjects_agree_with_rules() {
        for e in REGISTRY {
            let ok = matches!(
                (e.on, e.rule),
                (On::CgroupKill | On::HostKill | On::AnyKill, Rule::Event(_))
                    | (On::Incident, Rule::Incident(_))
                    | (On::KubernetesReport, Rule::Report(_))
            );
            assert!(ok, "{}: on {:?} but another kind of rule", e.code, e.on);
        }
    }

    #[test]
    fn every_code_has_a_fixture() {
        for &c in DiagnosisCode::ALL {
            let dir = root().join("testdata/diagnoses").join(c.as_str());
            assert!(dir.is_dir(), "no fixture {}", dir.display());
        }
    }

    #[test]
    fn findings_carry_their_entry_code_and_severity() {
        let mut e = OomEvent {
            kind: Some("host".into()),
            ..OomEvent::default()
        };
        e.pod = Some(Box::new(Pod {
            uid: "u".into(),
            qos: Some("guaranteed".into()),
            namespace: None,
            name: None,
            name_source: None,
            api_uid: None,
        }));
        e.victim.oom_score_adj = Some(0);
        e.trigger.manual = true;
        let found = event_diagnoses(&e, &ctx());
        assert_eq!(
            codes(&e, &ctx()),
            vec![
                "guaranteed_victim",
                "oom_score_adj_inconsistent",
                "manual_oom"
            ]
        );
        for d in found {
            let entry = REGISTRY.iter().find(|x| x.code == d.code);
            assert_eq!(entry.map(|x| x.severity), Some(d.severity));
        }
    }

    /// One code's documentation, from the `//!` comment of its file.
    struct Doc {
        /// The first paragraph: when it fires (the table's cell).
        when: String,
        /// `Applies to: …`.
        on: String,
        /// The keys of `Evidence: …`.
        evidence: Vec<String>,
        /// The other paragraphs.
        more: Vec<String>,
    }

    fn paragraphs(lines: &[String]) -> Vec<String> {
        lines
            .split(|l| l.trim().is_empty())
            .filter(|p| !p.is_empty())
            .map(|p| p.join("\n"))
            .collect()
    }

    fn doc_of(code: DiagnosisCode) -> Doc {
        let path = root()
            .join("src/analysis/diagnose")
            .join(format!("{}.rs", code.as_str()));
        let src =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let lines: Vec<String> = src
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .map(|l| l.trim_start_matches("//!").trim_start().to_string())
            .collect();
        let mut paras = paragraphs(&lines).into_iter();
        let when = paras
            .next()
            .unwrap_or_else(|| panic!("{}: no doc comment", path.display()))
            .replace('\n', " ");
        let (mut on, mut evidence, mut more) = (None, None, Vec::new());
        for p in paras {
            if let Some(rest) = p.strip_prefix("Applies to: ") {
                on = Some(rest.trim_end_matches('.').to_string());
            } else if let Some(rest) = p.strip_prefix("Evidence: ") {
                evidence = Some(
                    rest.split('`')
                        .skip(1)
                        .step_by(2)
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                );
            } else {
                more.push(p);
            }
        }
        Doc {
            when,
            on: on.unwrap_or_else(|| panic!("{}: no `Applies to: …` paragraph", path.display())),
            evidence: evidence
                .unwrap_or_else(|| panic!("{}: no `Evidence: …` paragraph", path.display())),
            more,
        }
    }

    const INTRO: &str = "\
Every event (`events[].diagnoses`), incident (`incidents[].diagnoses`) and Kubernetes
report (`other_deaths[].diagnoses`) carries a list of findings `{code, severity,
summary, evidence, action}`. `code` is a stable snake_case identifier (new codes may
be added; a code never changes meaning), `severity` is `info`, `warning` or
`critical`, `evidence` holds the numbers the finding rests on, `action` suggests what
to do.

Each code is one file, `src/analysis/diagnose/<code>.rs`, whose doc comment is its
section below, with its rule and its tests; `src/analysis/diagnose/mod.rs` registers
them, and `testdata/diagnoses/<code>/` is a fixture on which it fires. This page is
generated from them: `UPDATE_DOCS=1 cargo test` rewrites it.
";

    const NOTES: &str = "\
Node memory is `/proc/meminfo` MemTotal, else `pages RAM` × 4 KiB of a Mem-Info
printed on the node. Pod declarations (limits, requests, QoS, restart counts) come
from pod JSON in the bundle (`docs/bundle-layouts.md`).
";

    fn generate() -> String {
        let mut out = String::from("# Diagnoses\n\n");
        out.push_str(INTRO);
        out.push_str("\n| code | on | severity | when | evidence |\n|---|---|---|---|---|\n");
        let docs: Vec<(Entry, Doc)> = REGISTRY.iter().map(|e| (*e, doc_of(e.code))).collect();
        for (e, d) in &docs {
            assert!(!d.when.contains('|'), "{}: `|` in the table cell", e.code);
            let evidence: Vec<String> = d.evidence.iter().map(|k| format!("`{k}`")).collect();
            out.push_str(&format!(
                "| [`{0}`](#{0}) | {1} | {2} | {3} | {4} |\n",
                e.code,
                e.on.label(),
                e.severity,
                d.when,
                evidence.join(", ")
            ));
        }
        out.push('\n');
        out.push_str(NOTES);
        for (e, d) in &docs {
            let evidence: Vec<String> = d.evidence.iter().map(|k| format!("`{k}`")).collect();
            out.push_str(&format!(
                "\n## `{0}`\n\nSeverity: {1}. Applies to: {2}. Evidence: {3}. Source: `src/analysis/diagnose/{0}.rs`.\n\n{4}\n",
                e.code,
                e.severity,
                e.on.label(),
                evidence.join(", "),
                d.when,
            ));
            for p in &d.more {
                out.push_str(&format!("\n{p}\n"));
            }
        }
        out
    }

    #[test]
    fn docs_agree_with_the_registry() {
        for e in REGISTRY {
            let d = doc_of(e.code);
            assert_eq!(d.on, e.on.label(), "{}: `Applies to:` of its doc", e.code);
            assert!(!d.evidence.is_empty(), "{}: no evidence keys", e.code);
        }
    }

    #[test]
    fn docs_diagnoses_md_is_generated() {
        let path = root().join("docs/diagnoses.md");
        let want = generate();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &want).expect("write docs/diagnoses.md");
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is not what the diagnoses' doc comments and the registry give: run `UPDATE_DOCS=1 cargo test` and commit it",
            Path::new("docs/diagnoses.md").display()
        );
    }
}
