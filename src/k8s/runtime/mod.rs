//! What the container runtime says of its containers and pod sandboxes, as JSON:
//! `crictl inspect` and `crictl inspectp` (sosreport's crio plugin:
//! `sos_commands/crio/containers/crictl_inspect_<id>`, `…/pods/crictl_inspectp_<id>`;
//! containerd nodes the same through crictl), `crictl ps -o json` and
//! `crictl pods -o json`, and `docker inspect` (`sos_commands/docker/containers/
//! docker_inspect_<name>`). The most exact source a node bundle has: a full container
//! id with its name, its pod's name, namespace and UID, and the memory limit the
//! runtime applied.
//!
//! One file per format, each a [`Format`]: how to tell its JSON shape and how to read
//! it into a [`NameIndex`]; [`FORMATS`] is the registry, tried in order on each JSON
//! value a file holds.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

pub mod crictl_inspect;
pub mod crictl_inspectp;
pub mod crictl_list;
pub mod docker_inspect;

use super::names::NameIndex;
use crate::model::NameSource;
use serde_json::Value;

/// One JSON shape a runtime prints.
pub struct Format {
    pub name: &'static str,
    /// Is this value of this shape?
    pub is: fn(&Value) -> bool,
    /// Reads it into the index.
    pub read: fn(&Value, &mut NameIndex),
}

/// The registry, in the order tried (a stricter shape before a looser one).
pub const FORMATS: &[Format] = &[
    crictl_inspectp::FORMAT,
    crictl_inspect::FORMAT,
    crictl_list::PS,
    crictl_list::PODS,
    docker_inspect::FORMAT,
];

/// Reads a runtime JSON file into `names`. Lines before the JSON (a crictl warning
/// about default endpoints, which sos captures with the output) are passed over; one
/// or several concatenated values (`crictl inspect a b` prints one object per id) are
/// read. A file with no JSON, broken JSON, or a shape no format knows is an error.
pub fn read(bytes: &[u8], names: &mut NameIndex) -> Result<(), String> {
    let start = json_start(bytes).ok_or("no JSON in it")?;
    let json = bytes.get(start..).unwrap_or_default();
    let mut known = false;
    for v in serde_json::Deserializer::from_slice(json).into_iter::<Value>() {
        let v = v.map_err(|e| format!("invalid runtime JSON: {e}"))?;
        known |= dispatch(&v, names);
    }
    if known {
        Ok(())
    } else {
        Err("no crictl or docker inspect object in it".into())
    }
}

/// Reads one value with the first format that knows it (an array no format knows as a
/// whole: each element). Whether any format knew it.
fn dispatch(v: &Value, names: &mut NameIndex) -> bool {
    if let Some(f) = FORMATS.iter().find(|f| (f.is)(v)) {
        (f.read)(v, names);
        return true;
    }
    match v {
        Value::Array(items) => items
            .iter()
            .fold(false, |known, item| dispatch(item, names) | known),
        _ => false,
    }
}

/// The offset of the first line that starts (after blanks) with `{` or `[`.
fn json_start(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        let lead = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if matches!(line.get(lead), Some(b'{' | b'[')) {
            return Some(at + lead);
        }
        at += line.len();
    }
    None
}

/// Does this content look like JSON (a listing printed with `-o json`)?
pub fn is_json(bytes: &[u8]) -> bool {
    matches!(bytes.trim_ascii_start().first(), Some(b'{' | b'['))
}

/// The string at `keys` below `v`.
pub(crate) fn str_at<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A positive byte count at `keys` below `v`: a JSON number, or a string of digits
/// (the CRI's int64 fields, which protobuf JSON prints as strings).
pub(crate) fn bytes_at(v: &Value, keys: &[&str]) -> Option<u64> {
    let n = keys.iter().try_fold(v, |v, k| v.get(k))?;
    n.as_u64()
        .or_else(|| n.as_str().and_then(|s| s.parse().ok()))
        .filter(|b| *b > 0)
}

/// What the `io.kubernetes.*` labels (or a runtime's annotations) of a container or
/// sandbox say.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Labels<'a> {
    pub container: Option<&'a str>,
    pub pod: Option<&'a str>,
    pub namespace: Option<&'a str>,
    pub uid: Option<&'a str>,
}

