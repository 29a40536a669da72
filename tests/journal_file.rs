//! Binary journal files written by systemd's own writer (systemd-journal-remote 252,
//! see testdata/journal/make.sh) from testdata/journal/two-boots.export: read
//! natively, they give the entries and the events the export text gives.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use oomsift::envelope::FileFormat;
use oomsift::envelope::journal::parse_export_record;
use oomsift::envelope::journal_file::{self, JournalFile, layout};
use oomsift::scan::{SourceScan, journal, scan_body};
use oomsift::source::Body;
use std::path::Path;

const DIR: &str = "testdata/journal";

fn load(rel: &str) -> Vec<u8> {
    let z = std::fs::read(Path::new(DIR).join(rel)).unwrap();
    zstd::stream::decode_all(&z[..]).unwrap()
}

fn export() -> Vec<u8> {
    std::fs::read(Path::new(DIR).join("two-boots.export")).unwrap()
}

fn export_records() -> Vec<oomsift::envelope::journal::OwnedRecord> {
    let buf = export();
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let (r, next) = parse_export_record(&buf, pos);
        out.push(r);
        pos = next;
    }
    out
}

/// The events and deaths as JSON, without where they were found (lines and file
/// names differ between a binary file and its export by construction).
fn outcome(s: &SourceScan) -> String {
    let mut v = serde_json::json!({"events": s.events, "deaths": s.deaths});
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("sources");
                m.remove("id");
                m.remove("source");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

fn text_scan() -> SourceScan {
    scan_body(
        &Body::Buf(export()),
        "two-boots.export",
        FileFormat::JournalExport,
    )
}

/// Fields compressed as the file says: none, xz, lz4 or zstd (each compressed field
/// counted by [`journal_file::object_stats`]).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Packed {
    None,
    Xz,
    Lz4,
    Zstd,
}

const VARIANTS: &[(&str, bool, Packed)] = &[
    // file, compact, how its long fields are compressed. zstd and none: systemd 252's
    // writer; xz and lz4: systemd 254's, told by $SYSTEMD_JOURNAL_COMPRESS (make.sh).
    ("zstd-compact.journal.zst", true, Packed::Zstd),
    ("zstd-regular.journal.zst", false, Packed::Zstd),
    ("plain-compact.journal.zst", true, Packed::None),
    ("plain-regular.journal.zst", false, Packed::None),
    ("xz-compact.journal.zst", true, Packed::Xz),
    ("xz-regular.journal.zst", false, Packed::Xz),
    ("lz4-compact.journal.zst", true, Packed::Lz4),
    ("lz4-regular.journal.zst", false, Packed::Lz4),
];

#[test]
fn every_layout_gives_the_entries_of_the_export() {
    let want = export_records();
    assert_eq!(want.len(), 43);
    for &(name, compact, packed) in VARIANTS {
        let buf = load(name);
        let f = JournalFile::parse(&buf, name).unwrap();
        assert_eq!(f.header().compact(), compact, "{name}");
        assert_eq!(f.header().n_entries, 43, "{name}");
        let stats = journal_file::object_stats(&f);
        let counts = [
            (Packed::Xz, stats.compressed_xz),
            (Packed::Lz4, stats.compressed_lz4),
            (Packed::Zstd, stats.compressed_zstd),
        ];
        for (kind, n) in counts {
            assert_eq!(n > 0, kind == packed, "{name}: {stats:?}");
        }
        let mut entries = f.entries();
        let got: Vec<_> = entries.by_ref().collect();
        assert!(
            entries.warnings().is_empty(),
            "{name}: {:?}",
            entries.warnings()
        );
        assert_eq!(got.len(), want.len(), "{name}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            let g = g.to_record();
            assert_eq!(g.message, w.message, "{name} #{i}");
            assert_eq!(g.realtime_us, w.realtime_us, "{name} #{i}");
            assert_eq!(g.monotonic_us, w.monotonic_us, "{name} #{i}");
            assert_eq!(g.hostname, w.hostname, "{name} #{i}");
            assert_eq!(g.identifier, w.identifier, "{name} #{i}");
            assert_eq!(g.kernel, w.kernel, "{name} #{i}");
            assert_eq!(g.time_raw, w.time_raw, "{name} #{i}");
        }
        // The other kept fields and the two boots.
        assert_eq!(got[0].boot_id_hex(), "1b1b1b1b1b1b4b1b9b1b1b1b1b1b1b1b");
        assert_eq!(got[42].boot_id_hex(), "2c2c2c2c2c2c4c2c9c2c2c2c2c2c2c2c");
        assert_eq!(got[0].transport.as_deref(), Some(&b"kernel"[..]));
        assert_eq!(got[0].priority, Some(5));
        let oomd = got
            .iter()
            .find(|e| e.identifier.as_deref() == Some(b"systemd-oomd"))
            .unwrap();
        assert_eq!(oomd.unit.as_deref(), Some(&b"systemd-oomd.service"[..]));
        assert_eq!(oomd.comm.as_deref(), Some(&b"systemd-oomd"[..]));
        let seq: Vec<u64> = got.iter().map(|e| e.seqnum).collect();
        assert_eq!(seq, (1..=43).collect::<Vec<_>>());
    }
}

