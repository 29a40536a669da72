//! The closed vocabularies of the document: what kind of OOM a kill was, the scope of
//! an incident, what kind of death a report tells. Each serializes as the snake_case
//! string the JSON has always carried (`docs/json-schema.md`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What limit a kernel OOM kill was about, from the strongest evidence in its block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OomKind {
    /// A memory cgroup's limit (`CONSTRAINT_MEMCG`, memcg counters, `Task in … limit of`).
    Cgroup,
    /// The host's memory (`CONSTRAINT_NONE`, `Mem-Info`, a global kill line).
    Host,
    /// A cpuset's memory nodes (`CONSTRAINT_CPUSET`).
    Cpuset,
    /// A memory policy's nodes (`CONSTRAINT_MEMORY_POLICY`).
    MemoryPolicy,
    /// Another constraint the kernel named, lower-cased without `CONSTRAINT_`.
    Other(String),
}

impl OomKind {
    /// The kind a `constraint=` value names.
    pub fn from_constraint(constraint: &str) -> OomKind {
        match constraint {
            "CONSTRAINT_MEMCG" => OomKind::Cgroup,
            "CONSTRAINT_NONE" => OomKind::Host,
            other => OomKind::from_name(&other.trim_start_matches("CONSTRAINT_").to_lowercase()),
        }
    }

    /// The kind of a name as serialized.
    pub fn from_name(name: &str) -> OomKind {
        match name {
            "cgroup" => OomKind::Cgroup,
            "host" => OomKind::Host,
            "cpuset" => OomKind::Cpuset,
            "memory_policy" => OomKind::MemoryPolicy,
            other => OomKind::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            OomKind::Cgroup => "cgroup",
            OomKind::Host => "host",
            OomKind::Cpuset => "cpuset",
            OomKind::MemoryPolicy => "memory_policy",
            OomKind::Other(s) => s,
        }
    }
}

impl From<&str> for OomKind {
    fn from(name: &str) -> OomKind {
        OomKind::from_name(name)
    }
}

impl std::fmt::Display for OomKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OomKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OomKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(OomKind::from_name(&String::deserialize(d)?))
    }
}

/// What an incident groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The kills of one container of a pod (by name, so restarts stay together).
    Container,
    /// Pod-level kills of one pod.
    Pod,
    /// The kills of one cgroup that is not a pod's.
    Cgroup,
    /// The host OOMs of one node.
    Host,
    /// The kills at one node's allocatable limit (the kubepods root), whatever pod.
    NodeAllocatable,
    /// The cpuset-constrained OOMs of one node.
    Cpuset,
    /// The memory-policy-constrained OOMs of one node.
    MemoryPolicy,
    /// The OOM kills requested by hand (sysrq-f) on one node.
    Manual,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Container => "container",
            Scope::Pod => "pod",
            Scope::Cgroup => "cgroup",
            Scope::Host => "host",
            Scope::NodeAllocatable => "node_allocatable",
            Scope::Cpuset => "cpuset",
            Scope::MemoryPolicy => "memory_policy",
            Scope::Manual => "manual",
        }
    }

    /// Is the incident a node's rather than one workload's?
    pub fn is_node_wide(self) -> bool {
        !matches!(self, Scope::Container | Scope::Pod | Scope::Cgroup)
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a death that is not a kernel OOM kill was (or what a report says of one).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DeathKind {
    /// An OOM report that ended in `Kernel panic - not syncing`.
    #[default]
    Panic,
    /// systemd-oomd (or Facebook's oomd) killed a cgroup.
    OomdKill,
    /// A systemd unit failed with result `oom-kill`.
    UnitOomFailed,
    /// systemd: a process of a unit was killed by the OOM killer.
    UnitProcessOomKilled,
    /// earlyoom killed a process.
    EarlyoomKill,
    /// kubelet evicted a pod (memory pressure).
    Eviction,
    /// A Kubernetes component reported an OOM (SystemOOM, OOMKilling, TaskOOM, …).
    K8sOomReport,
    /// A pod status says a container was OOMKilled.
    K8sOomkilled,
    /// A pod status says a container exited with code 137.
    #[serde(rename = "k8s_exit_137")]
    K8sExit137,
    /// A container is in CrashLoopBackOff (pod status or a BackOff event).
    K8sCrashloop,
    /// The node reported memory pressure (EvictionThresholdMet,
    /// NodeHasInsufficientMemory events).
    NodeMemoryPressure,
}

impl DeathKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeathKind::Panic => "panic",
            DeathKind::OomdKill => "oomd_kill",
            DeathKind::UnitOomFailed => "unit_oom_failed",
            DeathKind::UnitProcessOomKilled => "unit_process_oom_killed",
            DeathKind::EarlyoomKill => "earlyoom_kill",
            DeathKind::Eviction => "eviction",
            DeathKind::K8sOomReport => "k8s_oom_report",
            DeathKind::K8sOomkilled => "k8s_oomkilled",
            DeathKind::K8sExit137 => "k8s_exit_137",
            DeathKind::K8sCrashloop => "k8s_crashloop",
            DeathKind::NodeMemoryPressure => "node_memory_pressure",
        }
    }

    /// Is this a report by Kubernetes (or its runtime) rather than a killer's own line?
    pub fn is_kubernetes_report(self) -> bool {
        matches!(
            self,
            DeathKind::K8sOomReport | DeathKind::K8sOomkilled | DeathKind::K8sExit137
        )
    }
}

