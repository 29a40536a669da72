//! Glue between the bundle stage and the stages after it: what the bundle stage needs
//! to recognise a log by content ([`Sniff`]), the scan of each log an archive or
//! standard input streams past ([`ScanSink`]), and the [`Analyzed`] of each node:
//! its scans, cgroup snapshots and the names its pod files tell.

use crate::analysis::Analyzed;
use crate::bundle::classify::Sniffer;
use crate::bundle::facts::NodeFacts;
use crate::bundle::tree::DiskTree;
use crate::bundle::{self, Bundle, BundleKind, DirNode, LogSink, SourceFile, Streamed};
use crate::envelope::{FileFormat, line::parse_line};
use crate::k8s::{cgroup_snapshot, names::NameIndex, pod_files};
use crate::model::CgroupSnapshot;
use crate::scan::prefilter::prefilter;
use crate::scan::{SourceScan, scan_source, scan_stream_with};
use rayon::prelude::*;
use std::io::Read;
use std::path::PathBuf;

/// Logs by content: a kernel OOM line (the prefilter), a journal export, or mostly
/// lines with a time stamp.
pub struct Sniff;

impl Sniffer for Sniff {
    fn format(&self, head: &[u8]) -> FileFormat {
        FileFormat::sniff(head)
    }

    fn looks_like_log(&self, head: &[u8]) -> bool {
        if prefilter(FileFormat::Lines, head).is_some()
            || FileFormat::sniff(head) != FileFormat::Lines
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
}

/// Binary journal members of a stream are held, up to this many bytes in all, so the
/// files of one journald merge into one stream as on disk; past it they are scanned
/// file by file, with a warning.
pub const MAX_HELD_JOURNAL_BYTES: u64 = 1 << 30;

/// Scans each streamed log as it passes (kubelet logs also for pod names). Binary
/// journal files are held (see [`MAX_HELD_JOURNAL_BYTES`]) and scanned by
/// [`ScanSink::finish`] once the stream has ended.
#[derive(Default)]
pub struct ScanSink {
    held: std::collections::HashMap<String, Vec<u8>>,
    held_bytes: u64,
}

impl ScanSink {
    /// The scans of the held journal files of `s`, merged per directory and
    /// `seqnum_id` as [`scan_sources`] does on disk.
    fn finish(&mut self, s: &mut Streamed<SourceScan>) {
        let mut sets: std::collections::BTreeMap<(String, [u8; 16]), Vec<usize>> =
            Default::default();
        let mut singles = Vec::new();
        for (i, src) in s.bundle.sources.iter().enumerate() {
            let Some(buf) = self.held.get(&src.display) else {
                continue;
            };
            let id: Option<[u8; 16]> = buf.get(72..88).and_then(|b| b.try_into().ok());
            match id {
                Some(id) => sets.entry((dir_of(&src.rel), id)).or_default().push(i),
                None => singles.push(i),
            }
        }
        for set in sets.into_values() {
            if set.len() == 1 {
                singles.extend(set);
                continue;
            }
            let (Some(&first), Some(src)) = (
                set.first(),
                set.first().and_then(|&i| s.bundle.sources.get(i)),
            ) else {
                continue;
            };
            let display = set_display(&src.display);
            let files: Vec<(&[u8], &str)> = set
                .iter()
                .filter_map(|&i| {
                    let d = s.bundle.sources.get(i)?.display.as_str();
                    Some((self.held.get(d)?.as_slice(), d))
                })
                .collect();
            let scan = crate::scan::journal::scan_journal_files(&files, &display);
            if let Some(slot) = s.scans.get_mut(first) {
                *slot = scan;
            }
        }
        for i in singles {
            if let (Some(src), Some(slot)) = (s.bundle.sources.get(i), s.scans.get_mut(i))
                && let Some(buf) = self.held.get(&src.display)
            {
                *slot = crate::scan::journal::scan_journal(buf, &src.display);
            }
        }
        for src in &s.bundle.sources {
            if let Some(buf) = self.held.remove(&src.display) {
                self.held_bytes = self.held_bytes.saturating_sub(buf.len() as u64);
            }
        }
    }
}

/// The folder of a path relative to its node root.
fn dir_of(rel: &str) -> String {
    rel.rsplit_once('/').map_or("", |(d, _)| d).to_string()
}

/// How a set of journal files is named in the sources: their folder.
fn set_display(file: &str) -> String {
    file.rsplit_once('/')
        .map_or(file.to_string(), |(d, _)| format!("{d}/"))
}

impl LogSink for ScanSink {
    type Scan = SourceScan;

