//! A cgroup path → the pod, QoS class and container it names.
//!
//! Recognized layouts:
//! - cgroupfs driver: `/kubepods/burstable/pod<uid>/<container-id>`, Guaranteed pods
//!   directly under `/kubepods/pod<uid>`;
//! - systemd driver: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope`
//!   (also `docker-…`, `crio-…`, `libpod-…`);
//! - the same under nested roots (`/lxc.payload.x/kubepods.slice/…`, kind's
//!   `/kubelet.slice/kubelet-kubepods.slice/…`);
//! - containers outside Kubernetes: `/docker/<id>`, `/system.slice/docker-<id>.scope`,
//!   `/ecs/<task>/<id>`.
//!
//! Pod UIDs are normalized to dashes; the 32-hex form of static (mirror) pods is kept
//! as printed.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::model::{Cgroups, Container, OomEvent, Pod};

/// What a cgroup path names.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CgroupIdentity {
    pub pod: Option<Pod>,
    pub container: Option<Container>,
}

/// The cgroup path a systemd slice unit names: systemd nests a slice in the slices
/// its name's dash-separated prefixes name (`a-b-c.slice` is `a.slice/a-b.slice/
/// a-b-c.slice`), so `kubepods-burstable-pod<uid>.slice` alone says where the pod
/// sits. A unit of another type (a `.scope`, a `.service`) says nothing of its parent.
pub fn slice_unit_path(unit: &str) -> Option<String> {
    let stem = unit.strip_suffix(".slice")?;
    if stem.is_empty() || stem.starts_with('-') || stem.ends_with('-') || stem.contains('/') {
        return None;
    }
    let mut path = String::new();
    for (i, _) in stem
        .match_indices('-')
        .chain(std::iter::once((stem.len(), "")))
    {
        path.push('/');
        path.push_str(stem.get(..i)?);
        path.push_str(".slice");
    }
    Some(path)
}

/// Reads a cgroup path.
pub fn identify(path: &str) -> CgroupIdentity {
    let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
    let mut out = CgroupIdentity::default();
    for (i, comp) in comps.iter().enumerate() {
        if let Some(uid) = pod_uid(comp) {
            let parents = comps.get(..i).unwrap_or_default();
            let under_kube = parents.iter().any(|p| p.contains("kubepods"));
            if !under_kube {
                continue;
            }
            let qos = qos_of(parents, comp);
            out.pod = Some(Pod {
                uid,
                qos,
                namespace: None,
                name: None,
                name_source: None,
                api_uid: None,
            });
        }
    }
    if let Some(last) = comps.last() {
        let parent = comps
            .len()
            .checked_sub(2)
            .and_then(|i| comps.get(i).copied());
        out.container = container_of(last, parent);
    }
    out
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `pod<uid>`, `kubepods-burstable-pod<uid_>.slice`, `kubelet-kubepods-pod<uid>.slice`.
fn pod_uid(comp: &str) -> Option<String> {
    let c = comp.strip_suffix(".slice").unwrap_or(comp);
    let raw = c
        .strip_prefix("pod")
        .or_else(|| c.rsplit_once("-pod").map(|(_, raw)| raw))?;
    let dashed = raw.replace('_', "-");
    let parts: Vec<&str> = dashed.split('-').collect();
    let uuid = parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && is_hex(p));
    if uuid {
        return Some(dashed.to_lowercase());
    }
    (raw.len() == 32 && is_hex(raw)).then(|| raw.to_string())
}

fn qos_of(parents: &[&str], pod_comp: &str) -> Option<String> {
    let scope = parents.last().copied().unwrap_or("");
    for q in ["besteffort", "burstable"] {
        if scope.contains(q) || pod_comp.contains(&format!("-{q}-")) {
            return Some(q.to_string());
        }
    }
    // Directly under the kubepods root: Guaranteed.
    scope.contains("kubepods").then(|| "guaranteed".to_string())
}

fn container_of(last: &str, parent: Option<&str>) -> Option<Container> {
    let c = last.strip_suffix(".scope").unwrap_or(last);
    const RUNTIMES: &[(&str, &str)] = &[
        ("cri-containerd-", "containerd"),
        ("docker-", "docker"),
        ("crio-", "cri-o"),
        ("libpod-", "podman"),
        ("containerd-", "containerd"),
    ];
    for (prefix, runtime) in RUNTIMES {
        if let Some(id) = c.strip_prefix(prefix)
            && id.len() == 64
            && is_hex(id)
        {
            return Some(Container {
                id: id.to_lowercase(),
                runtime: Some((*runtime).to_string()),
                name: None,
                name_source: None,
            });
        }
    }
    if c.len() == 64 && is_hex(c) {
        let runtime = match parent {
            Some("docker") => Some("docker".to_string()),
            _ => None,
        };
        return Some(Container {
            id: c.to_lowercase(),
            runtime,
            name: None,
            name_source: None,
        });
    }
    None
}

