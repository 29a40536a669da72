//! What a file of a bundle is, and which node it belongs to: one set of rules for the
//! directory walk, archive members and standard input alike.
//!
//! A file is classified by its path inside the input (the full path, wrapper folders
//! included: no rule depends on where the node root is, so a member streaming past
//! is classified before the rest of the archive is known), then, when its path leaves
//! it open, by its first bytes ([`by_content`]). What it takes to recognise a log by
//! content — the record layouts and the OOM prefilter — belongs to later stages and is
//! handed in as a [`Sniffer`].
//!
//! The node root of a path ([`node_root`]) is what comes before the first component
//! that starts a node's file system (`var`, `etc`, `proc`, `sys`, `sos_commands`), or,
//! for a node fact file at the top of a node (`sosreport-x/version.txt`,
//! `node/hostname`), the folder holding it. A file belongs to the longest root among
//! all the paths of the input that prefixes it ([`NodeRoots`]).

use super::facts::FACT_FILES;
use crate::source::FileFormat;

/// Recognises logs by their content: implemented by a later stage (the record
/// layouts and the OOM prefilter) and handed in by the driver.
pub trait Sniffer: Sync {
    /// The record layout of a file whose decompressed head is `head`.
    fn format(&self, head: &[u8]) -> FileFormat;
    /// Does the start of a file look like a log with kernel messages?
    fn looks_like_log(&self, head: &[u8]) -> bool;
}

/// What a path says a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A log known by its name (`messages`, `dmesg`, `journalctl_…`, `*.journal`,
    /// `*.journal~`).
    Log,
    /// A log if its first bytes look like one.
    MaybeLog,
    /// A node fact file (`sos_commands/date/date`, `proc/meminfo`, `version.txt`).
    Fact,
    /// A cgroup file read for snapshots (`memory.*`, `cgroup.controllers`).
    Cgroup,
    /// A Kubernetes object file or a runtime listing, read whole by `k8s`.
    Pod(NamesFile),
    /// A container's application log: its path names a pod; never scanned.
    ContainerLog,
    /// Under `proc/`, `sys/`, `dev/`, `.git/` or `node_modules/`: never a log.
    Ignored,
    /// Not read, for the reason given (warned about).
    Skipped(&'static str),
}

/// Files that name pods and containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamesFile {
    Events,
    DescribePods,
    PodYaml,
    DockerPs,
    CrictlPs,
    CrictlPods,
    PodJson,
    /// What the container runtime prints as JSON: `crictl inspect`/`inspectp`,
    /// `docker inspect`, `crictl ps`/`pods -o json`.
    RuntimeJson,
    /// Node objects (`cluster-scoped-resources/core/nodes/*.yaml`, `nodes.json`).
    Nodes,
}

/// What the first bytes of a log (by name or maybe) decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Scan,
    /// Not scanned, with a reason worth a warning.
    Skip(&'static str),
    /// Not a log: passed over silently.
    Ignore,
}

pub const BINARY_SKIPPED: &str = "binary file skipped (not a text log)";

/// Folders never walked for logs (facts and cgroups are still read from them by name).
pub const SKIP_DIRS: &[&str] = &["proc", "sys", "dev", ".git", "node_modules"];

/// Components that start a node's file system inside a bundle.
const ROOT_MARKERS: &[&str] = &["var", "sos_commands", "proc", "sys", "etc"];

/// Is a folder of this name a part of a node's file system (`var`, `etc`, `proc`,
/// `sys`, `dev`, `sos_commands`)? A link of that name at the top of an input is not a
/// bundle of a fleet: followed, it would read the analyzing machine's own folder.
pub fn node_root_component(name: &str) -> bool {
    ROOT_MARKERS.contains(&name) || SKIP_DIRS.contains(&name)
}