    fn log(&mut self, src: &SourceFile, r: &mut dyn Read) -> SourceScan {
        if src.format == FileFormat::BinaryJournal {
            use crate::scan::journal::{MAX_JOURNAL_BYTES, scan_journal_reader};
            if self.held_bytes >= MAX_HELD_JOURNAL_BYTES {
                let mut scan = scan_journal_reader(r, &src.display);
                scan.warnings.push(format!(
                    "more than {} MiB of journal files in one stream: this one is read on \
                     its own (a block cut by a rotation may be split)",
                    MAX_HELD_JOURNAL_BYTES >> 20
                ));
                return scan;
            }
            let mut buf = Vec::new();
            let read = r.take(MAX_JOURNAL_BYTES + 1).read_to_end(&mut buf);
            if read.is_ok() && buf.len() as u64 <= MAX_JOURNAL_BYTES {
                self.held_bytes += buf.len() as u64;
                self.held.insert(src.display.clone(), buf);
                return SourceScan::default();
            }
            // Too large or torn: read as a lone file, with its warnings.
            let mut again = std::io::Cursor::new(buf).chain(r);
            return match read {
                Ok(_) => scan_journal_reader(&mut again, &src.display),
                Err(e) => {
                    let bytes = again.into_inner().0.into_inner();
                    let mut scan = crate::scan::journal::scan_journal(&bytes, &src.display);
                    scan.warnings
                        .push(format!("cannot read: {}", crate::util::io_reason(&e)));
                    scan.incomplete = true;
                    scan
                }
            };
        }
        // Kubelet names are kept by the scan itself (`k8s::capture`).
        scan_stream_with(r, &src.display, src.format, |_| {})
    }
}

/// A unit of work: a node of a directory, a loose file, an archive to stream, or
/// standard input.
pub(crate) enum Work {
    Node(Box<DirNode>),
    File {
        path: PathBuf,
        display: String,
    },
    Archive {
        path: PathBuf,
        display: String,
    },
    /// `-`: a log (plain or compressed) or an archive piped in.
    Stdin,
    /// A FIFO or other special file given as a path: read once, as `-` is.
    Stream {
        path: PathBuf,
        display: String,
    },
}

impl Work {
    pub(crate) fn name(&self) -> &str {
        match self {
            Work::Node(n) => &n.input,
            Work::File { display, .. }
            | Work::Archive { display, .. }
            | Work::Stream { display, .. } => display,
            Work::Stdin => "-",
        }
    }

