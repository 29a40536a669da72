//! One pass over a source: the prefilter-driven record scanner ([`records`]) feeds
//! every record to the kernel assembler, the userspace readers and (for names) the
//! kubelet reader, and [`scan_body`] / [`scan_stream`] run it over a mapped file (in
//! parallel parts) or a decompressing stream (in chunks).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

pub mod fused;
pub mod journal;
pub mod prefilter;
pub mod records;

use crate::bundle::SourceFile;
use crate::envelope::{FileFormat, Origin, Record};
use crate::kernel::assemble::Assembler;
use crate::model::{OomEvent, OtherDeath};
use crate::source::{Body, Compression};
use rayon::prelude::*;
use records::{ScanIssues, scan};
use std::io::Read;

/// The assembler and the userspace readers, fed the records of one source in order.
#[derive(Debug, Default)]
pub struct Feed {
    asm: Assembler,
    file: std::sync::Arc<str>,
    user: Vec<OtherDeath>,
    offset_base: u64,
    /// Kubelet lines naming pods, kept from the bytes the prefilter skips.
    capture: crate::k8s::capture::KubeletCapture,
    /// Offsets of `podUID=` in the lines being skipped (reused).
    hits: Vec<usize>,
    /// Filled by [`Feed::finish`].
    pub events: Vec<OomEvent>,
    pub deaths: Vec<OtherDeath>,
    /// Offsets of the records that start another boot (`Assembler::boot_starts`).
    pub boot_starts: Vec<u64>,
    pub names: crate::k8s::names::NameIndex,
    /// The end (an offset in the source) of a part of a file scanned in parts. Past
    /// it the part follows the open block only until another block starts (that one
    /// is the next part's), and the records it reads there are the next part's to
    /// capture kubelet lines from; its kept lines are parsed at the join.
    pub(crate) part_end: Option<u64>,
}

impl Feed {
    pub fn new(file: &str) -> Feed {
        Feed {
            asm: Assembler::new(file),
            file: file.into(),
            capture: crate::k8s::capture::KubeletCapture::new(file.contains("kubelet")),
            ..Feed::default()
        }
    }

    /// Complete lines the prefilter passed over (no OOM anchor in them), handed over
    /// while they are in cache: their newlines counted and, in the same pass
    /// (`fused`), the kubelet lines among them that name pods kept (`k8s::capture`)
    /// and the NUL runs of their first `nul_len` bytes found. Returns the newline
    /// count and the NUL runs.
    pub fn skipped(&mut self, format: FileFormat, lines: &[u8], nul_len: usize) -> fused::Pass {
        if format != FileFormat::Lines {
            return fused::Pass {
                lines: bytecount::count(lines, b'\n') as u64,
                nuls: lines
                    .get(..nul_len.min(lines.len()))
                    .and_then(crate::source::nul_runs),
            };
        }
        self.hits.clear();
        let pass = fused::count_and_find(lines, nul_len, &mut self.hits);
        self.capture.scan(lines, &self.hits);
        pass
    }

    /// Added to record offsets (the position of the scanned buffer in its source).
    pub fn set_offset_base(&mut self, base: u64) {
        self.offset_base = base;
        self.asm.offset_base = base;
    }

    /// The records fed start inside their source ([`Assembler::starts_mid_source`]).
    pub fn starts_mid_source(&mut self) {
        self.asm.starts_mid_source();
    }

    /// A banner before any kernel record, in a part starting mid-source, and whether
    /// the part ends "fresh" ([`Assembler::head_start`], [`Assembler::fresh_at_end`]).
    pub fn part_boot_state(&self) -> (Option<u64>, Option<bool>) {
        (self.asm.head_start(), self.asm.fresh_at_end())
    }

    /// Is a kernel block open (so every following record must be fed)?
    pub fn is_open(&self) -> bool {
        self.asm.is_open()
    }

    /// The offset of the open kernel block's first record.
    pub fn open_offset(&self) -> Option<u64> {
        self.asm.open_offset()
    }

    /// [`Assembler::open_is_plain_header`].
    pub fn open_is_plain_header(&self) -> bool {
        self.asm.open_is_plain_header()
    }

