//! The verdict of a kill: which limit fired, and the one sentence saying why with the
//! numbers (`docs/json-schema.md`, `events[].verdict`).

use serde::{Deserialize, Serialize};

/// Which limit fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    /// A container's own memory cgroup (the OOM memcg names a pod and a container).
    ContainerLimit,
    /// A pod-level cgroup (the OOM memcg names a pod, no container).
    PodLimit,
    /// The kubepods root: the node-allocatable limit of all pods.
    NodeAllocatable,
    /// Another memory cgroup: a systemd slice, unit or scope, a docker container, any
    /// other path (`cgroup` says which, when the block names it).
    CgroupLimit,
    /// The host ran out of memory (`CONSTRAINT_NONE`).
    HostRam,
    /// The allocation's cpuset memory nodes ran out (`CONSTRAINT_CPUSET`).
    Cpuset,
    /// The allocation's memory policy nodes ran out (`CONSTRAINT_MEMORY_POLICY`).
    MemoryPolicy,
    /// Requested by hand (sysrq-f, `order=-1`): no shortage implied.
    Manual,
    /// The logs do not tell (a block cut before its constraint, an unknown constraint).
    Unknown,
}

impl Limit {
    /// The JSON string.
    pub const fn as_str(self) -> &'static str {
        match self {
            Limit::ContainerLimit => "container_limit",
            Limit::PodLimit => "pod_limit",
            Limit::NodeAllocatable => "node_allocatable",
            Limit::CgroupLimit => "cgroup_limit",
            Limit::HostRam => "host_ram",
            Limit::Cpuset => "cpuset",
            Limit::MemoryPolicy => "memory_policy",
            Limit::Manual => "manual",
            Limit::Unknown => "unknown",
        }
    }

    /// As a reader says it (`pod limit`, `host RAM`).
    pub const fn label(self) -> &'static str {
        match self {
            Limit::ContainerLimit => "container limit",
            Limit::PodLimit => "pod limit",
            Limit::NodeAllocatable => "node allocatable",
            Limit::CgroupLimit => "cgroup limit",
            Limit::HostRam => "host RAM",
            Limit::Cpuset => "cpuset",
            Limit::MemoryPolicy => "memory policy",
            Limit::Manual => "manual (sysrq)",
            Limit::Unknown => "unknown limit",
        }
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What filled a cgroup (or, for a host OOM, the host) at the kill, in kB; each part
/// null when the block does not print it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filled {
    /// Anonymous memory (v2 `anon`, v1 `rss`).
    pub anon_kb: Option<u64>,
    /// Page cache less shmem (v2 `file`, v1 `cache`, minus `shmem`).
    pub page_cache_kb: Option<u64>,
    /// shmem and tmpfs (`shmem`).
    pub shmem_kb: Option<u64>,
    /// Kernel memory (v1 `kmem: usage`, v2 `kernel`, else its parts summed).
    pub kernel_kb: Option<u64>,
    /// Swap used (v1 memsw − memory, v2 `swap: usage`, host: total − free swap).
    pub swap_kb: Option<u64>,
}

/// The verdict of one kill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Which limit fired.
    pub limit: Limit,
    /// The cgroup whose limit fired (cgroup limits only; null when not named).
    pub cgroup: Option<String>,
    /// The usage and limit of that cgroup at the kill, in kB.
    pub usage_kb: Option<u64>,
    pub limit_kb: Option<u64>,
    /// A host OOM's RAM (`pages RAM` × 4 KiB), free RAM and swap from its Mem-Info.
    pub ram_kb: Option<u64>,
    pub free_kb: Option<u64>,
    pub swap_total_kb: Option<u64>,
    pub swap_free_kb: Option<u64>,
    /// What filled it.
    pub filled: Filled,
    /// The largest part of `filled` (`anon`, `page_cache`, `shmem`, `kernel`, `swap`),
    /// null when nothing was printed.
    pub mostly: Option<String>,
    /// Node-wide limits: who held the memory, from the task table (absent when the
    /// block printed none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_by: Option<HeldBy>,
    /// One sentence: which limit fired and why, with the numbers.
    pub summary: String,
}

/// Who held the memory at a node-wide OOM, from its task table (resident = `rss`
/// pages × 4 KiB, or `rss_anon` + `rss_file` + `rss_shmem`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldBy {
    /// What the groups are: `comm` (the task's name) — no source maps a task-table
    /// pid to its pod or unit at the kill's time, so groups are never pods or units
    /// guessed.
    pub grouped_by: String,
    /// The resident memory of every task in the table, in kB.
    pub tasks_kb: u64,
    /// How many tasks the table listed.
    pub tasks: usize,
    /// The largest processes (at most 5), largest first.
    pub top_processes: Vec<Holder>,
    /// The largest groups (at most 5), largest first.
    pub top_groups: Vec<Holder>,
}

/// A process or a group of them, with its resident memory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    /// The process's or group's name.
    pub name: String,
    /// The process's pid (processes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u64>,
    /// How many processes (groups only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processes: Option<usize>,
    pub rss_kb: u64,
    /// Its share of the node's RAM, one decimal (null when RAM is not known).
    pub share_of_ram_pct: Option<f64>,
}
