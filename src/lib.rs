//! oomsift: why was this process or pod OOM-killed?
//!
//! The pipeline, one module per stage, types flowing one way:
//!
//! 1. [`bundle`] — what was handed in: each input becomes a `Bundle` of `SourceFile`s
//!    (classified by path, else by content, with a sniffer handed in by the driver),
//!    its node facts and its pod files; archive and stdin logs are handed to a sink.
//! 2. [`source`] — the bytes of one file: mmap with read fallback, gzip streams.
//! 3. [`envelope`] — how a line was recorded (syslog, dmesg, journal …) → `Record`.
//! 4. [`kernel`] — what the kernel said: line variants, the prefilter-driven scanner
//!    and the block assembler → `OomEvent`s per source.
//! 5. [`k8s`] — cgroup paths → pod, QoS, container.
//! 6. [`analysis`] — node names, absolute times, dedup across sources → `Analysis`.
//! 7. [`report`] — JSON and the terminal summary.
//!
//! [`run`] drives the stages (the glue between bundle and the scan, k8s and analysis
//! stages is in `driver`); `main.rs` only maps its outcome to an exit status.

// Library code is held to `[lints.clippy]` in Cargo.toml (no unchecked index or
// slice, no truncating cast); its unit tests index freely.
#![cfg_attr(
    test,
    allow(
        clippy::string_slice,
        clippy::indexing_slicing,
        clippy::cast_possible_truncation
    )
)]

pub mod analysis;
pub mod bundle;
pub mod cli;
pub mod clock;
pub mod driver;
pub mod envelope;
pub mod k8s;
pub mod kernel;
pub mod model;
mod progress;
pub mod report;
pub mod scan;
pub mod source;
pub mod userspace;
pub mod util;

use analysis::{Analysis, Analyzed, TimeOptions, Warning};
use driver::{Work, analyze_work};

/// What to analyze and how.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub inputs: Vec<String>,
    pub jobs: Option<usize>,
    /// Only shard K of N (1-based) of the sorted bundles.
    pub shard: Option<(usize, usize)>,
    pub progress: Progress,
    pub time: TimeOptions,
    /// Keep each kill's block as logged (`OomEvent::raw`, shown by the HTML report;
    /// not in the JSON). Off, it is dropped as soon as a unit is analyzed.
    pub raw_blocks: bool,
    /// Bounds on the work one archive may cause (decoded bytes, members' ratios).
    pub limits: source::Limits,
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

/// `oomsift show`: event `id` of `analysis` in full, with its explanation. `Err` is
/// the one-line error of an unknown id; the inner result is the write's.
pub fn show(
    analysis: &Analysis,
    id: &str,
    out: &mut dyn std::io::Write,
) -> Result<std::io::Result<()>, String> {
    let e = report::show::find(analysis, id)?;
    Ok(report::show::render(e, &analysis::explain::explain(e), out))
}

/// Runs the analysis. `Err` (one line naming the path and the cause) when nothing
/// could be analyzed.
pub fn run(cfg: &Config) -> Result<Analysis, String> {
    run_streaming(cfg, None, true)
}

/// `--format ndjson`: runs the analysis, writing each unit's kills to `out` as soon
/// as it and the units before it are done; a write that fails (a closed pipe) stops
/// the run. Returns the analysis (events kept only with `keep_events`) and how the
/// writing went.
pub fn run_ndjson(
    cfg: &Config,
    keep_events: bool,
    out: &mut dyn std::io::Write,
) -> (Result<Analysis, String>, std::io::Result<()>) {
    let mut stream = report::ndjson::NdjsonStream::default();
    let mut written = Ok(());
    let mut sink = |unit: &Analysis| {
        if written.is_ok() {
            written = stream.write_unit(unit, out).and_then(|()| out.flush());
        }
        written.is_ok()
    };
    let r = run_streaming(cfg, Some(&mut sink), keep_events);
    (r, written)
}

