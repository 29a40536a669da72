//! The cost cases of issue 16, each linear or n·log n (measured here, never in tests):
//! - `cost/node_roots_200k`: the node root of each of 200,000 member paths in
//!   200,000 node roots (`NodeRoots::new` + `of`, what an archive's `finish` and the
//!   directory walk do);
//! - `cost/dedup_40k_copies`: 40,000 copies of one kill (one event listing every copy);
//! - `cost/task_table_200k`: the scan of one block whose task table has 200,000 rows;
//! - `cost/header_storm_200k`: the scan of 200,000 header-only blocks (200,000 events);
//! - `cost/zip_overlap_300`: a 1 MB zip whose 300 directory entries all point at one
//!   member, analyzed end to end (the member read once, the rest skipped);
//! - `cost/nested_tar_gz_4`: a kill in a `.tar.gz` nested four deep, end to end (each
//!   level streamed, one budget);
//! - `cost/ratio_bomb_64m`: a `.tar.gz` whose 64 MiB member packs ~1000:1, stopped by
//!   `--max-ratio 100 --ratio-floor 1M`, and the kill after it, end to end.
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
    assert_eq!(out.events[0].body.tasks.len(), N);
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

/// `oomsift analyze PATH` with `limits`, the kills it finds.
fn kills(path: &std::path::Path, limits: oomsift::source::Limits) -> usize {
    let cfg = oomsift::Config {
        inputs: vec![path.to_string_lossy().into_owned()],
        limits,
        ..oomsift::Config::default()
    };
    oomsift::run(&cfg).map_or(0, |a| a.events.len())
}

fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_mtime(1_709_635_500);
        h.set_size(data.len() as u64);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("oomsift-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

const SYSLOG_KILL: &str = "Mar  5 10:18:20 node1 kernel: Out of memory: Killed process 4242 \
    (stress) total-vm:1048576kB, anon-rss:524288kB, file-rss:0kB, shmem-rss:0kB, UID:0 \
    pgtables:1100kB oom_score_adj:0\n";

/// A stored zip of `data` whose `copies` directory entries all point at its one local
/// member (the overlap a zip bomb uses).
fn overlapping_zip(name: &str, data: &[u8], copies: usize) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let (crc, len, n) = (crc.sum(), data.len() as u32, name.len() as u16);
    let mut z = Vec::new();
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, 0, 0, 0] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, len, len] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let dir_start = z.len() as u32;
    for i in 0..copies {
        let entry = format!("{name}.{i}");
        z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 0, 0, 0] {
            z.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, len, len] {
            z.extend_from_slice(&v.to_le_bytes());
        }
        for v in [entry.len() as u16, 0, 0, 0, 0] {
            z.extend_from_slice(&v.to_le_bytes());
        }
        z.extend_from_slice(&0u32.to_le_bytes());
        z.extend_from_slice(&0u32.to_le_bytes());
        z.extend_from_slice(entry.as_bytes());
    }
    let dir_len = z.len() as u32 - dir_start;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, copies as u16, copies as u16] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [dir_len, dir_start] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

fn bench_hostile_archives(c: &mut Criterion) {
    let defaults = oomsift::source::Limits::default();
    // 1 MB of log (one kill, then traffic) under 300 directory entries.
    let mut log = String::from(SYSLOG_KILL);
    while log.len() < 1 << 20 {
        log.push_str("Mar  5 10:18:21 node1 app[7]: GET /api/v1/orders 200 12ms\n");
    }
    let zip = scratch(
        "overlap.zip",
        &overlapping_zip("node/var/log/messages", log.as_bytes(), 300),
    );
    assert_eq!(kills(&zip, defaults), 1, "one kill, read once");
    let mut g = group(c, 300);
    g.bench_function("zip_overlap_300", |b| {
        b.iter(|| black_box(kills(&zip, defaults)))
    });
    g.finish();

    let mut nested = gz(&tar_of(&[("n/var/log/messages", SYSLOG_KILL.as_bytes())]));
    for level in 0..4 {
        let name = format!("n/level{level}.tar.gz");
        nested = gz(&tar_of(&[(name.as_str(), &nested)]));
    }
    let nested = scratch("nested.tar.gz", &nested);
    assert_eq!(kills(&nested, defaults), 1, "the kill four levels down");
    let mut g = group(c, 1);
    g.bench_function("nested_tar_gz_4", |b| {
        b.iter(|| black_box(kills(&nested, defaults)))
    });
    g.finish();

    let bomb = b"Mar  5 10:00:00 node1 app[1]: same line again and again\n".repeat((64 << 20) / 57);
    let bomb = scratch(
        "bomb.tar.gz",
        &gz(&tar_of(&[
            ("n/var/log/messages.1", &bomb),
            ("n/var/log/messages", SYSLOG_KILL.as_bytes()),
        ])),
    );
    let low = oomsift::source::Limits {
        max_ratio: 100,
        ratio_floor: 1 << 20,
        ..defaults
    };
    assert_eq!(
        kills(&bomb, low),
        1,
        "the bomb stopped, the kill after it read"
    );
    let mut g = group(c, 1);
    g.throughput(Throughput::Bytes(64 << 20));
    g.bench_function("ratio_bomb_64m", |b| {
        b.iter(|| black_box(kills(&bomb, low)))
    });
    g.finish();
    if let Some(dir) = bomb.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

criterion_group!(
    benches,
    bench_node_roots,
    bench_dedup,
    bench_task_table,
    bench_header_storm,
    bench_hostile_archives
);
criterion_main!(benches);
