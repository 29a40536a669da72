//! What was handed in: each input path becomes one or more [`Bundle`]s (a directory —
//! an unpacked sosreport, a copy of `/var/log`, a folder of node logs — one per node
//! root in it, a loose file, the nodes of an archive or of standard input), their log
//! sources found by path and, failing that, by content ([`classify`], with a
//! [`classify::Sniffer`] handed in by the driver), their node facts read from the files
//! that hold them, and their pod files read whole (parsed by `k8s`). This stage never
//! scans a log: files on disk are listed as [`SourceFile`]s, logs streamed from an
//! archive or standard input are handed to a [`LogSink`].
//!
//! [`plan`] only lists: directories are walked in sorted order without following
//! directory links; file links are followed only when they stay inside the bundle.
//! `proc/`, `sys/` and `dev/` trees are not walked for logs (facts are read from them
//! by name). Files are read when their unit runs ([`DirNode::read`], [`read_file`]).

pub mod archive;
pub mod classify;
pub mod facts;
pub mod stdin;
pub mod tree;

use crate::source::{self, Compression, FileFormat};
use crate::util::io_reason;
use classify::{Kind, NamesFile, NodeRoots, Sniffer, Verdict, by_content, by_path};
use facts::NodeFacts;
use std::io::Read;
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

/// Bytes read (decompressed) to tell a file's compression and format: the head every
/// reader of a bundle (directory walk, archive members, standard input) classifies by.
pub(crate) const HEAD: usize = 64 * 1024;

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
    /// Kubernetes object files and runtime listings, read whole (parsed by `k8s`).
    pub pod_files: Vec<PodFile>,
    /// Paths of container application logs (`var/log/pods/…`): they name pods.
    pub container_logs: Vec<String>,
}

impl Bundle {
    /// A bundle of nothing (an input that held nothing to read), named `input`.
    pub fn empty(input: String, kind: BundleKind) -> Bundle {
        new_bundle(input, kind, None)
    }
}

/// A file naming pods and containers, as read.
#[derive(Debug, Clone)]
pub struct PodFile {
    pub kind: NamesFile,
    /// The path as reported.
    pub display: String,
    pub bytes: Vec<u8>,
}

/// Receives each log found in a stream (an archive member, standard input) as it
/// streams past: the scan is a later stage's, implemented by the driver.
pub trait LogSink {
    type Scan;
    /// A log to scan: `r` reads its decompressed bytes from the start.
    fn log(&mut self, src: &SourceFile, r: &mut dyn Read) -> Self::Scan;
}

/// One node read from a stream: its bundle, the scans of its sources (in the order of
/// `bundle.sources`), and the buffered small files (facts, cgroups) it was read from,
/// its root at `base` in `tree`.
pub struct Streamed<T> {
    pub bundle: Bundle,
    pub scans: Vec<T>,
    pub tree: Option<std::sync::Arc<tree::MemTree>>,
    pub base: String,
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
    /// It held no bytes (decompressed): scanned, but it is not something read (an
    /// input of empty logs alone is "nothing read", not "no OOM"), listed with `-v`.
    pub empty: bool,
}