    /// Forgets the open kernel block ([`Assembler::drop_open`]).
    pub fn drop_open(&mut self) {
        self.asm.drop_open();
    }

    /// Feeds one record: `line` is its 1-based line number, `offset` its byte offset.
    pub fn feed(&mut self, rec: &Record, line: u64, offset: u64) {
        if rec.origin != Origin::Kernel
            && self
                .part_end
                .is_none_or(|end| offset + self.offset_base < end)
        {
            // Lines read inside an OOM region are not among the skipped ones: a
            // kubelet line right after a kill (`Killing container`) is kept here.
            self.capture.scan_all(&rec.msg);
        }
        if rec.origin != Origin::Kernel && crate::userspace::may_tell(rec) {
            self.user.extend(crate::userspace::deaths(
                rec,
                &self.file,
                line,
                offset + self.offset_base,
            ));
        }
        self.asm.feed(rec, line, offset);
    }

    /// Ends the input: an open block is finished as it stands; events get the pod and
    /// container their cgroup paths name.
    pub fn finish(&mut self) {
        self.asm.finish();
        // Moved, not copied: a storm of events is held once (issue 16).
        if self.events.is_empty() {
            std::mem::swap(&mut self.events, &mut self.asm.events);
        } else {
            self.events.append(&mut self.asm.events);
        }
        for e in &mut self.events {
            crate::k8s::cgroup_path::attach_identity(e);
        }
        self.deaths.append(&mut self.asm.deaths);
        self.boot_starts.append(&mut self.asm.boot_starts);
        self.deaths.append(&mut self.user);
        self.deaths.sort_by_key(|d| d.offset);
        if self.part_end.is_none() {
            self.names = std::mem::take(&mut self.capture).names();
        }
    }

    /// A part's kubelet lines, left unparsed by [`Feed::finish`]: the parts' captures
    /// are joined in file order and parsed once ([`KubeletCapture::absorb`]).
    ///
    /// [`KubeletCapture::absorb`]: crate::k8s::capture::KubeletCapture::absorb
    pub(crate) fn take_capture(&mut self) -> crate::k8s::capture::KubeletCapture {
        std::mem::take(&mut self.capture)
    }
}

/// Scans one source file on disk.
pub fn scan_source(src: &SourceFile) -> SourceScan {
    let failed = |e: std::io::Error| SourceScan {
        warnings: vec![format!("cannot read: {}", crate::util::io_reason(&e))],
        incomplete: true,
        ..SourceScan::default()
    };
    if src.format == FileFormat::BinaryJournal {
        return match src.compression {
            Compression::None => journal::scan_journal_path(&src.path, &src.display),
            comp => crate::source::read_ahead(
                || crate::source::stream(&src.path, comp),
                |r| match r {
                    Ok(r) => journal::scan_journal_reader(r, &src.display),
                    Err(e) => failed(e),
                },
            ),
        };
    }
    match src.compression {
        Compression::None => match Body::open(&src.path) {
            Ok(body) => {
                let mut scan = scan_body(&body, &src.display, src.format);
                shrunk_warning(&body, &mut scan);
                scan
            }
            Err(e) => failed(e),
        },
        comp => crate::source::read_ahead(
            || crate::source::stream(&src.path, comp),
            |r| match r {
                Ok(r) => scan_stream(r, &src.display, src.format),
                Err(e) => failed(e),
            },
        ),
    }
}

/// A large plain file is scanned in parts of this size, in parallel. Fixed, so the
/// result never depends on the thread count.
pub const PART_BYTES: usize = 32 << 20;
/// Decompressed streams are scanned in chunks of this size.
pub const CHUNK_BYTES: usize = 8 << 20;
/// A record longer than this (no separator in sight) is skipped.
const MAX_RECORD: usize = 64 << 20;