impl<'a> Labels<'a> {
    /// The kubelet's labels in the object `m`, falling back to the annotations
    /// containerd's CRI plugin sets (`io.kubernetes.cri.sandbox-name`, …).
    pub fn of(m: &'a Value) -> Labels<'a> {
        let s = |k: &str| str_at(m, &[k]);
        Labels {
            container: s("io.kubernetes.container.name")
                .or_else(|| s("io.kubernetes.cri.container-name")),
            pod: s("io.kubernetes.pod.name").or_else(|| s("io.kubernetes.cri.sandbox-name")),
            namespace: s("io.kubernetes.pod.namespace")
                .or_else(|| s("io.kubernetes.cri.sandbox-namespace")),
            uid: s("io.kubernetes.pod.uid").or_else(|| s("io.kubernetes.cri.sandbox-uid")),
        }
    }

    /// Each field taken from `self`, else from `other`.
    pub fn or(self, other: Labels<'a>) -> Labels<'a> {
        Labels {
            container: self.container.or(other.container),
            pod: self.pod.or(other.pod),
            namespace: self.namespace.or(other.namespace),
            uid: self.uid.or(other.uid),
        }
    }
}

/// Records what a container's labels tell, as `source`: its pod (when UID, namespace
/// and name are known), its id → name (and pod), its memory limit, the runtime that
/// runs it (when the record is the runtime's own).
pub(crate) fn add_container(
    names: &mut NameIndex,
    id: &str,
    l: &Labels,
    limit: Option<u64>,
    source: NameSource,
    runtime: Option<&'static str>,
) {
    let Some(cname) = l.container else { return };
    if let (Some(uid), Some(ns), Some(pod)) = (l.uid, l.namespace, l.pod) {
        names.add_pod(uid, ns, pod, source);
        if let Some(bytes) = limit {
            names.container_limit(uid, cname, bytes, source);
        }
    }
    names.add_container(
        id,
        super::names::ContainerRef {
            runtime,
            ..super::names::ContainerRef::new(
                cname,
                l.uid.map(super::names::norm_uid),
                l.pod.map(str::to_string),
                l.namespace.map(str::to_string),
                source,
            )
        },
    );
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
pub(crate) mod tests {
    use super::*;

    pub const UID: &str = "7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10";
    pub const ID: &str = "4f3a9c1e7b2d8a6f0c5e9b3d1a7f2c8e6b4d0a9f3e7c1b5d9a2f6e0c4b8d3a7f";
    pub const SANDBOX: &str = "9a8b7c6d5e4f30112233445566778899aabbccddeeff00112233445566778899";

    #[test]
    fn warning_lines_before_the_json_are_passed_over() {
        let mut n = NameIndex::default();
        let text = format!(
            "time=\"2024-03-05T10:59:01Z\" level=warning msg=\"runtime connect using default endpoints\"\n{}",
            crictl_inspectp::tests::sample()
        );
        read(text.as_bytes(), &mut n).unwrap();
        assert_eq!(n.pods[UID].name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
    }

    #[test]
    fn broken_missing_and_unknown_json_are_errors() {
        let mut n = NameIndex::default();
        let e = read(b"{\"status\": {\"id\": ", &mut n).unwrap_err();
        assert!(e.starts_with("invalid runtime JSON"), "{e}");
        let e = read(
            b"time=\"x\" level=fatal msg=\"getting the status of the container: NotFound\"\n",
            &mut n,
        )
        .unwrap_err();
        assert_eq!(e, "no JSON in it");
        let e = read(b"{\"kind\": \"Secret\"}", &mut n).unwrap_err();
        assert_eq!(e, "no crictl or docker inspect object in it");
        assert!(n.pods.is_empty() && n.containers.is_empty());
    }

    #[test]
    fn every_format_is_told_by_its_shape_alone() {
        let samples = [
            ("crictl inspectp", crictl_inspectp::tests::sample()),
            ("crictl inspect", crictl_inspect::tests::sample()),
            ("crictl ps -o json", crictl_list::tests::ps_sample()),
            ("crictl pods -o json", crictl_list::tests::pods_sample()),
            ("docker inspect", docker_inspect::tests::sample()),
        ];
        for (name, text) in samples {
            let v: Value = serde_json::from_str(&text).unwrap();
            let first = FORMATS.iter().find(|f| (f.is)(&v)).map(|f| f.name);
            assert_eq!(first, Some(name));
        }
    }

    #[test]
    fn concatenated_objects_are_each_read() {
        let mut n = NameIndex::default();
        let text = format!(
            "{}\n{}",
            crictl_inspectp::tests::sample(),
            crictl_inspect::tests::sample()
        );
        read(text.as_bytes(), &mut n).unwrap();
        assert_eq!(n.containers[ID].name, "app");
        assert_eq!(n.pods[UID].namespace.as_deref(), Some("shop"));
    }
}
