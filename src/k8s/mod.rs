//! Kubernetes and cgroup enrichment. So far: what a cgroup path names (pod UID, QoS
//! class, container id and runtime), and cgroup snapshots read from a bundle.

pub mod cgroup_path;
pub mod cgroup_snapshot;
pub mod events;
pub mod names;
pub mod yaml;
