//! The scan tester (after ripgrep's `SearcherTester`): every log the bundle stage
//! reads under `testdata/` goes through every way a source is scanned — the mapped
//! scan in tiny parts, the stream scan in tiny chunks, gzip, xz and zstd streams
//! through the production decoders (directly and with read-ahead) — and each must
//! give the events, deaths and warnings of the whole-file scan.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use oomsift::bundle::{Planned, plan, read_file};
use oomsift::driver::Sniff;
use oomsift::envelope::FileFormat;
use oomsift::scan::{
    CHUNK_BYTES, PART_BYTES, PartStats, SourceScan, scan_body, scan_body_parts, scan_stream,
    scan_stream_opts,
};
use oomsift::source::{Body, Compression, guarded_decoder, read_ahead, set_read_ahead};
use std::io::{Cursor, Read, Write};

/// A log as the bundle stage hands it on: display name, layout, decompressed bytes.
struct Log {
    name: String,
    format: FileFormat,
    bytes: Vec<u8>,
}

/// Every source the bundle stage finds in every input under `testdata/`.
fn testdata_logs() -> Vec<Log> {
    let mut inputs: Vec<_> = std::fs::read_dir("testdata")
        .expect("testdata/")
        .map(|e| e.expect("entry").path())
        .collect();
    inputs.sort();
    let mut logs = Vec::new();
    for input in inputs {
        let input = input.to_string_lossy().into_owned();
        for p in plan(&input).expect("plan") {
            let b = match p {
                Planned::Node(n) => n.read(&Sniff),
                Planned::File { path, display } => read_file(&path, &display, &Sniff),
                Planned::Archive { .. } | Planned::Stream { .. } => continue,
            };
            for src in &b.sources {
                let mut bytes = Vec::new();
                oomsift::source::stream(&src.path, src.compression)
                    .and_then(|mut r| r.read_to_end(&mut bytes))
                    .expect("readable");
                logs.push(Log {
                    name: src.display.clone(),
                    format: src.format,
                    bytes,
                });
            }
        }
    }
    assert!(logs.len() >= 20, "only {} logs found", logs.len());
    logs
}

/// Everything a scan produced that later stages see.
fn key(s: &SourceScan) -> (String, String, String, String, bool) {
    (
        serde_json::to_string_pretty(&s.events).expect("events serialize"),
        serde_json::to_string_pretty(&s.deaths).expect("deaths serialize"),
        // Offsets and raw stamps are not serialized; dedup and ordering use them.
        format!("{:?}{:?}", s.events, s.deaths),
        s.warnings.join("\n"),
        s.incomplete,
    )
}

fn same(log: &str, how: &str, want: &SourceScan, got: &SourceScan) {
    let (w, g) = (key(want), key(got));
    assert!(
        w == g,
        "{log}: {how} differs from the whole-file scan\n--- whole:\n{w:#?}\n--- {how}:\n{g:#?}"
    );
}

fn compress(comp: Compression, data: &[u8]) -> Vec<u8> {
    match comp {
        Compression::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).expect("gzip");
            e.finish().expect("gzip")
        }
        Compression::Xz => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(data).expect("xz");
            e.finish().expect("xz")
        }
        Compression::Zstd => zstd::stream::encode_all(data, 1).expect("zstd"),
        Compression::None => data.to_vec(),
    }
}

/// Runs one log through every path; returns what the tiny parts did.
fn check_paths(log: &Log) -> PartStats {
    let body = Body::Buf(log.bytes.clone());
    let whole = scan_body(&body, &log.name, log.format);
    let mut tiny = PartStats::default();
    for part in [128, 4096, PART_BYTES] {
        let (got, stats) = scan_body_parts(&body, &log.name, log.format, part);
        same(&log.name, &format!("parts of {part} B"), &whole, &got);
        if part == 128 {
            tiny = stats;
        }
    }
    same(
        &log.name,
        "a plain stream",
        &whole,
        &scan_stream(&mut Cursor::new(&log.bytes), &log.name, log.format),
    );
    for chunk in [1, 64, 4096, CHUNK_BYTES] {
        let mut tapped = Vec::new();
        let got = scan_stream_opts(
            &mut Cursor::new(&log.bytes),
            &log.name,
            log.format,
            chunk,
            |b| tapped.extend_from_slice(b),
        );
        same(&log.name, &format!("chunks of {chunk} B"), &whole, &got);
        assert!(
            tapped == log.bytes,
            "{}: the tap saw every byte once, in order",
            log.name
        );
    }
    for comp in [Compression::Gzip, Compression::Xz, Compression::Zstd] {
        let packed = compress(comp, &log.bytes);
        for chunk in [64, CHUNK_BYTES] {
            let mut r = guarded_decoder(Cursor::new(&packed), comp).expect("decoder");
            let got = scan_stream_opts(&mut r, &log.name, log.format, chunk, |_| {});
            same(
                &log.name,
                &format!("{comp:?} in {chunk} B chunks"),
                &whole,
                &got,
            );
        }
    }
    tiny
}

