//! What the kernel said: line variants ([`lines`]), the block assembler
//! ([`assemble`]), the prefilter-driven scanner ([`scan`]) and the event model
//! ([`event`]). [`scan_body`] and [`scan_stream`] run them over one source.

pub mod assemble;
pub mod event;
pub mod lines;
pub mod scan;

use crate::envelope::FileFormat;
use crate::source::Body;
use assemble::Assembler;
use event::{OomEvent, OtherDeath};
use rayon::prelude::*;
use scan::{ScanIssues, scan};
use std::io::Read;

/// A large plain file is scanned in parts of this size, in parallel. Fixed, so the
/// result never depends on the thread count.
pub const PART_BYTES: usize = 32 << 20;
/// Decompressed streams are scanned in chunks of this size.
pub const CHUNK_BYTES: usize = 8 << 20;
/// A record longer than this (no separator in sight) is skipped.
const MAX_RECORD: usize = 64 << 20;

/// What scanning one source produced.
#[derive(Debug, Default)]
pub struct SourceScan {
    pub events: Vec<OomEvent>,
    pub deaths: Vec<OtherDeath>,
    /// Pod and container names from kubelet lines.
    pub names: crate::k8s::names::NameIndex,
    /// Problems worth a warning; `incomplete` when part of the input could not be read.
    pub warnings: Vec<String>,
    pub incomplete: bool,
}

fn issues_warning(issues: &ScanIssues, out: &mut SourceScan) {
    if let Some((line, e)) = &issues.first_bad {
        out.warnings.push(format!(
            "{} unreadable record(s), the first at line {line}: {e}",
            issues.bad_records
        ));
        out.incomplete = true;
    }
}

/// The end of the last complete record in `buf`.
fn record_boundary(format: FileFormat, buf: &[u8]) -> usize {
    match format {
        FileFormat::JournalExport => memchr::memmem::rfind(buf, b"\n\n").map_or(0, |p| p + 2),
        _ => memchr::memrchr(b'\n', buf).map_or(0, |p| p + 1),
    }
}

/// Scans a whole in-memory (mapped) source, large ones in parallel parts.
pub fn scan_body(body: &Body, file: &str, format: FileFormat) -> SourceScan {
    let buf: &[u8] = body;
    // Part boundaries at line starts; journal exports are scanned as one part.
    let mut bounds = vec![0usize];
    if format == FileFormat::Lines {
        let mut at = PART_BYTES;
        while at < buf.len() {
            match memchr::memchr(b'\n', &buf[at..]) {
                Some(i) if at + i + 1 < buf.len() => {
                    bounds.push(at + i + 1);
                    at = at + i + 1 + PART_BYTES;
                }
                _ => break,
            }
        }
    }
    bounds.push(buf.len());
    let parts: Vec<(Assembler, scan::ScanEnd, ScanIssues)> = bounds
        .par_windows(2)
        .map(|w| {
            let mut asm = Assembler::new(file);
            let mut issues = ScanIssues::default();
            asm.offset_base = w[0] as u64;
            let part = &buf[w[0]..];
            let end = scan(format, part, 0, w[1] - w[0], true, 1, &mut asm, &mut issues);
            asm.finish();
            body.release(w[0], w[0] + end.pos);
            (asm, end, issues)
        })
        .collect();
    let mut out = SourceScan::default();
    let mut line_base = 0u64;
    let mut consumed_to = 0u64;
    let mut all_issues = ScanIssues::default();
    for (i, (asm, end, issues)) in parts.into_iter().enumerate() {
        let start = bounds[i] as u64;
        for mut e in asm.events {
            if e.offset < consumed_to {
                continue; // the previous part followed this block past its end
            }
            e.sources.iter_mut().for_each(|s| s.line += line_base);
            out.events.push(e);
        }
        out.names.merge(asm.names);
        for mut d in asm.deaths {
            if d.offset < consumed_to {
                continue;
            }
            d.sources.iter_mut().for_each(|s| s.line += line_base);
            out.deaths.push(d);
        }
        consumed_to = consumed_to.max(start + end.pos as u64);
        line_base += end.line_at_soft_end.unwrap_or(end.line) - 1;
        all_issues.bad_records += issues.bad_records;
        if all_issues.first_bad.is_none() {
            all_issues.first_bad = issues.first_bad.map(|(l, e)| (l + line_base, e));
        }
    }
    issues_warning(&all_issues, &mut out);
    out
}

/// Scans a decompressing stream chunk by chunk, in bounded memory.
pub fn scan_stream(reader: &mut dyn Read, file: &str, format: FileFormat) -> SourceScan {
    let mut out = SourceScan::default();
    let mut asm = Assembler::new(file);
    let mut issues = ScanIssues::default();
    let mut buf: Vec<u8> = Vec::with_capacity(CHUNK_BYTES * 2);
    let mut line = 1u64;
    let mut drained = 0u64;
    let mut eof = false;
    while !eof {
        let have = buf.len();
        buf.resize(have + CHUNK_BYTES, 0);
        let (got, err) = crate::source::read_partial(reader, &mut buf[have..]);
        if let Some(e) = err {
            out.warnings.push(format!(
                "the compressed data is damaged or truncated after {} decompressed bytes: {e}; events before that point were kept",
                drained + (have + got) as u64
            ));
            out.incomplete = true;
            eof = true;
        }
        buf.truncate(have + got);
        if got < CHUNK_BYTES {
            eof = true;
        }
        let soft_end = if eof {
            buf.len()
        } else {
            record_boundary(format, &buf)
        };
        if soft_end == 0 && !eof && buf.len() > MAX_RECORD {
            out.warnings.push(format!("a record longer than {MAX_RECORD} bytes at decompressed offset {drained} was skipped"));
            out.incomplete = true;
            drained += buf.len() as u64;
            buf.clear();
            continue;
        }
        asm.offset_base = drained;
        let end = scan(format, &buf, 0, soft_end, eof, line, &mut asm, &mut issues);
        line = end.line;
        drained += end.pos as u64;
        buf.drain(..end.pos);
    }
    asm.finish();
    out.events = std::mem::take(&mut asm.events);
    out.deaths = std::mem::take(&mut asm.deaths);
    out.names = std::mem::take(&mut asm.names);
    issues_warning(&issues, &mut out);
    out
}
