//! oomsift: why was this process or pod OOM-killed?
//!
//! The pipeline, one module per stage, types flowing one way:
//!
//! 1. [`bundle`] — what was handed in: each input becomes a `Bundle` of `SourceFile`s
//!    (found by path, else by content) and its node facts.
//! 2. [`source`] — the bytes of one file: mmap with read fallback, gzip streams.
//! 3. [`envelope`] — how a line was recorded (syslog, dmesg, journal …) → `Record`.
//! 4. [`kernel`] — what the kernel said: line variants, the prefilter-driven scanner
//!    and the block assembler → `OomEvent`s per source.
//! 5. [`k8s`] — cgroup paths → pod, QoS, container.
//! 6. [`analysis`] — node names, absolute times, dedup across sources → `Analysis`.
//! 7. [`report`] — JSON and the terminal summary.
//!
//! [`run`] drives the stages; `main.rs` only maps its outcome to an exit status.

pub mod analysis;
pub mod bundle;
pub mod cli;
pub mod clock;
pub mod envelope;
pub mod k8s;
pub mod kernel;
mod progress;
pub mod report;
pub mod source;
pub mod userspace;

use analysis::{Analysis, Analyzed, TimeOptions, Warning};
use bundle::{Bundle, BundleKind, Discovered, SourceFile};
use kernel::SourceScan;
use rayon::prelude::*;
use source::{Body, Compression};

/// What to analyze and how.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub inputs: Vec<String>,
    pub jobs: Option<usize>,
    /// Only shard K of N (1-based) of the sorted bundles.
    pub shard: Option<(usize, usize)>,
    pub progress: Progress,
    pub time: TimeOptions,
}

/// What to tell on stderr while running.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Progress {
    /// Nothing.
    #[default]
    Quiet,
    /// A progress line (bundles and bytes done, rate, ETA) when stderr is a terminal.
    Bar,
    /// One line per bundle done.
    Verbose,
}

/// Scans one source file on disk.
pub fn scan_source(src: &SourceFile) -> SourceScan {
    let failed = |e: std::io::Error| SourceScan {
        warnings: vec![format!("cannot read: {}", bundle::io_reason(&e))],
        incomplete: true,
        ..SourceScan::default()
    };
    let kubelet = src.rel.contains("kubelet");
    match src.compression {
        Compression::None => match Body::open(&src.path) {
            Ok(body) => {
                let mut scan = kernel::scan_body(&body, &src.display, src.format);
                if kubelet {
                    scan.names.scan_kubelet(&body);
                }
                scan
            }
            Err(e) => failed(e),
        },
        comp => match source::stream(&src.path, comp) {
            Ok(mut r) => {
                let mut names = k8s::names::NameIndex::default();
                let mut scan =
                    kernel::scan_stream_with(&mut r, &src.display, src.format, |chunk| {
                        if kubelet {
                            names.scan_kubelet(chunk);
                        }
                    });
                scan.names = names;
                scan
            }
            Err(e) => failed(e),
        },
    }
}

/// Runs the analysis. `Err` (one line naming the path and the cause) when nothing
/// could be analyzed.
pub fn run(cfg: &Config) -> Result<Analysis, String> {
    let threads = cfg
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    source::set_xz_threads(threads as u32);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    pool.install(|| run_in_pool(cfg))
}

/// A unit of work: files on disk to scan, or an archive to stream.
enum Work {
    Disk(Box<Bundle>),
    Archive {
        path: std::path::PathBuf,
        display: String,
    },
}

fn run_in_pool(cfg: &Config) -> Result<Analysis, String> {
    let mut work: Vec<Work> = Vec::new();
    let mut failed: Vec<Warning> = Vec::new();
    let mut first_error = None;
    for input in &cfg.inputs {
        match bundle::discover(input) {
            Ok(found) => {
                for d in found {
                    match d {
                        Discovered::Bundle(b)
                            if b.kind == BundleKind::File && b.sources.is_empty() =>
                        {
                            let why = b
                                .errors
                                .iter()
                                .chain(&b.skipped)
                                .map(|(_, m)| m.clone())
                                .next()
                                .unwrap_or_else(|| "not a log file".into());
                            first_error.get_or_insert_with(|| format!("{input}: {why}"));
                            failed.push(Warning {
                                file: input.clone(),
                                message: why,
                            });
                        }
                        Discovered::Bundle(b) => work.push(Work::Disk(b)),
                        Discovered::Archive { path, display } => {
                            work.push(Work::Archive { path, display })
                        }
                    }
                }
            }
            Err(e) => {
                first_error.get_or_insert_with(|| e.clone());
                failed.push(Warning {
                    file: input.clone(),
                    message: e
                        .strip_prefix(&format!("{input}: "))
                        .unwrap_or(&e)
                        .to_string(),
                });
            }
        }
    }
    if let Some((k, n)) = cfg.shard {
        work.sort_by(|a, b| a.name().cmp(b.name()));
        work = work
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, w)| w)
            .collect();
        if work.is_empty() {
            // An empty shard is a complete (empty) analysis, not an error.
            return Ok(analysis::analyze(Vec::new(), failed, cfg.time));
        }
    }
    if work.is_empty() {
        return Err(first_error.unwrap_or_else(|| "no input given".into()));
    }
    let total_bytes: u64 = work.iter().map(Work::bytes).sum();
    let meter = progress::Meter::start(cfg.progress, work.len(), total_bytes);
    let results: Vec<Result<Vec<Analyzed>, String>> = work
        .into_par_iter()
        .map(|w| {
            let (name, bytes) = (w.name().to_string(), w.bytes());
            let r = analyze_work(w);
            meter.done(&name, bytes, &r);
            r
        })
        .collect();
    meter.finish();
    let mut analyzed = Vec::new();
    for r in results {
        match r {
            Ok(v) => analyzed.extend(v),
            Err(e) => {
                let (file, message) =
                    e.split_once(": ").map_or((e.clone(), e.clone()), |(f, m)| {
                        (f.to_string(), m.to_string())
                    });
                failed.push(Warning { file, message });
            }
        }
    }
    // Inputs in a stable order (also the order `oomsift merge` gives).
    analyzed.sort_by(|a, b| a.bundle.input.cmp(&b.bundle.input));
    if analyzed.is_empty() {
        return Err(first_error.unwrap_or_else(|| {
            failed
                .first()
                .map(|w| format!("{}: {}", w.file, w.message))
                .unwrap_or_default()
        }));
    }
    Ok(analysis::analyze(analyzed, failed, cfg.time))
}

impl Work {
    fn name(&self) -> &str {
        match self {
            Work::Disk(b) => &b.input,
            Work::Archive { display, .. } => display,
        }
    }

    /// Bytes to read (for progress).
    fn bytes(&self) -> u64 {
        let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0, |m| m.len());
        match self {
            Work::Disk(b) => b.sources.iter().map(|s| size(&s.path)).sum(),
            Work::Archive { path, .. } => size(path),
        }
    }
}

fn analyze_work(w: Work) -> Result<Vec<Analyzed>, String> {
    match w {
        Work::Disk(b) => {
            let scans: Vec<SourceScan> = b.sources.par_iter().map(scan_source).collect();
            let snapshots = match &b.root {
                Some(root) => k8s::cgroup_snapshot::discover(
                    &bundle::tree::DiskTree(root.clone()),
                    "",
                    &b.input,
                ),
                None => Vec::new(),
            };
            Ok(vec![Analyzed {
                bundle: *b,
                scans,
                snapshots,
            }])
        }
        Work::Archive { path, display } => bundle::archive::read(&path, &display),
    }
}