/// Every testdata log, through every path.
#[test]
fn every_testdata_log_scans_the_same_by_every_path() {
    let mut total = PartStats::default();
    let mut crossing = Vec::new();
    for log in testdata_logs() {
        let s = check_paths(&log);
        if s.crossed > 0 {
            crossing.push(log.name.clone());
        }
        total.parts += s.parts;
        total.mid_line += s.mid_line;
        total.crossed += s.crossed;
        total.dropped += s.dropped;
    }
    // The multi-part path really ran: boundaries fell inside lines, parts followed
    // blocks past their ends, and the next part's copies were dropped.
    assert!(total.mid_line > 0, "{total:?}");
    assert!(
        !crossing.is_empty(),
        "no block crossed a part boundary: {total:?}"
    );
    assert!(total.dropped > 0, "{total:?}");
}

/// All line-format logs glued into one: blocks of different files and envelopes meet
/// at part boundaries.
#[test]
fn concatenated_logs_scan_the_same_by_every_path() {
    let mut bytes = Vec::new();
    for log in testdata_logs() {
        if log.format == FileFormat::Lines {
            bytes.extend_from_slice(&log.bytes);
            if !bytes.ends_with(b"\n") {
                bytes.push(b'\n');
            }
        }
    }
    let log = Log {
        name: "all".into(),
        format: FileFormat::Lines,
        bytes,
    };
    let s = check_paths(&log);
    assert!(s.crossed > 0, "{s:?}");
}

/// Compressed streams decoded on the read-ahead thread give the same scan.
#[test]
fn read_ahead_streams_scan_the_same() {
    set_read_ahead(true);
    for log in testdata_logs() {
        let whole = scan_body(&Body::Buf(log.bytes.clone()), &log.name, log.format);
        for comp in [Compression::Gzip, Compression::Zstd] {
            let packed = compress(comp, &log.bytes);
            let got = read_ahead(
                move || guarded_decoder(Cursor::new(packed), comp),
                |r| scan_stream_opts(r.expect("open"), &log.name, log.format, 4096, |_| {}),
            );
            same(&log.name, &format!("{comp:?} read ahead"), &whole, &got);
        }
    }
}

/// `journalctl -o export` of a `-o json` file: string fields as `KEY=value` lines.
fn json_to_export(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in json.split(|&b| b == b'\n') {
        let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(line) else {
            continue;
        };
        // Cursor and timestamps first, as journalctl writes them.
        let mut fields: Vec<_> = fields.into_iter().collect();
        fields.sort_by_key(|(k, _)| !k.starts_with("__"));
        for (k, v) in fields {
            if let Some(v) = v.as_str() {
                out.extend_from_slice(format!("{k}={v}\n").as_bytes());
            }
        }
        out.push(b'\n');
    }
    out
}

/// Inputs testdata lacks: a journal JSON file with unreadable lines, a journal export,
/// CRLF line ends, no final newline.
#[test]
fn synthetic_sources_scan_the_same_by_every_path() {
    let logs = testdata_logs();
    let json = logs
        .iter()
        .find(|l| l.format == FileFormat::JournalJson)
        .expect("a journal JSON log in testdata");
    // Only records the scan parses are checked: those inside a block, and lines with
    // an anchor (the prefilter skips the rest unread).
    let mut with_bad = b"{\"MESSAGE\":\"first\"}\nnot json\nnot json: oom-kill:\n".to_vec();
    with_bad.extend_from_slice(&json.bytes);
    with_bad.extend_from_slice(b"{truncated\n");
    let export = json_to_export(&json.bytes);
    assert_eq!(FileFormat::sniff(&export), FileFormat::JournalExport);
    let syslog = logs
        .iter()
        .find(|l| l.format == FileFormat::Lines && l.name.ends_with("var/log/messages"))
        .expect("a syslog file");
    let crlf: Vec<u8> = syslog
        .bytes
        .split(|&b| b == b'\n')
        .flat_map(|l| l.iter().copied().chain(*b"\r\n"))
        .collect();
    let cut = syslog.bytes.trim_ascii_end().to_vec();
    let cases = [
        ("bad-json", FileFormat::JournalJson, with_bad),
        ("export", FileFormat::JournalExport, export),
        ("crlf", FileFormat::Lines, crlf),
        ("no-final-newline", FileFormat::Lines, cut),
    ];
    for (name, format, bytes) in cases {
        let log = Log {
            name: name.into(),
            format,
            bytes,
        };
        check_paths(&log);
        let whole = scan_body(&Body::Buf(log.bytes.clone()), name, format);
        if name == "bad-json" {
            assert_eq!(
                whole.warnings,
                [
                    "2 unreadable record(s), the first at line 3: invalid journal JSON: expected ident at line 1 column 2"
                ],
                "{name}"
            );
        } else {
            assert!(whole.warnings.is_empty(), "{name}: {:?}", whole.warnings);
            assert!(!whole.events.is_empty(), "{name}: the kill is found");
        }
    }
}