/// What the path (inside the input, `/`-separated) of a file found in a bundle says.
pub fn by_path(rel: &str) -> Kind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if container_log(rel) {
        Kind::ContainerLog
    } else if let Some(k) = names_file(rel) {
        Kind::Pod(k)
    } else if cgroup_file(name) {
        Kind::Cgroup
    } else if fact_suffix(rel).is_some() || name == super::facts::MUST_GATHER_TIMESTAMP {
        Kind::Fact
    } else if skipped_dir(rel).is_some() {
        Kind::Ignored
    } else if is_journal_file(name) || log_by_name(name) {
        Kind::Log
    } else {
        Kind::MaybeLog
    }
}

/// A file given by itself (an input, standard input): a log (a binary journal
/// among them, told by its first bytes).
pub fn loose_file(_name: &str) -> Kind {
    Kind::Log
}

/// Decides a [`Kind::Log`] or [`Kind::MaybeLog`] by its decompressed head; `explicit`
/// when the file was given by itself (always read unless binary). A binary systemd
/// journal (its signature, whatever its name) is scanned, and so is a journal export
/// (`journalctl -o export`, whose binary fields hold NUL bytes).
pub fn by_content(kind: Kind, head: &[u8], explicit: bool, sniff: &dyn Sniffer) -> Verdict {
    match kind {
        Kind::Skipped(why) => Verdict::Skip(why),
        Kind::Log | Kind::MaybeLog => {
            if journal_format(head, sniff) {
                Verdict::Scan
            } else if crate::source::is_binary(head) {
                if explicit || kind == Kind::Log {
                    Verdict::Skip(BINARY_SKIPPED)
                } else {
                    Verdict::Ignore
                }
            } else if explicit || kind == Kind::Log {
                Verdict::Scan
            } else if head.starts_with(b"#!") {
                // A script (`#!/bin/sh`), whatever log text it quotes, is not a log.
                Verdict::Ignore
            } else if sniff.looks_like_log(head) {
                Verdict::Scan
            } else {
                Verdict::Ignore
            }
        }
        _ => Verdict::Ignore,
    }
}

/// Is this head a binary journal or a journal export (read even with NUL bytes)?
pub fn journal_format(head: &[u8], sniff: &dyn Sniffer) -> bool {
    matches!(
        sniff.format(head),
        FileFormat::BinaryJournal | FileFormat::JournalExport
    )
}

/// A cgroup memory interface file (`memory.max`, `memory.limit_in_bytes`,
/// `cgroup.controllers`), not a log someone named `memory.log`.
fn cgroup_file(name: &str) -> bool {
    name == "cgroup.controllers"
        || name.strip_prefix("memory.").is_some_and(|rest| {
            let ext = rest.rsplit('.').next().unwrap_or(rest);
            !rest.is_empty() && !matches!(ext, "log" | "txt" | "gz" | "xz" | "zst" | "json" | "out")
        })
}

fn is_journal_file(name: &str) -> bool {
    name.ends_with(".journal") || name.ends_with(".journal~")
}

/// Is this file name one of the logs we know by name?
pub fn log_by_name(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    const PREFIXES: &[&str] = &[
        "messages",
        "syslog",
        "kern.log",
        "kern",
        "dmesg",
        "journalctl_",
        "journal",
        "console",
        "kernel",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
        && !name.ends_with(".journal")
        && !name.starts_with("journalctl_--list-boots")
        && !name.starts_with("journalctl_--disk-usage")
}

/// Files that name pods and containers (runtime listings, pod JSON and YAML, events,
/// `kubectl describe`), by path.
pub fn names_file(rel: &str) -> Option<NamesFile> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if runtime_json(name) {
        Some(NamesFile::RuntimeJson)
    } else if name.starts_with("docker_ps") {
        Some(NamesFile::DockerPs)
    } else if name.starts_with("crictl_ps") {
        Some(NamesFile::CrictlPs)
    } else if name.starts_with("crictl_pods") {
        Some(NamesFile::CrictlPods)
    } else if (name.ends_with(".json")
        && (rel.contains("cluster-resources/pods/") || name == "pods.json"))
        || (name.starts_with("kubectl_get") && name.contains("pods") && name.contains("json"))
    {
        Some(NamesFile::PodJson)
    } else if node_objects(rel, name) {
        Some(NamesFile::Nodes)
    } else if name.ends_with(".yaml")
        && ((rel.contains("namespaces/") && rel.contains("/pods/")) || name == "pods.yaml")
    {
        Some(NamesFile::PodYaml)
    } else if (name == "events.yaml" || name == "events.json")
        || (rel.contains("cluster-resources/events/") && name.ends_with(".json"))
        || (name.starts_with("kubectl_get") && name.contains("events"))
    {
        Some(NamesFile::Events)
    } else if name.starts_with("kubectl_describe") && name.contains("pod") {
        Some(NamesFile::DescribePods)
    } else {
        None
    }
}

