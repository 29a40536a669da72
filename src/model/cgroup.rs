//! A cgroup's memory accounting as a bundle's snapshot holds it (values at
//! collection time, not at a kill).

use super::{Container, Name, Pod};
use serde::Serialize;
use std::collections::BTreeMap;

/// One cgroup's memory accounting at collection time.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct CgroupSnapshot {
    pub path: String,
    pub version: Name,
    pub node: Option<String>,
    /// The folder the files were read from, as reported.
    pub source: String,
    pub limit_bytes: Option<u64>,
    pub high_bytes: Option<u64>,
    pub usage_bytes: Option<u64>,
    pub peak_bytes: Option<u64>,
    pub failcnt: Option<u64>,
    pub kmem_usage_bytes: Option<u64>,
    pub kmem_limit_bytes: Option<u64>,
    pub memsw_usage_bytes: Option<u64>,
    pub memsw_limit_bytes: Option<u64>,
    pub swap_usage_bytes: Option<u64>,
    pub swap_limit_bytes: Option<u64>,
    /// v2 `memory.events` (`oom`, `oom_kill`, `oom_group_kill`, …); v1: `oom_kill` from
    /// `memory.oom_control` where the kernel prints it.
    pub events: BTreeMap<String, u64>,
    /// v1 `memory.oom_control` as printed.
    pub oom_control: Option<BTreeMap<String, u64>>,
    pub stat: BTreeMap<String, u64>,
    pub pod: Option<Pod>,
    pub container: Option<Container>,
}