/// What scanning one source produced.
#[derive(Debug, Default, Clone)]
pub struct SourceScan {
    pub events: Vec<OomEvent>,
    pub deaths: Vec<OtherDeath>,
    /// Pod and container names from kubelet lines (kept during the scan).
    pub names: crate::k8s::names::NameIndex,
    /// Problems worth a warning; `incomplete` when part of the input could not be read.
    pub warnings: Vec<String>,
    pub incomplete: bool,
    /// Offsets of the records that start another boot in this source: a `Linux
    /// version` banner, an uptime more than a second below the previous kernel
    /// record's. In order.
    pub boot_starts: Vec<u64>,
}

/// A mapped file that shrank while it was read: the reads past its new end saw NUL
/// bytes instead of killing the run (`source::Body::shrunk`); told, and incomplete.
pub fn shrunk_warning(body: &Body, out: &mut SourceScan) {
    if body.shrunk() {
        out.warnings.push(format!(
            "the file shrank while it was read (truncated or rotated under the scan?): the {} bytes mapped when it was opened were read up to its new end, the rest as NUL bytes",
            body.len()
        ));
        out.incomplete = true;
    }
}

fn issues_warning(issues: &ScanIssues, out: &mut SourceScan) {
    if let Some(n) = issues.nul {
        out.warnings.push(format!(
            "damaged: {} run(s) of NUL bytes ({} bytes), the first at byte offset {}, skipped (left by a crash or hard reset?); the text around them was read",
            n.runs, n.bytes, n.first
        ));
        out.incomplete = true;
    }
    if let Some((line, e)) = &issues.first_bad {
        out.warnings.push(format!(
            "{} unreadable record(s), the first at line {line}: {e}",
            issues.bad_records
        ));
        out.incomplete = true;
    }
}

/// Drift, made visible: one warning per kernel line variant whose lines in this
/// source held text or fields it did not understand (the events' `parse_notes`), with
/// the first line and a count. A warning only: it does not make the scan incomplete.
fn drift_warnings(out: &mut SourceScan) {
    let mut by: std::collections::BTreeMap<&str, (u64, u64)> = Default::default();
    for e in &out.events {
        let base = e.sources.first().map_or(0, |s| s.line);
        for &(variant, delta) in &e.body.drift {
            let at = by.entry(variant).or_insert((u64::MAX, 0));
            at.0 = at.0.min(base + delta);
            at.1 += 1;
        }
    }
    for (variant, (first, n)) in by {
        out.warnings.push(format!(
            "{n} `{variant}` kernel line(s) held text or fields this version does not understand, the first at line {first} (see the events' parse_notes): the kernel's output may have changed"
        ));
    }
}

/// The end of the last complete record in `buf`.
fn record_boundary(format: FileFormat, buf: &[u8]) -> usize {
    format.record_boundary(buf)
}

/// Scans a whole in-memory (mapped) source, large ones in parallel parts.
pub fn scan_body(body: &Body, file: &str, format: FileFormat) -> SourceScan {
    scan_body_with(body, file, format, PART_BYTES)
}

/// [`scan_body`] with parts of `part_bytes` (tests use tiny parts so that blocks cross
/// part boundaries).
pub fn scan_body_with(
    body: &Body,
    file: &str,
    format: FileFormat,
    part_bytes: usize,
) -> SourceScan {
    scan_body_parts(body, file, format, part_bytes).0
}

/// What splitting a body into parts did (for tests of the multi-part path).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PartStats {
    /// Parts scanned (empty ones included).
    pub parts: usize,
    /// Part boundaries whose nominal position fell inside a line (moved to the next
    /// line start).
    pub mid_line: usize,
    /// Parts whose scan followed an open block past the part's end.
    pub crossed: usize,
    /// Events and deaths a part found that the previous part had already consumed.
    pub dropped: usize,
}