impl std::fmt::Display for DeathKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the name of a pod or a container came from (`pod.name_source`,
/// `container.name_source`). When several sources name the same pod or container,
/// the most exact wins ([`NameSource::rank`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameSource {
    /// A kubelet log line (`pod="ns/name" podUID=…`, `("name_ns(uid)")`).
    KubeletLog,
    /// A pod object: pod JSON or YAML, `kubectl describe pods`.
    PodObject,
    /// `crictl inspect` / `crictl inspectp`.
    Crictl,
    /// `docker inspect`.
    Docker,
    /// A `/var/log/pods/…` or `/var/log/containers/…` path.
    LogPath,
    /// A runtime listing: `docker ps`, `crictl ps`, `crictl pods` (tables or `-o json`).
    RuntimeListing,
    /// A Kubernetes Event object (`involvedObject` of kind Pod: events.yaml/json of a
    /// must-gather or support bundle).
    EventObject,
}

impl NameSource {
    pub fn as_str(self) -> &'static str {
        match self {
            NameSource::KubeletLog => "kubelet_log",
            NameSource::PodObject => "pod_object",
            NameSource::Crictl => "crictl",
            NameSource::Docker => "docker",
            NameSource::LogPath => "log_path",
            NameSource::RuntimeListing => "runtime_listing",
            NameSource::EventObject => "event_object",
        }
    }

    /// How exact the source is, higher the more: the runtime's own record of a
    /// container (`crictl`/`docker inspect`) > the pod object or an Event about it (the
    /// API server's) > a runtime listing > a kubelet log line > a log path.
    pub fn rank(self) -> u8 {
        match self {
            NameSource::Crictl | NameSource::Docker => 4,
            NameSource::PodObject | NameSource::EventObject => 3,
            NameSource::RuntimeListing => 2,
            NameSource::KubeletLog => 1,
            NameSource::LogPath => 0,
        }
    }

    /// What the HTML says of it: `crictl inspect`, `a kubelet log line`, ….
    pub fn describe(self) -> &'static str {
        match self {
            NameSource::KubeletLog => "a kubelet log line",
            NameSource::PodObject => "the pod object",
            NameSource::Crictl => "crictl inspect",
            NameSource::Docker => "docker inspect",
            NameSource::LogPath => "a container log path",
            NameSource::RuntimeListing => "a runtime listing",
            NameSource::EventObject => "a Kubernetes event",
        }
    }
}

impl std::fmt::Display for NameSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j<T: Serialize>(v: &T) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn serialize_as_the_json_always_had_them() {
        assert_eq!(
            j(&OomKind::from_constraint("CONSTRAINT_MEMCG")),
            "\"cgroup\""
        );
        assert_eq!(j(&OomKind::from_constraint("CONSTRAINT_NONE")), "\"host\"");
        assert_eq!(
            j(&OomKind::from_constraint("CONSTRAINT_MEMORY_POLICY")),
            "\"memory_policy\""
        );
        assert_eq!(
            OomKind::from_constraint("CONSTRAINT_NEW_THING"),
            OomKind::Other("new_thing".into())
        );
        assert_eq!(j(&Scope::Container), "\"container\"");
        for sc in [
            Scope::Container,
            Scope::Pod,
            Scope::Cgroup,
            Scope::Host,
            Scope::NodeAllocatable,
            Scope::Cpuset,
            Scope::MemoryPolicy,
            Scope::Manual,
        ] {
            assert_eq!(j(&sc), format!("\"{}\"", sc.as_str()));
        }
        assert_eq!(j(&DeathKind::K8sExit137), "\"k8s_exit_137\"");
        assert_eq!(
            j(&DeathKind::UnitProcessOomKilled),
            "\"unit_process_oom_killed\""
        );
        for k in [
            DeathKind::Panic,
            DeathKind::OomdKill,
            DeathKind::UnitOomFailed,
            DeathKind::UnitProcessOomKilled,
            DeathKind::EarlyoomKill,
            DeathKind::Eviction,
            DeathKind::K8sOomReport,
            DeathKind::K8sOomkilled,
            DeathKind::K8sExit137,
            DeathKind::K8sCrashloop,
            DeathKind::NodeMemoryPressure,
        ] {
            assert_eq!(j(&k), format!("\"{}\"", k.as_str()));
            let back: DeathKind = serde_json::from_str(&j(&k)).unwrap();
            assert_eq!(back, k);
        }
        for n in [
            NameSource::KubeletLog,
            NameSource::PodObject,
            NameSource::Crictl,
            NameSource::Docker,
            NameSource::LogPath,
            NameSource::RuntimeListing,
        ] {
            assert_eq!(j(&n), format!("\"{}\"", n.as_str()));
            let back: NameSource = serde_json::from_str(&j(&n)).unwrap();
            assert_eq!(back, n);
        }
        let back: OomKind = serde_json::from_str("\"cpuset\"").unwrap();
        assert_eq!(back, OomKind::Cpuset);
    }
}
