//! What was handed in: each input path becomes a [`Bundle`] (a directory — an
//! unpacked sosreport, a copy of `/var/log`, a folder of node logs — or one loose
//! file), its log sources found by path and, failing that, by content, and its node
//! facts read from the files that hold them.
//!
//! Directories are walked in sorted order without following directory links;
//! file links are followed only when they stay inside the bundle. `proc/`, `sys/`
//! and `dev/` trees are not walked for logs (facts are read from them by name).

pub mod archive;
pub mod facts;
pub mod stdin;
pub mod tree;

use crate::envelope::{FileFormat, line::parse_line};
use crate::k8s::names::NameIndex;
use crate::scan::prefilter::prefilter;
use crate::source::{self, Compression};
use crate::util::io_reason;
use facts::NodeFacts;
use std::path::{Path, PathBuf};

/// What kind of input a bundle came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleKind {
    Directory,
    File,
    Archive,
}

impl BundleKind {
    pub fn name(self) -> &'static str {
        match self {
            BundleKind::Directory => "directory",
            BundleKind::File => "file",
            BundleKind::Archive => "archive",
        }
    }
}

/// One node's worth of input: a directory (or a node root inside one), a loose file,
/// or a node inside an archive.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The input as given, joined with the node root inside it when there is one.
    pub input: String,
    pub kind: BundleKind,
    /// The recognized layout (`docs/bundle-layouts.md`).
    pub layout: Layout,
    /// The node root on disk (None for a loose file or an archive).
    pub root: Option<PathBuf>,
    pub sources: Vec<SourceFile>,
    pub facts: NodeFacts,
    /// Files skipped with a reason worth telling (binary logs, unreadable files).
    pub skipped: Vec<(String, String)>,
    /// Files that could not be read at all (these make the run incomplete).
    pub errors: Vec<(String, String)>,
    /// Pod and container names found in paths and listings.
    pub names: NameIndex,
}

/// A file to scan.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The path as reported: the input as given, joined with the path inside it.
    pub display: String,
    /// Path relative to the node root (for a loose file: its name).
    pub rel: String,
    pub compression: Compression,
    pub format: FileFormat,
    /// A date in the file's rotated name (`messages-20240101`), as (y, m, d).
    pub rotation_date: Option<(i32, u8, u8)>,
    /// The end date a journal export's header line names (`-- Logs begin at …, end at …`).
    pub header_date: Option<(i32, u8, u8)>,
    /// Modification time (seconds since the epoch), the last resort for a syslog year.
    pub mtime: Option<i64>,
}

impl SourceFile {
    /// A source whose decompressed head is `head`: its format, and the dates its name
    /// (`rel`) and head tell.
    pub(crate) fn new(
        path: PathBuf,
        display: String,
        rel: &str,
        compression: Compression,
        head: &[u8],
        mtime: Option<i64>,
    ) -> SourceFile {
        SourceFile {
            path,
            display,
            rel: rel.to_string(),
            compression,
            format: FileFormat::sniff(head),
            rotation_date: rotation_date(rel),
            header_date: journal_header_date(head),
            mtime,
        }
    }
}

/// The last date in a journalctl header line (`-- Logs begin at Sun 2024-03-03 …, end
/// at Tue 2024-03-05 10:45:00 UTC. --`, `-- Journal begins at …, ends at … --`).
pub fn journal_header_date(head: &[u8]) -> Option<(i32, u8, u8)> {
    let first = head
        .split(|&b| b == b'\n')
        .find(|l| !l.trim_ascii().is_empty())?;
    let line = std::str::from_utf8(first).ok()?;
    if !line.starts_with("-- ") || !(line.contains("begin") || line.contains("No entries")) {
        return None;
    }
    let b = line.as_bytes();
    (0..b.len().saturating_sub(9)).rev().find_map(|i| {
        let (c, _, _) = crate::clock::parse_iso(&[&b[i..i + 10], b"T00:00:00"].concat())?;
        Some((c.year, c.month, c.day))
    })
}

/// Bundle layouts, recognized by their marker files; later variants win.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Layout {
    /// Loose log files.
    #[default]
    Loose,
    /// A copy of a node's root or of `/var/log`.
    NodeRoot,
    /// A troubleshoot.sh support bundle (`host-collectors/`, `cluster-resources/`).
    SupportBundle,
    /// An OpenShift must-gather (`host_service_logs/`, `namespaces/`, `cluster-scoped-resources/`).
    MustGather,
    /// A sosreport (`sos_commands/`, `version.txt`).
    Sosreport,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Loose => "loose",
            Layout::NodeRoot => "node-root",
            Layout::SupportBundle => "support-bundle",
            Layout::MustGather => "must-gather",
            Layout::Sosreport => "sosreport",
        }
    }

    /// What one path (relative to the node root) says about the layout.
    pub fn of_path(rel: &str) -> Layout {
        let has = |m: &str| rel.starts_with(m) || rel.contains(&format!("/{m}"));
        if rel == "version.txt" || rel.starts_with("sos_commands/") {
            Layout::Sosreport
        } else if has("host_service_logs/")
            || has("cluster-scoped-resources/")
            || has("namespaces/")
        {
            Layout::MustGather
        } else if has("host-collectors/") || has("cluster-resources/") {
            Layout::SupportBundle
        } else if rel.starts_with("var/log/") || rel.starts_with("etc/") || rel.starts_with("proc/")
        {
            Layout::NodeRoot
        } else {
            Layout::Loose
        }
    }
}

