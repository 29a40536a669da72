//! `crictl inspectp <id>`: one pod sandbox's CRI status, `{"status": {"id",
//! "metadata": {"name", "namespace", "uid", "attempt"}, "state", "network", "linux",
//! "labels", "annotations": {"kubernetes.io/config.source", …}}, "info": {…}}`. The
//! `uid` is the kubelet's: what the pod's cgroup path shows (for a static pod, its
//! config hash).

use super::{Format, Labels, str_at};
use crate::k8s::names::NameIndex;
use crate::model::NameSource;
use serde_json::Value;

pub const FORMAT: Format = Format {
    name: "crictl inspectp",
    is,
    read,
};

/// A sandbox status: an id, and metadata that names a namespace or a UID (a
/// container's metadata has a name only).
fn is(v: &Value) -> bool {
    let status = v.get("status").unwrap_or(&Value::Null);
    str_at(status, &["id"]).is_some()
        && (str_at(status, &["metadata", "namespace"]).is_some()
            || str_at(status, &["metadata", "uid"]).is_some())
}

fn read(v: &Value, names: &mut NameIndex) {
    let status = v.get("status").unwrap_or(&Value::Null);
    let meta = |k| str_at(status, &["metadata", k]);
    let l = Labels::of(status.get("labels").unwrap_or(&Value::Null));
    if let (Some(uid), Some(ns), Some(name)) = (
        meta("uid").or(l.uid),
        meta("namespace").or(l.namespace),
        meta("name").or(l.pod),
    ) {
        names.add_pod(uid, ns, name, NameSource::Crictl);
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
pub(crate) mod tests {
    use super::super::tests::{SANDBOX, UID};
    use super::*;

    /// A CRI-O sandbox's `crictl inspectp` (trimmed).
    pub fn sample() -> String {
        format!(
            r#"{{
  "status": {{
    "id": "{SANDBOX}",
    "metadata": {{
      "attempt": 0,
      "name": "checkout-7c9f8d-x2k4p",
      "namespace": "shop",
      "uid": "{UID}"
    }},
    "state": "SANDBOX_READY",
    "createdAt": "2024-03-05T08:01:12.530921688Z",
    "network": {{
      "additionalIps": [],
      "ip": "10.128.2.41"
    }},
    "linux": {{
      "namespaces": {{
        "options": {{
          "ipc": "POD",
          "network": "POD",
          "pid": "CONTAINER",
          "targetId": ""
        }}
      }}
    }},
    "labels": {{
      "app": "checkout",
      "io.kubernetes.container.name": "POD",
      "io.kubernetes.pod.name": "checkout-7c9f8d-x2k4p",
      "io.kubernetes.pod.namespace": "shop",
      "io.kubernetes.pod.uid": "{UID}",
      "pod-template-hash": "7c9f8d"
    }},
    "annotations": {{
      "kubernetes.io/config.seen": "2024-03-05T08:01:11.902157011Z",
      "kubernetes.io/config.source": "api"
    }},
    "runtimeHandler": ""
  }},
  "info": {{
    "image": "registry.k8s.io/pause:3.9",
    "pid": 40117
  }}
}}
"#
        )
    }

    #[test]
    fn names_the_pod() {
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&sample()).unwrap();
        assert!(is(&v));
        read(&v, &mut n);
        let p = &n.pods[UID];
        assert_eq!(
            (p.namespace.as_deref(), p.name.as_deref()),
            (Some("shop"), Some("checkout-7c9f8d-x2k4p"))
        );
        // The sandbox is no container.
        assert!(n.containers.is_empty() && p.containers.is_empty());
    }

    #[test]
    fn a_static_pods_uid_is_its_config_hash() {
        let hash = "6a8e4d2f9b1c3e5a7d9f0b2c4e6a8d0f";
        let json = format!(
            r#"{{"status": {{"id": "{SANDBOX}", "metadata": {{"attempt": 1, "name": "etcd-master-0",
               "namespace": "openshift-etcd", "uid": "{hash}"}}, "state": "SANDBOX_READY",
               "labels": {{"io.kubernetes.pod.uid": "{hash}"}},
               "annotations": {{"kubernetes.io/config.hash": "{hash}", "kubernetes.io/config.source": "file"}}}}}}"#
        );
        let mut n = NameIndex::default();
        read(&serde_json::from_str(&json).unwrap(), &mut n);
        assert_eq!(n.pods[hash].name.as_deref(), Some("etcd-master-0"));
    }

    #[test]
    fn metadata_without_a_uid_names_nothing() {
        let json = format!(
            r#"{{"status": {{"id": "{SANDBOX}", "metadata": {{"name": "x", "namespace": "y"}}}}}}"#
        );
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&json).unwrap();
        assert!(is(&v));
        read(&v, &mut n);
        assert!(n.pods.is_empty());
    }
}