impl Bundle {
    /// Adds files not read, each once: one already told (or below a folder link
    /// already told) is not told again.
    pub fn note_skipped(&mut self, found: Vec<(String, String)>) {
        for (file, why) in found {
            let told = self.skipped.iter().any(|(f, _)| {
                file == *f
                    || file
                        .strip_prefix(f.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            });
            if !told {
                self.skipped.push((file, why));
            }
        }
    }
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
        sniff: &dyn Sniffer,
    ) -> SourceFile {
        SourceFile {
            path,
            display,
            rel: rel.to_string(),
            compression,
            format: sniff.format(head),
            rotation_date: rotation_date(rel),
            header_date: journal_header_date(head),
            mtime,
            empty: head.is_empty(),
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
        let (c, _, _) = crate::clock::parse_iso(&[b.get(i..i + 10)?, b"T00:00:00"].concat())?;
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

/// What an input path holds: the units of work it is planned into. Planning only
/// lists directories; files are classified by content, and facts read, when a unit
/// runs ([`DirNode::read`], [`read_file`]), inside the driver's panic guard.
#[derive(Debug)]
pub enum Planned {
    /// A node root of a directory, its files listed.
    Node(Box<DirNode>),
    /// A loose file given by itself.
    File { path: PathBuf, display: String },
    /// An archive, to be streamed (see [`archive`]).
    Archive { path: PathBuf, display: String },
    /// A special file given by itself (a FIFO, a process substitution, a device):
    /// read once as a stream, like standard input ([`stdin::read_path`]).
    Stream { path: PathBuf, display: String },
}

/// A node root of a directory input and the files listed under it.
#[derive(Debug)]
pub struct DirNode {
    /// The input as given, joined with the node root.
    pub input: String,
    /// The input as given.
    given: String,
    /// The input, resolved.
    canon: PathBuf,
    /// The node root inside the input (`""` or `"dir/"`).
    root: String,
    layout: Layout,
    /// (path on disk, path inside the input).
    files: Vec<(PathBuf, String)>,
    /// Folders that could not be listed.
    errors: Vec<(String, String)>,
    /// Entries not read, with why (special files, links leaving the bundle).
    skipped: Vec<(String, String)>,
}

impl DirNode {
    /// Bytes of the files that may be logs (for progress).
    pub fn bytes(&self) -> u64 {
        self.files
            .iter()
            .filter(|(_, rel)| matches!(by_path(rel), Kind::Log | Kind::MaybeLog))
            .map(|(p, _)| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum()
    }

    /// Reads the node: its logs found by path and content, its pod files and its facts.
    pub fn read(self, sniff: &dyn Sniffer) -> Bundle {
        let base = self.root.trim_end_matches('/');
        let mut b = new_bundle(
            self.input,
            BundleKind::Directory,
            Some(self.canon.join(base)),
        );
        b.layout = self.layout;
        for (path, rel) in self.files {
            let display = display_of(&self.given, &rel);
            let inner = rel.strip_prefix(self.root.as_str()).unwrap_or(&rel);
            match by_path(&rel) {
                Kind::ContainerLog => b.container_logs.push(inner.to_string()),
                Kind::Pod(kind) => match std::fs::read(&path) {
                    Ok(bytes) => b.pod_files.push(PodFile {
                        kind,
                        display,
                        bytes,
                    }),
                    Err(e) => b
                        .errors
                        .push((display, format!("cannot read: {}", io_reason(&e)))),
                },
                kind @ (Kind::Log | Kind::MaybeLog | Kind::Skipped(_)) => {
                    consider(&mut b, path, inner, display, kind, false, sniff)
                }
                Kind::Fact | Kind::Cgroup | Kind::Ignored => {}
            }
        }
        // Facts are read inside the node root, resolved (a bundle reached through a
        // top-level link is read where it is, and nothing outside it).
        let tree = tree::DiskTree::new(self.canon.join(base));
        // (The resolved path names the folder even when given as `.`.)
        b.facts = facts::read_named(&tree, "", &self.canon.join(base).to_string_lossy());
        b.errors.extend(self.errors);
        b.skipped.extend(self.skipped);
        b.note_skipped(tree.refused(&b.input));
        b
    }
}

/// Lists an input path: one unit per node root found in a directory, archives set
/// aside for streaming, a loose file. `Err` when the path cannot be used at all.
pub fn plan(input: &str) -> Result<Vec<Planned>, String> {
    let root = Path::new(input);
    let meta =
        std::fs::metadata(root).map_err(|e| format!("{input}: cannot read: {}", io_reason(&e)))?;
    if !meta.is_dir() && !meta.is_file() {
        // A FIFO, `<(zcat x.gz)` (`/dev/fd/N`), a device: given by name, so read, once
        // and as a stream (its size says nothing, and a second open may block or see
        // other bytes).
        return Ok(vec![Planned::Stream {
            path: root.to_path_buf(),
            display: input.to_string(),
        }]);
    }
    if !meta.is_dir() {
        let (path, display) = (root.to_path_buf(), input.to_string());
        // Named as an archive but not one (an HTML error page saved as
        // `must-gather.tar.xz`, an empty `.tar.gz`): read as one, which says so.
        return Ok(vec![
            if archive::is_archive(root) || classify::named_like_archive(input) {
                Planned::Archive { path, display }
            } else {
                Planned::File { path, display }
            },
        ]);
    }
    let canon = root
        .canonicalize()
        .map_err(|e| format!("{input}: {}", io_reason(&e)))?;
    let mut files = Vec::new();
    let mut skipped_dirs = Vec::new();
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let mut links = Vec::new();
    walk(
        &Walk {
            root: &canon,
            input,
        },
        &canon,
        &canon,
        &mut Listing {
            files: &mut files,
            skipped_dirs: &mut skipped_dirs,
            errors: &mut errors,
            skipped: &mut skipped,
            links: &mut links,
        },
        &mut Default::default(),
    );
    // A link to a log that is itself in the input (a sosreport's top-level `dmesg`)
    // is that log: scanned once, as in an archive, where links are not members.
    let listed: std::collections::BTreeSet<&Path> =
        files.iter().map(|(p, _)| p.as_path()).collect();
    let dups: std::collections::BTreeSet<PathBuf> = links
        .iter()
        .filter(|(link, target)| {
            listed.contains(target.as_path())
                && link.strip_prefix(&canon).is_ok_and(|r| {
                    matches!(by_path(&r.to_string_lossy()), Kind::Log | Kind::MaybeLog)
                })
        })
        .map(|(link, _)| link.clone())
        .collect();
    files.retain(|(p, _)| !dups.contains(p));
    let roots = NodeRoots::new(
        files
            .iter()
            .map(|(_, r): &(PathBuf, String)| r.as_str())
            .chain(skipped_dirs.iter().map(String::as_str)),
    );
    let mut archives = Vec::new();
    let mut nodes: std::collections::BTreeMap<String, DirNode> = Default::default();
    let new_node = |nr: &str| {
        let base = nr.trim_end_matches('/');
        DirNode {
            input: if base.is_empty() {
                input.to_string()
            } else {
                display_of(input, base)
            },
            given: input.to_string(),
            canon: canon.clone(),
            root: nr.to_string(),
            layout: Layout::Loose,
            files: Vec::new(),
            errors: Vec::new(),
            skipped: Vec::new(),
        }
    };
    for p in &skipped_dirs {
        let nr = roots.of(p);
        let l = Layout::of_path(p.strip_prefix(nr.as_str()).unwrap_or(p));
        if let Some(n) = nodes.get_mut(&nr) {
            n.layout = n.layout.max(l);
        } else if !nr.is_empty() || !files.is_empty() {
            let mut n = new_node(&nr);
            n.layout = l;
            nodes.insert(nr, n);
        }
    }
    for (path, rel) in files {
        let nr = roots.of(&rel);
        // Named as an archive but not readable as one: still a bundle of the fleet,
        // which then fails with its error rather than vanishing as a skipped file.
        if archive::is_archive(&path) || classify::named_like_archive(&rel) && nr.is_empty() {
            let display = display_of(input, &rel);
            archives.push(Planned::Archive { path, display });
            continue;
        }
        let n = nodes.entry(nr.clone()).or_insert_with(|| new_node(&nr));
        n.layout = n.layout.max(Layout::of_path(
            rel.strip_prefix(nr.as_str()).unwrap_or(&rel),
        ));
        n.files.push((path, rel));
    }
    // Skipped folders alone (an input of nested archives and a `proc/` copy) make no node.
    nodes.retain(|nr, n| !n.files.is_empty() || !nr.is_empty());
    // The input itself, when it holds no node root: to count it, or to carry its errors.
    if nodes.is_empty() && (archives.is_empty() || !errors.is_empty() || !skipped.is_empty()) {
        nodes.insert(String::new(), new_node(""));
    }
    if let Some(first) = nodes.values_mut().next() {
        first.errors = errors;
        first.skipped = skipped;
    }
    let mut out: Vec<Planned> = nodes
        .into_values()
        .map(|n| Planned::Node(Box::new(n)))
        .collect();
    out.extend(archives);
    Ok(out)
}

/// Reads a loose file given by itself: a bundle of one source, or none with the reason
/// in its `skipped` or `errors`.
pub fn read_file(path: &Path, input: &str, sniff: &dyn Sniffer) -> Bundle {
    let mut b = new_bundle(input.to_string(), BundleKind::File, None);
    let name = path
        .file_name()
        .map_or_else(|| input.to_string(), |n| n.to_string_lossy().into_owned());
    // A Kubernetes object file or runtime listing given by itself (`kubectl get pods
    // -o json > pods.json`) is read as what its name says, as inside a bundle.
    if let Some(kind) = classify::names_file(&name) {
        match std::fs::read(path) {
            Ok(bytes) => b.pod_files.push(PodFile {
                kind,
                display: input.to_string(),
                bytes,
            }),
            Err(e) => b
                .errors
                .push((input.to_string(), format!("cannot read: {}", io_reason(&e)))),
        }
        return b;
    }
    let kind = classify::loose_file(&name);
    consider(
        &mut b,
        path.to_path_buf(),
        &name,
        input.to_string(),
        kind,
        true,
        sniff,
    );
    b
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
        pod_files: Vec::new(),
        container_logs: Vec::new(),
    }
}

fn display_of(input: &str, rel: &str) -> String {
    format!("{}/{rel}", input.trim_end_matches('/'))
}

/// What the walk of one input is for.
struct Walk<'a> {
    root: &'a Path,
    input: &'a str,
}

/// What the walk found: files (path on disk, path inside the input), folders not
/// walked (`node/proc/`: they still tell node roots and layouts), listing errors, and
/// which files are links.
struct Listing<'a> {
    files: &'a mut Vec<(PathBuf, String)>,
    /// (link, its target) of the files that are links.
    links: &'a mut Vec<(PathBuf, PathBuf)>,
    skipped_dirs: &'a mut Vec<String>,
    errors: &'a mut Vec<(String, String)>,
    /// Entries not read, with why: special files (never opened inside a bundle, a
    /// FIFO would block), links that leave the bundle.
    skipped: &'a mut Vec<(String, String)>,
}

/// Walks `dir` (under the input root) for files. `confine`: where links inside
/// may lead (the input, or the real place of a bundle reached through a top-level
/// link); `linked`: directories already walked through top-level links.
fn walk(
    w: &Walk,
    confine: &Path,
    dir: &Path,
    out: &mut Listing,
    linked: &mut std::collections::BTreeSet<PathBuf>,
) {
    let root = w.root;
    let rel_of = |p: &Path| {
        p.strip_prefix(root)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.errors.push((
                display_of(w.input, &rel_of(dir)),
                format!("cannot list directory: {}", io_reason(&e)),
            ));
            return;
        }
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = rel_of(&path);
        let Ok(ft) = e.file_type() else { continue };
        let skip = |out: &mut Listing, why: String| {
            out.skipped.push((display_of(w.input, &rel), why));
        };
        if ft.is_dir() {
            let name = e.file_name();
            if name
                .to_str()
                .is_some_and(|n| classify::SKIP_DIRS.contains(&n))
            {
                out.skipped_dirs.push(format!("{rel}/"));
            } else {
                walk(w, confine, &path, out, linked);
            }
        } else if ft.is_file() {
            out.files.push((path, rel));
        } else if ft.is_symlink() {
            let Ok(target) = path.canonicalize() else {
                continue;
            };
            // Inside a bundle, follow a file link only when its target stays inside
            // (a sosreport's `etc/localtime` must not read the analyzing machine).
            // At the top of the input, a folder of links to bundles is a fleet: follow
            // links to archives and to directories (not to an ancestor: no cycles),
            // but not a link named as a part of a node's file system (`var -> /var`
            // in a bundle is the analyzing machine's, not the customer's).
            let top = dir == root;
            let name = e.file_name();
            let node_part = name.to_str().is_some_and(classify::node_root_component);
            let meta = std::fs::metadata(&target);
            let is_file = meta.as_ref().is_ok_and(std::fs::Metadata::is_file);
            let is_dir = meta.as_ref().is_ok_and(std::fs::Metadata::is_dir);
            if is_file
                && (target.starts_with(confine)
                    || top && classify::named_like_archive(&target.to_string_lossy()))
            {
                out.links.push((path.clone(), target));
                out.files.push((path, rel));
            } else if top
                && is_dir
                && !node_part
                && !target.starts_with(root)
                && !root.starts_with(&target)
                && linked.insert(target.clone())
            {
                // Outside the input (a link to a folder inside is walked anyway),
                // not an ancestor, and each folder once.
                walk(w, &target.clone(), &path, out, linked);
            } else if !(target.starts_with(confine) || is_dir && !node_part && top) {
                skip(
                    out,
                    format!(
                        "symbolic link leaves the bundle (to {}): not followed",
                        target.display()
                    ),
                );
            } else if !is_file && !is_dir {
                skip(out, special_why(meta.ok().as_ref()));
            }
        } else {
            // A FIFO, socket or device inside a bundle is never opened: a FIFO
            // would block the run, a device would read this machine.
            skip(
                out,
                special_why(std::fs::symlink_metadata(&path).ok().as_ref()),
            );
        }
    }
}

