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
        .filter(|f| f.kind == NamesFile::CrictlPods)
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
            NamesFile::CrictlPs => names.crictl(&text(bytes), &pods),
            NamesFile::CrictlPods => {}
            NamesFile::PodYaml => names.pod_yaml(bytes),
            NamesFile::DescribePods => names.describe_pods(&text(bytes)),
            NamesFile::Events => {
                let v = serde_json::from_slice(bytes)
                    .unwrap_or_else(|_| super::yaml::parse(&text(bytes)));
                let mut reports = super::events::from_value(&v);
                for r in &mut reports {
                    r.sources.push(crate::model::SourceRef {
                        file: display.clone(),
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