/// What an input path holds.
#[derive(Debug)]
pub enum Discovered {
    /// Files on disk, to be scanned.
    Bundle(Box<Bundle>),
    /// An archive, to be streamed (see [`archive`]).
    Archive { path: PathBuf, display: String },
}

/// Components that start a node's file system inside a bundle: everything before the
/// first of them is the node root (`node1/var/log/messages` → `node1/`).
const ROOT_MARKERS: &[&str] = &["var", "sos_commands", "proc", "sys", "etc"];

/// The node root of a path inside an input (`""` or `"dir/"`).
pub fn node_root(rel: &str) -> String {
    let comps: Vec<&str> = rel.split('/').collect();
    match comps[..comps.len().saturating_sub(1)]
        .iter()
        .position(|c| ROOT_MARKERS.contains(c))
    {
        Some(0) | None => String::new(),
        Some(i) => format!("{}/", comps[..i].join("/")),
    }
}

/// The node roots of a set of paths: a path belongs to the longest root that prefixes
/// it, so files at the top of a node (`sosreport-x/version.txt`) join their node.
pub(crate) struct NodeRoots(std::collections::BTreeSet<String>);

impl NodeRoots {
    pub(crate) fn new<'a>(paths: impl Iterator<Item = &'a str>) -> NodeRoots {
        NodeRoots(paths.map(node_root).collect())
    }

    pub(crate) fn of(&self, p: &str) -> String {
        self.0
            .iter()
            .filter(|r| p.starts_with(r.as_str()))
            .max_by_key(|r| r.len())
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads an input path: one bundle per node root found, archives set aside for
/// streaming. `Err` when the path cannot be used at all.
pub fn discover(input: &str) -> Result<Vec<Discovered>, String> {
    let root = Path::new(input);
    let meta =
        std::fs::metadata(root).map_err(|e| format!("{input}: cannot read: {}", io_reason(&e)))?;
    if !meta.is_dir() {
        if archive::is_archive(root) {
            return Ok(vec![Discovered::Archive {
                path: root.to_path_buf(),
                display: input.to_string(),
            }]);
        }
        let mut b = new_bundle(input.to_string(), BundleKind::File, None);
        let name = root
            .file_name()
            .map_or_else(|| input.to_string(), |n| n.to_string_lossy().into_owned());
        consider(&mut b, root.to_path_buf(), &name, input.to_string(), true);
        return Ok(vec![Discovered::Bundle(Box::new(b))]);
    }
    let canon = root
        .canonicalize()
        .map_err(|e| format!("{input}: {}", io_reason(&e)))?;
    let mut files = Vec::new();
    let mut errors = Vec::new();
    walk(
        &canon,
        &canon,
        &canon,
        &mut files,
        &mut errors,
        input,
        &mut Default::default(),
    );
    let mut archives = Vec::new();
    let mut name_files: std::collections::BTreeMap<String, Vec<(NamesFile, String, Vec<u8>)>> =
        Default::default();
    let roots = NodeRoots::new(files.iter().map(|(_, r)| r.as_str()));
    let root_of = |p: &str| roots.of(p);
    let mut nodes: std::collections::BTreeMap<String, Bundle> = std::collections::BTreeMap::new();
    for (path, rel) in files {
        let display = display_of(input, &rel, true);
        // Named as an archive but not readable as one: still a bundle of the fleet,
        // which then fails with its error rather than vanishing as a skipped file.
        if archive::is_archive(&path)
            || archive::named_like_archive(&rel) && root_of(&rel).is_empty()
        {
            archives.push(Discovered::Archive { path, display });
            continue;
        }
        let nr = root_of(&rel);
        let b = nodes.entry(nr.clone()).or_insert_with(|| {
            let base = nr.trim_end_matches('/');
            let name = if base.is_empty() {
                input.to_string()
            } else {
                display_of(input, base, true)
            };
            new_bundle(name, BundleKind::Directory, Some(canon.join(base)))
        });
        let inner = &rel[nr.len()..];
        b.layout = b.layout.max(Layout::of_path(inner));
        b.names.log_path(inner);
        if container_log(inner) {
            continue;
        }
        if let Some(kind) = names_file(inner) {
            match std::fs::read(&path) {
                Ok(bytes) => name_files
                    .entry(nr.clone())
                    .or_default()
                    .push((kind, display, bytes)),
                Err(e) => b
                    .errors
                    .push((display, format!("cannot read: {}", io_reason(&e)))),
            }
            continue;
        }
        consider(b, path, inner, display, false);
    }
    // The input itself, when it holds no node root: to count it, or to carry its errors.
    if nodes.is_empty() && (archives.is_empty() || !errors.is_empty()) {
        nodes.insert(
            String::new(),
            new_bundle(
                input.to_string(),
                BundleKind::Directory,
                Some(canon.clone()),
            ),
        );
    }
    let mut out = Vec::new();
    for (nr, mut b) in nodes {
        b.facts = facts::read(&tree::DiskTree(canon.clone()), nr.trim_end_matches('/'));
        if let Some(files) = name_files.get(&nr) {
            read_names(&mut b.names, files, &mut b.errors);
        }
        b.errors.append(&mut errors);
        out.push(Discovered::Bundle(Box::new(b)));
    }
    out.extend(archives);
    Ok(out)
}

fn new_bundle(input: String, kind: BundleKind, root: Option<PathBuf>) -> Bundle {
    Bundle {
        input,
        kind,
        layout: Layout::Loose,
        root,
        sources: Vec::new(),
        facts: NodeFacts::default(),
        skipped: Vec::new(),
        errors: Vec::new(),
        names: NameIndex::default(),
    }
}

/// Files that name pods and containers (runtime listings, pod JSON), by path.
pub(crate) fn names_file(rel: &str) -> Option<NamesFile> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name.starts_with("docker_ps") {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamesFile {
    Events,
    DescribePods,
    PodYaml,
    DockerPs,
    CrictlPs,
    CrictlPods,
    PodJson,
}

/// Application logs of containers: read for their names, never scanned.
pub(crate) fn container_log(rel: &str) -> bool {
    rel.contains("var/log/pods/") || rel.contains("var/log/containers/")
}

/// Reads the name files of a bundle (crictl pairs `ps` with `pods`).
pub(crate) fn read_names(
    names: &mut NameIndex,
    files: &[(NamesFile, String, Vec<u8>)],
    errors: &mut Vec<(String, String)>,
) {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let pods: String = files
        .iter()
        .filter(|f| f.0 == NamesFile::CrictlPods)
        .map(|f| text(&f.2))
        .collect::<Vec<_>>()
        .join("\n");
    for (kind, display, bytes) in files {
        match kind {
            NamesFile::DockerPs => names.docker_ps(&text(bytes)),
            NamesFile::CrictlPs => names.crictl(&text(bytes), &pods),
            NamesFile::CrictlPods => {}
            NamesFile::PodYaml => names.pod_yaml(bytes),
            NamesFile::DescribePods => names.describe_pods(&text(bytes)),
            NamesFile::Events => {
                let v = serde_json::from_slice(bytes)
                    .unwrap_or_else(|_| crate::k8s::yaml::parse(&text(bytes)));
                let mut reports = crate::k8s::events::from_value(&v);
                for r in &mut reports {
                    r.sources.push(crate::model::SourceRef {
                        file: display.clone(),
                        line: 0,
                    });
                }
                names.reports.extend(reports);
            }
            NamesFile::PodJson => {
                if let Err(e) = names.pod_json(bytes) {
                    errors.push((display.clone(), e));
                }
            }
        }
    }
}

fn display_of(input: &str, rel: &str, is_dir: bool) -> String {
    if is_dir {
        format!("{}/{rel}", input.trim_end_matches('/'))
    } else {
        input.to_string()
    }
}

/// Walks `dir` (under the input `root`) for files. `confine`: where links inside
/// may lead (the input, or the real place of a bundle reached through a top-level
/// link); `linked`: directories already walked through top-level links.
fn walk(
    root: &Path,
    confine: &Path,
    dir: &Path,
    out: &mut Vec<(PathBuf, String)>,
    errors: &mut Vec<(String, String)>,
    input: &str,
    linked: &mut std::collections::BTreeSet<PathBuf>,
) {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            let rel = dir
                .strip_prefix(root)
                .unwrap_or(dir)
                .to_string_lossy()
                .into_owned();
            errors.push((
                display_of(input, &rel, true),
                format!("cannot list directory: {}", io_reason(&e)),
            ));
            return;
        }
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            let name = e.file_name();
            let skip = matches!(
                name.to_str(),
                Some("proc" | "sys" | "dev" | ".git" | "node_modules")
            );
            if !skip {
                walk(root, confine, &path, out, errors, input, linked);
            }
        } else if ft.is_file() {
            out.push((path, rel));
        } else if ft.is_symlink() {
            let Ok(target) = path.canonicalize() else {
                continue;
            };
            // Inside a bundle, follow a file link only when its target stays inside
            // (a sosreport's `etc/localtime` must not read the analyzing machine).
            // At the top of the input, a folder of links to bundles is a fleet: follow
            // links to archives and to directories (not to an ancestor: no cycles).
            let top = dir == root;
            if target.is_file()
                && (target.starts_with(confine)
                    || top && archive::named_like_archive(&target.to_string_lossy()))
            {
                out.push((path, rel));
            } else if top
                && target.is_dir()
                && !target.starts_with(root)
                && !root.starts_with(&target)
                && linked.insert(target.clone())
            {
                // Outside the input (a link to a folder inside is walked anyway),
                // not an ancestor, and each folder once.
                walk(root, &target.clone(), &path, out, errors, input, linked);
            }
        }
    }
}

