//! The document: what one run (or a merge of shards) found, as the JSON gives it.

use super::{CgroupSnapshot, Incident, Name, OomEvent, OtherDeath};
use serde::{Deserialize, Serialize};

/// The analysis of all inputs: the JSON document's content.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Analysis {
    pub schema: Name,
    pub inputs: Vec<InputInfo>,
    pub nodes: Vec<NodeInfo>,
    pub events: Vec<OomEvent>,
    /// Deaths that are not kernel OOM kills (here: OOM reports that ended in a panic).
    pub other_deaths: Vec<OtherDeath>,
    /// Kills grouped by workload, with their diagnoses (`events` by index).
    pub incidents: Vec<Incident>,
    /// cgroup snapshots found in the bundles (values at collection time).
    pub cgroups: Vec<CgroupSnapshot>,
    pub warnings: Vec<Warning>,
    /// False when some input could not be fully read (exit status 1).
    pub complete: bool,
    #[serde(skip)]
    pub incomplete: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct InputInfo {
    pub path: String,
    pub kind: Name,
    /// `sosreport`, `must-gather`, `support-bundle`, `node-root` or `loose`.
    pub layout: Name,
    pub sources: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq, Default)]
pub struct NodeInfo {
    pub name: Option<String>,
    pub kernel: Option<String>,
    pub boot_time: Option<String>,
    pub collected_at: Option<String>,
    pub mem_total_kb: Option<u64>,
    pub cgroup_version: Option<String>,
    pub cgroup_driver: Option<String>,
    /// OOM-related sysctls (`vm.panic_on_oom`, `vm.oom_kill_allocating_task`,
    /// `vm.overcommit_memory`, `vm.overcommit_ratio`) from the bundle.
    pub sysctl: std::collections::BTreeMap<String, String>,
    /// Sums over the pods known (from pod listings) to run on this node.
    pub pod_memory_limits_kb: Option<u64>,
    pub pod_memory_requests_kb: Option<u64>,
    /// From the Kubernetes Node object (`status.capacity.memory`,
    /// `status.allocatable.memory`, `status.nodeInfo`, the `MemoryPressure` condition).
    #[serde(default)]
    pub mem_capacity_kb: Option<u64>,
    #[serde(default)]
    pub mem_allocatable_kb: Option<u64>,
    #[serde(default)]
    pub os_image: Option<String>,
    #[serde(default)]
    pub container_runtime: Option<String>,
    #[serde(default)]
    pub kubelet_version: Option<String>,
    #[serde(default)]
    pub memory_pressure: Option<String>,
    /// The machine-id: the bundle's `etc/machine-id`, the folder of its binary
    /// journal (`var/log/journal/<machine-id>/`), else the Node object's
    /// `status.nodeInfo.machineID`.
    #[serde(default)]
    pub machine_id: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    pub file: String,
    pub message: String,
}