    /// Bytes to read (for progress).
    pub(crate) fn bytes(&self) -> u64 {
        let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
        match self {
            Work::Node(n) => n.bytes(),
            Work::File { path, .. } | Work::Archive { path, .. } => size(path),
            Work::Stdin | Work::Stream { .. } => 0,
        }
    }
}

impl From<bundle::Planned> for Work {
    fn from(p: bundle::Planned) -> Work {
        match p {
            bundle::Planned::Node(n) => Work::Node(n),
            bundle::Planned::File { path, display } => Work::File { path, display },
            bundle::Planned::Archive { path, display } => Work::Archive { path, display },
            bundle::Planned::Stream { path, display } => Work::Stream { path, display },
        }
    }
}

/// Runs one unit: finds its files, reads its facts, scans its logs.
pub(crate) fn analyze_work(
    w: Work,
    limits: crate::source::Limits,
) -> Result<Vec<Analyzed>, String> {
    match w {
        Work::Node(n) => Ok(vec![on_disk(n.read(&Sniff))]),
        Work::File { path, display } => {
            let b = bundle::read_file(&path, &display, &Sniff);
            if b.sources.is_empty() && b.pod_files.is_empty() {
                let why = b
                    .errors
                    .iter()
                    .chain(&b.skipped)
                    .map(|(_, m)| m.clone())
                    .next()
                    .unwrap_or_else(|| "not a log file".into());
                return Err(format!("{display}: {why}"));
            }
            Ok(vec![on_disk(b)])
        }
        Work::Archive { path, display } => {
            let mut sink = ScanSink::default();
            bundle::archive::read(&path, &display, &mut sink, &Sniff, limits)
                .map(|v| all_streamed(v, &display, BundleKind::Archive, &mut sink))
        }
        Work::Stdin => {
            let mut sink = ScanSink::default();
            bundle::stdin::read(&mut sink, &Sniff, limits)
                .map(|v| all_streamed(v, "-", BundleKind::File, &mut sink))
        }
        Work::Stream { path, display } => {
            let mut sink = ScanSink::default();
            bundle::stdin::read_path(&path, &display, &mut sink, &Sniff, limits)
                .map(|v| all_streamed(v, &display, BundleKind::File, &mut sink))
        }
    }
}

/// The nodes of a stream; a stream that held none (an archive of a README) is still
/// an input, one that nothing could be read from.
fn all_streamed(
    v: Vec<Streamed<SourceScan>>,
    display: &str,
    kind: BundleKind,
    sink: &mut ScanSink,
) -> Vec<Analyzed> {
    if v.is_empty() {
        return vec![on_disk(Bundle::empty(display.to_string(), kind))];
    }
    v.into_iter().map(|s| streamed(s, sink)).collect()
}

/// Whether a bundle gave anything to read: a log, a fact, a cgroup snapshot, a pod
/// file that is not empty, or a container log path.
fn read_anything(b: &Bundle, snapshots: &[CgroupSnapshot]) -> bool {
    b.sources.iter().any(|s| !s.empty)
        || b.facts != NodeFacts::default()
        || !snapshots.is_empty()
        || !b.container_logs.is_empty()
        || b.pod_files.iter().any(|p| !p.bytes.trim_ascii().is_empty())
}

/// A bundle on disk: its sources scanned (in parallel), its cgroups and names read.
fn on_disk(mut b: Bundle) -> Analyzed {
    let scans = scan_sources(&b.sources);
    let snapshots = match &b.root {
        Some(root) => {
            let tree = DiskTree::new(root.clone());
            let snaps = cgroup_snapshot::discover(&tree, "", &b.input);
            b.note_skipped(tree.refused(&b.input));
            snaps
        }
        None => Vec::new(),
    };
    let nothing_read = !read_anything(&b, &snapshots);
    let (names, empty_files) = names(&mut b);
    Analyzed {
        bundle: b,
        scans,
        snapshots,
        names,
        nothing_read,
        empty_files,
    }
}

/// The scans of a bundle's sources, in their order, in parallel. The binary journal
/// files of one directory written by one journald (one `seqnum_id`: a machine's
/// active, archived and `~` files) are scanned as one stream, so a block cut by a
/// rotation is assembled whole: the set's scan is the first file's, the others' are
/// empty.
fn scan_sources(sources: &[SourceFile]) -> Vec<SourceScan> {
    let mut sets: std::collections::BTreeMap<(String, [u8; 16]), Vec<usize>> = Default::default();
    for (i, s) in sources.iter().enumerate() {
        if s.format == FileFormat::BinaryJournal
            && let Some(id) = crate::scan::journal::seqnum_id(s)
        {
            sets.entry((dir_of(&s.rel), id)).or_default().push(i);
        }
    }
    sets.retain(|_, v| v.len() > 1);
    let first_of: std::collections::HashMap<usize, &Vec<usize>> = sets
        .values()
        .filter_map(|v| Some((*v.first()?, v)))
        .collect();
    let merged: std::collections::HashSet<usize> = sets.values().flatten().copied().collect();
    (0..sources.len())
        .into_par_iter()
        .map(|i| {
            let Some(src) = sources.get(i) else {
                return SourceScan::default();
            };
            match first_of.get(&i) {
                Some(set) => {
                    let files: Vec<&SourceFile> =
                        set.iter().filter_map(|&j| sources.get(j)).collect();
                    crate::scan::journal::scan_journal_set(&files, &set_display(&src.display))
                }
                None if merged.contains(&i) => SourceScan::default(),
                None => scan_source(src),
            }
        })
        .collect()
}

/// A node read from a stream: its cgroups (from the buffered files) and names read.
fn streamed(mut s: Streamed<SourceScan>, sink: &mut ScanSink) -> Analyzed {
    sink.finish(&mut s);
    let Streamed {
        mut bundle,
        scans,
        tree,
        base,
    } = s;
    let snapshots = match &tree {
        Some(t) => cgroup_snapshot::discover(&**t, &base, &bundle.input),
        None => Vec::new(),
    };
    let nothing_read = !read_anything(&bundle, &snapshots);
    let (names, empty_files) = names(&mut bundle);
    Analyzed {
        bundle,
        scans,
        snapshots,
        names,
        nothing_read,
        empty_files,
    }
}

/// The names a bundle's files tell, and the pod files that were empty (a collector's
/// empty `pods.json`: skipped, not damage); the pod files are dropped once read.
fn names(b: &mut Bundle) -> (NameIndex, Vec<String>) {
    let (empty, files): (Vec<_>, Vec<_>) = std::mem::take(&mut b.pod_files)
        .into_iter()
        .partition(|p| p.bytes.trim_ascii().is_empty());
    b.pod_files = files;
    let mut errors = Vec::new();
    let names = pod_files::names_of(b, &mut errors);
    b.errors.extend(errors);
    b.pod_files = Vec::new();
    b.container_logs = Vec::new();
    let empty_logs = b
        .sources
        .iter()
        .filter(|s| s.empty)
        .map(|s| s.display.clone());
    (
        names,
        empty_logs
            .chain(empty.into_iter().map(|p| p.display))
            .collect(),
    )
}
