//! An incident: the kills of one workload grouped together.

use super::{Container, Diagnosis, Pod, Scope, Timestamp};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Incident {
    pub id: String,
    /// What the kills are grouped by, after the limit that fired: `container`
    /// (container limit, by pod and container name), `pod` (pod limit),
    /// `node_allocatable`, `cgroup` (another cgroup, by path), `host` (host RAM),
    /// `cpuset`, `memory_policy`, `manual` (by node).
    pub scope: Scope,
    /// The limit that fired at the incident's kills (`events[].verdict.limit`; the
    /// last kill's when they differ). Absent in documents written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<super::Limit>,
    pub node: Option<String>,
    pub pod: Option<Pod>,
    pub container: Option<Container>,
    /// The cgroup, for non-pod incidents.
    pub cgroup: Option<String>,
    /// Indexes into `events`.
    pub events: Vec<usize>,
    pub count: usize,
    pub first_time: Option<Timestamp>,
    pub last_time: Option<Timestamp>,
    /// Container restarts as Kubernetes counted them, when a pod listing says.
    pub restarts: Option<u64>,
    pub max_usage_kb: Option<u64>,
    pub limit_kb: Option<u64>,
    /// Usage at each kill, in event order (null where not printed).
    pub usage_kb_at_kill: Vec<Option<u64>>,
    /// The victim's anon-rss at each kill.
    pub victim_anon_rss_kb: Vec<Option<u64>>,
    pub diagnoses: Vec<Diagnosis>,
}
