//! `docker inspect` (sosreport's docker plugin: `sos_commands/docker/containers/
//! docker_inspect_<name>`): an array of `{"Id", "Name": "/k8s_<container>_<pod>_<ns>_
//! <uid>_<attempt>", "HostConfig": {"Memory"}, "Config": {"Labels": {io.kubernetes.*,
//! "io.kubernetes.docker.type": "container" | "podsandbox"}}}`. A sandbox (`POD`)
//! names its pod only; an image's inspect (same array, no kubelet labels) names nothing.

use super::{Format, Labels, bytes_at, str_at};
use crate::k8s::names::{NameIndex, docker_k8s_name};
use crate::model::NameSource;
use serde_json::Value;

pub const FORMAT: Format = Format {
    name: "docker inspect",
    is,
    read,
};

/// An array of objects, each with an `Id`.
fn is(v: &Value) -> bool {
    v.as_array()
        .is_some_and(|a| !a.is_empty() && a.iter().all(|o| str_at(o, &["Id"]).is_some()))
}

fn read(v: &Value, names: &mut NameIndex) {
    for o in v.as_array().into_iter().flatten() {
        let Some(id) = str_at(o, &["Id"]) else {
            continue;
        };
        let labels = o.pointer("/Config/Labels").unwrap_or(&Value::Null);
        let by_name = str_at(o, &["Name"]).and_then(docker_k8s_name);
        let l =
            Labels::of(labels).or(
                by_name.map_or_else(Labels::default, |(c, p, ns, u)| Labels {
                    container: Some(c),
                    pod: Some(p),
                    namespace: Some(ns),
                    uid: Some(u),
                }),
            );
        let sandbox = str_at(labels, &["io.kubernetes.docker.type"]) == Some("podsandbox")
            || l.container == Some("POD");
        if sandbox {
            if let (Some(uid), Some(ns), Some(pod)) = (l.uid, l.namespace, l.pod) {
                names.add_pod(uid, ns, pod, NameSource::Docker);
            }
            continue;
        }
        // `HostConfig.Memory`: the limit in bytes, 0 for none.
        let limit = bytes_at(o, &["HostConfig", "Memory"]);
        super::add_container(names, id, &l, limit, NameSource::Docker, Some("docker"));
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
pub(crate) mod tests {
    use super::super::tests::{ID, SANDBOX, UID};
    use super::*;

    /// A kubelet container's `docker inspect` (trimmed).
    pub fn sample() -> String {
        format!(
            r#"[
    {{
        "Id": "{ID}",
        "Created": "2024-03-05T10:20:01.118825395Z",
        "Path": "python",
        "Args": ["-m", "checkout"],
        "State": {{
            "Status": "running",
            "Running": true,
            "OOMKilled": false,
            "Pid": 48213,
            "ExitCode": 0,
            "StartedAt": "2024-03-05T10:20:01.140209562Z",
            "FinishedAt": "0001-01-01T00:00:00Z"
        }},
        "Image": "sha256:5b2c8e1f0a9d7c6b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
        "Name": "/k8s_app_checkout-7c9f8d-x2k4p_shop_{UID}_3",
        "RestartCount": 0,
        "Driver": "overlay2",
        "HostConfig": {{
            "Memory": 536870912,
            "MemorySwap": 536870912,
            "CgroupParent": "/kubepods/burstable/pod{UID}",
            "OomKillDisable": false
        }},
        "Config": {{
            "Hostname": "checkout-7c9f8d-x2k4p",
            "Image": "quay.io/shop/checkout@sha256:5b2c8e1f0a9d7c6b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
            "Labels": {{
                "annotation.io.kubernetes.container.hash": "8d4f2a1c",
                "annotation.io.kubernetes.container.restartCount": "3",
                "io.kubernetes.container.logpath": "/var/log/pods/shop_checkout-7c9f8d-x2k4p_{UID}/app/3.log",
                "io.kubernetes.container.name": "app",
                "io.kubernetes.docker.type": "container",
                "io.kubernetes.pod.name": "checkout-7c9f8d-x2k4p",
                "io.kubernetes.pod.namespace": "shop",
                "io.kubernetes.pod.uid": "{UID}",
                "io.kubernetes.sandbox.id": "{SANDBOX}"
            }}
        }}
    }}
]
"#
        )
    }

    #[test]
    fn names_the_container_its_pod_and_limit() {
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&sample()).unwrap();
        assert!(is(&v));
        read(&v, &mut n);
        assert_eq!(n.containers[ID].name, "app");
        assert_eq!(n.pods[UID].name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
        assert_eq!(n.pods[UID].containers["app"].limit_bytes, Some(512 << 20));
    }

    #[test]
    fn a_sandbox_names_its_pod_only() {
        let other = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
        let json = format!(
            r#"[{{"Id": "{SANDBOX}", "Name": "/k8s_POD_web-0_front_{other}_0",
                 "HostConfig": {{"Memory": 0}},
                 "Config": {{"Labels": {{"io.kubernetes.container.name": "POD",
                   "io.kubernetes.docker.type": "podsandbox", "io.kubernetes.pod.name": "web-0",
                   "io.kubernetes.pod.namespace": "front", "io.kubernetes.pod.uid": "{other}"}}}}}}]"#
        );
        let mut n = NameIndex::default();
        read(&serde_json::from_str(&json).unwrap(), &mut n);
        assert_eq!(n.pods[other].name.as_deref(), Some("web-0"));
        assert!(n.containers.is_empty() && n.pods[other].containers.is_empty());
    }

    /// Older docker (or labels scrubbed): the `k8s_…` name alone; no limit (`Memory` 0).
    #[test]
    fn the_name_alone_and_no_limit() {
        let json = format!(
            r#"[{{"Id": "{ID}", "Name": "/k8s_app_checkout-7c9f8d-x2k4p_shop_{UID}_3",
                 "HostConfig": {{"Memory": 0}}, "Config": {{"Labels": null}}}}]"#
        );
        let mut n = NameIndex::default();
        read(&serde_json::from_str(&json).unwrap(), &mut n);
        assert_eq!(n.containers[ID].namespace.as_deref(), Some("shop"));
        assert_eq!(n.pods[UID].containers["app"].limit_bytes, None);
    }

    #[test]
    fn an_image_inspect_names_nothing() {
        let json = r#"[{"Id": "sha256:5b2c8e1f0a9d7c6b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
            "RepoTags": ["quay.io/shop/checkout:1.4.2"], "Config": {"Labels": {"maintainer": "shop"}}}]"#;
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(json).unwrap();
        assert!(is(&v));
        read(&v, &mut n);
        assert!(n.pods.is_empty() && n.containers.is_empty());
    }
}