/// Pod and container of the victim: from its task cgroup; else from the OOM cgroup
/// when that is a pod's; else from the `Memory cgroup stats` paths (a single path,
/// and no `pause` task in the table, names the container). Never from the trigger's
/// cpuset.
pub fn attach_identity(ev: &mut OomEvent) {
    let Cgroups { oom, task } = &*ev.cgroup;
    let from_task = task.as_deref().map(identify);
    let from_oom = oom.as_deref().map(identify);
    if let Some(id) = &from_task {
        ev.pod = id.pod.clone().map(Box::new);
        ev.container = id.container.clone().map(Box::new);
        return;
    }
    if let Some(id) = &from_oom
        && (id.pod.is_some() || id.container.is_some())
    {
        ev.pod = id.pod.clone().map(Box::new);
        ev.container = id.container.clone().map(Box::new);
        return;
    }
    if from_oom.is_some() || ev.body.stats_paths.is_empty() {
        return;
    }
    let ids: Vec<_> = ev.body.stats_paths.iter().map(|p| identify(p)).collect();
    let first_pod = ids.first().and_then(|i| i.pod.clone());
    if first_pod.is_some()
        && ids
            .iter()
            .all(|i| i.pod.as_ref().map(|p| &p.uid) == first_pod.as_ref().map(|p| &p.uid))
    {
        ev.pod = first_pod.map(Box::new);
    }
    let has_pause = ev.body.tasks.iter().any(|r| r.name == "pause");
    if let [only] = ids.as_slice()
        && !has_pause
    {
        ev.container = only.container.clone().map(Box::new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a";

    #[test]
    fn a_slice_unit_names_its_place_in_the_hierarchy() {
        // systemd: "Process 51234 (java) of unit kubepods-besteffort-pod….slice was killed".
        let unit = "kubepods-besteffort-podc2b4e6f8_1a3c_4e5a_8b7d_9f0e1d2c3b4a.slice";
        let path = slice_unit_path(unit).unwrap();
        assert_eq!(
            path,
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podc2b4e6f8_1a3c_4e5a_8b7d_9f0e1d2c3b4a.slice"
        );
        let id = identify(&path);
        let pod = id.pod.unwrap();
        assert_eq!(pod.uid, "c2b4e6f8-1a3c-4e5a-8b7d-9f0e1d2c3b4a");
        assert_eq!(pod.qos.as_deref(), Some("besteffort"));
        assert_eq!(
            slice_unit_path("system.slice").as_deref(),
            Some("/system.slice")
        );
        for not in [
            "backup.service",
            "cri-containerd-ab.scope",
            "-a.slice",
            "a-.slice",
            ".slice",
            "a/b.slice",
        ] {
            assert_eq!(slice_unit_path(not), None, "{not}");
        }
    }

    #[test]
    fn systemd_driver_docker_scope() {
        let p = format!(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/docker-{ID}.scope"
        );
        let id = identify(&p);
        let pod = id.pod.unwrap();
        assert_eq!(pod.uid, "0330b2c1-a15b-4cdd-b5e5-72d4a90bee82");
        assert_eq!(pod.qos.as_deref(), Some("burstable"));
        let c = id.container.unwrap();
        assert_eq!((c.id.as_str(), c.runtime.as_deref()), (ID, Some("docker")));
    }

    #[test]
    fn cgroupfs_driver_guaranteed_bare_id() {
        let p = format!("/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/{ID}");
        let id = identify(&p);
        let pod = id.pod.unwrap();
        assert_eq!(pod.qos.as_deref(), Some("guaranteed"));
        assert_eq!(id.container.unwrap().runtime, None);
        let id = identify("/kubepods/besteffort/podfe3f7a38-b3f7-48aa-8997-a697ae3d0741");
        assert_eq!(id.pod.unwrap().qos.as_deref(), Some("besteffort"));
        assert_eq!(id.container, None);
    }

    #[test]
    fn containerd_and_crio_scopes_under_nested_roots() {
        let p = format!(
            "/lxc.payload.n1/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod06d44939_d15e_491f_84a3_2dbba9fc0440.slice/cri-containerd-{ID}.scope"
        );
        let id = identify(&p);
        assert_eq!(id.pod.unwrap().qos.as_deref(), Some("besteffort"));
        assert_eq!(id.container.unwrap().runtime.as_deref(), Some("containerd"));
        let p = format!(
            "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod06d44939_d15e_491f_84a3_2dbba9fc0440.slice/crio-{ID}.scope"
        );
        let id = identify(&p);
        assert_eq!(id.pod.unwrap().qos.as_deref(), Some("guaranteed"));
        assert_eq!(id.container.unwrap().runtime.as_deref(), Some("cri-o"));
    }

    #[test]
    fn static_pod_uid_kept() {
        let id = identify("/kubepods/burstable/pod0123456789abcdef0123456789abcdef/x");
        assert_eq!(id.pod.unwrap().uid, "0123456789abcdef0123456789abcdef");
    }

    #[test]
    fn non_kubernetes_paths() {
        let id = identify(&format!("/system.slice/docker-{ID}.scope"));
        assert_eq!(id.pod, None);
        assert_eq!(id.container.unwrap().runtime.as_deref(), Some("docker"));
        let id = identify(&format!("/docker/{ID}"));
        assert_eq!(id.container.unwrap().runtime.as_deref(), Some("docker"));
        let id = identify(&format!("/ecs/f209da7f990b45b585488946f0eec404/{ID}"));
        assert_eq!(
            (id.pod, id.container.map(|c| c.id)),
            (None, Some(ID.to_string()))
        );
        assert_eq!(
            identify("/user.slice/user-1000.slice/session-1.scope"),
            CgroupIdentity::default()
        );
        assert_eq!(identify("/0"), CgroupIdentity::default());
        // A "pod" component outside kubepods is not a pod.
        assert_eq!(
            identify("/podman/pod0330b2c1-a15b-4cdd-b5e5-72d4a90bee82").pod,
            None
        );
    }
}