/// Receives each unit of work's own analysis (a bundle, or the nodes of one archive)
/// in input order, as soon as it and every unit before it are done. It is analyzed
/// alone: dedup and names within the unit, events numbered within it. Returning
/// `false` (its reader went away) stops the run: no further unit is started, and the
/// returned document covers the units done.
pub type UnitSink<'a> = &'a mut dyn FnMut(&Analysis) -> bool;

/// [`run`], handing each unit's analysis to `sink` while the rest is still running.
/// The returned document is the same as without a sink when `keep_events`; without,
/// each unit's events, deaths and snapshots are dropped once handed over (memory stays
/// flat however many bundles stream by) and the document keeps only the inputs,
/// nodes, warnings and completeness.
pub fn run_streaming(
    cfg: &Config,
    sink: Option<UnitSink>,
    keep_events: bool,
) -> Result<Analysis, String> {
    let threads = cfg
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let (work, mut failed, first_error) = plan(cfg);
    if work.is_empty() {
        if cfg.shard.is_some() {
            // An empty shard is a complete (empty) analysis, not an error.
            return Ok(analysis::analyze(Vec::new(), failed, cfg.time));
        }
        return Err(first_error.unwrap_or_else(|| "no input given".into()));
    }
    // With as many units as threads, the units are the parallelism: a threaded xz
    // decoder per archive would only oversubscribe the cores.
    let xz_threads = if work.len() >= threads { 1 } else { threads };
    source::set_xz_threads(u32::try_from(xz_threads).unwrap_or(u32::MAX));
    source::set_read_ahead(work.len() < threads);
    let total_bytes: u64 = work.iter().map(Work::bytes).sum();
    let meter = progress::Meter::start(cfg.progress, work.len(), total_bytes);
    let keep = Keep {
        events: keep_events,
        raw_blocks: cfg.raw_blocks,
    };
    let results = analyze_in_order(&pool, work, &meter, sink, cfg.time, keep, cfg.limits);
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
    if analyzed.iter().all(|a| a.nothing_read) {
        // No input yielded anything: each one's reason, on one line.
        let why: Vec<String> = failed
            .iter()
            .map(|w| (w.file.clone(), w.message.clone()))
            .chain(analyzed.iter().map(|a| {
                a.bundle.errors.first().cloned().unwrap_or_else(|| {
                    (
                        a.bundle.input.clone(),
                        analysis::nothing_read_message(a.empty_files.len()),
                    )
                })
            }))
            .map(|(f, m)| format!("{f}: {m}"))
            .collect();
        return Err(if why.is_empty() {
            // Never an empty message.
            format!(
                "{}: no log, fact, cgroup or pod file could be read",
                cfg.inputs.join(", ")
            )
        } else {
            why.join("; ")
        });
    }
    Ok(analysis::analyze(analyzed, failed, cfg.time))
}

/// The units of work in input order (this shard's only), the inputs that could not
/// be read, and the first error to report when nothing can be analyzed.
fn plan(cfg: &Config) -> (Vec<Work>, Vec<Warning>, Option<String>) {
    let mut work: Vec<Work> = Vec::new();
    let mut failed: Vec<Warning> = Vec::new();
    let mut first_error = None;
    for input in &cfg.inputs {
        if input == "-" {
            if work.iter().any(|w| matches!(w, Work::Stdin)) {
                failed.push(Warning {
                    file: "-".into(),
                    message: "standard input given twice; read once".into(),
                });
            } else {
                work.push(Work::Stdin);
            }
            continue;
        }
        // Listing only (files are read when their unit runs), yet guarded too.
        let listed = std::panic::catch_unwind(|| bundle::plan(input))
            .unwrap_or_else(|_| Err(format!("{input}: internal error (panic) while listing")));
        match listed {
            Ok(found) => work.extend(found.into_iter().map(Work::from)),
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
        let mut order: Vec<usize> = (0..work.len()).collect();
        order.sort_by_cached_key(|&i| work.get(i).map(|w| w.name().to_string()));
        let keep: std::collections::BTreeSet<usize> = order
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, w)| w)
            .collect();
        work = work
            .into_iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, w)| w)
            .collect();
    }
    (work, failed, first_error)
}

