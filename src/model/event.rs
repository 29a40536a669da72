//! The OOM kill event: what one kernel OOM report says, assembled from its block.
//! Field names and nullability are the public JSON interface (`docs/json-schema.md`).

use super::kinds::{DeathKind, OomKind};
use super::time::{Stamp, TimeSource, Timestamp};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A name fixed in code but read back from a document: `Cow<'static, str>`.
pub type Name = std::borrow::Cow<'static, str>;

/// A short text held in line (up to 24 bytes without an allocation: an event id, a
/// raw time, a node or command name, a GFP mask), a `String` otherwise. A million
/// header-only events hold six such texts each without a heap chunk apiece (issue 16;
/// docs/DEPENDENCIES.md, `compact_str`).
pub type Text = compact_str::CompactString;

/// One kernel OOM kill.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OomEvent {
    /// Stable number in the document (`e1`, `e2`, … in output order).
    pub id: Text,
    /// `cgroup`, `host`, another constraint (`cpuset`, `memory_policy`), or null when
    /// the logs do not tell.
    pub kind: Option<OomKind>,
    /// The kernel's constraint as printed (`CONSTRAINT_MEMCG`, `CONSTRAINT_NONE`, …).
    pub constraint: Option<String>,
    /// Which limit fired and why, in one sentence with the numbers (set by the
    /// analysis; absent in a document written before it existed).
    /// Shared (`Arc`): the analysis hands identical verdicts one allocation — a
    /// million header-only kills have one "unknown" verdict (issue 16).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "shared_verdict"
    )]
    pub verdict: Option<std::sync::Arc<super::Verdict>>,
    pub time: Option<Timestamp>,
    /// Where `time` came from (`zoned`, `node_zone`, `local`, `bundle_date`,
    /// `rotation_name`, `file_time`, `reference_date`, `boot`, `none`).
    #[serde(default)]
    pub time_source: TimeSource,
    pub time_raw: Option<Text>,
    pub node: Option<Text>,
    /// Kernel release from the `CPU: … PID: … Comm: …` line.
    pub kernel: Option<String>,
    /// Kernel uptime of the block's first line in microseconds, when printed.
    pub uptime_us: Option<u64>,
    /// The boot of its source the kill is in (0 the first), present when the source
    /// shows more than one: a `Linux version` banner, an uptime more than a second
    /// below the previous kernel line's, or an uptime beyond the one the bundle was
    /// collected at starts another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot: Option<u32>,
    pub trigger: Trigger,
    pub victim: Sparse<Victim>,
    /// Empty in a header-only block: held only once set (issue 16).
    pub cgroup: Sparse<Cgroups>,
    pub pod: Option<Box<Pod>>,
    pub container: Option<Box<Container>>,
    pub memory: Sparse<Memory>,
    /// What the block's lines after its header tell, beyond the victim and the
    /// counters: the memcg stats, Mem-Info, zones, task table, reaper line, group kill,
    /// allocation sites, unknown `oom-kill:` keys and parse notes. Held only once one
    /// is set, so a header-only event (a storm of a million) is 250 bytes smaller
    /// (issue 16); serialized in place, as the event's own fields.
    #[serde(flatten)]
    pub body: Sparse<Body>,
    pub sources: Vec<SourceRef>,
    /// True when the whole block was seen: header through the `Killed process` line.
    pub complete: bool,
    /// A sentence fixed in code is borrowed, not copied into every event (issue 16).
    pub warnings: Vec<Name>,
    /// Why this kill happened, as far as the evidence tells (`docs/diagnoses.md`).
    /// Held only once there is one (issue 16).
    pub diagnoses: Sparse<Vec<Diagnosis>>,
    /// Index in the top-level `cgroups` of the snapshot of this kill's OOM cgroup
    /// (values at collection time, not at the kill).
    pub cgroup_snapshot: Option<u32>,
    /// The input (bundle) the kill was found in.
    /// Shared: one name per input, not a copy per event (issue 16).
    #[serde(skip)]
    pub bundle: std::sync::Arc<str>,
    /// The block's kernel lines as logged (capped): shown by the HTML report, and in
    /// the JSON only when the run keeps them (`--html`, `-o`, `--raw-blocks`).
    /// Held only when kept (issue 16).
    #[serde(default, skip_serializing_if = "no_lines")]
    pub raw: Sparse<Vec<String>>,
    #[serde(skip)]
    pub stamp: Stamp,
    /// Byte offset of the block's first record in its source (for ordering and merging).
    #[serde(skip)]
    pub offset: u64,
}

