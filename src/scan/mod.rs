//! One pass over a source: the prefilter-driven record scanner ([`records`]) feeds
//! every record to the kernel assembler, the userspace readers and (for names) the
//! kubelet reader, and [`scan_body`] / [`scan_stream`] run it over a mapped file (in
//! parallel parts) or a decompressing stream (in chunks).

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
    file: String,
    user: Vec<OtherDeath>,
    offset_base: u64,
    /// Filled by [`Feed::finish`].
    pub events: Vec<OomEvent>,
    pub deaths: Vec<OtherDeath>,
}

impl Feed {
    pub fn new(file: &str) -> Feed {
        Feed {
            asm: Assembler::new(file),
            file: file.to_string(),
            ..Feed::default()
        }
    }

    /// Added to record offsets (the position of the scanned buffer in its source).
    pub fn set_offset_base(&mut self, base: u64) {
        self.offset_base = base;
        self.asm.offset_base = base;
    }

    /// Is a kernel block open (so every following record must be fed)?
    pub fn is_open(&self) -> bool {
        self.asm.is_open()
    }

    /// Feeds one record: `line` is its 1-based line number, `offset` its byte offset.
    pub fn feed(&mut self, rec: &Record, line: u64, offset: u64) {
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
        self.events.append(&mut self.asm.events);
        for e in &mut self.events {
            crate::k8s::cgroup_path::attach_identity(e);
        }
        self.deaths.append(&mut self.asm.deaths);
        self.deaths.append(&mut self.user);
        self.deaths.sort_by_key(|d| d.offset);
    }
}

/// Scans one source file on disk.
pub fn scan_source(src: &SourceFile) -> SourceScan {
    let failed = |e: std::io::Error| SourceScan {
        warnings: vec![format!("cannot read: {}", crate::util::io_reason(&e))],
        incomplete: true,
        ..SourceScan::default()
    };
    let kubelet = src.rel.contains("kubelet");
    match src.compression {
        Compression::None => match Body::open(&src.path) {
            Ok(body) => {
                let mut scan = scan_body(&body, &src.display, src.format);
                if kubelet {
                    scan.names.scan_kubelet(&body);
                }
                scan
            }
            Err(e) => failed(e),
        },
        comp => crate::source::read_ahead(
            || crate::source::stream(&src.path, comp),
            |r| match r {
                Ok(r) => {
                    let mut names = crate::k8s::names::NameIndex::default();
                    let mut scan = scan_stream_with(r, &src.display, src.format, |chunk| {
                        if kubelet {
                            names.scan_kubelet(chunk);
                        }
                    });
                    scan.names = names;
                    scan
                }
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
    // Parts start at the first line start at or after each multiple of PART_BYTES;
    // each worker finds its own bounds, so only parts in flight have pages mapped.
    // Journal exports are scanned as one part.
    let nparts = if format == FileFormat::Lines {
        buf.len().div_ceil(PART_BYTES).max(1)
    } else {
        1
    };
    let part_start = |k: usize| -> usize {
        if k == 0 {
            return 0;
        }
        let at = (k * PART_BYTES).min(buf.len());
        memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i + 1)
    };
    let parts: Vec<(usize, Feed, records::ScanEnd, ScanIssues)> = (0..nparts)
        .into_par_iter()
        .map(|k| {
            let (start, end) = (part_start(k), part_start(k + 1).max(part_start(k)));
            let mut asm = Feed::new(file);
            let mut issues = ScanIssues::default();
            asm.set_offset_base(start as u64);
            let end_pos = if start < end {
                let e = scan(
                    format,
                    &buf[start..],
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
            (start, asm, end_pos, issues)
        })
        .collect();
    let mut out = SourceScan::default();
    let mut line_base = 0u64;
    let mut consumed_to = 0u64;
    let mut all_issues = ScanIssues::default();
    for (start, asm, end, issues) in parts {
        let start = start as u64;
        for mut e in asm.events {
            if e.offset < consumed_to {
                continue; // the previous part followed this block past its end
            }
            e.sources.iter_mut().for_each(|s| s.line += line_base);
            out.events.push(e);
        }
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
    scan_stream_with(reader, file, format, |_| {})
}

/// [`scan_stream`], handing each run of complete records to `tap` as well (for
/// side passes such as kubelet names) before it is dropped.
pub fn scan_stream_with(
    reader: &mut dyn Read,
    file: &str,
    format: FileFormat,
    mut tap: impl FnMut(&[u8]),
) -> SourceScan {
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
    if buf.len() < CHUNK_BYTES {
        buf.resize(CHUNK_BYTES, 0);
    }
    let mut len = 0usize;
    let mut line = 1u64;
    let mut drained = 0u64;
    let mut eof = false;
    while !eof {
        let have = len;
        if buf.len() < have + CHUNK_BYTES {
            buf.resize(have + CHUNK_BYTES, 0);
        }
        let (got, err) = crate::source::read_partial(reader, &mut buf[have..have + CHUNK_BYTES]);
        if let Some(e) = err {
            out.warnings.push(format!(
                "the compressed data is damaged or truncated after {} decompressed bytes: {e}; events before that point were kept",
                drained + (have + got) as u64
            ));
            out.incomplete = true;
            eof = true;
        }
        len = have + got;
        if got < CHUNK_BYTES {
            eof = true;
        }
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
        tap(&data[..end.pos]);
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
    issues_warning(&issues, &mut out);
    out
}
