//! Pod UID → namespace and name, container id → container name, and what Kubernetes
//! declared for them (limits, requests, QoS, last termination), from every source a
//! bundle may hold:
//! - kubelet log lines in any envelope: structured klog
//!   (`pod="shop/checkout-7c9f" podUID="7d1c…" containerName="app" containerID="containerd://4f3a…"`)
//!   and the older `("checkout-7c9f_shop(7d1c…)")` form of `pod_workers.go`;
//! - `/var/log/pods/<ns>_<pod>_<uid>/<container>/` and
//!   `/var/log/containers/<pod>_<ns>_<container>-<id>.log` paths;
//! - `docker ps -a` (`k8s_<container>_<pod>_<ns>_<uid>_<n>` names), `crictl ps -a` and
//!   `crictl pods` outputs;
//! - pod JSON (`kubectl get pods -o json`, support bundles' `cluster-resources/pods/*.json`);
//! - the container runtime's JSON (`crictl inspect`/`inspectp`, `docker inspect`:
//!   [`super::runtime`], which fills this index through `add_pod`, `add_container`
//!   and `container_limit`).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::model::{Container, NameSource, OomEvent, Pod};
use regex::bytes::Regex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// What is known of one container of a pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContainerInfo {
    pub id: Option<String>,
    /// Where the link of `id` to this container's name came from.
    pub id_source: Option<NameSource>,
    pub limit_bytes: Option<u64>,
    /// Where `limit_bytes` came from when a runtime gave it (`crictl`, `docker`: the
    /// limit the runtime applied, which wins over the pod object's spec); `None` with a
    /// limit: the pod object.
    pub limit_source: Option<NameSource>,
    pub request_bytes: Option<u64>,
    pub restart_count: Option<u64>,
    /// `lastState.terminated.reason` (`OOMKilled`, `Error`, …).
    pub last_terminated_reason: Option<String>,
    pub last_exit_code: Option<i64>,
    /// `lastState.terminated.finishedAt` as printed.
    pub last_finished_at: Option<String>,
    /// `lastState.terminated.containerID`: the container instance that ended.
    pub last_container_id: Option<String>,
    /// `state.waiting.reason` (`CrashLoopBackOff`, …).
    pub waiting_reason: Option<String>,
    /// `state.terminated`: the container as it is now (a Job's, one not restarted).
    pub terminated: Option<Terminated>,
}

/// A container status's `state.terminated`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Terminated {
    pub reason: Option<String>,
    pub exit_code: Option<i64>,
    pub finished_at: Option<String>,
    pub container_id: Option<String>,
}

/// What is known of one pod.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PodInfo {
    pub uid: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// Where `namespace` and `name` came from.
    pub name_source: Option<NameSource>,
    /// A static pod's: its mirror pod's `metadata.uid` (the entry is keyed by the
    /// config hash, the UID its cgroup path shows).
    pub api_uid: Option<String>,
    pub qos: Option<String>,
    pub node: Option<String>,
    /// `status.reason` / `status.message` (`Evicted`, "The node was low on resource: memory…").
    pub status_reason: Option<String>,
    pub status_message: Option<String>,
    pub containers: BTreeMap<String, ContainerInfo>,
}

/// Names from all sources, merged: of two names for one pod or container the more exact
/// source's wins (`NameSource::rank`; of two equally exact, the smaller name), so the
/// order files are read in does not matter; other facts a later source fills when
/// earlier ones lacked them.
#[derive(Debug, Default, Clone)]
pub struct NameIndex {
    /// Memory deaths Kubernetes reported in Event objects and `kubectl describe` text.
    pub reports: Vec<crate::model::OtherDeath>,
    pub pods: BTreeMap<String, PodInfo>,
    /// Container id (full, or a 12/13-character prefix from `crictl`/`docker ps`) →
    /// (pod uid if known, container name, pod name and namespace if known).
    pub containers: BTreeMap<String, ContainerRef>,
    /// Node objects (`super::nodes`), in the order read.
    pub nodes: Vec<super::nodes::NodeObject>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContainerRef {
    pub pod_uid: Option<String>,
    pub name: String,
    pub pod_name: Option<String>,
    pub namespace: Option<String>,
    /// Where `name` came from.
    pub source: NameSource,
    /// Where `pod_name` and `namespace` came from (when known).
    pub pod_source: Option<NameSource>,
    /// The runtime that runs it, when the source is the runtime's own record
    /// (`docker inspect`: `docker`; `crictl inspect` on containerd: `containerd`).
    pub runtime: Option<&'static str>,
}

impl ContainerRef {
    /// A container's name (and what it says of its pod) from one source.
    pub fn new(
        name: &str,
        pod_uid: Option<String>,
        pod_name: Option<String>,
        namespace: Option<String>,
        source: NameSource,
    ) -> ContainerRef {
        ContainerRef {
            pod_source: pod_name.as_ref().map(|_| source),
            pod_uid,
            name: name.to_string(),
            pod_name,
            namespace,
            source,
            runtime: None,
        }
    }
}

/// Does a value named by `new` replace one named by `old`? The more exact source
/// wins; of two equally exact, the smaller value (whatever order they came in).
fn replaces<T: Ord>(new: (NameSource, T), old: Option<(NameSource, T)>) -> bool {
    old.is_none_or(|(os, ov)| {
        (new.0.rank(), std::cmp::Reverse(new.1)) > (os.rank(), std::cmp::Reverse(ov))
    })
}

impl PodInfo {
    /// Names the pod from `source`, unless a more exact source named it already.
    fn set_name(&mut self, namespace: &str, name: &str, source: NameSource) {
        let old = self
            .name_source
            .zip(self.namespace.as_deref().zip(self.name.as_deref()));
        if replaces((source, (namespace, name)), old) {
            self.namespace = Some(namespace.to_string());
            self.name = Some(name.to_string());
            self.name_source = Some(source);
        }
    }
}

impl ContainerInfo {
    /// Links the container's name to a container id from `source` (the first id
    /// stays: a container's ids differ across restarts).
    /// Keeps the limit of the more exact source (`NameSource::rank`: the runtime's
    /// applied limit over the pod object's spec, which an in-place resize may have
    /// changed since); of two equally exact, the smaller, so the order files are read
    /// in does not matter.
    pub fn set_limit(&mut self, bytes: u64, source: NameSource) {
        let mine = self
            .limit_bytes
            .map(|b| (self.limit_source.unwrap_or(NameSource::PodObject).rank(), b));
        let better = mine
            .is_none_or(|(rank, b)| source.rank() > rank || (source.rank() == rank && bytes < b));
        if better {
            self.limit_bytes = Some(bytes);
            self.limit_source = (source != NameSource::PodObject).then_some(source);
        }
    }