/// The sections of a block after its header that a header-only block lacks
/// ([`OomEvent::body`]), serialized as the event's own fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Body {
    /// cgroup path → stat → bytes, from `Memory cgroup stats for …`.
    pub memcg_stats: BTreeMap<String, BTreeMap<String, u64>>,
    /// Mem-Info summary of a host OOM (page counts; `_kb` keys in kB).
    pub meminfo: Option<BTreeMap<String, u64>>,
    /// The per-zone free memory and watermarks of a host OOM's Mem-Info (`Node N ZONE
    /// free:…kB min:…kB low:…kB high:…kB`) and, from the buddy lines (`Node N ZONE:
    /// 12*4kB (UM) … = NkB`), the largest free order, in print order. Absent when not
    /// printed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<Zone>,
    /// The task table, rows as printed (memory columns in pages unless named `_bytes`).
    pub tasks: Vec<TaskRow>,
    /// `oom_reaper: reaped process …` for the victim.
    pub reaped: Option<Box<Reaped>>,
    /// A `memory.oom.group` kill: the cgroup named by `Tasks in <cgroup> are going to
    /// be killed due to memory.oom.group set` and the other tasks killed with the
    /// victim (never the victim itself). Absent when the kill was not a group kill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oom_group: Option<Box<OomGroup>>,
    /// The top allocation sites of a `Memory allocations:` section (6.10+ with memory
    /// allocation profiling), in print order. Absent when not printed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allocations: Vec<Allocation>,
    /// Keys of the `oom-kill:` summary this version does not know, with their values
    /// as printed. Absent when there are none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub oom_kill_extra: BTreeMap<String, String>,
    /// Drift: text a recognized line held that was not understood, or a known field
    /// that did not parse (`<variant> line <N>: …`). Absent when there is none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_notes: Vec<String>,
    /// The variant and source line (relative to the block's first line) of each parse
    /// note, for the per-file drift warning.
    #[serde(skip)]
    pub drift: Vec<(&'static str, u64)>,
    /// How many OOM-killer messages printk rate limiting dropped just before this
    /// kill's block (`… callbacks suppressed`); its warning says it in `warnings`. Not
    /// in the JSON: a document read back (`oomsift merge`) keeps the diagnosis only.
    #[serde(skip)]
    pub suppressed_before: Option<u64>,
    /// The cgroups of the block's `Memory cgroup stats for` lines, in print order
    /// (they name the victim's pod and container when nothing else does).
    #[serde(skip)]
    pub stats_paths: Vec<String>,
}

impl Empty for Body {
    fn empty() -> &'static Self {
        static EMPTY: Body = Body {
            memcg_stats: BTreeMap::new(),
            meminfo: None,
            zones: Vec::new(),
            tasks: Vec::new(),
            reaped: None,
            oom_group: None,
            allocations: Vec::new(),
            oom_kill_extra: BTreeMap::new(),
            parse_notes: Vec::new(),
            drift: Vec::new(),
            suppressed_before: None,
            stats_paths: Vec::new(),
        };
        &EMPTY
    }
}

/// An empty list read before anything is pushed ([`Sparse`]).
macro_rules! empty_vec {
    ($($t:ty),*) => {$(
        impl Empty for Vec<$t> {
            fn empty() -> &'static Self {
                static EMPTY: Vec<$t> = Vec::new();
                &EMPTY
            }
        }
    )*};
}
empty_vec!(String, Diagnosis);

