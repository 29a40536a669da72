//! Glue between the bundle stage and the stages after it: what the bundle stage needs
//! to recognise a log by content ([`Sniff`]), the scan of each log an archive or
//! standard input streams past ([`ScanSink`]), and the [`Analyzed`] of each node:
//! its scans, cgroup snapshots and the names its pod files tell.

use crate::analysis::Analyzed;
use crate::bundle::classify::Sniffer;
use crate::bundle::tree::DiskTree;
use crate::bundle::{self, Bundle, DirNode, LogSink, SourceFile, Streamed};
use crate::envelope::{FileFormat, line::parse_line};
use crate::k8s::{cgroup_snapshot, names::NameIndex, pod_files};
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
                .map(|v| v.into_iter().map(streamed).collect())
        }
        Work::Stdin => bundle::stdin::read(&mut ScanSink, &Sniff)
            .map(|v| v.into_iter().map(streamed).collect()),
    }
}

/// A bundle on disk: its sources scanned (in parallel), its cgroups and names read.
fn on_disk(mut b: Bundle) -> Analyzed {
    let scans: Vec<SourceScan> = b.sources.par_iter().map(scan_source).collect();
    let snapshots = match &b.root {
        Some(root) => cgroup_snapshot::discover(&DiskTree(root.clone()), "", &b.input),
        None => Vec::new(),
    };
    let names = names(&mut b);
    Analyzed {
        bundle: b,
        scans,
        snapshots,
        names,
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
    let names = names(&mut bundle);
    Analyzed {
        bundle,
        scans,
        snapshots,
        names,
    }
}

/// The names a bundle's files tell; the pod files are dropped once read.
fn names(b: &mut Bundle) -> NameIndex {
    let mut errors = Vec::new();
    let names = pod_files::names_of(b, &mut errors);
    b.errors.extend(errors);
    b.pod_files = Vec::new();
    b.container_logs = Vec::new();
    names
}