/// Why a special file was not read.
fn special_why(meta: Option<&std::fs::Metadata>) -> String {
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        match meta.map(std::fs::Metadata::file_type) {
            Some(t) if t.is_fifo() => "a FIFO",
            Some(t) if t.is_socket() => "a socket",
            Some(t) if t.is_char_device() || t.is_block_device() => "a device",
            _ => "not a regular file",
        }
    };
    #[cfg(not(unix))]
    let what = {
        let _ = meta;
        "not a regular file"
    };
    format!("{what}, not read inside a bundle (give it by itself to read it as a stream)")
}

/// Rotation date in a name: `messages-20240101`, `syslog-20240101.gz`.
pub(crate) fn rotation_date(rel: &str) -> Option<(i32, u8, u8)> {
    let name = rel.rsplit('/').next()?;
    let i = name.rfind('-')?;
    let digits: Vec<u8> = name
        .as_bytes()
        .get(i + 1..)?
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    if digits.len() != 8 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| crate::clock::parse_u64(digits.get(r)?);
    let y = i32::try_from(num(0..4)?).ok()?;
    let m = u8::try_from(num(4..6)?).ok()?;
    let d = u8::try_from(num(6..8)?).ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d) && y > 1990).then_some((y, m, d))
}

/// A log (by name, maybe, or skipped by name) on disk: read its head and decide.
fn consider(
    b: &mut Bundle,
    path: PathBuf,
    rel: &str,
    display: String,
    kind: Kind,
    explicit: bool,
    sniff: &dyn Sniffer,
) {
    let source::Head {
        compression,
        bytes: head,
        damaged,
    } = match source::head_checked(&path, HEAD) {
        Ok(h) => h,
        Err(e) => {
            b.errors
                .push((display, format!("cannot read: {}", io_reason(&e))));
            return;
        }
    };
    match by_content(kind, &head, explicit, sniff) {
        Verdict::Skip(why) => b.skipped.push((display, why.into())),
        Verdict::Ignore => {}
        Verdict::Scan => {
            let mtime = std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64);
            let mut src = SourceFile::new(path, display, rel, compression, &head, mtime, sniff);
            src.empty &= !damaged;
            b.sources.push(src);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
