//! Kubernetes and cgroup enrichment. So far: what a cgroup path names (pod UID, QoS
//! class, container id and runtime), cgroup snapshots read from a bundle, and the
//! names its pod files and listings tell.

pub mod capture;
pub mod cgroup_path;
pub mod cgroup_snapshot;
pub mod events;
pub mod names;
pub mod nodes;
pub mod pod_files;
pub mod runtime;
pub mod yaml;
