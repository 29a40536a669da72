//! Kubernetes and cgroup enrichment. So far: what a cgroup path names (pod UID, QoS
//! class, container id and runtime).

pub mod cgroup_path;