fn no_lines(v: &Sparse<Vec<String>>) -> bool {
    v.is_empty()
}

/// (De)serializes a shared verdict as the verdict itself.
mod shared_verdict {
    use super::super::Verdict;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::sync::Arc;

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(v: &Option<Arc<Verdict>>, s: S) -> Result<S::Ok, S::Error> {
        v.as_deref().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Arc<Verdict>>, D::Error> {
        Ok(Option::<Verdict>::deserialize(d)?.map(Arc::new))
    }
}

/// A part of an event that is often empty (a header-only block has no victim and no
/// memcg counters), held only once something is set: read as the empty value until
/// then, written through as the value itself; serialized as the value (an empty one as
/// all nulls). A million header-only events are each 300 bytes smaller (issue 16).
#[derive(Clone, Default)]
pub struct Sparse<T: Empty>(Option<Box<T>>);

/// A type with an empty value to read a [`Sparse`] part as before anything is set.
pub trait Empty: Default + 'static {
    /// The empty value, shared.
    fn empty() -> &'static Self;
}

impl<T: Empty> Sparse<T> {
    /// The value when one was set, leaving the part empty.
    pub fn take(&mut self) -> Option<T> {
        self.0.take().map(|b| *b)
    }

    /// The value for writing when one was set (no allocation when not).
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.0.as_deref_mut()
    }
}

impl<'a, U> IntoIterator for &'a Sparse<Vec<U>>
where
    Vec<U>: Empty,
{
    type Item = &'a U;
    type IntoIter = std::slice::Iter<'a, U>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Empty> std::ops::Deref for Sparse<T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self.0.as_deref() {
            Some(v) => v,
            None => T::empty(),
        }
    }
}

impl<T: Empty> std::ops::DerefMut for Sparse<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0.get_or_insert_with(Box::default)
    }
}

impl<T: Empty> From<T> for Sparse<T> {
    fn from(v: T) -> Self {
        Sparse(Some(Box::new(v)))
    }
}

impl<T: Empty + PartialEq> PartialEq for Sparse<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: Empty + std::fmt::Debug> std::fmt::Debug for Sparse<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Empty + Serialize> Serialize for Sparse<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de, T: Empty + PartialEq + serde::de::DeserializeOwned> Deserialize<'de> for Sparse<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = T::deserialize(d)?;
        Ok(if v == *T::empty() {
            Sparse(None)
        } else {
            v.into()
        })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Trigger {
    pub pid: Option<u64>,
    pub comm: Option<Text>,
    pub gfp_mask: Option<Text>,
    /// The flag names the kernel printed after the mask (`GFP_KERNEL|__GFP_COMP`),
    /// as printed (4.8+); absent when it printed a bare mask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gfp_flags: Option<Text>,
    pub order: Option<i64>,
    pub oom_score_adj: Option<i64>,
    pub nodemask: Option<String>,
    pub cpuset: Option<String>,
    /// `order=-1`: an OOM kill requested by hand (sysrq-f), not by an allocation.
    pub manual: bool,
    /// The trigger's uid from a 6.11+ `CPU: N UID: U PID: P Comm: C` line (absent
    /// when not printed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<u64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Victim {
    pub pid: Option<u64>,
    pub comm: Option<String>,
    pub uid: Option<u64>,
    pub total_vm_kb: Option<u64>,
    pub anon_rss_kb: Option<u64>,
    pub file_rss_kb: Option<u64>,
    pub shmem_rss_kb: Option<u64>,
    pub pgtables_kb: Option<u64>,
    pub oom_score_adj: Option<i64>,
    pub score: Option<i64>,
}

impl Empty for Victim {
    fn empty() -> &'static Self {
        static EMPTY: Victim = Victim {
            pid: None,
            comm: None,
            uid: None,
            total_vm_kb: None,
            anon_rss_kb: None,
            file_rss_kb: None,
            shmem_rss_kb: None,
            pgtables_kb: None,
            oom_score_adj: None,
            score: None,
        };
        &EMPTY
    }
}

