//! Scanning binary journal files: each entry becomes the record `journalctl -o
//! export` text of it would give ([`Entry::to_record`]) and is fed to the same
//! [`Feed`] (kernel assembler, userspace readers), gated by the same prefilter, so a
//! binary journal and its export give the same events. An entry's "line" in the
//! sources is its 1-based position in the file (in the merged stream for
//! [`scan_journal_files`]); its offset is the ENTRY object's offset.

use super::{Feed, SourceScan};
use crate::envelope::FileFormat;
use crate::envelope::journal_file::{Entry, JournalFile, merge};
use crate::scan::prefilter::prefilter;
use crate::source::Body;
use std::io::Read;
use std::path::Path;

/// A journal file that is not mapped (an archive member, a compressed file, standard
/// input) is read into memory up to this size; a larger one is skipped with a warning.
pub const MAX_JOURNAL_BYTES: u64 = 512 << 20;

/// Could this entry start (or tell) anything while no block is open? The text path
/// searches the whole export record for an anchor; an anchor in a field oomsift does
/// not keep (`_CMDLINE=…`) would only feed a record that then does nothing.
/// The values are searched as the lines of one buffer (`scratch`, reused): one
/// search per entry instead of one per field.
fn may_matter(e: &Entry, scratch: &mut Vec<u8>) -> bool {
    scratch.clear();
    for v in e.kept_values() {
        scratch.extend_from_slice(v);
        scratch.push(b'\n');
    }
    prefilter(FileFormat::Lines, scratch).is_some()
}

fn feed_entry(feed: &mut Feed, e: &Entry, line: u64, scratch: &mut Vec<u8>) {
    if !feed.is_open() && !may_matter(e, scratch) {
        return;
    }
    feed.feed(&e.to_record().as_record(), line, e.offset);
}

fn finish(mut feed: Feed, warnings: Vec<String>) -> SourceScan {
    feed.finish();
    SourceScan {
        events: std::mem::take(&mut feed.events),
        deaths: std::mem::take(&mut feed.deaths),
        boot_starts: std::mem::take(&mut feed.boot_starts),
        incomplete: !warnings.is_empty(),
        warnings,
        ..SourceScan::default()
    }
}

fn unreadable(e: String) -> SourceScan {
    SourceScan {
        warnings: vec![e],
        incomplete: true,
        ..SourceScan::default()
    }
}

/// Scans one binary journal file held in `buf` (mapped); `display` names it in the
/// events' sources and in warnings.
pub fn scan_journal(buf: &[u8], display: &str) -> SourceScan {
    let file = match JournalFile::parse(buf, display) {
        Ok(f) => f,
        Err(e) => return unreadable(e),
    };
    let mut feed = Feed::new(display);
    let mut entries = file.entries();
    let mut line = 0u64;
    let mut scratch = Vec::new();
    for e in entries.by_ref() {
        line += 1;
        feed_entry(&mut feed, &e, line, &mut scratch);
    }
    finish(feed, entries.warnings().to_vec())
}

/// Maps the journal file at `path` and scans it ([`scan_journal`]).
pub fn scan_journal_path(path: &Path, display: &str) -> SourceScan {
    match Body::open(path) {
        Ok(body) => {
            let mut scan = scan_journal(&body, display);
            super::shrunk_warning(&body, &mut scan);
            scan
        }
        Err(e) => unreadable(format!("cannot read: {}", crate::util::io_reason(&e))),
    }
}

/// Reads a journal file from a stream (an archive member, a decompressing reader)
/// into memory, up to [`MAX_JOURNAL_BYTES`], and scans it ([`scan_journal`]). A
/// larger file is skipped with a warning; a read error keeps what was read before it
/// (a torn file is read as far as it goes) with a warning.
pub fn scan_journal_reader(r: &mut dyn Read, display: &str) -> SourceScan {
    scan_journal_reader_with(r, display, |_| {})
}