    fn set_id(&mut self, id: &str, source: NameSource) {
        if self.id.is_none() {
            self.id = Some(id.to_string());
            self.id_source = Some(source);
        }
    }
}

fn is_uid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.bytes().all(|b| b.is_ascii_hexdigit()))
        || (s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub(crate) fn norm_uid(s: &str) -> String {
    s.replace('_', "-").to_lowercase()
}

/// `containerd://<id>`, `cri-o://<id>`, `docker://<id>` → id.
pub(crate) fn strip_runtime(id: &str) -> String {
    id.rsplit("://").next().unwrap_or(id).to_lowercase()
}

impl NameIndex {
    fn pod(&mut self, uid: &str) -> &mut PodInfo {
        let uid = norm_uid(uid);
        self.pods.entry(uid.clone()).or_insert_with(|| PodInfo {
            uid,
            ..PodInfo::default()
        })
    }

    /// Records a pod's namespace and name, as `source` tells them.
    pub fn add_pod(&mut self, uid: &str, namespace: &str, name: &str, source: NameSource) {
        if !is_uid(&norm_uid(uid)) {
            return;
        }
        self.pod(uid).set_name(namespace, name, source);
    }

    /// Records a container id's name (and pod, when known).
    pub fn add_container(&mut self, id: &str, r: ContainerRef) {
        let id = strip_runtime(id);
        if id.len() < 12 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return;
        }
        if let Some(uid) = &r.pod_uid {
            let p = self.pod(uid);
            p.containers
                .entry(r.name.clone())
                .or_default()
                .set_id(&id, r.source);
        }
        let Some(e) = self.containers.get_mut(&id) else {
            self.containers.insert(id, r);
            return;
        };
        if replaces((r.source, &r.name), Some((e.source, &e.name))) {
            e.name.clone_from(&r.name);
            e.source = r.source;
        }
        e.pod_uid = e.pod_uid.take().or(r.pod_uid);
        e.runtime = e.runtime.or(r.runtime);
        if let (Some(pod), Some(source)) = (r.pod_name, r.pod_source) {
            let old = e
                .pod_source
                .zip(e.pod_name.as_deref().map(|n| (n, e.namespace.as_deref())));
            if replaces((source, (pod.as_str(), r.namespace.as_deref())), old) {
                // A namespace the better source lacks stays when it names the same pod.
                if r.namespace.is_some() || e.pod_name.as_deref() != Some(pod.as_str()) {
                    e.namespace = r.namespace;
                }
                e.pod_name = Some(pod);
                e.pod_source = Some(source);
            }
        }
    }

    /// Records a container's memory limit (bytes) in its pod, when none is known yet.
    pub fn container_limit(&mut self, uid: &str, container: &str, bytes: u64, source: NameSource) {
        if !is_uid(&norm_uid(uid)) || bytes == 0 {
            return;
        }
        self.pod(uid)
            .containers
            .entry(container.to_string())
            .or_default()
            .set_limit(bytes, source);
    }

    /// Merges another index into this one.
    pub fn merge(&mut self, other: NameIndex) {
        self.reports.extend(other.reports);
        self.nodes.extend(other.nodes);
        for (uid, p) in other.pods {
            let mine = self.pod(&uid);
            if let (Some(ns), Some(name), Some(source)) = (&p.namespace, &p.name, p.name_source) {
                mine.set_name(ns, name, source);
            }
            mine.api_uid = mine.api_uid.take().or(p.api_uid);
            mine.qos = mine.qos.take().or(p.qos);
            mine.node = mine.node.take().or(p.node);
            mine.status_reason = mine.status_reason.take().or(p.status_reason);
            mine.status_message = mine.status_message.take().or(p.status_message);
            for (n, c) in p.containers {
                let m = mine.containers.entry(n).or_default();
                if let (Some(id), Some(source)) = (&c.id, c.id_source) {
                    m.set_id(id, source);
                }
                if let Some(b) = c.limit_bytes {
                    m.set_limit(b, c.limit_source.unwrap_or(NameSource::PodObject));
                }
                m.request_bytes = m.request_bytes.or(c.request_bytes);
                m.restart_count = m.restart_count.or(c.restart_count);
                m.last_terminated_reason =
                    m.last_terminated_reason.take().or(c.last_terminated_reason);
                m.last_exit_code = m.last_exit_code.or(c.last_exit_code);
                m.last_finished_at = m.last_finished_at.take().or(c.last_finished_at);
                m.last_container_id = m.last_container_id.take().or(c.last_container_id);
                m.waiting_reason = m.waiting_reason.take().or(c.waiting_reason);
                m.terminated = m.terminated.take().or(c.terminated);
            }
        }
        for (id, r) in other.containers {
            self.add_container(&id, r);
        }
    }

    /// A kubelet log message (any envelope removed or not). Structured klog fields are
    /// read by hand (this runs on every line the scan keeps); the older
    /// `("name_ns(uid)")` form by a regex, only on lines that hold `("`.
    pub fn kubelet_line(&mut self, msg: &[u8]) {
        static OLD: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r#"\("([a-z0-9][-a-z0-9.]*)_([a-z0-9][-a-z0-9]*)\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)""#)
                .expect("static regex")
        });
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        if let Some(uid) = field(msg, b"podUID=")
            .map(|v| {
                let n = v
                    .iter()
                    .take(36)
                    .take_while(|c| c.is_ascii_hexdigit() || **c == b'-' || **c == b'_')
                    .count();
                v.get(..n).unwrap_or_default()
            })
            .filter(|u| u.len() >= 32)
            && let Some((ns, name)) = field(msg, b"pod=")
                .and_then(|v| v.split(|c| *c == b'/').collect::<Vec<_>>().try_into().ok())
                .filter(|[ns, name]: &[&[u8]; 2]| is_name(ns) && is_name(name))
                .map(|[ns, name]| (text(ns), text(name)))
        {
            let uid = text(uid);
            self.add_pod(&uid, &ns, &name, NameSource::KubeletLog);
            if let (Some(cn), Some(id)) = (
                field(msg, b"containerName=").filter(|c| is_name(c)),
                field(msg, b"containerID="),
            ) {
                let id = strip_runtime(&text(id));
                if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                    self.add_container(
                        &id,
                        ContainerRef::new(
                            &text(cn),
                            Some(norm_uid(&uid)),
                            Some(name),
                            Some(ns),
                            NameSource::KubeletLog,
                        ),
                    );
                }
            }
        }
        if crate::util::find(msg, b"(\"").is_none() {
            return;
        }
        for c in OLD.captures_iter(msg) {
            let g = |i| c.get(i).map(|m| text(m.as_bytes())).unwrap_or_default();
            let (name, ns, uid) = (g(1), g(2), g(3));
            self.add_pod(&uid, &ns, &name, NameSource::KubeletLog);
        }
    }

    /// A path inside a bundle: `var/log/pods/<ns>_<pod>_<uid>/<container>/…` or
    /// `var/log/containers/<pod>_<ns>_<container>-<id>.log`.
    pub fn log_path(&mut self, rel: &str) {
        let comps: Vec<&str> = rel.split('/').collect();
        if let Some(i) = comps.iter().position(|c| *c == "pods")
            && i > 0
            && comps.get(i - 1) == Some(&"log")
            && let Some(dir) = comps.get(i + 1)
        {
            let parts: Vec<&str> = dir.splitn(3, '_').collect();
            if let &[ns, name, uid] = parts.as_slice() {
                self.add_pod(uid, ns, name, NameSource::LogPath);
                if let Some(container) = comps.get(i + 2).filter(|_| comps.len() > i + 3) {
                    self.pod(uid)
                        .containers
                        .entry((*container).to_string())
                        .or_default();
                }
            }
        }
        if let Some(i) = comps.iter().position(|c| *c == "containers")
            && i > 0
            && comps.get(i - 1) == Some(&"log")
            && let Some(file) = comps.get(i + 1).and_then(|f| f.strip_suffix(".log"))
        {
            let parts: Vec<&str> = file.splitn(3, '_').collect();
            if let &[pod, ns, rest] = parts.as_slice()
                && let Some((container, id)) = rest.rsplit_once('-')
                && id.len() == 64
            {
                self.add_container(
                    id,
                    ContainerRef::new(
                        container,
                        None,
                        Some(pod.to_string()),
                        Some(ns.to_string()),
                        NameSource::LogPath,
                    ),
                );
            }
        }
    }

    /// `docker ps -a` output: `k8s_<container>_<pod>_<ns>_<uid>_<attempt>` names.
    pub fn docker_ps(&mut self, text: &str) {
        for line in text.lines().skip(1) {
            let toks: Vec<&str> = line.split_whitespace().collect();
            let (Some(id), Some(name)) = (toks.first(), toks.last()) else {
                continue;
            };
            if let Some((container, pod, ns, uid)) = docker_k8s_name(name)
                && container != "POD"
            {
                self.add_pod(uid, ns, pod, NameSource::RuntimeListing);
                self.add_container(
                    id,
                    ContainerRef::new(
                        container,
                        Some(norm_uid(uid)),
                        Some(pod.to_string()),
                        Some(ns.to_string()),
                        NameSource::RuntimeListing,
                    ),
                );
            }
        }
    }

    /// `crictl ps -a`: `CONTAINER IMAGE CREATED STATE NAME ATTEMPT POD ID [POD]`.
    /// Pod names come from `crictl pods` (`POD ID CREATED STATE NAME NAMESPACE …`).
    pub fn crictl(&mut self, ps: &str, pods: &str) {
        let mut sandboxes: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut lines = pods.lines();
        if let Some(h) = lines.next() {
            let name_at = h.find("NAME");
            let ns_at = h.find("NAMESPACE");
            if let (Some(_), Some(_)) = (name_at, ns_at) {
                for l in lines {
                    let toks: Vec<&str> = l.split_whitespace().collect();
                    // POD ID, CREATED (several words), STATE, NAME, NAMESPACE, ATTEMPT, RUNTIME
                    if let Some(si) = toks.iter().position(|t| *t == "Ready" || *t == "NotReady")
                        && let (Some(id), Some(name), Some(ns)) =
                            (toks.first(), toks.get(si + 1), toks.get(si + 2))
                    {
                        sandboxes.insert(id.to_string(), (name.to_string(), ns.to_string()));
                    }
                }
            }
        }
        for l in ps.lines().skip(1) {
            let toks: Vec<&str> = l.split_whitespace().collect();
            let Some(si) = toks
                .iter()
                .position(|t| matches!(*t, "Running" | "Exited" | "Created" | "Unknown"))
            else {
                continue;
            };
            let (Some(id), Some(name), Some(pod_id)) =
                (toks.first(), toks.get(si + 1), toks.get(si + 3))
            else {
                continue;
            };
            let (pod_name, namespace) = sandboxes.get(*pod_id).cloned().map_or(
                (toks.get(si + 4).map(|s| s.to_string()), None),
                |(n, ns)| (Some(n), Some(ns)),
            );
            self.add_container(
                id,
                ContainerRef::new(name, None, pod_name, namespace, NameSource::RuntimeListing),
            );
        }
    }

    /// `kubectl describe pods` text: per pod its name, namespace, node, QoS, and per
    /// container its id, last termination (reason, exit code, finish time), restart
    /// count and memory limit/request. Pods are keyed `describe:<ns>/<name>` (the text
    /// has no UID).
    pub fn describe_pods(&mut self, text: &str) {
        let mut pod: Option<PodInfo> = None;
        let mut container: Option<String> = None;
        let mut section = "";
        let flush = |p: Option<PodInfo>, idx: &mut NameIndex| {
            if let Some(p) = p
                && p.name.is_some()
            {
                let key = format!(
                    "describe:{}/{}",
                    p.namespace.as_deref().unwrap_or(""),
                    p.name.as_deref().unwrap_or("")
                );
                idx.pods.insert(
                    key.clone(),
                    PodInfo {
                        uid: key,
                        name_source: Some(NameSource::PodObject),
                        ..p
                    },
                );
            }
        };
        for line in text.lines() {
            let indent = line.len() - line.trim_start().len();
            let t = line.trim();
            let (k, v) = t
                .split_once(':')
                .map_or((t, ""), |(k, v)| (k.trim(), v.trim()));
            if indent == 0 {
                if k == "Name" {
                    flush(pod.take(), self);
                    pod = Some(PodInfo {
                        name: Some(v.to_string()),
                        ..PodInfo::default()
                    });
                    container = None;
                }
                section = k;
                let Some(p) = pod.as_mut() else { continue };
                match k {
                    "Namespace" => p.namespace = Some(v.to_string()),
                    "Node" => p.node = Some(v.split('/').next().unwrap_or(v).to_string()),
                    "QoS Class" => p.qos = Some(v.to_lowercase()),
                    "Status" => {
                        p.status_reason = p
                            .status_reason
                            .take()
                            .or((v == "Failed").then(|| v.to_string()))
                    }
                    "Reason" => p.status_reason = Some(v.to_string()),
                    "Message" => p.status_message = Some(v.to_string()),
                    _ => {}
                }
                continue;
            }
            let Some(p) = pod.as_mut() else { continue };
            if section == "Containers" && indent == 2 && v.is_empty() && t.ends_with(':') {
                container = Some(k.to_string());
                p.containers.entry(k.to_string()).or_default();
                continue;
            }
            let (Some(c), "Containers") = (container.as_ref(), section) else {
                continue;
            };
            let e = p.containers.entry(c.clone()).or_default();
            match k {
                "Container ID" => {
                    e.id = Some(strip_runtime(v));
                    e.id_source = Some(NameSource::PodObject);
                }
                "Reason" if indent >= 6 => e.last_terminated_reason = Some(v.to_string()),
                "Exit Code" if indent >= 6 => e.last_exit_code = v.parse().ok(),
                "Finished" if indent >= 6 => e.last_finished_at = Some(v.to_string()),
                "Restart Count" => e.restart_count = v.parse().ok(),
                "memory" if indent >= 6 => {
                    // Limits come before Requests in kubectl's layout.
                    if e.limit_bytes.is_none() && e.request_bytes.is_none() {
                        e.limit_bytes = quantity(v);
                    } else {
                        e.request_bytes = quantity(v);
                    }
                }
                _ => {}
            }
        }
        flush(pod.take(), self);
    }

    /// Pod YAML (`oc get pod -o yaml`, must-gather's `namespaces/*/pods/*/*.yaml`).
    pub fn pod_yaml(&mut self, bytes: &[u8]) {
        self.pods_value(&super::yaml::parse(&String::from_utf8_lossy(bytes)));
    }

    /// Pod JSON: a `List`/`PodList` (`items`), a bare array, or one pod.
    pub fn pod_json(&mut self, bytes: &[u8]) -> Result<(), String> {
        let v: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| format!("invalid pod JSON: {e}"))?;
        self.pods_value(&v);
        Ok(())
    }

    // `serde_json::Value`'s `[]` on a shared value yields `Null` for a missing key or a
    // non-object: it never panics.
    #[allow(clippy::indexing_slicing)]
    fn pods_value(&mut self, v: &serde_json::Value) {
        let items: Vec<&serde_json::Value> = match v {
            serde_json::Value::Array(a) => a.iter().collect(),
            o if o.get("items").is_some() => o["items"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            o => vec![o],
        };
        for pod in items {
            let meta = &pod["metadata"];
            // A static pod's mirror: the kubelet (and the pod's cgroup path) knows it
            // by its config hash, the API by `metadata.uid`. Keyed by the hash alone,
            // so one pod object is one pod (and one report of each termination).
            let hash = static_pod_hash(&meta["annotations"]);
            let api_uid = meta["uid"].as_str();
            let (Some(uid), Some(ns), Some(name)) = (
                hash.or(api_uid),
                meta["namespace"].as_str(),
                meta["name"].as_str(),
            ) else {
                continue;
            };
            self.add_pod(uid, ns, name, NameSource::PodObject);
            let uid = norm_uid(uid);
            let info = self.pod(&uid);
            if hash.is_some() {
                info.api_uid = info
                    .api_uid
                    .take()
                    .or(api_uid.map(norm_uid).filter(|a| *a != uid));
            }
            info.qos = info
                .qos
                .take()
                .or(pod["status"]["qosClass"].as_str().map(|q| q.to_lowercase()));
            info.node = info
                .node
                .take()
                .or(pod["spec"]["nodeName"].as_str().map(str::to_string));
            info.status_reason = info
                .status_reason
                .take()
                .or(pod["status"]["reason"].as_str().map(str::to_string));
            info.status_message = info
                .status_message
                .take()
                .or(pod["status"]["message"].as_str().map(str::to_string));
            // Regular, init and ephemeral containers alike.
            let spec = &pod["spec"];
            let specs = ["containers", "initContainers", "ephemeralContainers"];
            for c in specs
                .iter()
                .flat_map(|k| spec[*k].as_array().into_iter().flatten())
            {
                let Some(cname) = c["name"].as_str() else {
                    continue;
                };
                let e = info.containers.entry(cname.to_string()).or_default();
                let res = &c["resources"];
                if let Some(b) = res["limits"]["memory"].as_str().and_then(quantity) {
                    e.set_limit(b, NameSource::PodObject);
                }
                e.request_bytes = e
                    .request_bytes
                    .or(res["requests"]["memory"].as_str().and_then(quantity));
            }
            let mut ids = Vec::new();
            let status = &pod["status"];
            let statuses = [
                "containerStatuses",
                "initContainerStatuses",
                "ephemeralContainerStatuses",
            ];
            for s in statuses
                .iter()
                .flat_map(|k| status[*k].as_array().into_iter().flatten())
            {
                let Some(cname) = s["name"].as_str() else {
                    continue;
                };
                let e = info.containers.entry(cname.to_string()).or_default();
                e.restart_count = e.restart_count.or(s["restartCount"].as_u64());
                let term = &s["lastState"]["terminated"];
                e.last_terminated_reason = e
                    .last_terminated_reason
                    .take()
                    .or(term["reason"].as_str().map(str::to_string));
                e.last_exit_code = e.last_exit_code.or(term["exitCode"].as_i64());
                e.waiting_reason = e
                    .waiting_reason
                    .take()
                    .or(s["state"]["waiting"]["reason"].as_str().map(str::to_string));
                e.last_finished_at = e
                    .last_finished_at
                    .take()
                    .or(term["finishedAt"].as_str().map(str::to_string));
                e.last_container_id = e
                    .last_container_id
                    .take()
                    .or(term["containerID"].as_str().map(strip_runtime));
                if let Some(id) = s["containerID"].as_str() {
                    ids.push((strip_runtime(id), cname.to_string()));
                }
                if let Some(id) = term["containerID"].as_str() {
                    ids.push((strip_runtime(id), cname.to_string()));
                }
                let now = &s["state"]["terminated"];
                if e.terminated.is_none() && now.is_object() {
                    e.terminated = Some(Terminated {
                        reason: now["reason"].as_str().map(str::to_string),
                        exit_code: now["exitCode"].as_i64(),
                        finished_at: now["finishedAt"].as_str().map(str::to_string),
                        container_id: now["containerID"]
                            .as_str()
                            .or(s["containerID"].as_str())
                            .map(strip_runtime),
                    });
                }
            }
            for (id, cname) in ids {
                self.add_container(
                    &id,
                    ContainerRef::new(
                        &cname,
                        Some(uid.clone()),
                        Some(name.to_string()),
                        Some(ns.to_string()),
                        NameSource::PodObject,
                    ),
                );
            }
        }
    }

    fn container_ref(&self, id: &str) -> Option<&ContainerRef> {
        self.containers.get(id).or_else(|| {
            // crictl/docker print 12- or 13-character prefixes.
            let prefix = id.get(..12).unwrap_or(id);
            self.containers
                .range(prefix.to_string()..)
                .take_while(|(k, _)| id.starts_with(k.as_str()) || k.starts_with(prefix))
                .find(|(k, _)| id.starts_with(k.as_str()))
                .map(|(_, v)| v)
        })
    }

    /// Fills what a report (`other_deaths[]`) leaves out of its pod and container:
    /// the pod of a container id the index knows (containerd `TaskOOM` gives the id
    /// alone), the namespace/name of a pod known by UID, the container's name, and a
    /// static pod's mirror UID; each name with where it came from. What the report
    /// itself says is kept.
    pub fn enrich_ref(
        &self,
        pod: &mut Option<crate::model::PodRef>,
        container: &mut Option<crate::model::ContainerRef>,
    ) {
        let cref = container
            .as_ref()
            .and_then(|c| c.id.as_deref())
            .and_then(|id| self.container_ref(id));
        if let Some(c) = container.as_mut()
            && c.name.is_none()
            && let Some(r) = cref
        {
            c.name = Some(r.name.clone());
            c.name_source = Some(r.source);
        }
        if pod.is_none()
            && let Some(uid) = cref.and_then(|r| r.pod_uid.as_ref())
        {
            *pod = Some(crate::model::PodRef {
                uid: Some(uid.clone()),
                ..crate::model::PodRef::default()
            });
        }
        let Some(p) = pod.as_mut() else { return };
        let info = p.uid.as_deref().and_then(|u| self.pods.get(u));
        if let Some(a) = info.and_then(|i| i.api_uid.as_ref()) {
            p.api_uid.get_or_insert_with(|| a.clone());
        }
        if p.name.is_some() {
            return;
        }
        fill_pod_name(
            (&mut p.name, &mut p.namespace, &mut p.name_source),
            info,
            cref,
        );
    }

    /// Fills an event's pod namespace/name and container name.
    pub fn enrich(&self, e: &mut OomEvent) {
        let mut pod = e.pod.take().map(|p| *p);
        let mut container = e.container.take().map(|c| *c);
        self.enrich_ids(&mut pod, &mut container);
        e.pod = pod.map(Box::new);
        e.container = container.map(Box::new);
    }

    /// Fills a pod's namespace/name and a container's name, with where each came
    /// from: of the pod's entry (by UID) and the container's (by id), the more exact.
    pub fn enrich_ids(&self, pod: &mut Option<Pod>, container: &mut Option<Container>) {
        let cref = container.as_ref().and_then(|c| self.container_ref(&c.id));
        if let Some(c) = container.as_mut()
            && c.name.is_none()
            && let Some(r) = cref
        {
            c.name = Some(r.name.clone());
            c.name_source = Some(r.source);
        }
        // A bare id (the cgroupfs driver's path) says no runtime; the runtime's own
        // record of the id does.
        if let Some(c) = container.as_mut()
            && c.runtime.is_none()
            && let Some(rt) = cref.and_then(|r| r.runtime)
        {
            c.runtime = Some(rt.to_string());
        }
        let Some(p) = pod.as_mut() else { return };
        let info = self.pods.get(&p.uid);
        if let Some(a) = info.and_then(|i| i.api_uid.as_ref()) {
            p.api_uid.get_or_insert_with(|| a.clone());
        }
        if let Some(c) = container.as_mut()
            && c.name.is_none()
            && let Some((n, ci)) = info.and_then(|i| {
                i.containers
                    .iter()
                    .find(|(_, ci)| ci.id.as_deref() == Some(c.id.as_str()))
            })
        {
            c.name = Some(n.clone());
            c.name_source = ci.id_source;
        }
        if p.name.is_some() {
            return;
        }
        fill_pod_name(
            (&mut p.name, &mut p.namespace, &mut p.name_source),
            info,
            cref,
        );
    }
}