impl Empty for Cgroups {
    fn empty() -> &'static Self {
        static EMPTY: Cgroups = Cgroups {
            oom: None,
            task: None,
        };
        &EMPTY
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Cgroups {
    /// The memory cgroup whose limit was hit (`oom_memcg=`, `limit of B`).
    pub oom: Option<String>,
    /// The victim's memory cgroup (`task_memcg=`, `Task in A`).
    pub task: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Pod {
    pub uid: String,
    pub qos: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// Where `namespace` and `name` came from (absent when no source names the pod).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_source: Option<super::kinds::NameSource>,
    /// A static pod's mirror pod UID (the API object's); `uid` is then the config hash
    /// the cgroup path shows. Absent for other pods, or when no mirror pod was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_uid: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Container {
    pub id: String,
    pub runtime: Option<String>,
    /// The container's name in its pod (from kubelet logs, runtime listings, pod JSON).
    pub name: Option<String>,
    /// Where `name` came from (absent when no source names the container).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_source: Option<super::kinds::NameSource>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Memory {
    pub usage_kb: Option<u64>,
    pub limit_kb: Option<u64>,
    pub failcnt: Option<u64>,
    pub memsw_usage_kb: Option<u64>,
    pub memsw_limit_kb: Option<u64>,
    pub swap_usage_kb: Option<u64>,
    pub swap_limit_kb: Option<u64>,
    pub kmem_usage_kb: Option<u64>,
    pub kmem_limit_kb: Option<u64>,
}

impl Empty for Memory {
    fn empty() -> &'static Self {
        static EMPTY: Memory = Memory {
            usage_kb: None,
            limit_kb: None,
            failcnt: None,
            memsw_usage_kb: None,
            memsw_limit_kb: None,
            swap_usage_kb: None,
            swap_limit_kb: None,
            kmem_usage_kb: None,
            kmem_limit_kb: None,
        };
        &EMPTY
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Reaped {
    pub pid: u64,
    pub anon_rss_kb: Option<u64>,
    pub file_rss_kb: Option<u64>,
    pub shmem_rss_kb: Option<u64>,
}

/// A `memory.oom.group` kill: the group's cgroup and its other tasks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct OomGroup {
    pub cgroup: String,
    /// The tasks killed with the victim, in print order (the victim is not one).
    pub killed: Vec<GroupMember>,
}

/// One other task of a group kill, from its `Killed process` line.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct GroupMember {
    pub pid: u64,
    pub comm: String,
    pub uid: Option<u64>,
    pub total_vm_kb: Option<u64>,
    pub anon_rss_kb: Option<u64>,
    pub file_rss_kb: Option<u64>,
    pub shmem_rss_kb: Option<u64>,
    pub pgtables_kb: Option<u64>,
    pub oom_score_adj: Option<i64>,
    /// Its `oom_reaper:` line, matched by pid.
    pub reaped: Option<Reaped>,
}

/// One memory zone of a Mem-Info report: its free memory and watermarks at the kill.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Zone {
    /// The NUMA node.
    pub node: u32,
    /// The zone's name as printed (`DMA`, `DMA32`, `Normal`, `Movable`, `HighMem`).
    pub name: String,
    pub free_kb: Option<u64>,
    pub min_kb: Option<u64>,
    pub low_kb: Option<u64>,
    pub high_kb: Option<u64>,
    /// The highest order with a free block in the zone's buddy line (0: only single
    /// pages free). Absent when no buddy line was printed or no block was free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub largest_free_order: Option<u32>,
    /// The buddy line's total (`= NkB`). Absent when no buddy line was printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buddy_free_kb: Option<u64>,
}