#[test]
fn the_scan_of_each_binary_file_is_the_scan_of_its_export() {
    let text = text_scan();
    assert_eq!(text.events.len(), 2, "{}", outcome(&text));
    assert!(!text.deaths.is_empty());
    let want = outcome(&text);
    for &(name, ..) in VARIANTS {
        let buf = load(name);
        let bin = journal::scan_journal(&buf, name);
        assert!(bin.warnings.is_empty(), "{name}: {:?}", bin.warnings);
        assert_eq!(outcome(&bin), want, "{name}");
        // Sources name the file and the entry's position in it.
        let e = &bin.events[0];
        assert_eq!(&*e.sources[0].file, name);
        assert!(e.sources[0].line >= 4 && e.sources[0].line <= 43);
    }
}

#[test]
fn a_mapped_file_on_disk_scans_the_same() {
    let dir = std::env::temp_dir().join(format!("oomsift-journal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("system.journal");
    std::fs::write(&path, load("zstd-compact.journal.zst")).unwrap();
    let bin = journal::scan_journal_path(&path, "system.journal");
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(outcome(&bin), outcome(&text_scan()));
}

fn rotated() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(Path::new(DIR).join("rotated"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .map(|n| {
            (
                n.trim_end_matches(".zst").to_string(),
                load(&format!("rotated/{n}")),
            )
        })
        .collect();
    files.sort();
    files
}

/// The writer rotated a full file: one archived `system@….journal` and the active
/// `system.journal`, sharing a seqnum id; merged, they are one stream in seqnum order
/// that holds both boots' kills.
#[test]
fn an_archived_file_and_the_active_one_merge_into_one_stream() {
    let files = rotated();
    assert_eq!(files.len(), 2);
    let parsed: Vec<JournalFile> = files
        .iter()
        .map(|(n, b)| JournalFile::parse(b, n).unwrap())
        .collect();
    let archived = parsed.iter().find(|f| f.name().contains('@')).unwrap();
    let active = parsed.iter().find(|f| !f.name().contains('@')).unwrap();
    assert_eq!(archived.header().state, layout::STATE_ARCHIVED);
    assert_eq!(active.header().state, layout::STATE_OFFLINE);
    assert_eq!(archived.header().seqnum_id, active.header().seqnum_id);
    // Given in the "wrong" order, merged by seqnum.
    let merged: Vec<_> = journal_file::merge(&[active.clone(), archived.clone()]).collect();
    let total = archived.header().n_entries + active.header().n_entries;
    assert_eq!(merged.len() as u64, total);
    assert_eq!(total, 43 + 2 * 1200);
    assert!(
        merged
            .windows(2)
            .all(|w| w[0].1.seqnum + 1 == w[1].1.seqnum)
    );
    assert_eq!(merged[0].0, 1, "the archived file comes first");
    // A file given twice gives its entries once.
    let twice = journal_file::merge(&[archived.clone(), archived.clone(), active.clone()]).count();
    assert_eq!(twice as u64, total);

    // Both boots' events, as in the export without filler (the filler has no anchor
    // and the OOM entries keep their times).
    let sets: Vec<(&[u8], &str)> = files.iter().map(|(n, b)| (&b[..], n.as_str())).collect();
    let scan = journal::scan_journal_files(&sets, "var/log/journal/m");
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    assert_eq!(outcome(&scan), outcome(&text_scan()));
    // File by file: one boot's kill each.
    let per_file: Vec<usize> = files
        .iter()
        .map(|(n, b)| journal::scan_journal(b, n).events.len())
        .collect();
    assert_eq!(per_file, [1, 1]);
}

/// A file left online by a crash, renamed `….journal~` by the next writer, reads
/// whole; merged with the new active file after it.
#[test]
fn a_tilde_file_left_by_an_unclean_shutdown_reads_whole() {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(Path::new(DIR).join("dirty"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .map(|n| {
            (
                n.trim_end_matches(".zst").to_string(),
                load(&format!("dirty/{n}")),
            )
        })
        .collect();
    files.sort();
    let tilde = files
        .iter()
        .find(|(n, _)| n.ends_with(".journal~"))
        .unwrap();
    let f = JournalFile::parse(&tilde.1, &tilde.0).unwrap();
    assert_eq!(f.header().state, layout::STATE_ONLINE);
    let scan = journal::scan_journal(&tilde.1, &tilde.0);
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    assert_eq!(outcome(&scan), outcome(&text_scan()));
    let parsed: Vec<JournalFile> = files
        .iter()
        .map(|(n, b)| JournalFile::parse(b, n).unwrap())
        .collect();
    // The replacement keeps the seqnum id and goes on counting.
    assert_eq!(parsed[0].header().seqnum_id, parsed[1].header().seqnum_id);
    let merged: Vec<_> = journal_file::merge(&parsed).collect();
    assert_eq!(merged.len(), 44);
    assert!(
        merged
            .windows(2)
            .all(|w| w[0].1.realtime_us <= w[1].1.realtime_us)
    );
    assert_eq!(
        merged[43].1.boot_id_hex(),
        "3d3d3d3d3d3d4d3d9d3d3d3d3d3d3d3d"
    );
}

/// Cut anywhere, a file gives the entries before the cut and one warning naming the
/// file and where reading stopped; never a panic.
#[test]
fn a_file_truncated_mid_entry_keeps_what_precedes() {
    for &(name, ..) in VARIANTS {
        let full = load(name);
        let f = JournalFile::parse(&full, name).unwrap();
        let offsets: Vec<u64> = f.entries().map(|e| e.offset).collect();
        // Cut inside the entry holding the second kill's "Killed process" line.
        let kill = f
            .entries()
            .find(|e| {
                e.message
                    .as_deref()
                    .is_some_and(|m| m.starts_with(b"Out of memory: Killed process 2210"))
            })
            .unwrap();
        let cut = (kill.offset + 40) as usize;
        let torn = &full[..cut];
        let mut entries = JournalFile::parse(torn, name).unwrap().entries();
        let got: Vec<u64> = entries.by_ref().map(|e| e.offset).collect();
        let before: Vec<u64> = offsets
            .iter()
            .copied()
            .filter(|&o| o < kill.offset)
            .collect();
        assert_eq!(got, before, "{name}");
        let w = entries.warnings();
        assert_eq!(w.len(), 1, "{name}: {w:?}");
        assert!(
            w[0].starts_with(&format!(
                "{name}: read {} entries; stopped at offset {}",
                before.len(),
                kill.offset
            )),
            "{w:?}"
        );
        // The scan keeps the first boot's kill and the cut block as it stands.
        let scan = journal::scan_journal(torn, name);
        assert!(scan.incomplete);
        assert_eq!(scan.events.len(), 2, "{name}");
        assert!(scan.events[0].complete);
        // Every cut point: no panic, entries never more than before the cut.
        for cut in (0..full.len().min(60_000)).step_by(997) {
            if let Ok(f) = JournalFile::parse(&full[..cut], name) {
                let n = f.entries().filter(|e| e.offset < cut as u64).count();
                assert!(n <= offsets.len());
            }
        }
    }
}

/// Garbage in every place a reader follows an offset: no panic, no endless loop.
#[test]
fn corrupted_bytes_never_panic() {
    let full = load("zstd-compact.journal.zst");
    let f = JournalFile::parse(&full, "x").unwrap();
    let ends = f.entries().last().unwrap().offset as usize + 512;
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..300 {
        let mut bad = full[..ends.min(full.len())].to_vec();
        for _ in 0..8 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = 264 + (state as usize % (bad.len() - 264));
            bad[at] = (state >> 32) as u8;
        }
        if round % 3 == 0 {
            // Point the chain somewhere odd as well.
            let off = (state >> 20) % (bad.len() as u64 + 100);
            bad[176..184].copy_from_slice(&off.to_le_bytes());
        }
        if let Ok(f) = JournalFile::parse(&bad, "x") {
            let mut e = f.entries();
            let n = e.by_ref().count();
            assert!(n <= 43 + 1, "{n}");
            let _ = journal::scan_journal(&bad, "x");
        }
    }
}

#[test]
fn not_a_journal_is_a_warning() {
    let s = journal::scan_journal(b"__CURSOR=s=1\n", "f");
    assert!(s.incomplete);
    assert_eq!(
        s.warnings,
        ["f: not a journal file (no LPKSHHRH signature)"]
    );
    assert!(journal_file::is_journal_file(&load(
        "plain-regular.journal.zst"
    )));
    assert!(JournalFile::parse(b"LPKSHHRH\0\0\0\0", "g").is_err());
}

/// Damaged xz and lz4 fields (the real writer's are in [`VARIANTS`]): the long
/// `Node 0 …` DATA object of the uncompressed regular file is recompressed in place
/// (payload, flag, size) as systemd stores them (xz: an `.xz` stream; lz4: le64 size +
/// raw block), reads the same, and once damaged is a warning, not a lost entry.
#[test]
fn xz_and_lz4_fields_read_as_written() {
    use std::io::Write;
    let plain = load("plain-regular.journal.zst");
    let needle = b"MESSAGE=Node 0 active_anon";
    let at = plain
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap();
    let obj = at - 64; // a regular DATA payload starts 64 bytes into the object
    assert_eq!(plain[obj], 1, "a DATA object");
    let size = u64::from_le_bytes(plain[obj + 8..obj + 16].try_into().unwrap()) as usize;
    let payload = plain[at..obj + size].to_vec();
    let read_node0 = |buf: &[u8]| {
        let f = JournalFile::parse(buf, "x").unwrap();
        let mut e = f.entries();
        let m: Vec<Vec<u8>> = e
            .by_ref()
            .filter_map(|e| e.message.map(|m| m.into_owned()))
            .filter(|m| m.starts_with(b"Node 0"))
            .collect();
        assert!(e.warnings().is_empty(), "{:?}", e.warnings());
        m
    };
    let want = read_node0(&plain);
    assert_eq!(want.len(), 1);
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
    xz.write_all(&payload).unwrap();
    let xz = xz.finish().unwrap();
    let mut lz4 = (payload.len() as u64).to_le_bytes().to_vec();
    lz4.extend_from_slice(&lz4_flex::block::compress(&payload));
    for (flag, packed, bit) in [(1u8, xz, 1u32), (2u8, lz4, 2u32)] {
        assert!(packed.len() < payload.len());
        let mut buf = plain.clone();
        buf[at..at + packed.len()].copy_from_slice(&packed);
        buf[obj + 1] = flag;
        buf[obj + 8..obj + 16].copy_from_slice(&(64 + packed.len() as u64).to_le_bytes());
        let inc = u32::from_le_bytes(buf[12..16].try_into().unwrap()) | bit;
        buf[12..16].copy_from_slice(&inc.to_le_bytes());
        assert_eq!(read_node0(&buf), want, "flag {flag}");
        // Damaged: the entry still reads, without that field, and a warning says so.
        buf[at + 8] ^= 0xff;
        buf[at + 20] ^= 0xff;
        let f = JournalFile::parse(&buf, "x").unwrap();
        let mut e = f.entries();
        assert_eq!(e.by_ref().count(), 43);
        assert_eq!(e.warnings().len(), 1, "{:?}", e.warnings());
        assert!(e.warnings()[0].starts_with(&format!(
            "x: 1 field(s) could not be read, the first at offset {obj}"
        )));
    }
}

/// A garbage offset in the entry array: the chain breaks there and the rest of the
/// entries are found by walking the objects after the last good one.
#[test]
fn a_broken_entry_array_chain_is_recovered_by_walking_objects() {
    for &(name, compact, _) in VARIANTS {
        let mut buf = load(name);
        let f = JournalFile::parse(&buf, name).unwrap();
        let want: Vec<u64> = f.entries().map(|e| e.offset).collect();
        let array = f.header().entry_array_offset as usize;
        let item = array + 24 + if compact { 4 * 2 } else { 8 * 2 };
        let old = if compact {
            u64::from(u32::from_le_bytes(buf[item..item + 4].try_into().unwrap()))
        } else {
            u64::from_le_bytes(buf[item..item + 8].try_into().unwrap())
        };
        assert_eq!(old, want[2], "{name}: the third item of the first array");
        if compact {
            buf[item..item + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        } else {
            buf[item..item + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        }
        let f = JournalFile::parse(&buf, name).unwrap();
        let mut e = f.entries();
        let got: Vec<u64> = e.by_ref().map(|e| e.offset).collect();
        assert_eq!(got, want, "{name}");
        assert_eq!(e.warnings().len(), 1);
        assert!(
            e.warnings()[0].contains("the entry array chain broke at offset"),
            "{:?}",
            e.warnings()
        );
        // No chain at all: the objects alone give every entry.
        buf[176..184].copy_from_slice(&0u64.to_le_bytes());
        let got: Vec<u64> = JournalFile::parse(&buf, name)
            .unwrap()
            .entries()
            .map(|e| e.offset)
            .collect();
        assert_eq!(got, want, "{name}");
    }
}
