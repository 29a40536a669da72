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

/// Scans each streamed log as it passes (kubelet logs also for pod names).
pub struct ScanSink;

impl LogSink for ScanSink {
    type Scan = SourceScan;

    fn log(&mut self, src: &SourceFile, r: &mut dyn Read) -> SourceScan {
        if src.format == FileFormat::BinaryJournal {
            return crate::scan::journal::scan_journal_reader(r, &src.display);
        }
        let kubelet = src.rel.contains("kubelet");
        let mut names = NameIndex::default();
        let mut scan = scan_stream_with(r, &src.display, src.format, |chunk| {
            if kubelet {
                names.scan_kubelet(chunk);
            }
        });
        scan.names = names;
        scan
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
}

impl Work {
    pub(crate) fn name(&self) -> &str {
        match self {
            Work::Node(n) => &n.input,
            Work::File { display, .. } | Work::Archive { display, .. } => display,
            Work::Stdin => "-",
        }
    }

    /// Bytes to read (for progress).
    pub(crate) fn bytes(&self) -> u64 {
        let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
        match self {
            Work::Node(n) => n.bytes(),
            Work::File { path, .. } | Work::Archive { path, .. } => size(path),
            Work::Stdin => 0,
        }
    }
}

impl From<bundle::Planned> for Work {
    fn from(p: bundle::Planned) -> Work {
        match p {
            bundle::Planned::Node(n) => Work::Node(n),
            bundle::Planned::File { path, display } => Work::File { path, display },
            bundle::Planned::Archive { path, display } => Work::Archive { path, display },
        }
    }
}

/// Runs one unit: finds its files, reads its facts, scans its logs.
pub(crate) fn analyze_work(w: Work) -> Result<Vec<Analyzed>, String> {
    match w {
        Work::Node(n) => Ok(vec![on_disk(n.read(&Sniff))]),
        Work::File { path, display } => {
            let b = bundle::read_file(&path, &display, &Sniff);
            if b.sources.is_empty() {
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
            bundle::archive::read(&path, &display, &mut ScanSink, &Sniff)
                .map(|v| all_streamed(v, &display, BundleKind::Archive))
        }
        Work::Stdin => bundle::stdin::read(&mut ScanSink, &Sniff)
            .map(|v| all_streamed(v, "-", BundleKind::File)),
    }
}

/// The nodes of a stream; a stream that held none (an archive of a README) is still
/// an input, one that nothing could be read from.
fn all_streamed(v: Vec<Streamed<SourceScan>>, display: &str, kind: BundleKind) -> Vec<Analyzed> {
    if v.is_empty() {
        return vec![on_disk(Bundle::empty(display.to_string(), kind))];
    }
    v.into_iter().map(streamed).collect()
}

/// Whether a bundle gave anything to read: a log, a fact, a cgroup snapshot, a pod
/// file that is not empty, or a container log path.
fn read_anything(b: &Bundle, snapshots: &[CgroupSnapshot]) -> bool {
    !b.sources.is_empty()
        || b.facts != NodeFacts::default()
        || !snapshots.is_empty()
        || !b.container_logs.is_empty()
        || b.pod_files.iter().any(|p| !p.bytes.trim_ascii().is_empty())
}

/// A bundle on disk: its sources scanned (in parallel), its cgroups and names read.
fn on_disk(mut b: Bundle) -> Analyzed {
    let scans: Vec<SourceScan> = b.sources.par_iter().map(scan_source).collect();
    let snapshots = match &b.root {
        Some(root) => cgroup_snapshot::discover(&DiskTree(root.clone()), "", &b.input),
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

/// A node read from a stream: its cgroups (from the buffered files) and names read.
fn streamed(s: Streamed<SourceScan>) -> Analyzed {
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
    (names, empty.into_iter().map(|p| p.display).collect())
}
