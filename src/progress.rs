//! What oomsift tells on stderr while it works: a progress line (bundles and bytes
//! done, rate, ETA) redrawn when stderr is a terminal, or one line per bundle with
//! `--verbose`. Nothing with `--quiet` or when stderr is not a terminal.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::Progress;
use crate::analysis::Analyzed;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct State {
    total: usize,
    total_bytes: u64,
    done: AtomicUsize,
    bytes: AtomicU64,
    stop: AtomicBool,
    started: Instant,
}

pub struct Meter {
    mode: Progress,
    state: Arc<State>,
    drawer: Mutex<Option<std::thread::JoinHandle<()>>>,
}

fn human(bytes: f64) -> String {
    let (mut v, mut unit) = (bytes, "B");
    for bigger in ["KiB", "MiB", "GiB", "TiB"] {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = bigger;
    }
    format!("{v:.1} {unit}")
}

fn line(s: &State) -> String {
    let done = s.done.load(Ordering::Relaxed);
    let bytes = s.bytes.load(Ordering::Relaxed) as f64;
    let secs = s.started.elapsed().as_secs_f64().max(0.001);
    let rate = bytes / secs;
    let eta = if rate > 0.0 && s.total_bytes as f64 > bytes {
        format!(", ETA {:.0} s", (s.total_bytes as f64 - bytes) / rate)
    } else {
        String::new()
    };
    format!(
        "\roomsift: {done}/{} bundles, {} of {} ({}/s{eta})   ",
        s.total,
        human(bytes),
        human(s.total_bytes as f64),
        human(rate)
    )
}

impl Meter {
    pub fn start(mode: Progress, total: usize, total_bytes: u64) -> Meter {
        let state = Arc::new(State {
            total,
            total_bytes,
            done: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            started: Instant::now(),
        });
        let drawer = (mode == Progress::Bar && std::io::stderr().is_terminal()).then(|| {
            let s = state.clone();
            std::thread::spawn(move || {
                while !s.stop.load(Ordering::Relaxed) {
                    let _ = std::io::stderr().write_all(line(&s).as_bytes());
                    std::thread::sleep(Duration::from_millis(200));
                }
            })
        });
        Meter {
            mode,
            state,
            drawer: Mutex::new(drawer),
        }
    }

    /// One unit of work is done.
    pub fn done(&self, name: &str, bytes: u64, result: &Result<Vec<Analyzed>, String>) {
        self.state.done.fetch_add(1, Ordering::Relaxed);
        self.state.bytes.fetch_add(bytes, Ordering::Relaxed);
        if self.mode == Progress::Verbose {
            let what = match result {
                Ok(v) => {
                    let kills: usize = v
                        .iter()
                        .flat_map(|a| &a.scans)
                        .map(|s| s.events.len())
                        .sum();
                    let sources: usize = v.iter().map(|a| a.bundle.sources.len()).sum();
                    format!(
                        "{} node(s), {sources} log file(s), {kills} kernel OOM block(s)",
                        v.len()
                    )
                }
                Err(e) => format!("failed: {e}"),
            };
            eprintln!(
                "oomsift: {}: {}",
                crate::util::terminal(name, false),
                crate::util::terminal(&what, false)
            );
            for f in result.iter().flatten().flat_map(|a| &a.empty_files) {
                eprintln!(
                    "oomsift: {}: empty, skipped",
                    crate::util::terminal(f, false)
                );
            }
        }
    }

    pub fn finish(&self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.drawer.lock().ok().and_then(|mut d| d.take()) {
            let _ = h.join();
            let _ = std::io::stderr()
                .write_all(format!("{}\n", line(&self.state).trim_end()).as_bytes());
        }
    }
}