/// `crictl_inspect_<id>`, `crictl_inspectp_<id>` (not `crictl_inspecti_`: images),
/// `docker_inspect_<name>`, and `crictl ps`/`crictl pods` printed with `-o json`.
fn runtime_json(name: &str) -> bool {
    (name.starts_with("crictl_inspect") && !name.starts_with("crictl_inspecti"))
        || name.starts_with("docker_inspect")
        || ((name.starts_with("crictl_ps") || name.starts_with("crictl_pods"))
            && name.contains("json"))
}

/// Node objects: a must-gather's `cluster-scoped-resources/core/nodes/<node>.yaml`, a
/// support bundle's `cluster-resources/nodes.json`, `nodes.json`/`nodes.yaml`, a
/// sosreport's `kubectl_get … nodes` JSON or YAML.
fn node_objects(rel: &str, name: &str) -> bool {
    let object = name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json");
    (object && rel.contains("cluster-scoped-resources/core/nodes/"))
        || name == "nodes.json"
        || name == "nodes.yaml"
        || (name.starts_with("kubectl_get")
            && name.contains("nodes")
            && (name.contains("json") || name.contains("yaml")))
}

/// Application logs of containers: read for their names, never scanned.
pub fn container_log(rel: &str) -> bool {
    rel.contains("var/log/pods/") || rel.contains("var/log/containers/")
}

/// Where in `rel` the longest tail that is a node fact file starts (at a component
/// boundary): `x/sos_commands/date/date` → 2, `node/hostname` → 5.
pub fn fact_suffix(rel: &str) -> Option<usize> {
    std::iter::once(0)
        .chain(rel.match_indices('/').map(|(i, _)| i + 1))
        .find(|&i| rel.get(i..).is_some_and(|t| FACT_FILES.contains(&t)))
}

/// The path of the first folder of `rel` that is never walked for logs, with its
/// trailing `/` (`node/proc/1/status` → `node/proc/`).
pub fn skipped_dir(rel: &str) -> Option<&str> {
    let mut at = 0;
    let mut comps = rel.split('/').peekable();
    while let Some(c) = comps.next() {
        comps.peek()?;
        at += c.len() + 1;
        if SKIP_DIRS.contains(&c) {
            return rel.get(..at);
        }
    }
    None
}

/// A path as the directory walk lists it: a file under a folder never walked stands
/// for that folder (`node/proc/`), so archive members give the same paths as the walk.
pub fn as_listed(rel: &str) -> &str {
    skipped_dir(rel).unwrap_or(rel)
}

