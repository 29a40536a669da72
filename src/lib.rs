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
pub mod report;
pub mod source;

use analysis::{Analysis, Scanned, TimeOptions, Warning};
use bundle::{Bundle, SourceFile};
use kernel::SourceScan;
use rayon::prelude::*;
use source::{Body, Compression};

/// What to analyze and how.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub inputs: Vec<String>,
    pub jobs: Option<usize>,
    pub time: TimeOptions,
}

/// Scans one source file.
pub fn scan_source(src: &SourceFile) -> SourceScan {
    let failed = |e: std::io::Error| SourceScan {
        warnings: vec![format!("cannot read: {}", bundle::io_reason(&e))],
        incomplete: true,
        ..SourceScan::default()
    };
    match src.compression {
        Compression::None => match Body::open(&src.path) {
            Ok(body) => kernel::scan_body(&body, &src.display, src.format),
            Err(e) => failed(e),
        },
        comp => match source::stream(&src.path, comp) {
            Ok(r) => kernel::scan_stream(r, &src.display, src.format),
            Err(e) => failed(e),
        },
    }
}

/// Runs the analysis. `Err` (one line naming the path and the cause) when nothing
/// could be analyzed.
pub fn run(cfg: &Config) -> Result<Analysis, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    pool.install(|| run_in_pool(cfg))
}

fn run_in_pool(cfg: &Config) -> Result<Analysis, String> {
    let mut bundles: Vec<Bundle> = Vec::new();
    let mut failed: Vec<Warning> = Vec::new();
    let mut first_error = None;
    for input in &cfg.inputs {
        match bundle::discover(input) {
            Ok(b) if !b.is_dir && b.sources.is_empty() => {
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
            Ok(b) => bundles.push(b),
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
    if bundles.is_empty() {
        return Err(first_error.unwrap_or_else(|| "no input given".into()));
    }
    let tasks: Vec<(usize, &SourceFile)> = bundles
        .iter()
        .enumerate()
        .flat_map(|(i, b)| b.sources.iter().map(move |s| (i, s)))
        .collect();
    let scanned: Vec<Scanned> = tasks
        .into_par_iter()
        .map(|(bundle, source)| Scanned {
            bundle,
            source,
            scan: scan_source(source),
        })
        .collect();
    let snapshots: Vec<_> = bundles
        .par_iter()
        .map(|b| match &b.root {
            Some(root) => {
                k8s::cgroup_snapshot::discover(&bundle::tree::DiskTree(root.clone()), "", &b.input)
            }
            None => Vec::new(),
        })
        .collect();
    Ok(analysis::analyze(
        &bundles, scanned, snapshots, failed, cfg.time,
    ))
}