/// Fills a pod's name, namespace (when it has none) and name source from
/// [`best_pod_name`] (a `Pod` of an event or a `PodRef` of a report).
fn fill_pod_name(
    (name, namespace, source): (
        &mut Option<String>,
        &mut Option<String>,
        &mut Option<NameSource>,
    ),
    info: Option<&PodInfo>,
    cref: Option<&ContainerRef>,
) {
    if let Some((s, n, ns)) = best_pod_name(info, cref) {
        *name = Some(n.clone());
        *namespace = namespace.take().or(ns.clone());
        *source = Some(s);
    }
}

/// The name of a pod from its entry (by UID) or from a container's (by id), the
/// more exact of the two: its source, name and namespace.
fn best_pod_name<'a>(
    info: Option<&'a PodInfo>,
    cref: Option<&'a ContainerRef>,
) -> Option<(NameSource, &'a String, &'a Option<String>)> {
    let by_uid = info.and_then(|i| Some((i.name_source?, i.name.as_ref()?, &i.namespace)));
    let by_id = cref.and_then(|r| Some((r.pod_source?, r.pod_name.as_ref()?, &r.namespace)));
    match (by_uid, by_id) {
        (Some(u), Some(c)) if c.0.rank() > u.0.rank() => Some(c),
        (Some(u), _) => Some(u),
        (None, c) => c,
    }
}