/// Is this file name one of the logs we know by path?
pub(crate) fn log_by_name(rel: &str) -> bool {
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

fn is_fact_file(rel: &str) -> bool {
    facts::FACT_FILES.contains(&rel)
}

/// Rotation date in a name: `messages-20240101`, `syslog-20240101.gz`.
pub(crate) fn rotation_date(rel: &str) -> Option<(i32, u8, u8)> {
    let name = rel.rsplit('/').next()?;
    let i = name.rfind('-')?;
    let digits: String = name[i + 1..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.len() != 8 {
        return None;
    }
    let y = digits[0..4].parse().ok()?;
    let m = digits[4..6].parse().ok()?;
    let d = digits[6..8].parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d) && y > 1990).then_some((y, m, d))
}

/// Does the start of a file look like a log with kernel messages?
pub(crate) fn looks_like_log(head: &[u8]) -> bool {
    if prefilter(FileFormat::Lines, head).is_some() || FileFormat::sniff(head) != FileFormat::Lines
    {
        return true;
    }
    let lines: Vec<&[u8]> = head
        .split(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii().is_empty())
        .take(20)
        .collect();
    let timed = lines.iter().filter(|l| parse_line(l).has_time()).count();
    !lines.is_empty() && timed * 2 >= lines.len()
}

