//! Rendering the HTML report of a large input: 10,000 generated OOM kills
//! (`tests/gen_oom`) analyzed once outside the timing, then
//! - `html/render_10k`: the page (summary, aggregated plots, capped per-kill detail),
//!   throughput in bytes of HTML written;
//! - `html/analyze_and_render_10k`: the analysis of the 22 MiB syslog and the page,
//!   what `oomsift analyze --html` does, throughput in bytes of log read;
//! - `json/render_10k`: the JSON document of the same analysis, written as
//!   `oomsift analyze` writes it (through `dyn Write` into a buffered stdout).
//!
//! `cargo bench --bench report` takes about a minute.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

#[path = "../tests/gen_oom/mod.rs"]
mod gen_oom;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oomsift::report::Render;
use oomsift::report::html::Html;
use oomsift::report::json::Json;
use std::hint::black_box;
use std::time::Duration;

const KILLS: usize = 10_000;

fn render(a: &oomsift::analysis::Analysis) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 << 20);
    Html.render(a, &mut out).expect("render");
    out
}

fn bench_report(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("oomsift-bench-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join("messages");
    let text = gen_oom::syslog(KILLS);
    std::fs::write(&log, &text).expect("write the log");
    let cfg = oomsift::Config {
        inputs: vec![log.to_string_lossy().into_owned()],
        jobs: Some(1),
        raw_blocks: true,
        ..oomsift::Config::default()
    };
    let analysis = oomsift::run(&cfg).expect("analysis");
    assert_eq!(analysis.events.len(), KILLS, "every generated kill found");
    let page = render(&analysis);
    eprintln!("report of {KILLS} kills: {} bytes", page.len());

    let mut g = c.benchmark_group("html");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    // Bytes of HTML written per second.
    g.throughput(Throughput::Bytes(page.len() as u64));
    g.bench_function("render_10k", |b| {
        b.iter(|| black_box(render(black_box(&analysis))))
    });
    // Bytes of log analyzed (and rendered) per second.
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("analyze_and_render_10k", |b| {
        b.iter(|| {
            let a = oomsift::run(black_box(&cfg)).expect("analysis");
            black_box(render(&a))
        })
    });
    g.finish();
    // The JSON document as `oomsift analyze` writes it: through `dyn Write` into the
    // buffered stdout (here a buffered sink); bytes of JSON per second.
    let mut json = Vec::new();
    Json.render(&analysis, &mut json).expect("render");
    let mut g = c.benchmark_group("json");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("render_10k", |b| {
        b.iter(|| {
            let mut out = std::io::BufWriter::new(std::io::sink());
            let w: &mut dyn std::io::Write = &mut out;
            Json.render(black_box(&analysis), w).expect("render");
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench_report);
criterion_main!(benches);