/// The node root of a path inside an input (`""` or `"dir/"`): what comes before the
/// first component that starts a node's file system, else the folder of a node fact
/// file at its top.
pub fn node_root(rel: &str) -> String {
    let comps: Vec<&str> = rel.split('/').collect();
    let dirs = comps.split_last().map_or(&[][..], |(_, dirs)| dirs);
    match dirs.iter().position(|c| ROOT_MARKERS.contains(c)) {
        Some(0) => String::new(),
        Some(i) => format!("{}/", dirs.get(..i).unwrap_or_default().join("/")),
        None => match (fact_suffix(rel), cluster_bundle_top(&comps)) {
            (Some(i), _) => rel.get(..i).unwrap_or_default().to_string(),
            (None, Some(0)) | (None, None) => String::new(),
            (None, Some(i)) => format!("{}/", comps.get(..i).unwrap_or_default().join("/")),
        },
    }
}

/// Folders at the top of a support bundle (Replicated troubleshoot).
const SUPPORT_BUNDLE_TOP: &[&str] = &["cluster-resources", "host-collectors"];
/// Folders at the top of a must-gather's image folder (`must-gather.local.N/<image>/…`).
const MUST_GATHER_IMAGE_TOP: &[&str] = &[
    "namespaces",
    "cluster-scoped-resources",
    "host_service_logs",
];

/// How many leading components of a path (its folders, then its name) make the top of
/// the cluster bundle it is in: the folder holding a support bundle's
/// `cluster-resources/`, a must-gather's `timestamp`, or the image folder of its
/// `namespaces/` (the must-gather's own folder, one up). So a must-gather or support
/// bundle inside a folder of other things is a unit of its own, dated by its own
/// files.
fn cluster_bundle_top(comps: &[&str]) -> Option<usize> {
    let (name, dirs) = comps.split_last()?;
    if *name == super::facts::MUST_GATHER_TIMESTAMP {
        return Some(dirs.len());
    }
    if let Some(i) = dirs.iter().position(|c| SUPPORT_BUNDLE_TOP.contains(c)) {
        return Some(i);
    }
    dirs.iter()
        .position(|c| MUST_GATHER_IMAGE_TOP.contains(c))
        .map(|i| i.saturating_sub(1))
}

/// The node roots of a set of paths: a path belongs to the longest root that prefixes
/// it, so files at the top of a node (`sosreport-x/uptime`) join their node.
#[derive(Debug, Default)]
pub struct NodeRoots(std::collections::BTreeSet<String>);

impl NodeRoots {
    pub fn new<'a>(paths: impl Iterator<Item = &'a str>) -> NodeRoots {
        NodeRoots(paths.map(node_root).collect())
    }

    /// The longest root that prefixes `p`. A root is `""` or ends at a component
    /// boundary of the path it came from, so only the prefixes of `p` that end at one
    /// of its `/` are looked up: O(depth · log roots), not a pass over every root.
    pub fn of(&self, p: &str) -> String {
        p.match_indices('/')
            .map(|(i, _)| i + 1)
            .chain(std::iter::once(p.len()))
            .rev()
            .filter_map(|i| p.get(..i))
            .find(|pre| self.0.contains(*pre))
            .unwrap_or_default()
            .to_string()
    }
}