/// [`scan_body_with`], with what the parts did.
pub fn scan_body_parts(
    body: &Body,
    file: &str,
    format: FileFormat,
    part_bytes: usize,
) -> (SourceScan, PartStats) {
    let buf: &[u8] = body;
    if format == FileFormat::BinaryJournal {
        // Never the text scanner: a binary journal is read by its own reader.
        return (journal::scan_journal(buf, file), PartStats::default());
    }
    let part_bytes = part_bytes.max(1);
    // Parts start at the first line start at or after each multiple of `part_bytes`;
    // each worker finds its own bounds, so only parts in flight have pages mapped.
    // Journal exports are scanned as one part.
    let nparts = if format == FileFormat::Lines {
        buf.len().div_ceil(part_bytes).max(1)
    } else {
        1
    };
    let part_start = |k: usize| -> usize {
        if k == 0 {
            return 0;
        }
        if k >= nparts {
            // The last part ends at the end: a journal, always one part, used to end
            // at the first line start after `part_bytes` and lose the rest.
            return buf.len();
        }
        let at = k.saturating_mul(part_bytes).min(buf.len());
        buf.get(at..)
            .and_then(|b| memchr::memchr(b'\n', b))
            .map_or(buf.len(), |i| at + i + 1)
    };
    let mut stats = PartStats {
        parts: nparts,
        mid_line: (1..nparts)
            .filter(|&k| {
                let at = k * part_bytes;
                at < buf.len() && at > 0 && buf.get(at - 1) != Some(&b'\n')
            })
            .count(),
        ..PartStats::default()
    };
    #[allow(clippy::type_complexity)]
    let parts: Vec<(
        usize,
        Feed,
        records::ScanEnd,
        ScanIssues,
        (Option<u64>, Option<bool>),
    )> = (0..nparts)
        .into_par_iter()
        .map(|k| {
            let (start, end) = (part_start(k), part_start(k + 1).max(part_start(k)));
            let mut asm = Feed::new(file);
            // A storm of blocks, each closed by the next one's start, would otherwise
            // be followed to the end of the file by every part (issue 16).
            asm.part_end = Some(end as u64);
            let mut issues = ScanIssues {
                nul_clip: Some(end.saturating_sub(start)),
                ..ScanIssues::default()
            };
            asm.set_offset_base(start as u64);
            if start > 0 {
                asm.starts_mid_source();
            }
            let end_pos = if start < end {
                let e = scan(
                    format,
                    buf.get(start..).unwrap_or_default(),
                    0,
                    end - start,
                    true,
                    1,
                    &mut asm,
                    &mut issues,
                );
                asm.finish();
                body.release(start, start + e.pos);
                e
            } else {
                records::ScanEnd {
                    pos: 0,
                    line: 1,
                    line_at_soft_end: Some(1),
                }
            };
            let head = asm.part_boot_state();
            (start, asm, end_pos, issues, head)
        })
        .collect();
    let mut out = SourceScan::default();
    // Reserved once (pages not yet written are not resident), each part's events
    // moved in and its vector freed in turn: the events are held about once.
    out.events.reserve(
        parts
            .iter()
            .skip(1)
            .map(|(_, asm, ..)| asm.events.len())
            .sum(),
    );
    let mut line_base = 0u64;
    let mut consumed_to = 0u64;
    let mut all_issues = ScanIssues::default();
    // No kernel record since the last boot start (at the file's start: none yet).
    let mut fresh = true;
    // The parts' kubelet lines, joined in file order (parsed once, after the loop).
    let mut captures: Option<crate::k8s::capture::KubeletCapture> = None;
    for (k, (start, mut asm, end, issues, (head, fresh_end))) in parts.into_iter().enumerate() {
        if start + end.pos > part_start(k + 1) {
            stats.crossed += 1;
        }
        let start = start as u64;
        if k == 0 {
            // The first part's events, lines already counted from the file's start,
            // become the scan's (moved, not copied).
            let rest = out.events.capacity();
            out.events = std::mem::take(&mut asm.events);
            out.events.reserve(rest);
        }
        // Taken from the back of the reversed vector, which gives back its memory as
        // it empties: the events are held about once while they move, not twice for a
        // part's length (a storm of a million headers peaked ~100 MB higher; issue 16).
        let mut part = std::mem::take(&mut asm.events);
        part.reverse();
        while let Some(mut e) = part.pop() {
            if part.len() % RELEASE_EVERY == 0 {
                part.shrink_to_fit();
            }
            if e.offset < consumed_to {
                stats.dropped += 1;
                continue; // the previous part followed this block past its end
            }
            e.sources.iter_mut().for_each(|s| s.line += line_base);
            out.events.push(e);
        }
        // A banner first in this part starts a boot when a kernel record came after
        // the last boot start before it in the file, as the scan of the whole file
        // tells it.
        if let (Some(o), false) = (head, fresh)
            && o >= consumed_to
        {
            out.boot_starts.push(o);
        }
        if let Some(f) = fresh_end {
            fresh = f;
        }
        out.boot_starts
            .extend(asm.boot_starts.iter().filter(|&&o| o >= consumed_to));
        for mut d in std::mem::take(&mut asm.deaths) {
            if d.offset < consumed_to {
                stats.dropped += 1;
                continue;
            }
            d.sources.iter_mut().for_each(|s| s.line += line_base);
            out.deaths.push(d);
        }
        match captures.as_mut() {
            None => captures = Some(asm.take_capture()),
            Some(c) => c.absorb(asm.take_capture()),
        }
        consumed_to = consumed_to.max(start + end.pos as u64);
        all_issues.bad_records += issues.bad_records;
        all_issues.nul = records::NulDamage::join(all_issues.nul, issues.nul);
        if all_issues.first_bad.is_none() {
            // Lines are counted from this part's start.
            all_issues.first_bad = issues.first_bad.map(|(l, e)| (l + line_base, e));
        }
        line_base += end.line_at_soft_end.unwrap_or(end.line) - 1;
    }
    out.names = captures.map(|c| c.names()).unwrap_or_default();
    out.boot_starts.sort_unstable();
    out.boot_starts.dedup();
    issues_warning(&all_issues, &mut out);
    drift_warnings(&mut out);
    (out, stats)
}

