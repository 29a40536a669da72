//! `crictl ps -o json` (`{"containers": [{"id", "podSandboxId", "metadata": {"name"},
//! "labels": {io.kubernetes.*}, …}]}`) and `crictl pods -o json` (`{"items": [{"id",
//! "metadata": {"name", "namespace", "uid"}, "labels", "annotations", …}]}`).

use super::{Format, Labels, str_at};
use crate::k8s::names::NameIndex;
use crate::model::NameSource;
use serde_json::Value;

pub const PS: Format = Format {
    name: "crictl ps -o json",
    is: is_ps,
    read: read_ps,
};

pub const PODS: Format = Format {
    name: "crictl pods -o json",
    is: is_pods,
    read: read_pods,
};

fn is_ps(v: &Value) -> bool {
    v.get("containers").is_some_and(Value::is_array)
}

/// `items` of sandboxes: each with an `id` (a `PodList`'s items have none).
fn is_pods(v: &Value) -> bool {
    v.get("items")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().all(|i| str_at(i, &["id"]).is_some()))
}

fn read_ps(v: &Value, names: &mut NameIndex) {
    for c in v
        .get("containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(id) = str_at(c, &["id"]) else {
            continue;
        };
        let l = Labels::of(c.get("labels").unwrap_or(&Value::Null));
        let l = Labels {
            container: l.container.or_else(|| str_at(c, &["metadata", "name"])),
            ..l
        };
        super::add_container(names, id, &l, None, NameSource::RuntimeListing, None);
    }
}

fn read_pods(v: &Value, names: &mut NameIndex) {
    for p in v
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let meta = |k| str_at(p, &["metadata", k]);
        let l = Labels::of(p.get("labels").unwrap_or(&Value::Null));
        if let (Some(uid), Some(ns), Some(name)) = (
            meta("uid").or(l.uid),
            meta("namespace").or(l.namespace),
            meta("name").or(l.pod),
        ) {
            names.add_pod(uid, ns, name, NameSource::RuntimeListing);
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
pub(crate) mod tests {
    use super::super::tests::{ID, SANDBOX, UID};
    use super::*;

    pub fn ps_sample() -> String {
        format!(
            r#"{{
  "containers": [
    {{
      "id": "{ID}",
      "podSandboxId": "{SANDBOX}",
      "metadata": {{
        "name": "app",
        "attempt": 3
      }},
      "image": {{
        "image": "quay.io/shop/checkout@sha256:5b2c8e1f0a9d7c6b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
        "annotations": {{}}
      }},
      "imageRef": "quay.io/shop/checkout@sha256:5b2c8e1f0a9d7c6b4e3f2a1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b",
      "state": "CONTAINER_EXITED",
      "createdAt": "1709633201118825395",
      "labels": {{
        "io.kubernetes.container.name": "app",
        "io.kubernetes.pod.name": "checkout-7c9f8d-x2k4p",
        "io.kubernetes.pod.namespace": "shop",
        "io.kubernetes.pod.uid": "{UID}"
      }},
      "annotations": {{
        "io.kubernetes.container.hash": "8d4f2a1c",
        "io.kubernetes.container.restartCount": "3"
      }}
    }}
  ]
}}
"#
        )
    }

    pub fn pods_sample() -> String {
        format!(
            r#"{{
  "items": [
    {{
      "id": "{SANDBOX}",
      "metadata": {{
        "name": "checkout-7c9f8d-x2k4p",
        "uid": "{UID}",
        "namespace": "shop",
        "attempt": 0
      }},
      "state": "SANDBOX_READY",
      "createdAt": "1709625672530921688",
      "labels": {{
        "io.kubernetes.container.name": "POD",
        "io.kubernetes.pod.name": "checkout-7c9f8d-x2k4p",
        "io.kubernetes.pod.namespace": "shop",
        "io.kubernetes.pod.uid": "{UID}"
      }},
      "annotations": {{
        "kubernetes.io/config.source": "api"
      }},
      "runtimeHandler": ""
    }}
  ]
}}
"#
        )
    }

    #[test]
    fn ps_names_containers_and_pods() {
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&ps_sample()).unwrap();
        assert!(is_ps(&v) && !is_pods(&v));
        read_ps(&v, &mut n);
        assert_eq!(n.containers[ID].name, "app");
        assert_eq!(n.containers[ID].pod_uid.as_deref(), Some(UID));
        assert_eq!(n.pods[UID].namespace.as_deref(), Some("shop"));
        assert_eq!(n.pods[UID].containers["app"].id.as_deref(), Some(ID));
    }

    #[test]
    fn pods_name_pods() {
        let mut n = NameIndex::default();
        let v: Value = serde_json::from_str(&pods_sample()).unwrap();
        assert!(is_pods(&v) && !is_ps(&v));
        read_pods(&v, &mut n);
        assert_eq!(n.pods[UID].name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
        assert!(n.containers.is_empty());
    }

    #[test]
    fn a_pod_list_is_no_sandbox_listing() {
        let v: Value = serde_json::from_str(
            r#"{"kind": "PodList", "items": [{"metadata": {"name": "a", "namespace": "b", "uid": "c"}}]}"#,
        )
        .unwrap();
        assert!(!is_pods(&v));
    }
}