/// A name that only an archive has (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.txz`,
/// `.tar.zst`, `.tzst`, `.zip`).
pub fn named_like_archive(name: &str) -> bool {
    const EXT: &[&str] = &[
        ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".zip",
    ];
    let lower = name.to_ascii_lowercase();
    EXT.iter().any(|e| lower.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Plain;
    impl Sniffer for Plain {
        fn format(&self, head: &[u8]) -> FileFormat {
            if head.starts_with(b"LPKSHHRH") {
                FileFormat::BinaryJournal
            } else {
                FileFormat::Lines
            }
        }
        fn looks_like_log(&self, head: &[u8]) -> bool {
            head.starts_with(b"Mar ")
        }
    }

    #[test]
    fn names() {
        assert!(log_by_name("var/log/messages-20240101"));
        assert!(log_by_name("var/log/kern.log.1"));
        assert!(log_by_name("sos_commands/kernel/dmesg_-T"));
        assert!(log_by_name("sos_commands/logs/journalctl_--no-pager"));
        assert!(!log_by_name("sos_commands/systemd/journalctl_--list-boots"));
        assert!(!log_by_name("var/log/journal/x/system.journal"));
        assert!(!log_by_name("etc/hosts"));
    }

    /// The same file is the same kind whatever folders hold its bundle.
    #[test]
    fn kinds_ignore_wrappers() {
        let cases: &[(&str, Kind)] = &[
            ("sos_commands/kernel/dmesg", Kind::Log),
            ("sos_commands/date/date", Kind::Fact),
            ("version.txt", Kind::Fact),
            ("date", Kind::Fact),
            ("proc/meminfo", Kind::Fact),
            ("proc/1/status", Kind::Ignored),
            ("sys/fs/cgroup/kubepods.slice/memory.max", Kind::Cgroup),
            ("sys/fs/cgroup/kubepods.slice/cgroup.procs", Kind::Ignored),
            ("var/log/messages", Kind::Log),
            ("var/log/journal/abc/system.journal", Kind::Log),
            ("var/log/journal/abc/system@0001-0002.journal~", Kind::Log),
            ("run/log/journal/abc/user-1000.journal", Kind::Log),
            (
                "var/log/pods/shop_cart-1_uid/cart/0.log",
                Kind::ContainerLog,
            ),
            (
                "var/log/containers/cart_shop_cart-0123.log",
                Kind::ContainerLog,
            ),
            ("var/log/boot.log", Kind::MaybeLog),
            ("etc/hostname", Kind::Fact),
            (
                "sos_commands/kubernetes/kubectl_get_-o_json_pods_--all-namespaces",
                Kind::Pod(NamesFile::PodJson),
            ),
            (
                "sos_commands/crio/crictl_ps_-a",
                Kind::Pod(NamesFile::CrictlPs),
            ),
            (
                "sos_commands/crio/crictl_ps_-a_-o_json",
                Kind::Pod(NamesFile::RuntimeJson),
            ),
            (
                "sos_commands/crio/containers/crictl_inspect_4f3a9c1e7b2d8a6f",
                Kind::Pod(NamesFile::RuntimeJson),
            ),
            (
                "sos_commands/crio/pods/crictl_inspectp_9a8b7c6d5e4f3011",
                Kind::Pod(NamesFile::RuntimeJson),
            ),
            (
                "sos_commands/crio/images/crictl_inspecti_5b2c8e1f0a9d",
                Kind::MaybeLog,
            ),
            (
                "sos_commands/docker/containers/docker_inspect_k8s_app_web-0_front_uid_0",
                Kind::Pod(NamesFile::RuntimeJson),
            ),
            (
                "quay-io-x/namespaces/shop/pods/cart-1/cart-1.yaml",
                Kind::Pod(NamesFile::PodYaml),
            ),
            (
                "quay-io-x/namespaces/shop/core/events.yaml",
                Kind::Pod(NamesFile::Events),
            ),
            (
                "quay-io-x/host_service_logs/workers/kubelet_service.log",
                Kind::MaybeLog,
            ),
            (
                "cluster-resources/pods/shop.json",
                Kind::Pod(NamesFile::PodJson),
            ),
            ("host-collectors/journald/kernel.txt", Kind::Log),
            (
                "quay-io-x/cluster-scoped-resources/core/nodes/worker-0.yaml",
                Kind::Pod(NamesFile::Nodes),
            ),
            ("cluster-resources/nodes.json", Kind::Pod(NamesFile::Nodes)),
            (
                "sos_commands/kubernetes/kubectl_get_-o_json_nodes",
                Kind::Pod(NamesFile::Nodes),
            ),
            (".git/objects/ab/cdef", Kind::Ignored),
            ("memory.max", Kind::Cgroup),
            ("kubepods/burstable/memory.events.local", Kind::Cgroup),
            ("logs/memory.log", Kind::MaybeLog),
            ("logs/memory.txt.gz", Kind::MaybeLog),
        ];
        for wrapper in [
            "",
            "sosreport-node7-2024-03-05-abcdef/",
            "case-123/sosreport-node7/",
        ] {
            for (p, k) in cases {
                assert_eq!(by_path(&format!("{wrapper}{p}")), *k, "{wrapper}{p}");
            }
        }
    }

    #[test]
    fn node_roots() {
        assert_eq!(node_root("var/log/messages"), "");
        assert_eq!(
            node_root("sosreport-n1-2024/sos_commands/kernel/dmesg"),
            "sosreport-n1-2024/"
        );
        assert_eq!(node_root("nodes/n2/var/log/messages"), "nodes/n2/");
        assert_eq!(node_root("messages"), "");
        assert_eq!(node_root("logs/var"), "");
        // A node known only by its fact files.
        assert_eq!(node_root("kmsg-node/hostname"), "kmsg-node/");
        assert_eq!(
            node_root("case-123/sosreport-n7/version.txt"),
            "case-123/sosreport-n7/"
        );
        assert_eq!(node_root("hostname"), "");
        assert_eq!(node_root("case-123/n/proc/"), "case-123/n/");
    }

    /// One node per bundle, whatever holds it: a sosreport in a wrapper folder, a
    /// fleet folder, a must-gather, a support bundle, a `/var/log` copy.
    #[test]
    fn node_roots_of_real_layouts() {
        /// Paths of an input, and (path, its node root) to check.
        type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
        let layouts: &[Case] = &[
            (
                &[
                    "case-123/sosreport-node7-2024/version.txt",
                    "case-123/sosreport-node7-2024/uptime",
                    "case-123/sosreport-node7-2024/sos_commands/kernel/dmesg",
                    "case-123/sosreport-node7-2024/sos_commands/date/date",
                    "case-123/sosreport-node7-2024/proc/",
                    "case-123/notes.txt",
                ],
                &[
                    (
                        "case-123/sosreport-node7-2024/uptime",
                        "case-123/sosreport-node7-2024/",
                    ),
                    (
                        "case-123/sosreport-node7-2024/sos_commands/kernel/dmesg",
                        "case-123/sosreport-node7-2024/",
                    ),
                    ("case-123/notes.txt", ""),
                ],
            ),
            (
                &[
                    "kmsg-node/kmsg.txt",
                    "kmsg-node/hostname",
                    "kmsg-node/proc/",
                ],
                &[("kmsg-node/kmsg.txt", "kmsg-node/")],
            ),
            (
                &[
                    "sosreport-a/version.txt",
                    "sosreport-a/var/log/messages",
                    "sosreport-b/version.txt",
                    "sosreport-b/var/log/messages",
                ],
                &[
                    ("sosreport-a/var/log/messages", "sosreport-a/"),
                    ("sosreport-b/version.txt", "sosreport-b/"),
                ],
            ),
            (
                &[
                    "must-gather.local.1/timestamp",
                    "must-gather.local.1/quay-io-x/host_service_logs/workers/kubelet_service.log",
                    "must-gather.local.1/quay-io-x/namespaces/shop/core/events.yaml",
                ],
                &[
                    (
                        "must-gather.local.1/quay-io-x/namespaces/shop/core/events.yaml",
                        "must-gather.local.1/",
                    ),
                    (
                        "must-gather.local.1/quay-io-x/host_service_logs/workers/kubelet_service.log",
                        "must-gather.local.1/",
                    ),
                ],
            ),
            (
                &[
                    "support-bundle-2024/host-collectors/journald/kernel.txt",
                    "support-bundle-2024/cluster-resources/pods/shop.json",
                ],
                &[(
                    "support-bundle-2024/host-collectors/journald/kernel.txt",
                    "support-bundle-2024/",
                )],
            ),
            // Given as the input itself, or beside other things in a case folder: a
            // must-gather (without its wrapper, too) and a support bundle are units.
            (
                &[
                    "namespaces/shop/core/events.yaml",
                    "nodes/worker-0/dmesg",
                    "cluster-resources/pods/shop.json",
                ],
                &[
                    ("nodes/worker-0/dmesg", ""),
                    ("namespaces/shop/core/events.yaml", ""),
                ],
            ),
            (
                &[
                    "case/messages",
                    "case/mg/timestamp",
                    "case/mg/quay-io-x/nodes/worker-0/dmesg",
                    "case/mg2/quay-io-y/namespaces/shop/pods/p/p.yaml",
                    "case/mg2/quay-io-y/nodes/worker-1/dmesg",
                    "case/sb/host-collectors/journald/kernel.txt",
                ],
                &[
                    ("case/messages", ""),
                    ("case/mg/quay-io-x/nodes/worker-0/dmesg", "case/mg/"),
                    ("case/mg2/quay-io-y/nodes/worker-1/dmesg", "case/mg2/"),
                    ("case/sb/host-collectors/journald/kernel.txt", "case/sb/"),
                ],
            ),
            (
                &["messages", "messages-20240101", "kern.log"],
                &[("messages-20240101", "")],
            ),
        ];
        for (paths, want) in layouts {
            let roots = NodeRoots::new(paths.iter().copied());
            for (p, r) in *want {
                assert_eq!(roots.of(p), *r, "{p} in {paths:?}");
            }
        }
    }

    #[test]
    fn listed_paths() {
        assert_eq!(as_listed("n/proc/1/status"), "n/proc/");
        assert_eq!(as_listed("proc/meminfo"), "proc/");
        assert_eq!(as_listed("n/var/log/messages"), "n/var/log/messages");
        assert_eq!(as_listed("n/proc"), "n/proc");
        assert_eq!(skipped_dir("a/sys/fs/cgroup/memory.max"), Some("a/sys/"));
    }

    #[test]
    fn contents() {
        let s = &Plain;
        assert_eq!(
            by_content(Kind::MaybeLog, b"Mar 5 x\n", false, s),
            Verdict::Scan
        );
        assert_eq!(
            by_content(Kind::MaybeLog, b"[main]\n", false, s),
            Verdict::Ignore
        );
        assert_eq!(by_content(Kind::Log, b"[main]\n", false, s), Verdict::Scan);
        // A script quoting log lines is passed over, unless named or given as a log.
        let script = b"#!/usr/bin/env python3\nMar 5 x\nMar 5 y\n";
        assert_eq!(
            by_content(Kind::MaybeLog, script, false, s),
            Verdict::Ignore
        );
        assert_eq!(
            by_content(Kind::MaybeLog, &script[23..], false, s),
            Verdict::Scan
        );
        assert_eq!(by_content(Kind::MaybeLog, script, true, s), Verdict::Scan);
        assert_eq!(
            by_content(Kind::MaybeLog, b"\0\0\0\x01", false, s),
            Verdict::Ignore
        );
        assert_eq!(
            by_content(Kind::Log, b"\0\0\0\x01", false, s),
            Verdict::Skip(BINARY_SKIPPED)
        );
        // Binary journals are read, by name or by their signature alone.
        let journal = b"LPKSHHRH\0\0\0\x01\0\0\0\0";
        assert_eq!(
            by_content(loose_file("system.journal"), journal, true, s),
            Verdict::Scan
        );
        assert_eq!(
            by_content(
                by_path("var/log/journal/m/system.journal~"),
                journal,
                false,
                s
            ),
            Verdict::Scan
        );
        assert_eq!(
            by_content(by_path("copies/node7.bin"), journal, false, s),
            Verdict::Scan
        );
        // A file named like a journal that is not one is still judged as binary.
        assert_eq!(
            by_content(
                by_path("var/log/journal/m/system.journal"),
                b"\0\0\0\x01",
                false,
                s
            ),
            Verdict::Skip(BINARY_SKIPPED)
        );
    }
}