/// While a part's events move into the scan's vector, its own vector is shrunk every
/// this many events.
const RELEASE_EVERY: usize = 16 * 1024;

/// Scans a decompressing stream chunk by chunk, in bounded memory.
pub fn scan_stream(reader: &mut dyn Read, file: &str, format: FileFormat) -> SourceScan {
    scan_stream_with(reader, file, format, |_| {})
}

/// [`scan_stream`], handing each run of complete records to `tap` as well (for
/// side passes such as kubelet names) before it is dropped.
pub fn scan_stream_with(
    reader: &mut dyn Read,
    file: &str,
    format: FileFormat,
    tap: impl FnMut(&[u8]),
) -> SourceScan {
    scan_stream_opts(reader, file, format, CHUNK_BYTES, tap)
}

/// [`scan_stream_with`] reading chunks of `chunk_bytes` (tests use tiny chunks so that
/// records and blocks cross chunk boundaries).
pub fn scan_stream_opts(
    reader: &mut dyn Read,
    file: &str,
    format: FileFormat,
    chunk_bytes: usize,
    mut tap: impl FnMut(&[u8]),
) -> SourceScan {
    if format == FileFormat::BinaryJournal {
        // Never the text scanner: a binary journal is read whole by its own reader.
        return journal::scan_journal_reader_with(reader, file, tap);
    }
    let chunk_bytes = chunk_bytes.max(1);
    let mut out = SourceScan::default();
    let mut asm = Feed::new(file);
    let mut issues = ScanIssues::default();
    // `buf[..len]` holds the bytes not yet scanned. The buffer is zeroed once per
    // thread and reused, chunk after chunk and stream after stream: zero-filling 8 MiB
    // per chunk cost ~10 % of a fast decoder's time, and a fresh buffer per stream
    // left freed 8 MiB blocks scattered over the threads' heaps.
    thread_local! {
        static CHUNK_BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut buf: Vec<u8> = CHUNK_BUF.with(|b| std::mem::take(&mut *b.borrow_mut()));
    if buf.len() < chunk_bytes {
        buf.resize(chunk_bytes, 0);
    }
    let mut len = 0usize;
    let mut line = 1u64;
    let mut drained = 0u64;
    let mut eof = false;
    while !eof {
        let have = len;
        if buf.len() < have + chunk_bytes {
            buf.resize(have + chunk_bytes, 0);
        }
        // `buf` was grown to `have + chunk_bytes` just above.
        #[allow(clippy::indexing_slicing)]
        let (got, err) = crate::source::read_partial(reader, &mut buf[have..have + chunk_bytes]);
        if let Some(e) = err {
            out.warnings.push(format!(
                "the compressed data is damaged or truncated after {} decompressed bytes: {e}; events before that point were kept",
                drained + (have + got) as u64
            ));
            out.incomplete = true;
            eof = true;
        }
        len = have + got;
        if got < chunk_bytes {
            eof = true;
        }
        // `len <= have + chunk_bytes <= buf.len()`.
        #[allow(clippy::indexing_slicing)]
        let data = &buf[..len];
        let soft_end = if eof {
            len
        } else {
            record_boundary(format, data)
        };
        if soft_end == 0 && !eof && len > MAX_RECORD {
            out.warnings.push(format!("a record longer than {MAX_RECORD} bytes at decompressed offset {drained} was skipped"));
            out.incomplete = true;
            drained += len as u64;
            len = 0;
            continue;
        }
        asm.set_offset_base(drained);
        let end = scan(format, data, 0, soft_end, eof, line, &mut asm, &mut issues);
        line = end.line;
        tap(data.get(..end.pos).unwrap_or(data));
        drained += end.pos as u64;
        buf.copy_within(end.pos..len, 0);
        len -= end.pos;
    }
    if buf.len() <= 2 * CHUNK_BYTES {
        CHUNK_BUF.with(|b| *b.borrow_mut() = buf);
    }
    asm.finish();
    out.events = std::mem::take(&mut asm.events);
    out.deaths = std::mem::take(&mut asm.deaths);
    out.boot_starts = std::mem::take(&mut asm.boot_starts);
    out.names = std::mem::take(&mut asm.names);
    issues_warning(&issues, &mut out);
    drift_warnings(&mut out);
    out
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    fn json_line(msg: &str, t: u64) -> String {
        format!(
            "{{\"__REALTIME_TIMESTAMP\":\"{t}\",\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"{msg}\"}}\n"
        )
    }

    fn kill_json() -> String {
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&json_line(
                "systemd: Started unit",
                1_709_633_400_000_000 + i,
            ));
        }
        text.push_str("not json: oom-kill:\n");
        text.push_str(&json_line(
            "Out of memory: Killed process 42 (stress) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB",
            1_709_633_472_000_000,
        ));
        text
    }

    /// A journal is scanned as one part, and that part is the whole file: it used to
    /// end at the first line start after one part's size, losing what followed.
    #[test]
    fn a_journal_larger_than_a_part_is_scanned_to_its_end() {
        let text = kill_json();
        let body = Body::Buf(text.clone().into_bytes());
        let (scan, stats) = scan_body_parts(&body, "j", FileFormat::JournalJson, 256);
        assert_eq!(stats.parts, 1);
        assert_eq!(
            scan.events.len(),
            1,
            "the kill past the first 256 B is found"
        );
        assert_eq!(scan.events[0].sources[0].line, 52);
        // The unreadable line is reported at its own line number (it was shifted by
        // the part's line count).
        let stream = scan_stream(&mut text.as_bytes(), "j", FileFormat::JournalJson);
        assert_eq!(
            scan.warnings,
            [
                "1 unreadable record(s), the first at line 51: invalid journal JSON: expected ident at line 1 column 2"
            ]
        );
        assert_eq!(scan.warnings, stream.warnings);
    }

    /// Reaper lines in parts of every size: a reaper line late after its kill, a banner,
    /// the same pid killed again in the next boot and reaped: the parts give what the
    /// whole file does, and no reaper line reaches a kill of another boot.
    #[test]
    fn reaper_lines_across_parts_and_boots() {
        let mut text = String::new();
        let k = |t: &mut String, up: &str, l: &str| {
            t.push_str(&format!("[{up}] {l}\n"));
        };
        k(
            &mut text,
            "  100.000000",
            "a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
        );
        k(&mut text, "  100.000001", "Mem-Info:");
        k(
            &mut text,
            "  100.000002",
            "Out of memory: Killed process 7 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
        );
        for i in 0..12 {
            k(
                &mut text,
                &format!("  101.{i:06}"),
                &format!("eth0: link flap {i}"),
            );
        }
        k(
            &mut text,
            "  102.000000",
            "oom_reaper: reaped process 7 (a), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
        );
        k(
            &mut text,
            "    0.000000",
            "Linux version 5.14.0-284.30.1.el9_2.x86_64 (mockbuild@x86-vm-07) #1 SMP PREEMPT_DYNAMIC",
        );
        k(
            &mut text,
            "    0.000001",
            "oom_reaper: reaped process 7 (a), now anon-rss:0kB, file-rss:1kB, shmem-rss:0kB",
        );
        k(
            &mut text,
            "   50.000000",
            "a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
        );
        k(
            &mut text,
            "   50.000001",
            "Out of memory: Killed process 7 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
        );
        k(
            &mut text,
            "   50.000002",
            "oom_reaper: reaped process 7 (a), now anon-rss:0kB, file-rss:2kB, shmem-rss:0kB",
        );
        let body = Body::Buf(text.clone().into_bytes());
        let whole = scan_body(&body, "f", FileFormat::Lines);
        let reaped: Vec<Option<Option<u64>>> = whole
            .events
            .iter()
            .map(|e| e.body.reaped.as_ref().map(|r| r.file_rss_kb))
            .collect();
        assert_eq!(whole.events.len(), 2);
        // The first kill's own reaper line (file-rss 0), none from after the banner;
        // the second kill's own (file-rss 2).
        assert_eq!(reaped, [Some(Some(0)), Some(Some(2))]);
        let want = serde_json::to_string(&whole.events).ok();
        for part in (40..text.len()).step_by(37) {
            let (parts, _) = scan_body_parts(&body, "f", FileFormat::Lines, part);
            assert_eq!(
                serde_json::to_string(&parts.events).ok(),
                want,
                "parts of {part}"
            );
            assert_eq!(parts.boot_starts, whole.boot_starts, "parts of {part}");
            let streamed =
                scan_stream_opts(&mut text.as_bytes(), "f", FileFormat::Lines, part, |_| {});
            assert_eq!(
                serde_json::to_string(&streamed.events).ok(),
                want,
                "chunks of {part}"
            );
        }
    }

    /// The kubelet lines of all parts are decided again in file order and parsed once:
    /// any split names the same pods and containers, from the same lines, as one scan.
    #[test]
    fn names_from_parts_are_those_of_one_scan() {
        let mut text = String::new();
        for i in 0..60u32 {
            let (pod, ns) = (i % 7, if i % 2 == 0 { "shop" } else { "ops" });
            let uid = format!("{pod:08x}-3b8e-4f21-9c6a-0e5d2b7f4a10");
            let id = format!("{:064x}", u64::from(i % 11) + 0xabc);
            // Probe lines name the pod; `Killing container` lines its containers too.
            if i % 3 == 0 {
                text.push_str(&format!(
                    "Mar  5 10:18:{s:02} node1 kubelet[1344]: I0305 10:18:{s:02}.1 1344 kuberuntime_container.go:742] \"Killing container with a grace period\" pod=\"{ns}/web-{pod}\" podUID=\"{uid}\" containerName=\"c{i}\" containerID=\"containerd://{id}\" gracePeriod=30\n",
                    s = i % 60
                ));
            } else {
                text.push_str(&format!(
                    "Mar  5 10:18:{s:02} node1 kubelet[1344]: I0305 10:18:{s:02}.1 1344 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"{ns}/web-{pod}\" podUID=\"{uid}\" containerName=\"app\"\n",
                    s = i % 60
                ));
            }
            if i == 30 {
                text.push_str("Mar  5 10:19:00 node1 kernel: a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n");
                text.push_str("Mar  5 10:19:00 node1 kernel: Out of memory: Killed process 7 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB\n");
            }
        }
        let body = Body::Buf(text.clone().into_bytes());
        let whole = scan_body(&body, "f", FileFormat::Lines);
        assert_eq!(whole.names.pods.len(), 7);
        assert!(
            whole.names.containers.len() >= 4,
            "{:?}",
            whole.names.containers
        );
        let streamed = scan_stream(&mut text.as_bytes(), "f", FileFormat::Lines);
        assert_eq!(streamed.names.pods, whole.names.pods);
        for part in [60, 333, 1000, 4096] {
            let (parts, stats) = scan_body_parts(&body, "f", FileFormat::Lines, part);
            assert!(stats.parts > 1);
            assert_eq!(parts.names.pods, whole.names.pods, "parts of {part}");
            assert_eq!(
                format!("{:?}", parts.names.containers),
                format!("{:?}", whole.names.containers),
                "parts of {part}"
            );
        }
    }

    /// A part following a block past its end reads the next part's kubelet lines too;
    /// they are the next part's to capture, or a pod's line counted twice would use up
    /// its lines before the one that names it.
    #[test]
    fn kubelet_lines_past_a_parts_end_are_counted_once() {
        let uid = "7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10";
        let mut text = String::new();
        for i in 0..8 {
            text.push_str(&format!(
                "Mar  5 10:18:0{i} node1 systemd[1]: Started unit {i}.\n"
            ));
        }
        text.push_str("Mar  5 10:19:00 node1 kernel: a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n");
        text.push_str("Mar  5 10:19:00 node1 kernel: Mem-Info:\n");
        // No `pod=`: it names no pod, but counts as one of the pod's lines.
        text.push_str(&format!("Mar  5 10:19:00 node1 kubelet[1344]: I0305 10:19:00.1 1344 kubelet_volumes.go:160] \"Cleaned up orphaned pod volumes dir\" podUID=\"{uid}\" path=\"/var/lib/kubelet/pods/{uid}/volumes\"\n"));
        text.push_str("Mar  5 10:19:00 node1 kernel: Out of memory: Killed process 7 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB\n");
        // Beyond the lines a kill's block is followed for.
        for i in 0..30 {
            text.push_str(&format!(
                "Mar  5 10:19:01 node1 systemd[1]: Started unit {i}.\n"
            ));
        }
        text.push_str(&format!("Mar  5 10:19:01 node1 kubelet[1344]: I0305 10:19:01.1 1344 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"shop/web-0\" podUID=\"{uid}\" containerName=\"app\"\n"));
        let body = Body::Buf(text.clone().into_bytes());
        let whole = scan_body(&body, "f", FileFormat::Lines);
        assert_eq!(whole.events.len(), 1);
        assert_eq!(whole.names.pods[uid].name.as_deref(), Some("web-0"));
        let mut crossed = 0;
        for part in (100..text.len()).step_by(13) {
            let (parts, stats) = scan_body_parts(&body, "f", FileFormat::Lines, part);
            crossed += stats.crossed;
            assert_eq!(parts.names.pods, whole.names.pods, "parts of {part}");
        }
        assert!(crossed > 0, "some split has a block crossing a part's end");
    }

    /// Tiny parts: a block crosses part boundaries and is reported once, as a whole.
    #[test]
    fn tiny_parts_give_the_whole_file_scan() {
        let mut text = String::new();
        for i in 0..20 {
            text.push_str(&format!(
                "Jun 23 11:24:{i:02} host systemd[1]: Started unit {i}.\n"
            ));
        }
        for l in [
            "a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
            "Mem-Info:",
            "Out of memory: Killed process 7 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB",
        ] {
            text.push_str(&format!("Jun 23 11:25:00 host kernel: [  1.000000] {l}\n"));
        }
        let body = Body::Buf(text.into_bytes());
        let whole = scan_body(&body, "f", FileFormat::Lines);
        assert_eq!(whole.events.len(), 1);
        let (tiny, stats) = scan_body_parts(&body, "f", FileFormat::Lines, 50);
        assert!(
            stats.crossed > 0 && stats.dropped > 0 && stats.mid_line > 0,
            "{stats:?}"
        );
        assert_eq!(
            serde_json::to_string(&tiny.events).ok(),
            serde_json::to_string(&whole.events).ok()
        );
    }
}
