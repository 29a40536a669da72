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
        Ok(body) => scan_journal(&body, display),
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
