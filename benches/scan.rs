//! Throughput of the scan pipeline on generated syslog (see `gen/mod.rs`):
//! - `scan_body/syslog_96MiB`: the prefilter-driven scanner over a whole in-memory log
//!   with OOM blocks spread through it (what `oomsift analyze` does per plain file,
//!   without the open/mmap and the report);
//! - `assemble/blocks_only`: the block assembler fed pre-parsed records of OOM blocks
//!   only (throughput in bytes of block text);
//! - `parse_line/noise`: the envelope parser over userspace noise lines;
//! - `skipped/*`: what the scan does to the lines the prefilter passes over, per
//!   256 KiB window of that syslog (in cache, one thread): the newline count alone
//!   (`bytecount`, what it did before kubelet names were kept), the fused pass
//!   (newlines, `podUID=` offsets, NUL check), the same as separate passes, and the
//!   whole `Feed::skipped` (fused pass plus the kubelet capture).
//!
//! Sample sizes and times are kept small so `cargo bench --bench scan` takes a couple
//! of minutes. The 1 GiB end-to-end comparison with ripgrep is `benches/compare.sh`.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

#[path = "gen/mod.rs"]
mod generator;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use oomsift::envelope::{FileFormat, Record, line::parse_line};
use oomsift::kernel::assemble::Assembler;
use oomsift::scan::scan_body;
use oomsift::source::Body;
use std::hint::black_box;
use std::time::Duration;

const SCAN_BYTES: usize = 96 << 20;
const SCAN_BLOCKS: usize = 48;
const NOISE_BYTES: usize = 16 << 20;

fn lines(buf: &[u8]) -> impl Iterator<Item = &[u8]> {
    buf.split(|&b| b == b'\n').filter(|l| !l.is_empty())
}

fn bench_scan(c: &mut Criterion) {
    let log = generator::syslog(SCAN_BYTES, SCAN_BLOCKS, 1);
    let len = log.text.len();
    let body = Body::Buf(log.text);
    // Outside the timing: the scanner finds exactly the generated blocks.
    let out = scan_body(&body, "bench", FileFormat::Lines);
    assert_eq!(
        out.events.len(),
        log.blocks,
        "events found vs blocks generated"
    );
    let hosts = out
        .events
        .iter()
        .filter(|e| e.kind == Some(oomsift::model::OomKind::Host))
        .count();
    assert_eq!((hosts, out.events.len() - hosts), (log.host, log.cgroup));
    assert!(out.events.iter().all(|e| e.complete));

    let mut g = c.benchmark_group("scan_body");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .throughput(Throughput::Bytes(len as u64));
    g.bench_function("syslog_96MiB", |b| {
        b.iter(|| black_box(scan_body(black_box(&body), "bench", FileFormat::Lines)))
    });
    g.finish();

    // The block assembler alone, on records parsed once outside the timing.
    let records: Vec<Record> = lines(&log.blocks_text).map(parse_line).collect();
    let feed_all = |records: &[Record]| {
        let mut asm = Assembler::new("bench");
        for (i, r) in records.iter().enumerate() {
            asm.feed(r, i as u64 + 1, 0);
        }
        asm.finish();
        asm
    };
    assert_eq!(feed_all(&records).events.len(), log.blocks);
    let mut g = c.benchmark_group("assemble");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(log.blocks_text.len() as u64));
    g.bench_function("blocks_only", |b| {
        b.iter(|| black_box(feed_all(black_box(&records)).events.len()))
    });
    g.finish();
}

fn bench_parse_line(c: &mut Criterion) {
    let noise = generator::noise(NOISE_BYTES, 2);
    let noise_lines: Vec<&[u8]> = lines(&noise).collect();
    let mut g = c.benchmark_group("parse_line");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(noise.len() as u64));
    g.bench_function("noise", |b| {
        b.iter(|| {
            let mut kernel = 0usize;
            for l in &noise_lines {
                let rec = parse_line(black_box(l));
                kernel += usize::from(rec.maybe_kernel());
                black_box(&rec);
            }
            kernel
        })
    });
    g.finish();
}

fn bench_skipped(c: &mut Criterion) {
    use oomsift::scan::{Feed, fused};
    const WINDOW: usize = 256 << 10;
    let log = generator::syslog(16 << 20, 8, 3);
    let text = &log.text;
    // Windows ending at a line end, as the scanner hands them over.
    let mut windows = Vec::new();
    let mut at = 0;
    while at + WINDOW < text.len() {
        let end = at + memchr::memrchr(b'\n', &text[at..at + WINDOW]).unwrap() + 1;
        windows.push(&text[at..end]);
        at = end;
    }
    let bytes: usize = windows.iter().map(|w| w.len()).sum();
    let mut hits = Vec::new();
    // Outside the timing: the fused pass finds what the separate passes find.
    for w in &windows {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        assert_eq!(
            fused::count_and_find(w, w.len(), &mut a),
            fused::portable(w, w.len(), &mut b)
        );
        assert_eq!(a, b);
        assert!(!a.is_empty(), "the generated syslog has kubelet lines");
    }
    let mut g = c.benchmark_group("skipped");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("bytecount_only", |b| {
        b.iter(|| {
            windows
                .iter()
                .map(|w| bytecount::count(black_box(w), b'\n'))
                .sum::<usize>()
        })
    });
    g.bench_function("fused_pass", |b| {
        b.iter(|| {
            let mut n = 0;
            for w in &windows {
                hits.clear();
                n += fused::count_and_find(black_box(w), w.len(), &mut hits).lines;
            }
            n
        })
    });
    g.bench_function("separate_passes", |b| {
        b.iter(|| {
            let mut n = 0;
            for w in &windows {
                hits.clear();
                n += fused::portable(black_box(w), w.len(), &mut hits).lines;
            }
            n
        })
    });
    g.bench_function("feed_skipped", |b| {
        b.iter(|| {
            let mut feed = Feed::new("bench/messages");
            let mut n = 0;
            for w in &windows {
                n += feed.skipped(FileFormat::Lines, black_box(w), w.len()).lines;
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench_scan, bench_parse_line, bench_skipped);
criterion_main!(benches);