/// A static pod's config hash (`kubernetes.io/config.mirror` on its mirror pod, else
/// `kubernetes.io/config.hash`): 32 hex digits, the UID the kubelet gives the pod.
fn static_pod_hash(annotations: &serde_json::Value) -> Option<&str> {
    ["kubernetes.io/config.mirror", "kubernetes.io/config.hash"]
        .iter()
        .filter_map(|k| annotations.get(*k)?.as_str())
        .map(str::trim)
        .find(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A dockershim container name, `k8s_<container>_<pod>_<ns>_<uid>_<attempt>` (with or
/// without the leading `/` of `docker inspect`'s `Name`) → (container, pod, namespace,
/// pod UID).
pub fn docker_k8s_name(name: &str) -> Option<(&str, &str, &str, &str)> {
    let rest = name.trim_start_matches('/').strip_prefix("k8s_")?;
    let parts: Vec<&str> = rest.split('_').collect();
    match parts.as_slice() {
        &[container, pod, ns, uid, _, ..] => Some((container, pod, ns, uid)),
        _ => None,
    }
}

/// The value of the first `key` in a klog line (`key="value"` or `key=value`), where
/// `key` starts the line or follows a non-word byte.
fn field<'a>(msg: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = msg.get(from..).and_then(|m| crate::util::find(m, key)) {
        let at = from + at;
        from = at + key.len();
        let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
        if at > 0 && msg.get(at - 1).is_some_and(word) {
            continue;
        }
        let v = msg.get(from..).unwrap_or_default();
        return Some(match v.strip_prefix(b"\"") {
            Some(q) => q.get(..memchr::memchr(b'"', q)?).unwrap_or_default(),
            None => v
                .get(
                    ..v.iter()
                        .position(|b| b.is_ascii_whitespace() || *b == b'"')
                        .unwrap_or(v.len()),
                )
                .unwrap_or_default(),
        });
    }
    None
}

/// A Kubernetes object name or namespace: `[a-z0-9][-a-z0-9.]*`.
fn is_name(b: &[u8]) -> bool {
    b.first()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'.')
}