/// One line of a `Memory allocations:` section: `<size> <calls> <site>`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Allocation {
    /// The bytes allocated as printed (`1.16 GiB`, `540 KiB`).
    pub size: String,
    /// The number of allocations live at that site.
    pub calls: Option<u64>,
    /// The site as printed (`mm/memory.c:1074 func:folio_prealloc`, with `[module]`).
    pub site: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    /// Shared: the scanner's one name for its source, not a copy per event (issue 16).
    pub file: std::sync::Arc<str>,
    pub line: u64,
}

/// One row of the task table: the kernel's columns in the kernel's order.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub pid: u64,
    /// Column names in line (a storm of task tables allocated one per cell).
    pub columns: Vec<(Text, i64)>,
    pub name: Text,
}

impl TaskRow {
    pub fn get(&self, column: &str) -> Option<i64> {
        self.columns
            .iter()
            .find(|(c, _)| c == column)
            .map(|&(_, v)| v)
    }
}

impl<'de> Deserialize<'de> for TaskRow {
    /// Keeps the kernel's column order (a plain map would sort the keys).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> serde::de::Visitor<'de> for RowVisitor {
            type Value = TaskRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a task-table row object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TaskRow, A::Error> {
                let mut row = TaskRow {
                    pid: 0,
                    columns: Vec::new(),
                    name: Text::default(),
                };
                while let Some(k) = map.next_key::<String>()? {
                    match k.as_str() {
                        "pid" => row.pid = map.next_value()?,
                        "name" => row.name = map.next_value()?,
                        _ => {
                            let v: i64 = map.next_value()?;
                            row.columns.push((k.into(), v));
                        }
                    }
                }
                Ok(row)
            }
        }
        d.deserialize_map(RowVisitor)
    }
}

impl Serialize for TaskRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.columns.len() + 2))?;
        m.serialize_entry("pid", &self.pid)?;
        for (k, v) in &self.columns {
            m.serialize_entry(k, v)?;
        }
        m.serialize_entry("name", &self.name)?;
        m.end()
    }
}

/// A pod as a userspace report names it (any part may be unknown).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PodRef {
    pub uid: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// Where `namespace` and `name` came from: the report itself (a kubelet line, a
    /// pod status, an Event object) or, for a report that gives only a UID, a cgroup
    /// or unit, the source that names that pod (absent when nothing names it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_source: Option<super::kinds::NameSource>,
    /// A static pod's mirror pod UID, as [`Pod::api_uid`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_uid: Option<String>,
}

/// A container as a userspace report names it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerRef {
    pub id: Option<String>,
    pub name: Option<String>,
    /// Where `name` came from (absent when nothing names the container).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_source: Option<super::kinds::NameSource>,
}

/// A finding about a kill or an incident: a stable code, the numbers behind it and
/// what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// Stable snake_case identifier.
    pub code: DiagnosisCode,
    /// `info`, `warning` or `critical`.
    pub severity: Severity,
    pub summary: String,
    /// The numbers that support it.
    pub evidence: BTreeMap<Name, serde_json::Value>,
    pub action: String,
}

/// How much a diagnosis matters. No ordering is derived: compare what you mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    /// The JSON string: `info`, `warning` or `critical`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Declares [`DiagnosisCode`] with its JSON strings, [`DiagnosisCode::ALL`] and
/// [`DiagnosisCode::as_str`] from one list, so they cannot disagree.
macro_rules! diagnosis_codes {
    ($($variant:ident = $name:literal,)+) => {
        /// The stable identifier of a diagnosis (`docs/diagnoses.md`): serialized as its
        /// snake_case name, which never changes meaning. No ordering is derived (sort by
        /// [`DiagnosisCode::as_str`] for the names' order).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum DiagnosisCode {
            $( #[serde(rename = $name)] $variant, )+
        }

        impl DiagnosisCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [DiagnosisCode] = &[$(DiagnosisCode::$variant),+];

            /// The JSON string.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( DiagnosisCode::$variant => $name, )+
                }
            }
        }
    };
}

