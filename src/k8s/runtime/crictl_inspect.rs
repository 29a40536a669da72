//! `crictl inspect <id>`: one container's CRI status and the runtime's verbose info,
//! `{"status": {"id", "metadata": {"name", "attempt"}, "labels": {io.kubernetes.*},
//! "image", …, "resources": {"linux": {"memoryLimitInBytes"}}}, "info": {"sandboxID",
//! "pid", "runtimeSpec": {"linux": {"resources": {"memory": {"limit"}}},
//! "annotations"}}}` — the same from CRI-O and containerd.

use super::{Format, Labels, bytes_at, str_at};
use crate::k8s::names::NameIndex;
use crate::model::NameSource;
use serde_json::Value;

pub const FORMAT: Format = Format {
    name: "crictl inspect",
    is,
    read,
};

/// A container status: an id and a metadata name, and a container's own fields (its
/// image or its kubelet container-name label); a sandbox has neither.
fn is(v: &Value) -> bool {
    let status = v.get("status").unwrap_or(&Value::Null);
    str_at(status, &["id"]).is_some()
        && str_at(status, &["metadata", "name"]).is_some()
        && (status.get("image").is_some()
            || str_at(status, &["labels", "io.kubernetes.container.name"]).is_some())
}

fn read(v: &Value, names: &mut NameIndex) {
    let status = v.get("status").unwrap_or(&Value::Null);
    let Some(id) = str_at(status, &["id"]) else {
        return;
    };
    let spec = v.pointer("/info/runtimeSpec").unwrap_or(&Value::Null);
    let labels = Labels::of(status.get("labels").unwrap_or(&Value::Null))
        .or(Labels::of(
            status.get("annotations").unwrap_or(&Value::Null),
        ))
        .or(Labels::of(spec.get("annotations").unwrap_or(&Value::Null)));
    // The kubelet's sandbox ("POD") is a pod, not a container.
    if labels.container == Some("POD") {
        return;
    }
    let labels = Labels {
        container: labels
            .container
            .or_else(|| str_at(status, &["metadata", "name"])),
        ..labels
    };
    // The limit the runtime applied (its OCI spec), else the CRI status's.
    let limit = bytes_at(spec, &["linux", "resources", "memory", "limit"])
        .or_else(|| bytes_at(status, &["resources", "linux", "memoryLimitInBytes"]));
    // containerd's verbose info names its shim (`io.containerd.runc.v2`); CRI-O's
    // names none, and the runtime is then left as the cgroup path tells it.
    let runtime = str_at(v, &["info", "runtimeType"])
        .filter(|t| t.starts_with("io.containerd."))
        .map(|_| "containerd");
    super::add_container(names, id, &labels, limit, NameSource::Crictl, runtime);
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
pub(crate) mod tests {
    use super::super::tests::{ID, SANDBOX, UID};
    use super::*;

    /// A CRI-O container's `crictl inspect` (trimmed: mounts, process and most of the
    /// spec dropped).
    pub fn sample() -> String {
        format!(
            r#"{{
  "status": {{
    "id": "{ID}",
    "metadata": {{
      "attempt": 3,
      "name": "app"
    }},
    "state": "CONTAINER_RUNNING",
    "createdAt": "2024-03-05T10:20:01.118825395Z",
    "startedAt": "2024-03-05T10:20:01.140209562Z",
    "finishedAt": "0001-01-01T00:00:00Z",
    "exitCode": 0,
    "image": {{
      "annotations": {{}},
      "image": "quay.io/shop/checkout:1.4.2"
    }},
    "imageRef": "quay.io/shop/checkout@sha256:5b2c8e1f0a9d7c6b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
    "reason": "",
    "message": "",
    "labels": {{
      "io.kubernetes.container.name": "app",
      "io.kubernetes.pod.name": "checkout-7c9f8d-x2k4p",
      "io.kubernetes.pod.namespace": "shop",
      "io.kubernetes.pod.uid": "{UID}"
    }},
    "annotations": {{
      "io.kubernetes.container.hash": "8d4f2a1c",
      "io.kubernetes.container.restartCount": "3",
      "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
      "io.kubernetes.pod.terminationGracePeriod": "30"
    }},
    "mounts": [],
    "logPath": "/var/log/pods/shop_checkout-7c9f8d-x2k4p_{UID}/app/3.log"
  }},
  "info": {{
    "sandboxID": "{SANDBOX}",
    "pid": 48213,
    "runtimeSpec": {{
      "ociVersion": "1.0.2-dev",
      "linux": {{
        "resources": {{
          "memory": {{
            "limit": 536870912,
            "swap": 536870912
          }},
          "cpu": {{
            "shares": 256,
            "quota": 50000,
            "period": 100000
          }}
        }},
        "cgroupsPath": "kubepods-burstable-pod7d1c9a52_3b8e_4f21_9c6a_0e5d2b7f4a10.slice:crio:{ID}"
      }},
      "annotations": {{
        "io.kubernetes.container.name": "app",
        "io.kubernetes.cri-o.ContainerType": "container",
        "io.kubernetes.pod.name": "checkout-7c9f8d-x2k4p",
        "io.kubernetes.pod.namespace": "shop"
      }}
    }}
  }}
}}
"#
        )
    }

    #[test]
    fn names_the_container_its_pod_and_limit() {
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&sample()).unwrap();
        assert!(is(&v));
        read(&v, &mut n);
        let r = &n.containers[ID];
        assert_eq!(
            (
                r.name.as_str(),
                r.pod_name.as_deref(),
                r.namespace.as_deref(),
                r.pod_uid.as_deref()
            ),
            (
                "app",
                Some("checkout-7c9f8d-x2k4p"),
                Some("shop"),
                Some(UID)
            )
        );
        let p = &n.pods[UID];
        assert_eq!(p.name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
        assert_eq!(p.containers["app"].limit_bytes, Some(512 << 20));
        assert_eq!(p.containers["app"].id.as_deref(), Some(ID));
        // CRI-O's verbose info names no runtime type: none is claimed.
        assert_eq!(n.containers[ID].runtime, None);
    }

    /// containerd's CRI plugin: no kubelet labels copied into the spec, its own
    /// sandbox annotations, and the CRI status's `memoryLimitInBytes` as a string.
    #[test]
    fn containerd_annotations_and_status_limit() {
        let json = format!(
            r#"{{"status": {{"id": "{ID}", "metadata": {{"attempt": 0, "name": "worker"}},
              "image": {{"image": "docker.io/library/python:3.12"}},
              "labels": {{}},
              "annotations": {{}},
              "resources": {{"linux": {{"cpuPeriod": "100000", "memoryLimitInBytes": "268435456"}}}}}},
              "info": {{"sandboxID": "{SANDBOX}", "pid": 991, "runtimeType": "io.containerd.runc.v2",
              "runtimeSpec": {{"linux": {{"resources": {{"memory": {{}}}}}},
              "annotations": {{"io.kubernetes.cri.container-type": "container",
                "io.kubernetes.cri.container-name": "worker",
                "io.kubernetes.cri.sandbox-name": "jobs-5d8f-abcde",
                "io.kubernetes.cri.sandbox-namespace": "batch",
                "io.kubernetes.cri.sandbox-uid": "{UID}"}}}}}}}}"#
        );
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&json).unwrap();
        assert!(is(&v));
        read(&v, &mut n);
        assert_eq!(n.containers[ID].name, "worker");
        // `runtimeType: io.containerd.runc.v2`: containerd runs it.
        assert_eq!(n.containers[ID].runtime, Some("containerd"));
        assert_eq!(n.pods[UID].namespace.as_deref(), Some("batch"));
        assert_eq!(
            n.pods[UID].containers["worker"].limit_bytes,
            Some(256 << 20)
        );
    }

    #[test]
    fn no_limit_and_no_pod_labels() {
        // An unlimited container (no `limit`) outside any pod: named, no limit invented.
        let json = format!(
            r#"{{"status": {{"id": "{ID}", "metadata": {{"name": "sidecar"}}, "image": {{"image": "x"}}}},
               "info": {{"runtimeSpec": {{"linux": {{"resources": {{"memory": {{"limit": 0}}}}}}}}}}}}"#
        );
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&json).unwrap();
        read(&v, &mut n);
        assert_eq!(n.containers[ID].name, "sidecar");
        assert_eq!(n.containers[ID].pod_uid, None);
        assert!(n.pods.is_empty());
    }
}
