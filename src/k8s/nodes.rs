//! Kubernetes Node objects (must-gather `cluster-scoped-resources/core/nodes/*.yaml`,
//! a support bundle's `cluster-resources/nodes.json`, `kubectl get nodes -o json`):
//! a node's memory capacity and allocatable, kernel, OS image, container runtime,
//! kubelet version, machine-id and `MemoryPressure` condition.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use serde_json::Value;

/// What one Node object says about its node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeObject {
    /// `metadata.name`: the Kubernetes node name.
    pub name: String,
    /// `status.capacity.memory`, in kB.
    pub mem_capacity_kb: Option<u64>,
    /// `status.allocatable.memory`, in kB.
    pub mem_allocatable_kb: Option<u64>,
    /// `status.nodeInfo.kernelVersion`.
    pub kernel: Option<String>,
    /// `status.nodeInfo.osImage`.
    pub os_image: Option<String>,
    /// `status.nodeInfo.containerRuntimeVersion` (`cri-o://1.27.3`).
    pub container_runtime: Option<String>,
    /// `status.nodeInfo.kubeletVersion`.
    pub kubelet_version: Option<String>,
    /// `status.nodeInfo.machineID`.
    pub machine_id: Option<String>,
    /// The `MemoryPressure` condition's status (`True`, `False`, `Unknown`).
    pub memory_pressure: Option<String>,
}

/// The Node objects of a document: one Node, a `NodeList`/`List` (`items`), or a bare
/// array. Anything that is not a Node (no `metadata.name`, another `kind`) is passed
/// over.
pub fn from_value(v: &Value) -> Vec<NodeObject> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => match o.get("items").and_then(Value::as_array) {
            Some(a) => a.iter().collect(),
            None => vec![v],
        },
        _ => Vec::new(),
    };
    items.into_iter().filter_map(node).collect()
}

/// Node objects from a file's bytes: JSON, else the block YAML `oc`/`kubectl` write.
pub fn from_bytes(bytes: &[u8]) -> Vec<NodeObject> {
    from_value(&value(bytes))
}

fn value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| super::yaml::parse(&String::from_utf8_lossy(bytes)))
}

/// [`from_bytes`], or why the file holds no Kubernetes object at all (one line).
pub fn read(bytes: &[u8]) -> Result<Vec<NodeObject>, String> {
    let v = value(bytes);
    let objects = match &v {
        Value::Array(_) => true,
        Value::Object(o) => o.contains_key("items") || o.contains_key("metadata"),
        _ => false,
    };
    if !objects {
        return Err("no Kubernetes Node object or list could be read in it".into());
    }
    Ok(from_value(&v))
}

fn text(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn node(v: &Value) -> Option<NodeObject> {
    let kind = v.get("kind").and_then(Value::as_str);
    if kind.is_some_and(|k| k != "Node") {
        return None;
    }
    let name = text(v.get("metadata").and_then(|m| m.get("name")))?;
    let status = v.get("status");
    let memory = |key: &str| {
        let q = status?.get(key)?.get("memory")?;
        let bytes = match q {
            Value::String(s) => super::names::quantity(s)?,
            Value::Number(n) => n.as_u64()?,
            _ => return None,
        };
        Some(bytes / 1024)
    };
    let info = |key: &str| {
        text(
            status
                .and_then(|s| s.get("nodeInfo"))
                .and_then(|i| i.get(key)),
        )
    };
    let memory_pressure = status
        .and_then(|s| s.get("conditions"))
        .and_then(Value::as_array)
        .and_then(|cs| {
            cs.iter()
                .find(|c| c.get("type").and_then(Value::as_str) == Some("MemoryPressure"))
        })
        .and_then(|c| text(c.get("status")));
    Some(NodeObject {
        name,
        mem_capacity_kb: memory("capacity"),
        mem_allocatable_kb: memory("allocatable"),
        kernel: info("kernelVersion"),
        os_image: info("osImage"),
        container_runtime: info("containerRuntimeVersion"),
        kubelet_version: info("kubeletVersion"),
        machine_id: info("machineID"),
        memory_pressure,
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    const YAML: &str = "---
apiVersion: v1
kind: Node
metadata:
  name: worker-0
status:
  allocatable:
    cpu: 3500m
    memory: 15152656Ki
  capacity:
    cpu: \"4\"
    memory: 16303600Ki
  conditions:
  - lastHeartbeatTime: \"2024-03-05T10:44:12Z\"
    message: kubelet has sufficient memory available
    reason: KubeletHasSufficientMemory
    status: \"False\"
    type: MemoryPressure
  - status: \"True\"
    type: Ready
  nodeInfo:
    kernelVersion: 5.14.0-284.48.1.el9_2.x86_64
    machineID: 3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e
    osImage: Red Hat Enterprise Linux CoreOS 414.92.202402201520-0 (Plow)
    containerRuntimeVersion: cri-o://1.27.3-6.rhaos4.14.git7eb2281.el9
    kubeletVersion: v1.27.10+28ed2d7
";

    #[test]
    fn must_gather_node_yaml() {
        let n = from_bytes(YAML.as_bytes());
        assert_eq!(
            n,
            vec![NodeObject {
                name: "worker-0".into(),
                mem_capacity_kb: Some(16_303_600),
                mem_allocatable_kb: Some(15_152_656),
                kernel: Some("5.14.0-284.48.1.el9_2.x86_64".into()),
                os_image: Some(
                    "Red Hat Enterprise Linux CoreOS 414.92.202402201520-0 (Plow)".into()
                ),
                container_runtime: Some("cri-o://1.27.3-6.rhaos4.14.git7eb2281.el9".into()),
                kubelet_version: Some("v1.27.10+28ed2d7".into()),
                machine_id: Some("3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e".into()),
                memory_pressure: Some("False".into()),
            }]
        );
    }

    #[test]
    fn node_list_json() {
        let json = br#"{"kind":"NodeList","apiVersion":"v1","items":[
          {"metadata":{"name":"ip-10-0-3-41.eu-west-1.compute.internal"},
           "status":{"capacity":{"memory":"8Gi"},"allocatable":{"memory":"7474Mi"},
             "conditions":[{"type":"MemoryPressure","status":"True","reason":"KubeletHasInsufficientMemory"}],
             "nodeInfo":{"kernelVersion":"5.10.210-201.852.amzn2.x86_64","containerRuntimeVersion":"containerd://1.7.11"}}},
          {"kind":"Pod","metadata":{"name":"not-a-node"}},
          {"metadata":{}}]}"#;
        let n = from_bytes(json);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].name, "ip-10-0-3-41.eu-west-1.compute.internal");
        assert_eq!(n[0].mem_capacity_kb, Some(8 * 1024 * 1024));
        assert_eq!(n[0].mem_allocatable_kb, Some(7474 * 1024));
        assert_eq!(n[0].memory_pressure.as_deref(), Some("True"));
        assert_eq!(n[0].os_image, None);
        // A bare array, and garbage.
        assert_eq!(from_bytes(br#"[{"metadata":{"name":"a"}}]"#).len(), 1);
        assert!(from_bytes(b"<html>").is_empty());
        assert!(read(b"<html><body>403</body></html>").is_err());
        assert_eq!(read(br#"{"kind":"NodeList","items":[]}"#), Ok(Vec::new()));
        assert!(from_bytes(b"\"just a string\"").is_empty());
    }
}
