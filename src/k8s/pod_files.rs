//! The Kubernetes object files and runtime listings a bundle holds (found by
//! `bundle::classify`, read whole by the bundle stage), parsed into a [`NameIndex`].

use super::names::NameIndex;
use crate::bundle::classify::NamesFile;
use crate::bundle::{Bundle, PodFile};

/// The names a bundle tells: its container log paths and its pod files (crictl
/// pairs `ps` with `pods`). Files that cannot be parsed are added to `errors`.
pub fn names_of(bundle: &Bundle, errors: &mut Vec<(String, String)>) -> NameIndex {
    let mut names = NameIndex::default();
    for p in &bundle.container_logs {
        names.log_path(p);
    }
    read(&mut names, &bundle.pod_files, errors);
    names
}

/// Reads pod files into `names`.
pub fn read(names: &mut NameIndex, files: &[PodFile], errors: &mut Vec<(String, String)>) {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let pods: String = files
        .iter()
        .filter(|f| f.kind == NamesFile::CrictlPods && !super::runtime::is_json(&f.bytes))
        .map(|f| text(&f.bytes))
        .collect::<Vec<_>>()
        .join("\n");
    for PodFile {
        kind,
        display,
        bytes,
    } in files
    {
        match kind {
            NamesFile::DockerPs => names.docker_ps(&text(bytes)),
            // A listing printed with `-o json` is read as the runtime's JSON.
            NamesFile::CrictlPs | NamesFile::CrictlPods | NamesFile::RuntimeJson
                if *kind == NamesFile::RuntimeJson || super::runtime::is_json(bytes) =>
            {
                if let Err(e) = super::runtime::read(bytes, names) {
                    errors.push((display.clone(), e));
                }
            }
            NamesFile::CrictlPs => names.crictl(&text(bytes), &pods),
            NamesFile::CrictlPods | NamesFile::RuntimeJson => {}
            NamesFile::PodYaml => names.pod_yaml(bytes),
            NamesFile::DescribePods => names.describe_pods(&text(bytes)),
            NamesFile::Events => {
                // JSON when it starts as JSON (a cut or broken one is told); else
                // YAML, told only when it nests too deep; a `kubectl get events`
                // table is neither and names nothing, without a warning.
                let v = if super::runtime::is_json(bytes) {
                    match serde_json::from_slice(bytes) {
                        Ok(v) => v,
                        Err(e) => {
                            errors.push((display.clone(), format!("invalid JSON: {e}")));
                            continue;
                        }
                    }
                } else {
                    let (v, warning) = super::yaml::parse_reporting(&text(bytes));
                    if let Some(w) = warning {
                        errors.push((display.clone(), w));
                    }
                    v
                };
                let mut reports = super::events::from_value(&v);
                for r in &mut reports {
                    r.sources.push(crate::model::SourceRef {
                        file: display.as_str().into(),
                        line: 0,
                    });
                }
                names.reports.extend(reports);
            }
            NamesFile::Nodes => match super::nodes::read(bytes) {
                Ok(n) => names.nodes.extend(n),
                Err(e) => errors.push((display.clone(), e)),
            },
            NamesFile::PodJson => {
                if let Err(e) = names.pod_json(bytes) {
                    errors.push((display.clone(), e));
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    const UID: &str = "7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10";
    const ID: &str = "4f3a9c1e7b2d8a6f0c5e9b3d1a7f2c8e6b4d0a9f3e7c1b5d9a2f6e0c4b8d3a7f";

    fn file(kind: NamesFile, display: &str, text: String) -> PodFile {
        PodFile {
            kind,
            display: display.into(),
            bytes: text.into_bytes(),
        }
    }

    /// Event lists: a cut JSON file is told; a `kubectl get events` table (what
    /// sosreport's kubernetes plugin writes without `-o`) names nothing and is not
    /// told; YAML is read.
    #[test]
    fn event_files_broken_tabular_and_yaml() {
        let json = r#"{"apiVersion": "v1", "items": [{"kind": "Event", "reason": "OOMKilling", "message": "Memory cgroup out of memory: Killed process 4242 (java)", "#;
        let table = "LAST SEEN   TYPE      REASON       OBJECT                 MESSAGE
5m          Warning   OOMKilling   node/worker-1          Memory cgroup out of memory: Killed process 4242 (java)
";
        let yaml = "apiVersion: v1
items:
- kind: Event
  reason: OOMKilling
  type: Warning
  message: 'Memory cgroup out of memory: Killed process 4242 (java) total-vm:1kB, anon-rss:2kB, file-rss:0kB, shmem-rss:0kB'
  involvedObject:
    kind: Node
    name: worker-1
  lastTimestamp: \"2024-03-05T10:18:21Z\"
  source:
    component: kernel-monitor
    host: worker-1
";
        let files = [
            file(NamesFile::Events, "mg/events.json", json.into()),
            file(NamesFile::Events, "sos/kubectl_get_events", table.into()),
            file(NamesFile::Events, "mg/events.yaml", yaml.into()),
        ];
        let (mut names, mut errors) = (NameIndex::default(), Vec::new());
        read(&mut names, &files, &mut errors);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "mg/events.json");
        assert!(errors[0].1.starts_with("invalid JSON: "), "{errors:?}");
        assert_eq!(names.reports.len(), 1, "{:?}", names.reports);
        assert_eq!(names.reports[0].sources[0].file.as_ref(), "mg/events.yaml");
    }

    /// `crictl ps`/`crictl pods` files holding `-o json` output are read as JSON, by
    /// their content, whatever their name says.
    #[test]
    fn crictl_listings_in_json_are_read_as_json() {
        let ps = format!(
            r#"{{"containers": [{{"id": "{ID}", "podSandboxId": "9a8b", "metadata": {{"name": "app", "attempt": 3}},
              "labels": {{"io.kubernetes.container.name": "app", "io.kubernetes.pod.name": "checkout-7c9f8d-x2k4p",
              "io.kubernetes.pod.namespace": "shop", "io.kubernetes.pod.uid": "{UID}"}}}}]}}"#
        );
        let pods = format!(
            r#"{{"items": [{{"id": "9a8b", "metadata": {{"name": "checkout-7c9f8d-x2k4p", "uid": "{UID}", "namespace": "shop", "attempt": 0}}}}]}}"#
        );
        let files = [
            file(NamesFile::CrictlPods, "sos_commands/crio/crictl_pods", pods),
            file(NamesFile::CrictlPs, "sos_commands/crio/crictl_ps_-a", ps),
        ];
        let (mut names, mut errors) = (NameIndex::default(), Vec::new());
        read(&mut names, &files, &mut errors);
        assert_eq!(errors, Vec::<(String, String)>::new());
        assert_eq!(names.containers[ID].name, "app");
        assert_eq!(names.pods[UID].namespace.as_deref(), Some("shop"));
    }

    #[test]
    fn a_broken_runtime_file_is_an_error_naming_it() {
        let files = [file(
            NamesFile::RuntimeJson,
            "sos_commands/crio/pods/crictl_inspectp_9a8b",
            "{\"status\": ".into(),
        )];
        let (mut names, mut errors) = (NameIndex::default(), Vec::new());
        read(&mut names, &files, &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "sos_commands/crio/pods/crictl_inspectp_9a8b");
        assert!(
            errors[0].1.starts_with("invalid runtime JSON"),
            "{errors:?}"
        );
    }
}
