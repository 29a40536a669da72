//! The cost cases of issue 16, each linear or n·log n (measured here, never in tests):
//! - `cost/node_roots_200k`: the node root of each of 200,000 member paths in
//!   200,000 node roots (`NodeRoots::new` + `of`, what an archive's `finish` and the
//!   directory walk do);
//! - `cost/dedup_40k_copies`: 40,000 copies of one kill (one event listing every copy);
//! - `cost/task_table_200k`: the scan of one block whose task table has 200,000 rows;
//! - `cost/header_storm_200k`: the scan of 200,000 header-only blocks (200,000 events).
//!
//! `cargo bench --bench cost` takes about a minute.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oomsift::analysis::dedup::dedup;
use oomsift::bundle::classify::NodeRoots;
use oomsift::envelope::FileFormat;
use oomsift::scan::scan_body;
use oomsift::source::Body;
use std::hint::black_box;
use std::time::Duration;

const KILL: &str = "Out of memory: Killed process 4242 (stress) total-vm:1048576kB, \
    anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1100kB oom_score_adj:0";
const HEADER: &str =
    "stress invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), order=0, oom_score_adj=0";

fn group<'a>(
    c: &'a mut Criterion,
    elems: usize,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group("cost");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Elements(elems as u64));
    g
}

fn bench_node_roots(c: &mut Criterion) {
    const N: usize = 200_000;
    let paths: Vec<String> = (0..N).map(|i| format!("n{i}/hostname")).collect();
    let run = |paths: &[String]| {
        let roots = NodeRoots::new(paths.iter().map(String::as_str));
        paths.iter().filter(|p| !roots.of(p).is_empty()).count()
    };
    assert_eq!(run(&paths), N, "every path has its own root");
    let mut g = group(c, N);
    g.bench_function("node_roots_200k", |b| b.iter(|| black_box(run(&paths))));
    g.finish();
}

fn bench_dedup(c: &mut Criterion) {
    const N: usize = 40_000;
    let log = format!("[  100.123456] {KILL}\n").repeat(N);
    let events = scan_body(&Body::Buf(log.into_bytes()), "dmesg", FileFormat::Lines).events;
    assert_eq!(events.len(), N, "one event per copy before dedup");
    assert_eq!(dedup(events.clone()).len(), 1, "one kill after dedup");
    let mut g = group(c, N);
    g.bench_function("dedup_40k_copies", |b| {
        b.iter(|| black_box(dedup(black_box(events.clone())).len()))
    });
    g.finish();
}

fn bench_task_table(c: &mut Criterion) {
    const N: usize = 200_000;
    let mut log = format!(
        "[  100.000001] {HEADER}\n[  100.000002] Tasks state (memory values in pages):\n\
         [  100.000003] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
    );
    for i in 1..=N {
        log.push_str(&format!(
            "[  100.000004] [{i:7}]     0 {i:5}   262144   131072  1081344        0             0 stress\n"
        ));
    }
    log.push_str(&format!("[  100.000005] {KILL}\n"));
    let body = Body::Buf(log.into_bytes());
    let out = scan_body(&body, "dmesg", FileFormat::Lines);
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].tasks.len(), N);
    let mut g = group(c, N);
    g.bench_function("task_table_200k", |b| {
        b.iter(|| black_box(scan_body(&body, "dmesg", FileFormat::Lines).events.len()))
    });
    g.finish();
}

fn bench_header_storm(c: &mut Criterion) {
    const N: usize = 200_000;
    let mut log = String::new();
    for i in 0..N {
        log.push_str(&format!("[{}.000001] {HEADER}\n", 100 + 2 * i));
    }
    let body = Body::Buf(log.into_bytes());
    assert_eq!(scan_body(&body, "dmesg", FileFormat::Lines).events.len(), N);
    let mut g = group(c, N);
    g.bench_function("header_storm_200k", |b| {
        b.iter(|| black_box(scan_body(&body, "dmesg", FileFormat::Lines).events.len()))
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_node_roots,
    bench_dedup,
    bench_task_table,
    bench_header_storm
);
criterion_main!(benches);