diagnosis_codes! {
    KmemDominant = "kmem_dominant",
    PageCacheDominant = "page_cache_dominant",
    ShmemDominant = "shmem_dominant",
    MemswLimitHit = "memsw_limit_hit",
    PodLimitFired = "pod_limit_fired",
    NodeAllocatableLimit = "node_allocatable_limit",
    ChildProcessKilled = "child_process_killed",
    GuaranteedVictim = "guaranteed_victim",
    QosVictimExpected = "qos_victim_expected",
    OomScoreAdjInconsistent = "oom_score_adj_inconsistent",
    BurstableRequestInferred = "burstable_request_inferred",
    HostOomOvercommitted = "host_oom_overcommitted",
    ManualOom = "manual_oom",
    KillsSuppressed = "kills_suppressed",
    KillNotReportedByKubernetes = "kill_not_reported_by_kubernetes",
    HostOomKilledContainerBelowLimit = "host_oom_killed_container_below_limit",
    RepeatedKills = "repeated_kills",
    HostOomStorm = "host_oom_storm",
    OomkilledWithoutKernelKill = "oomkilled_without_kernel_kill",
    Exit137NotOom = "exit_137_not_oom",
}

impl std::fmt::Display for DiagnosisCode {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A death that is not a kernel OOM kill (here: an OOM report ending in a panic).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherDeath {
    /// `panic`, `oomd_kill`, `unit_oom_failed`, `unit_process_oom_killed`,
    /// `earlyoom_kill`, `eviction`, `k8s_oom_report`, `k8s_oomkilled`, `k8s_exit_137`.
    pub kind: DeathKind,
    /// Who said it (`kernel`, `systemd-oomd`, `containerd TaskOOM`, `pod status`, …).
    pub reporter: String,
    pub time: Option<Timestamp>,
    /// Where `time` came from, as for events.
    #[serde(default)]
    pub time_source: TimeSource,
    pub time_raw: Option<String>,
    pub node: Option<String>,
    pub message: String,
    pub cgroup: Option<String>,
    pub unit: Option<String>,
    pub pod: Option<PodRef>,
    pub container: Option<ContainerRef>,
    pub pid: Option<u64>,
    pub comm: Option<String>,
    pub evidence: BTreeMap<String, String>,
    /// Index in `events` of the kernel kill this report was matched to.
    pub matched_event: Option<usize>,
    pub diagnoses: Vec<Diagnosis>,
    pub sources: Vec<SourceRef>,
    #[serde(skip)]
    pub stamp: Stamp,
    #[serde(skip)]
    pub offset: u64,
}

impl OtherDeath {
    /// A death told by one record at `at` (byte `offset`), stamped `stamp` (printed
    /// as `time_raw`, empty when the record has no time) by `host`: where and when;
    /// what it was is for the caller to fill in.
    pub fn logged(
        at: SourceRef,
        offset: u64,
        stamp: Stamp,
        time_raw: &str,
        host: Option<&str>,
    ) -> OtherDeath {
        OtherDeath {
            time_raw: (!time_raw.is_empty()).then(|| time_raw.to_string()),
            node: host.map(str::to_string),
            sources: vec![at],
            stamp,
            offset,
            ..OtherDeath::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_snake_case_names() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in DiagnosisCode::ALL {
            let s = c.as_str();
            assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(s));
            assert_eq!(
                serde_json::from_str::<DiagnosisCode>(&format!("{s:?}")).unwrap(),
                c
            );
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{s} is not snake_case"
            );
            assert_eq!(c.to_string(), s);
            assert!(seen.insert(s), "{s} twice");
        }
        assert!(serde_json::from_str::<DiagnosisCode>("\"no_such_code\"").is_err());
    }

    #[test]
    fn severities_serialize_as_before() {
        for (s, name) in [
            (Severity::Info, "info"),
            (Severity::Warning, "warning"),
            (Severity::Critical, "critical"),
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::json!(name));
            assert_eq!(s.as_str(), name);
            assert_eq!(
                serde_json::from_str::<Severity>(&format!("{name:?}")).unwrap(),
                s
            );
        }
    }
}