/// [`scan_journal_reader`], handing the bytes read to `tap` as well (as the text
/// stream scan does).
pub fn scan_journal_reader_with(
    r: &mut dyn Read,
    display: &str,
    mut tap: impl FnMut(&[u8]),
) -> SourceScan {
    let mut buf = Vec::new();
    let err = r
        .take(MAX_JOURNAL_BYTES + 1)
        .read_to_end(&mut buf)
        .err()
        .map(|e| format!("cannot read: {}", crate::util::io_reason(&e)));
    if buf.len() as u64 > MAX_JOURNAL_BYTES {
        // The rest is passed over, so an archive reader finds the next member.
        let _ = std::io::copy(r, &mut std::io::sink());
        return unreadable(format!(
            "journal file larger than {} MiB skipped",
            MAX_JOURNAL_BYTES >> 20
        ));
    }
    tap(&buf);
    let mut scan = scan_journal(&Body::Buf(buf), display);
    if let Some(e) = err {
        scan.warnings.push(e);
        scan.incomplete = true;
    }
    scan
}

/// Scans several journal files of one machine as one stream, interleaved
/// ([`merge`]): a block cut by a file rotation is assembled whole. `display` names
/// the set (a directory) in the events' sources.
pub fn scan_journal_files(files: &[(&[u8], &str)], display: &str) -> SourceScan {
    let mut warnings = Vec::new();
    let parsed: Vec<JournalFile> = files
        .iter()
        .filter_map(|(buf, name)| {
            JournalFile::parse(buf, name)
                .map_err(|e| warnings.push(e))
                .ok()
        })
        .collect();
    let mut feed = Feed::new(display);
    let mut merged = merge(&parsed);
    let mut line = 0u64;
    let mut scratch = Vec::new();
    for (_, e) in merged.by_ref() {
        line += 1;
        // Offsets must grow through the stream (deaths are sorted by them).
        let e = Entry { offset: line, ..e };
        feed_entry(&mut feed, &e, line, &mut scratch);
    }
    warnings.extend(merged.warnings());
    finish(feed, warnings)
}

/// One journal file of a set: mapped, or read into memory when compressed.
fn load(src: &crate::bundle::SourceFile) -> Result<Body, String> {
    use crate::source::Compression;
    let why = |e: &std::io::Error| {
        format!(
            "{}: cannot read: {}",
            src.display,
            crate::util::io_reason(e)
        )
    };
    match src.compression {
        Compression::None => Body::open(&src.path).map_err(|e| why(&e)),
        comp => {
            let mut r = crate::source::stream(&src.path, comp).map_err(|e| why(&e))?;
            let mut buf = Vec::new();
            r.by_ref()
                .take(MAX_JOURNAL_BYTES + 1)
                .read_to_end(&mut buf)
                .map_err(|e| why(&e))?;
            if buf.len() as u64 > MAX_JOURNAL_BYTES {
                return Err(format!(
                    "{}: journal file larger than {} MiB skipped",
                    src.display,
                    MAX_JOURNAL_BYTES >> 20
                ));
            }
            Ok(Body::Buf(buf))
        }
    }
}

/// Scans the journal files of one directory (one machine's `system.journal`, its
/// archived `system@….journal` and `….journal~` files) as one stream
/// ([`scan_journal_files`]), so a block cut by a rotation is one event. `display`
/// names the set. A file that cannot be read is a warning; the others are scanned.
pub fn scan_journal_set(srcs: &[&crate::bundle::SourceFile], display: &str) -> SourceScan {
    let mut warnings = Vec::new();
    let bodies: Vec<(Body, &str)> = srcs
        .iter()
        .filter_map(|s| {
            load(s)
                .map_err(|e| warnings.push(e))
                .ok()
                .map(|b| (b, s.display.as_str()))
        })
        .collect();
    let files: Vec<(&[u8], &str)> = bodies.iter().map(|(b, d)| (&**b, *d)).collect();
    let mut scan = scan_journal_files(&files, display);
    if !warnings.is_empty() {
        scan.incomplete = true;
        warnings.append(&mut scan.warnings);
        scan.warnings = warnings;
    }
    scan
}

/// The `seqnum_id` of the journal file `src` (its header's bytes 72..88), read
/// without loading the file: files sharing one were written by one journald, one
/// after the other (rotation passes the id on), and so merge into one stream.
pub fn seqnum_id(src: &crate::bundle::SourceFile) -> Option<[u8; 16]> {
    use crate::source::Compression;
    let mut head = [0u8; 88];
    let mut r: Box<dyn Read> = match src.compression {
        Compression::None => Box::new(std::fs::File::open(&src.path).ok()?),
        comp => crate::source::stream(&src.path, comp).ok()?,
    };
    r.read_exact(&mut head).ok()?;
    if head.get(..8)? != b"LPKSHHRH" {
        return None;
    }
    head.get(72..88)?.try_into().ok()
}