fn consider(b: &mut Bundle, path: PathBuf, rel: &str, display: String, explicit: bool) {
    if !explicit && is_fact_file(rel) {
        return;
    }
    let (compression, head) = match source::head(&path, 64 * 1024) {
        Ok(h) => h,
        Err(e) => {
            b.errors
                .push((display, format!("cannot read: {}", io_reason(&e))));
            return;
        }
    };
    let by_name = log_by_name(rel);
    if rel.ends_with(".journal") || rel.ends_with(".journal~") {
        b.skipped.push((display, "binary systemd journal skipped: export it with `journalctl --file FILE -o export` and analyze the export".into()));
        return;
    }
    if source::is_binary(&head) {
        if explicit || by_name {
            b.skipped
                .push((display, "binary file skipped (not a text log)".into()));
        }
        return;
    }
    if !(explicit || by_name || looks_like_log(&head)) {
        return;
    }
    let mtime = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64);
    b.sources.push(SourceFile::new(
        path,
        display,
        rel,
        compression,
        &head,
        mtime,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn journal_headers() {
        assert_eq!(
            journal_header_date(b"-- Logs begin at Sun 2024-03-03 10:00:00 UTC, end at Tue 2024-03-05 10:45:00 UTC. --\nMar 05 x"),
            Some((2024, 3, 5))
        );
        assert_eq!(journal_header_date(b"-- Journal begins at Sat 2023-12-30 01:02:03 CET, ends at Mon 2024-01-01 00:00:01 CET. --\n"), Some((2024, 1, 1)));
        assert_eq!(journal_header_date(b"Mar 05 10:00:00 h kernel: x\n"), None);
    }

    #[test]
    fn rotation_dates() {
        assert_eq!(
            rotation_date("var/log/messages-20240101"),
            Some((2024, 1, 1))
        );
        assert_eq!(
            rotation_date("var/log/syslog-20231231.gz"),
            Some((2023, 12, 31))
        );
        assert_eq!(rotation_date("var/log/kern.log.1"), None);
    }

    #[test]
    fn content_sniffing() {
        assert!(looks_like_log(
            b"Jun 23 11:24:34 host systemd[1]: a\nJun 23 11:24:35 host systemd[1]: b\n"
        ));
        assert!(looks_like_log(
            b"random text\nOut of memory: Killed process 1 (a)\n"
        ));
        assert!(!looks_like_log(b"[main]\nkey = value\n"));
    }
}