/// A Kubernetes memory quantity (`512Mi`, `1G`, `1.5Gi`, `536870912`, `128974848e0`) in bytes.
pub fn quantity(s: &str) -> Option<u64> {
    let s = s.trim();
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("k", 1e3),
        ("K", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("m", 1e-3),
    ];
    // reason: `f64 as u64` saturates (negative and NaN give 0, too large gives
    // u64::MAX); it cannot panic.
    #[allow(clippy::cast_possible_truncation)]
    let bytes = |v: f64| v.round() as u64;
    for (suf, mult) in SUFFIXES {
        if let Some(n) = s.strip_suffix(suf) {
            return n.parse::<f64>().ok().map(|v| bytes(v * mult));
        }
    }
    s.parse::<f64>().ok().map(bytes)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    const UID: &str = "7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10";
    const ID: &str = "4f3a9c1e7b2d8a6f0c5e9b3d1a7f2c8e6b4d0a9f3e7c1b5d9a2f6e0c4b8d3a7f";

    #[test]
    fn structured_kubelet_line() {
        let mut n = NameIndex::default();
        n.kubelet_line(format!(r#"I0305 10:18:21.101 1344 kuberuntime_container.go:742] "Killing container with a grace period" pod="shop/checkout-7c9f8d-x2k4p" podUID="{UID}" containerName="app" containerID="containerd://{ID}" gracePeriod=30"#).as_bytes());
        let p = &n.pods[UID];
        assert_eq!(
            (p.namespace.as_deref(), p.name.as_deref()),
            (Some("shop"), Some("checkout-7c9f8d-x2k4p"))
        );
        assert_eq!(n.containers[ID].name, "app");
    }

    #[test]
    fn pod_workers_line() {
        let mut n = NameIndex::default();
        n.kubelet_line(format!(r#"E0305 10:18:21.2 1344 pod_workers.go:951] Error syncing pod {UID} ("checkout-7c9f8d-x2k4p_shop({UID})"), skipping: failed"#).as_bytes());
        assert_eq!(n.pods[UID].name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
    }

    #[test]
    fn log_paths() {
        let mut n = NameIndex::default();
        n.log_path(&format!(
            "var/log/pods/shop_checkout-7c9f8d-x2k4p_{UID}/app/0.log"
        ));
        n.log_path(&format!(
            "var/log/containers/checkout-7c9f8d-x2k4p_shop_app-{ID}.log"
        ));
        assert_eq!(n.pods[UID].namespace.as_deref(), Some("shop"));
        assert!(n.pods[UID].containers.contains_key("app"));
        assert_eq!(
            n.containers[ID].pod_name.as_deref(),
            Some("checkout-7c9f8d-x2k4p")
        );
    }

    #[test]
    fn docker_and_crictl() {
        let mut n = NameIndex::default();
        n.docker_ps(&format!("CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES\n4f3a9c1e7b2d   img   \"python\"   2 hours ago   Exited (137) 1 hour ago      k8s_app_checkout-7c9f8d-x2k4p_shop_{UID}_3\n"));
        assert_eq!(n.pods[UID].name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
        let mut e = OomEvent {
            container: Some(Box::new(crate::model::Container {
                id: ID.into(),
                runtime: None,
                name: None,
                name_source: None,
            })),
            ..OomEvent::default()
        };
        n.enrich(&mut e);
        assert_eq!(e.container.unwrap().name.as_deref(), Some("app"));
        let mut n = NameIndex::default();
        n.crictl(
            "CONTAINER           IMAGE               CREATED             STATE               NAME                ATTEMPT             POD ID              POD\n4f3a9c1e7b2d8       sha256:aa           2 hours ago         Exited              app                 3                   9a8b7c6d5e4f3       checkout-7c9f8d-x2k4p\n",
            "POD ID              CREATED             STATE               NAME                    NAMESPACE           ATTEMPT             RUNTIME\n9a8b7c6d5e4f3       3 hours ago         Ready               checkout-7c9f8d-x2k4p   shop                0                   (default)\n",
        );
        let r = n.container_ref(ID).unwrap();
        assert_eq!(
            (r.name.as_str(), r.namespace.as_deref()),
            ("app", Some("shop"))
        );
    }

    #[test]
    fn pod_json_list() {
        let mut n = NameIndex::default();
        let json = format!(
            r#"{{"kind":"PodList","items":[{{"metadata":{{"name":"checkout-7c9f8d-x2k4p","namespace":"shop","uid":"{UID}"}},
            "spec":{{"nodeName":"node1","containers":[{{"name":"app","resources":{{"limits":{{"memory":"512Mi"}},"requests":{{"memory":"256Mi"}}}}}}]}},
            "status":{{"qosClass":"Burstable","containerStatuses":[{{"name":"app","restartCount":4,"containerID":"containerd://{ID}",
            "lastState":{{"terminated":{{"reason":"OOMKilled","exitCode":137}}}}}}]}}}}]}}"#
        );
        n.pod_json(json.as_bytes()).unwrap();
        let c = &n.pods[UID].containers["app"];
        assert_eq!(
            (c.limit_bytes, c.request_bytes, c.restart_count),
            (Some(512 << 20), Some(256 << 20), Some(4))
        );
        assert_eq!(c.last_terminated_reason.as_deref(), Some("OOMKilled"));
        assert_eq!(n.pods[UID].qos.as_deref(), Some("burstable"));
        assert!(n.pod_json(b"{not json").is_err());

        // The runtime's applied limit (the pod was resized in place to 1 GiB) wins
        // over the spec's 512Mi, whichever index is merged into which.
        let mut runtime = NameIndex::default();
        runtime.container_limit(UID, "app", 1 << 30, NameSource::Crictl);
        let mut a = n.clone();
        a.merge(runtime.clone());
        let mut b = runtime;
        b.merge(n.clone());
        for m in [&a, &b] {
            let c = &m.pods[UID].containers["app"];
            assert_eq!(
                (c.limit_bytes, c.limit_source),
                (Some(1 << 30), Some(NameSource::Crictl))
            );
        }
        // A pod object read after it does not undo it; two pod objects: the smaller.
        a.pod_json(json.replace("512Mi", "256Mi").as_bytes())
            .unwrap();
        assert_eq!(a.pods[UID].containers["app"].limit_bytes, Some(1 << 30));
        let mut two = n.clone();
        let mut other = NameIndex::default();
        other
            .pod_json(json.replace("512Mi", "384Mi").as_bytes())
            .unwrap();
        two.merge(other);
        assert_eq!(two.pods[UID].containers["app"].limit_bytes, Some(384 << 20));
    }

    #[test]
    fn describe_text() {
        let mut n = NameIndex::default();
        n.describe_pods("Name:             checkout-7c9f8d-x2k4p\nNamespace:        shop\nNode:             node1/10.0.0.5\nContainers:\n  app:\n    Container ID:   containerd://4f3a9c1e\n    State:          Running\n      Started:      Tue, 05 Mar 2024 10:20:00 +0000\n    Last State:     Terminated\n      Reason:       OOMKilled\n      Exit Code:    137\n      Finished:     Tue, 05 Mar 2024 10:18:21 +0000\n    Restart Count:  3\n    Limits:\n      memory:  512Mi\n    Requests:\n      memory:     256Mi\nQoS Class:        Burstable\n");
        let p = &n.pods["describe:shop/checkout-7c9f8d-x2k4p"];
        assert_eq!(
            (p.node.as_deref(), p.qos.as_deref()),
            (Some("node1"), Some("burstable"))
        );
        let c = &p.containers["app"];
        assert_eq!(c.last_terminated_reason.as_deref(), Some("OOMKilled"));
        assert_eq!(
            (
                c.last_exit_code,
                c.restart_count,
                c.limit_bytes,
                c.request_bytes
            ),
            (Some(137), Some(3), Some(512 << 20), Some(256 << 20))
        );
    }

    fn kubelet() -> NameIndex {
        let mut n = NameIndex::default();
        n.kubelet_line(format!(r#"I0305 10:18:21.101 1344 kuberuntime_container.go:742] "Killing container with a grace period" pod="shop/checkout-old" podUID="{UID}" containerName="app-old" containerID="containerd://{ID}" gracePeriod=30"#).as_bytes());
        n
    }

    fn crictl() -> NameIndex {
        let mut n = NameIndex::default();
        n.add_pod(UID, "shop", "checkout-7c9f8d-x2k4p", NameSource::Crictl);
        n.add_container(
            ID,
            ContainerRef::new(
                "app",
                Some(UID.into()),
                Some("checkout-7c9f8d-x2k4p".into()),
                Some("shop".into()),
                NameSource::Crictl,
            ),
        );
        n
    }

    fn named(n: &NameIndex) -> (Pod, Container) {
        let mut pod = Some(Pod {
            uid: UID.into(),
            ..Pod::default()
        });
        let mut c = Some(Container {
            id: ID.into(),
            ..Container::default()
        });
        n.enrich_ids(&mut pod, &mut c);
        (pod.unwrap(), c.unwrap())
    }

    /// The most exact source names the pod and container, in whichever order the
    /// sources were read or merged.
    #[test]
    fn the_most_exact_source_wins_in_any_order() {
        let mut a = kubelet();
        a.merge(crictl());
        let mut b = crictl();
        b.merge(kubelet());
        let mut c = crictl();
        c.kubelet_line(format!(r#"I0305 1 2 x.go:1] "Probe failed" pod="shop/checkout-old" podUID="{UID}" containerName="app-old" containerID="containerd://{ID}""#).as_bytes());
        for n in [&a, &b, &c] {
            let (pod, container) = named(n);
            assert_eq!(pod.name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
            assert_eq!(pod.name_source, Some(NameSource::Crictl));
            assert_eq!(container.name.as_deref(), Some("app"));
            assert_eq!(container.name_source, Some(NameSource::Crictl));
        }
        let (pod, container) = named(&kubelet());
        assert_eq!(
            (pod.name_source, container.name_source),
            (Some(NameSource::KubeletLog), Some(NameSource::KubeletLog))
        );
    }

    /// Of two names from equally exact sources, the smaller, whatever the order.
    #[test]
    fn equal_sources_keep_the_smaller_name() {
        let mut a = NameIndex::default();
        a.add_pod(UID, "shop", "web-b", NameSource::PodObject);
        a.add_pod(UID, "shop", "web-a", NameSource::PodObject);
        let mut b = NameIndex::default();
        b.add_pod(UID, "shop", "web-a", NameSource::PodObject);
        b.add_pod(UID, "shop", "web-b", NameSource::PodObject);
        assert_eq!(a.pods[UID], b.pods[UID]);
        assert_eq!(a.pods[UID].name.as_deref(), Some("web-a"));
        // A less exact source never renames it.
        a.add_pod(UID, "aaa", "aaa", NameSource::LogPath);
        assert_eq!(a.pods[UID].name.as_deref(), Some("web-a"));
    }

    /// A pod named only through its container's id (a `/var/log/containers` path)
    /// says so; a better source for that container renames it.
    #[test]
    fn pod_names_through_a_container_id() {
        let mut n = NameIndex::default();
        n.log_path(&format!(
            "var/log/containers/checkout-7c9f8d-x2k4p_shop_app-{ID}.log"
        ));
        let (pod, container) = named(&n);
        assert_eq!(pod.name_source, Some(NameSource::LogPath));
        assert_eq!(container.name_source, Some(NameSource::LogPath));
        // A listing that names the pod but not its namespace: the name's source
        // changes, the namespace of the same pod stays.
        n.add_container(
            ID,
            ContainerRef::new(
                "app",
                None,
                Some("checkout-7c9f8d-x2k4p".into()),
                None,
                NameSource::RuntimeListing,
            ),
        );
        let (pod, container) = named(&n);
        assert_eq!(container.name_source, Some(NameSource::RuntimeListing));
        assert_eq!(pod.name_source, Some(NameSource::RuntimeListing));
        assert_eq!(pod.namespace.as_deref(), Some("shop"));
    }

    const HASH: &str = "6a8e4d2f9b1c3e5a7d9f0b2c4e6a8d0f";

    /// A static pod's mirror is keyed by its config hash (what its cgroup path shows),
    /// with its API UID beside; nothing is kept under the API UID.
    #[test]
    fn mirror_pods_are_keyed_by_their_config_hash() {
        let json = format!(
            r#"{{"items": [{{"metadata": {{"name": "haproxy-cp-1", "namespace": "kube-system", "uid": "{UID}",
              "annotations": {{"kubernetes.io/config.hash": "{HASH}", "kubernetes.io/config.mirror": "{HASH}",
              "kubernetes.io/config.source": "file"}}}},
              "spec": {{"containers": [{{"name": "haproxy", "resources": {{"limits": {{"memory": "256Mi"}}}}}}]}},
              "status": {{"containerStatuses": [{{"name": "haproxy", "containerID": "containerd://{ID}",
              "lastState": {{"terminated": {{"reason": "OOMKilled", "exitCode": 137}}}}}}]}}}}]}}"#
        );
        let mut n = NameIndex::default();
        n.pod_json(json.as_bytes()).unwrap();
        assert_eq!(n.pods.keys().collect::<Vec<_>>(), [HASH]);
        let p = &n.pods[HASH];
        assert_eq!(p.api_uid.as_deref(), Some(UID));
        assert_eq!(p.name.as_deref(), Some("haproxy-cp-1"));
        assert_eq!(p.containers["haproxy"].limit_bytes, Some(256 << 20));
        assert_eq!(n.containers[ID].pod_uid.as_deref(), Some(HASH));
        let mut pod = Some(Pod {
            uid: HASH.into(),
            ..Pod::default()
        });
        n.enrich_ids(&mut pod, &mut None);
        let pod = pod.unwrap();
        assert_eq!(
            (pod.api_uid.as_deref(), pod.namespace.as_deref()),
            (Some(UID), Some("kube-system"))
        );
        // Merged into another index, the API UID stays.
        let mut m = NameIndex::default();
        m.add_pod(HASH, "kube-system", "haproxy-cp-1", NameSource::KubeletLog);
        m.merge(n);
        assert_eq!(m.pods[HASH].api_uid.as_deref(), Some(UID));
        assert_eq!(m.pods[HASH].name_source, Some(NameSource::PodObject));
    }

    /// The same from must-gather's pod YAML; a pod without the annotations, or with a
    /// hash that is not one, keeps its API UID.
    #[test]
    fn mirror_pod_yaml_and_ordinary_pods() {
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    kubernetes.io/config.hash: {HASH}\n    kubernetes.io/config.mirror: {HASH}\n    kubernetes.io/config.seen: \"2024-05-20T08:11:02.512304188Z\"\n    kubernetes.io/config.source: file\n  name: etcd-master-0\n  namespace: openshift-etcd\n  uid: {UID}\nspec:\n  nodeName: master-0\n"
        );
        let mut n = NameIndex::default();
        n.pod_yaml(yaml.as_bytes());
        assert_eq!(n.pods[HASH].name.as_deref(), Some("etcd-master-0"));
        assert_eq!(n.pods[HASH].api_uid.as_deref(), Some(UID));
        let other = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
        let json = format!(
            r#"[{{"metadata": {{"name": "web-0", "namespace": "front", "uid": "{other}",
                 "annotations": {{"kubernetes.io/config.mirror": "not-a-hash"}}}}}}]"#
        );
        n.pod_json(json.as_bytes()).unwrap();
        assert_eq!(n.pods[other].name.as_deref(), Some("web-0"));
        assert_eq!(n.pods[other].api_uid, None);
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity("512Mi"), Some(536_870_912));
        assert_eq!(quantity("1G"), Some(1_000_000_000));
        assert_eq!(quantity("1.5Gi"), Some(1_610_612_736));
        assert_eq!(quantity("128974848"), Some(128_974_848));
        assert_eq!(quantity("lots"), None);
    }

    #[test]
    fn non_ascii_container_id_is_looked_up_without_panic() {
        // Byte 12 falls inside `é`: the 12-byte prefix used to be sliced there.
        let mut n = NameIndex::default();
        n.add_container(
            &ID[..12],
            ContainerRef::new("app", None, None, None, NameSource::LogPath),
        );
        let mut e = OomEvent {
            container: Some(Box::new(crate::model::Container {
                id: "4f3a9c1e7b2é-x".into(),
                runtime: None,
                name: None,
                name_source: None,
            })),
            ..OomEvent::default()
        };
        n.enrich(&mut e);
        assert_eq!(e.container.unwrap().name, None);
    }

    #[test]
    fn truncated_listings_and_lines() {
        let mut n = NameIndex::default();
        n.kubelet_line(b"x podUID=");
        n.kubelet_line(b"podUID=\"");
        n.log_path("pods/x");
        n.log_path("log/pods");
        n.log_path("log/containers/a_b.log");
        n.docker_ps("NAMES\nid k8s_app_pod_ns\n");
        n.crictl(
            "CONTAINER\nid Running app 3\n",
            "POD ID NAME NAMESPACE\nid Ready name\n",
        );
        assert!(n.pods.is_empty() && n.containers.is_empty());
    }
}