type UnitResult = Result<Vec<Analyzed>, String>;

/// What is kept of a unit once it is analyzed.
#[derive(Clone, Copy)]
struct Keep {
    events: bool,
    raw_blocks: bool,
}

/// Drops what will not be needed from a unit's results.
fn lighten(units: &mut [Analyzed], keep: Keep) {
    for a in units {
        for s in &mut a.scans {
            if !keep.events {
                s.events = Vec::new();
                s.deaths = Vec::new();
                s.names = Default::default();
            } else if !keep.raw_blocks {
                for e in &mut s.events {
                    e.raw = crate::model::Sparse::default();
                }
            }
        }
        if !keep.events {
            a.snapshots = Vec::new();
            a.names = Default::default();
        }
    }
}

/// Units started ahead of the first one not yet handed over: bounds the results
/// waiting in the reorder buffer when an early unit is slow.
const UNITS_AHEAD: usize = 64;

/// Analyzes the units on the pool, started in input order; returns their results in
/// input order. With a sink, each unit's own analysis is handed over in input order
/// as soon as the units before it are done. Results wait in a reorder buffer, raw
/// blocks dropped on arrival unless kept; at most `UNITS_AHEAD` (plus the threads)
/// units run or wait beyond the first one not handed over.
fn analyze_in_order(
    pool: &rayon::ThreadPool,
    work: Vec<Work>,
    meter: &progress::Meter,
    mut sink: Option<UnitSink>,
    time: TimeOptions,
    keep: Keep,
    limits: source::Limits,
) -> Vec<UnitResult> {
    let n = work.len();
    let ahead = UNITS_AHEAD + pool.current_num_threads();
    let (tx, rx) = std::sync::mpsc::channel::<(usize, UnitResult)>();
    // The calling thread is not one of the pool's: it receives while the pool works,
    // and jobs spawned from outside the pool start in FIFO order.
    pool.in_place_scope(|s| {
        let mut pending = work.into_iter().enumerate();
        let spawned = std::cell::Cell::new(0usize);
        let mut spawn_next = || {
            let Some((i, w)) = pending.next() else { return };
            spawned.set(spawned.get() + 1);
            let tx = tx.clone();
            s.spawn(move |_| {
                let (name, bytes) = (w.name().to_string(), w.bytes());
                // A panic is this unit's failure, not a hang of the receiver.
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    analyze_work(w, limits)
                }))
                .unwrap_or_else(|_| Err(format!("{name}: internal error (panic) while analyzing")));
                meter.done(&name, bytes, &r);
                let _ = tx.send((i, r));
            });
        };
        for _ in 0..ahead.min(n) {
            spawn_next();
        }
        let mut results: Vec<Option<UnitResult>> = (0..n).map(|_| None).collect();
        let (mut next, mut received, mut stopped) = (0, 0, false);
        while received < spawned.get() {
            let Ok((i, mut r)) = rx.recv() else { break };
            received += 1;
            if let Ok(units) = &mut r {
                // Raw blocks only where the run keeps them, the stream included.
                lighten(
                    units,
                    Keep {
                        events: true,
                        ..keep
                    },
                );
            }
            if let Some(slot) = results.get_mut(i) {
                *slot = Some(r);
            }
            while next < n {
                let Some(Some(r)) = results.get_mut(next) else {
                    break;
                };
                if let Ok(units) = r {
                    if let Some(sink) = sink.as_mut()
                        && !stopped
                    {
                        stopped = !sink(&analysis::analyze(units.clone(), Vec::new(), time));
                    }
                    lighten(units, keep);
                }
                next += 1;
                if !stopped {
                    spawn_next();
                }
            }
        }
        // Units never started (the sink stopped the run) are left out.
        results
            .into_iter()
            .take(if stopped { spawned.get() } else { n })
            .map(|r| r.unwrap_or_else(|| Err("a worker thread failed".into())))
            .collect()
    })
}
