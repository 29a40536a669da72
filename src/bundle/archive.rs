//! Archives read in place: `.tar`, `.tar.gz`/`.tgz`, `.tar.xz`, `.tar.zst`, `.zip`,
//! compressed members inside them and archives inside archives (a `sos collect`
//! tarball holding one sosreport per node). Nothing is extracted to disk.
//!
//! A compressed tar must be decoded in order, so for archives discovery, reading and
//! scanning interleave: each member is classified as it streams past, by the rules a
//! directory's files are classified by ([`super::classify`]); logs (and members whose
//! first 64 KiB look like logs) are handed to a [`LogSink`] as a reader (the driver
//! scans them as a stream, in bounded memory); node-fact and cgroup files are buffered
//! in a [`MemTree`], pod files read whole; everything else streams past unread. Once
//! the archive is read, members are grouped by the node roots of all its paths.
//! Member names are never used as file system paths (`..` and leading `/` are
//! dropped from them).
//!
//! A damaged archive yields every event read before the damage and a warning naming
//! the member and the offset.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::classify::{Kind, Sniffer, Verdict, as_listed, by_content, by_path};
use super::facts;
use super::tree::{MemTree, join};
use super::{Bundle, BundleKind, Layout, LogSink, PodFile, SourceFile, Streamed, rotation_date};
use crate::source::{
    self, Budget, Compression, Limits, RatioGuard, StreamMeter, budget_decoder, is_tar, is_zip,
    read_full,
};
use std::collections::BTreeMap;
use std::io::{self, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

pub use super::classify::named_like_archive;

/// Runtime listings and pod JSON are read whole up to this size.
const MAX_NAMES_FILE: u64 = 64 << 20;
/// Small files buffered for facts and cgroup snapshots are at most this large.
const MAX_SMALL: u64 = 1 << 20;
use super::HEAD;

/// Is this file (by its first bytes) an archive oomsift reads as one?
pub fn is_archive(path: &Path) -> bool {
    match source::head(path, 512) {
        Ok((_, head)) => is_tar(&head) || is_zip_file(path),
        Err(_) => false,
    }
}

/// Why a file is not the archive its name says: `not an xz stream (empty file)`,
/// `not a gzip stream (it is an HTML page)`, naming what the name promised.
pub fn not_what_named(name: &str, head: &[u8]) -> String {
    let lower = name.to_ascii_lowercase();
    let promised = if lower.ends_with(".xz") || lower.ends_with(".txz") {
        "not an xz stream"
    } else if lower.ends_with(".gz") || lower.ends_with(".tgz") {
        "not a gzip stream"
    } else if lower.ends_with(".zst") || lower.ends_with(".tzst") {
        "not a zstd stream"
    } else if lower.ends_with(".zip") {
        "not a zip archive"
    } else if lower.ends_with(".tar") {
        "not a tar archive"
    } else {
        "not an archive (no tar, gzip, xz, zstd or zip header)"
    };
    let text = String::from_utf8_lossy(head.get(..512).unwrap_or(head)).to_ascii_lowercase();
    let what = if head.is_empty() {
        " (the file is empty)"
    } else if text.trim_start().starts_with("<!doctype html")
        || text.contains("<html")
        || text.contains("<head>")
    {
        " (it is an HTML page: a failed download?)"
    } else if !crate::source::is_binary(head) {
        " (it is text)"
    } else {
        ""
    };
    format!("{promised}{what}")
}

/// An error from a decoder on one short, printable line: the tar crate quotes the
/// damaged header's bytes in its messages.
fn one_line(msg: &str) -> String {
    let first = msg.lines().next().unwrap_or("");
    let mut out: String = first
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{fffd}' {
                '?'
            } else {
                c
            }
        })
        .take(160)
        .collect();
    if first.chars().count() > 160 {
        out.push('…');
    }
    out
}

fn is_zip_file(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| read_full(&mut f, &mut magic))
        .is_ok_and(|n| n == 4 && is_zip(&magic))
}

/// A log member, read.
struct Member<T> {
    /// The member path (sanitized).
    full: String,
    src: SourceFile,
    scan: T,
}

/// One node's members: its logs with their scans, and files skipped with a reason.
struct NodeFiles<T> {
    members: Vec<Member<T>>,
    skipped: Vec<(String, String)>,
}

impl<T> Default for NodeFiles<T> {
    fn default() -> Self {
        NodeFiles {
            members: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

struct Reader<'a, S: LogSink> {
    archive_path: &'a Path,
    display: String,
    tree: MemTree,
    /// Every member path seen, as the directory walk would list it (for node roots
    /// and layouts).
    paths: Vec<String>,
    members: Vec<Member<S::Scan>>,
    /// (member path, message) of members skipped with a reason.
    skipped: Vec<(String, String)>,
    nested: Vec<Streamed<S::Scan>>,
    errors: Vec<(String, String)>,
    depth: usize,
    /// The decoded bytes of the whole top-level input, against its limits.
    budget: Arc<Budget>,
    /// The compressed stream this reader's members are in (members' ratios).
    stream: Arc<StreamMeter>,
    pod_files: Vec<PodFile>,
    container_logs: Vec<String>,
    sink: &'a mut S,
    sniff: &'a dyn Sniffer,
}

/// Reads the archive at `path` (reported as `display`) into one bundle per node it
/// holds, each log handed to `sink` as it streams past. `Err` when it cannot be
/// opened at all.
pub fn read<S: LogSink>(
    path: &Path,
    display: &str,
    sink: &mut S,
    sniff: &dyn Sniffer,
    limits: Limits,
) -> Result<Vec<Streamed<S::Scan>>, String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("{display}: cannot read: {}", crate::util::io_reason(&e)))?;
    let mut r = Reader::new(path, display, 0, sink, sniff, Budget::new(limits));
    if is_zip_file(path) {
        r.zip_file(file);
    } else {
        let mut magic = [0u8; 512];
        let n = read_full(
            &mut std::fs::File::open(path).map_err(|e| e.to_string())?,
            &mut magic,
        )
        .unwrap_or(0);
        let comp = Compression::detect(magic.get(..n).unwrap_or_default());
        if comp == Compression::None && !is_tar(magic.get(..n).unwrap_or_default()) {
            return Err(format!(
                "{display}: {}",
                not_what_named(display, magic.get(..n).unwrap_or_default())
            ));
        }
        let (budget, meter) = (r.budget.clone(), r.stream.clone());
        crate::source::read_ahead(
            move || {
                budget_decoder(
                    io::BufReader::with_capacity(1 << 20, file),
                    comp,
                    budget,
                    meter,
                )
            },
            |dec| match dec {
                Ok(dec) => r.tar(Box::new(dec)),
                Err(e) => r
                    .errors
                    .push((display.to_string(), format!("cannot decompress: {e}"))),
            },
        );
    }
    Ok(r.finish())
}

/// Reads a tar stream compressed as `comp` (or not), as [`read`] does a file: its
/// decoder draws from one budget of `limits` and each member's ratio is guarded.
pub(crate) fn read_tar_stream<S: LogSink>(
    r: Box<dyn Read + '_>,
    comp: Compression,
    path: &Path,
    display: &str,
    sink: &mut S,
    sniff: &dyn Sniffer,
    limits: Limits,
) -> Vec<Streamed<S::Scan>> {
    let mut rd = Reader::new(path, display, 0, sink, sniff, Budget::new(limits));
    match budget_decoder(r, comp, rd.budget.clone(), rd.stream.clone()) {
        Ok(dec) => rd.tar(dec),
        Err(e) => rd
            .errors
            .push((display.to_string(), format!("cannot decompress: {e}"))),
    }
    rd.finish()
}

/// Reads a zip held in memory, as [`read`] does a file.
pub(crate) fn read_zip_bytes<S: LogSink>(
    buf: Vec<u8>,
    path: &Path,
    display: &str,
    sink: &mut S,
    sniff: &dyn Sniffer,
    limits: Limits,
) -> Vec<Streamed<S::Scan>> {
    let mut rd = Reader::new(path, display, 0, sink, sniff, Budget::new(limits));
    match zip::ZipArchive::new(Cursor::new(buf)) {
        Ok(mut z) => rd.zip_entries(&mut z),
        Err(e) => rd
            .errors
            .push((rd.display.clone(), format!("damaged zip: {e}"))),
    }
    rd.finish()
}

impl<'a, S: LogSink> Reader<'a, S> {
    fn new(
        archive_path: &'a Path,
        display: &str,
        depth: usize,
        sink: &'a mut S,
        sniff: &'a dyn Sniffer,
        budget: Arc<Budget>,
    ) -> Reader<'a, S> {
        Reader {
            budget,
            stream: Arc::new(StreamMeter::default()),
            archive_path,
            display: display.to_string(),
            tree: MemTree::default(),
            paths: Vec::new(),
            members: Vec::new(),
            skipped: Vec::new(),
            pod_files: Vec::new(),
            container_logs: Vec::new(),
            nested: Vec::new(),
            errors: Vec::new(),
            depth,
            sink,
            sniff,
        }
    }

    fn member_display(&self, rel: &str) -> String {
        format!("{}/{rel}", self.display)
    }

    /// Streams the members of a tar archive. A damaged header is skipped as GNU tar
    /// skips it: the stream is searched, a 512-byte block at a time, for the next
    /// valid header, and the members from there on are read (told in a warning).
    fn tar(&mut self, reader: Box<dyn Read + '_>) {
        let mut reader = reader;
        let mut last = String::from("(start of archive)");
        let mut first = true;
        // Where in the (decoded) archive the current run of members starts.
        let mut base = 0u64;
        loop {
            let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
            let counted = Box::new(Counted {
                inner: reader,
                n: read.clone(),
            });
            let (rest, why) = match self.tar_run(counted, &mut last, first, base) {
                Some(bad) => bad,
                None => return,
            };
            first = false;
            let mut rest = rest;
            match next_header(&mut rest) {
                Some((block, skipped)) => {
                    // The bytes read through `counted`, less those handed back.
                    let at = (base + read.get()).saturating_sub(block.len() as u64);
                    self.errors.push((
                        self.display.clone(),
                        format!("a damaged tar header after member {last} ({why}): {skipped} bytes skipped to the next valid header, at archive offset {at}; the members from there on were read"),
                    ));
                    base = at;
                    reader = Box::new(Cursor::new(block).chain(rest));
                }
                None => {
                    self.errors.push((
                        self.display.clone(),
                        format!("the archive is damaged or truncated after member {last}: {why}; events before that point were kept"),
                    ));
                    return;
                }
            }
        }
    }

    /// Reads members until the archive ends (None) or a header is damaged: then the
    /// stream after the damaged block and why.
    fn tar_run<'r>(
        &mut self,
        reader: Box<dyn Read + 'r>,
        last: &mut String,
        first: bool,
        base: u64,
    ) -> Option<(Box<dyn Read + 'r>, String)> {
        let mut ar = tar::Archive::new(reader);
        let mut damaged = None;
        {
            let entries = match ar.entries() {
                Ok(e) => e,
                Err(e) if first => {
                    self.errors.push((
                        self.display.clone(),
                        format!("not a readable tar archive: {}", one_line(&e.to_string())),
                    ));
                    return None;
                }
                Err(e) => return Some((ar.into_inner(), one_line(&e.to_string()))),
            };
            for entry in entries {
                let mut entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        damaged = Some(one_line(&e.to_string()));
                        break;
                    }
                };
                let kind = entry.header().entry_type();
                if !(kind.is_file() || kind == tar::EntryType::Continuous) {
                    continue;
                }
                let Ok(path) = entry.path() else { continue };
                let rel = sanitize(&path.to_string_lossy());
                if rel.is_empty() {
                    continue;
                }
                let size = entry.header().size().unwrap_or(0);
                let mtime = entry.header().mtime().ok().map(|m| m as i64);
                let offset = base + entry.raw_file_position();
                last.clone_from(&rel);
                let mut guarded = RatioGuard::in_stream(
                    Box::new(&mut entry),
                    self.stream.clone(),
                    self.budget.limits,
                );
                if let Err(e) = self.member(&mut guarded, &rel, size, mtime) {
                    self.errors.push((
                        self.member_display(&rel),
                        format!("cannot read this member (at archive offset {offset}): {e}"),
                    ));
                }
            }
        }
        if let Some(why) = damaged {
            return Some((ar.into_inner(), why));
        }
        // The end-of-archive marker may come before the end of the compressed stream:
        // read the rest so a damaged tail (bad CRC, cut file) is noticed.
        if let Err(e) = io::copy(&mut ar.into_inner(), &mut io::sink()) {
            self.errors.push((
                self.display.clone(),
                format!("the compressed stream is damaged after the last member ({last}): {e}"),
            ));
        }
        None
    }

    /// Reads a zip file from disk (random access), falling back to a streaming read of
    /// the local headers when the central directory is missing (a cut download).
    fn zip_file(&mut self, file: std::fs::File) {
        match zip::ZipArchive::new(io::BufReader::new(file)) {
            Ok(mut z) => self.zip_entries(&mut z),
            Err(e) => {
                self.errors.push((
                    self.display.clone(),
                    format!("the zip directory is unreadable ({e}); members were read from their local headers as far as possible"),
                ));
                if let Ok(f) = std::fs::File::open(self.archive_path) {
                    self.zip_stream(io::BufReader::new(f));
                }
            }
        }
    }

    fn zip_entries<R: Read + io::Seek>(&mut self, z: &mut zip::ZipArchive<R>) {
        // The byte ranges (local header to end of data) of the entries read: a crafted
        // zip points many directory entries at the same bytes, so a small file decodes
        // to many times its size. Each byte is read for one entry; the rest are skipped.
        let mut taken: std::collections::BTreeMap<u64, u64> = std::collections::BTreeMap::new();
        let mut overlapping: Option<(usize, u64)> = None;
        for i in 0..z.len() {
            let mut f = match z.by_index(i) {
                Ok(f) => f,
                Err(e) => {
                    self.errors.push((
                        self.display.clone(),
                        format!("damaged zip member #{i}: {e}"),
                    ));
                    continue;
                }
            };
            if f.is_dir() || f.is_symlink() {
                continue;
            }
            let start = f.header_start();
            let end = f
                .data_start()
                .unwrap_or(start)
                .saturating_add(f.compressed_size())
                .max(start.saturating_add(1));
            if taken
                .range(..end)
                .next_back()
                .is_some_and(|(_, &e)| e > start)
            {
                let (n, first) = overlapping.get_or_insert((0, start));
                *n += 1;
                *first = (*first).min(start);
                continue;
            }
            taken.insert(start, end);
            let rel = sanitize(&f.name().map(|n| n.into_owned()).unwrap_or_default());
            let size = f.size();
            let compressed = f.compressed_size();
            let mut guarded =
                RatioGuard::sized(Box::new(&mut f), compressed, size, self.budget.clone());
            if let Err(e) = self.member(&mut guarded, &rel, size, None) {
                self.errors.push((
                    self.member_display(&rel),
                    format!("cannot read this member (at archive offset {start}): {e}"),
                ));
            }
        }
        if let Some((n, first)) = overlapping {
            self.errors.push((
                self.display.clone(),
                format!("{n} zip entries share bytes with entries already read (overlapping entries, as a crafted zip has; the first at archive offset {first}): skipped"),
            ));
        }
    }

    fn zip_stream<R: Read>(&mut self, mut r: R) {
        loop {
            match zip::read::read_zipfile_from_stream(&mut r) {
                Ok(Some(mut f)) => {
                    if f.is_dir() {
                        continue;
                    }
                    let rel = sanitize(&f.name().map(|n| n.into_owned()).unwrap_or_default());
                    let size = f.size();
                    let compressed = f.compressed_size();
                    let mut guarded =
                        RatioGuard::sized(Box::new(&mut f), compressed, size, self.budget.clone());
                    if let Err(e) = self.member(&mut guarded, &rel, size, None) {
                        self.errors.push((
                            self.member_display(&rel),
                            format!("cannot read this member: {e}"),
                        ));
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    self.errors.push((
                        self.display.clone(),
                        format!("the zip stream ends in damage: {e}"),
                    ));
                    return;
                }
            }
        }
    }

    /// One member: a nested archive, a small file to keep, a log to scan, or nothing.
    fn member(
        &mut self,
        r: &mut dyn Read,
        rel: &str,
        size: u64,
        mtime: Option<i64>,
    ) -> io::Result<()> {
        self.paths.push(as_listed(rel).to_string());
        let kind = by_path(rel);
        match kind {
            Kind::ContainerLog => self.container_logs.push(rel.to_string()),
            Kind::Pod(kind) if size <= MAX_NAMES_FILE => {
                let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                r.take(MAX_NAMES_FILE).read_to_end(&mut bytes)?;
                let display = self.member_display(rel);
                self.pod_files.push(PodFile {
                    kind,
                    display,
                    bytes,
                });
            }
            // Read as the directory walk reads them: their first MiB.
            Kind::Fact | Kind::Cgroup => {
                let mut v = Vec::with_capacity(size.min(MAX_SMALL) as usize);
                r.take(MAX_SMALL).read_to_end(&mut v)?;
                self.tree.files.insert(rel.to_string(), v);
            }
            Kind::Log | Kind::MaybeLog | Kind::Skipped(_) => {
                return self.maybe_log_or_archive(r, rel, size, mtime, kind);
            }
            Kind::Pod(_) | Kind::Ignored => {}
        }
        Ok(())
    }

    /// A member that may be a log, or an archive (told by its first bytes).
    fn maybe_log_or_archive(
        &mut self,
        r: &mut dyn Read,
        rel: &str,
        size: u64,
        mtime: Option<i64>,
        kind: Kind,
    ) -> io::Result<()> {
        // A member damaged within its first 64 KiB (a CRC error, cut short) still
        // gives the bytes before the damage, then the error: read as a loose file is.
        let (head, r) = split_head(r);
        let comp = Compression::detect(&head);
        if comp == Compression::None {
            if is_tar(&head) {
                return self.nested_tar(Box::new(Cursor::new(head).chain(r)), rel);
            }
            if is_zip(&head) {
                return self.nested_zip(Cursor::new(head).chain(r), rel, size);
            }
            return self.maybe_log(
                &head,
                &mut Cursor::new(head.clone()).chain(r),
                rel,
                (comp, size),
                mtime,
                kind,
            );
        }
        // A compressed member is a stream of its own, drawing on the same budget.
        let meter = Arc::new(StreamMeter::default());
        let dec = budget_decoder(
            Cursor::new(head).chain(r),
            comp,
            self.budget.clone(),
            meter.clone(),
        )?;
        let (dhead, dec) = split_head(dec);
        if is_tar(&dhead) {
            // Its members are measured against it, each on its own.
            return self.nested_tar_in(Box::new(Cursor::new(dhead).chain(dec)), rel, meter);
        }
        let mut guarded = RatioGuard::in_stream(
            Box::new(Cursor::new(dhead.clone()).chain(dec)),
            meter,
            self.budget.limits,
        );
        self.maybe_log(&dhead, &mut guarded, rel, (comp, size), mtime, kind)
    }

    /// `(comp, size)`: the member's compression and its size in the archive.
    fn maybe_log(
        &mut self,
        head: &[u8],
        r: &mut dyn Read,
        rel: &str,
        (comp, size): (Compression, u64),
        mtime: Option<i64>,
        kind: Kind,
    ) -> io::Result<()> {
        match by_content(kind, head, false, self.sniff) {
            Verdict::Ignore => {}
            Verdict::Skip(why) => self.skipped.push((rel.to_string(), why.into())),
            Verdict::Scan => {
                let display = self.member_display(rel);
                // `rel` is made relative to the node root once all roots are known.
                let mut src = SourceFile::new(
                    self.archive_path.to_path_buf(),
                    display,
                    rel,
                    comp,
                    head,
                    mtime,
                    self.sniff,
                );
                // Only a member of no bytes is empty; one whose bytes decode to
                // nothing, or that fails before giving any, is not.
                src.empty &= size == 0;
                let scan = self.sink.log(&src, r);
                self.members.push(Member {
                    full: rel.to_string(),
                    src,
                    scan,
                });
            }
        }
        Ok(())
    }

    /// A tar member that is not compressed: its members are in this reader's stream.
    fn nested_tar(&mut self, r: Box<dyn Read + '_>, rel: &str) -> io::Result<()> {
        let stream = self.stream.clone();
        self.nested_tar_in(r, rel, stream)
    }

    /// Whether a member archive may be opened at this depth (`--max-nested`).
    fn may_nest(&self) -> io::Result<()> {
        let max = self.budget.limits.max_nested;
        if self.depth >= max {
            return Err(io::Error::other(format!(
                "an archive nested more than {max} deep (--max-nested): not opened"
            )));
        }
        Ok(())
    }

    /// A tar member whose members are in the stream `stream` counts.
    fn nested_tar_in(
        &mut self,
        r: Box<dyn Read + '_>,
        rel: &str,
        stream: Arc<StreamMeter>,
    ) -> io::Result<()> {
        self.may_nest()?;
        let display = self.member_display(rel);
        let mut sub = Reader::new(
            self.archive_path,
            &display,
            self.depth + 1,
            &mut *self.sink,
            self.sniff,
            self.budget.clone(),
        );
        sub.stream = stream;
        sub.tar(r);
        self.nested.extend(sub.finish());
        Ok(())
    }

    fn nested_zip(&mut self, mut r: impl Read, rel: &str, size: u64) -> io::Result<()> {
        self.may_nest()?;
        let max = self.budget.limits.max_zip_buffer;
        if size > max {
            return Err(io::Error::other(format!(
                "a nested zip of {size} bytes is over the {max} a zip may be read into memory with (--max-zip-buffer): not read"
            )));
        }
        let mut buf = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        (&mut r).take(max).read_to_end(&mut buf)?;
        let display = self.member_display(rel);
        let mut sub = Reader::new(
            self.archive_path,
            &display,
            self.depth + 1,
            &mut *self.sink,
            self.sniff,
            self.budget.clone(),
        );
        match zip::ZipArchive::new(Cursor::new(buf)) {
            Ok(mut z) => sub.zip_entries(&mut z),
            Err(e) => sub
                .errors
                .push((sub.display.clone(), format!("damaged zip: {e}"))),
        }
        self.nested.extend(sub.finish());
        Ok(())
    }

    /// One bundle per node root seen (facts from the buffered files), then the
    /// nested archives' bundles. Node roots are those of the directory walk
    /// ([`super::classify::NodeRoots`] over every member path).
    fn finish(mut self) -> Vec<Streamed<S::Scan>> {
        let roots = super::classify::NodeRoots::new(self.paths.iter().map(String::as_str));
        let root_of = |p: &str| roots.of(p);
        let mut layouts: BTreeMap<String, Layout> = BTreeMap::new();
        for p in &self.paths {
            let r = root_of(p);
            let l = Layout::of_path(p.strip_prefix(r.as_str()).unwrap_or(p));
            let e = layouts.entry(r).or_default();
            *e = (*e).max(l);
        }
        let mut groups: BTreeMap<String, NodeFiles<S::Scan>> = BTreeMap::new();
        for mut m in std::mem::take(&mut self.members) {
            let r = root_of(&m.full);
            m.src.rel = m
                .full
                .strip_prefix(r.as_str())
                .unwrap_or(&m.full)
                .to_string();
            m.src.rotation_date = rotation_date(&m.src.rel);
            groups.entry(r).or_default().members.push(m);
        }
        for (p, msg) in std::mem::take(&mut self.skipped) {
            let shown = self.member_display(&p);
            groups
                .entry(root_of(&p))
                .or_default()
                .skipped
                .push((shown, msg));
        }
        let tree = Arc::new(std::mem::take(&mut self.tree));
        // The roots holding a cgroup file, in one pass over the buffered files (not a
        // pass per root: an archive may hold 200,000 roots).
        let cgroup_roots: std::collections::BTreeSet<String> = tree
            .files
            .keys()
            .filter(|k| by_path(k) == Kind::Cgroup)
            .map(|k| root_of(k))
            .collect();
        let mut out = Vec::new();
        let mut errors = std::mem::take(&mut self.errors);
        for (root, layout) in &layouts {
            let NodeFiles { members, skipped } = groups.remove(root).unwrap_or_default();
            let base = root.trim_end_matches('/');
            let input = if base.is_empty() {
                self.display.clone()
            } else {
                join(&self.display, base)
            };
            let facts = facts::read_named(&*tree, base, &input);
            let cgroups = cgroup_roots.contains(root);
            if members.is_empty() && !cgroups && skipped.is_empty() && facts == Default::default() {
                continue; // nothing of a node here (e.g. the container of nested archives)
            }
            let mine: Vec<(String, String)> = errors
                .iter()
                .filter(|(f, _)| !base.is_empty() && f.starts_with(&format!("{input}/")))
                .cloned()
                .collect();
            errors.retain(|e| !mine.contains(e));
            let (sources, scans) = members.into_iter().map(|m| (m.src, m.scan)).unzip();
            out.push(Streamed {
                bundle: Bundle {
                    input,
                    kind: BundleKind::Archive,
                    layout: *layout,
                    root: None,
                    sources,
                    facts,
                    skipped,
                    errors: mine,
                    pod_files: Vec::new(),
                    container_logs: Vec::new(),
                },
                scans,
                tree: Some(tree.clone()),
                base: base.to_string(),
            });
        }
        if !errors.is_empty() {
            // Damage to the archive itself: reported on its first bundle (or a bundle of its own).
            match out.first_mut() {
                Some(a) => a.bundle.errors.extend(errors),
                None => out.push(Streamed {
                    bundle: Bundle {
                        input: self.display.clone(),
                        kind: BundleKind::Archive,
                        layout: Layout::Loose,
                        root: None,
                        sources: Vec::new(),
                        facts: Default::default(),
                        skipped: Vec::new(),
                        errors,
                        pod_files: Vec::new(),
                        container_logs: Vec::new(),
                    },
                    scans: Vec::new(),
                    tree: None,
                    base: String::new(),
                }),
            }
        }
        // An archive of Kubernetes objects alone (a support bundle without host logs)
        // is still a bundle: its pods and reports are analyzed.
        if out.is_empty()
            && self.nested.is_empty()
            && (!self.pod_files.is_empty() || !self.container_logs.is_empty())
        {
            out.push(Streamed {
                bundle: Bundle {
                    input: self.display.clone(),
                    kind: BundleKind::Archive,
                    layout: layouts.values().copied().max().unwrap_or(Layout::Loose),
                    root: None,
                    sources: Vec::new(),
                    facts: Default::default(),
                    skipped: Vec::new(),
                    errors: Vec::new(),
                    pod_files: Vec::new(),
                    container_logs: Vec::new(),
                },
                scans: Vec::new(),
                tree: Some(tree.clone()),
                base: String::new(),
            });
        }
        // Names are cluster-wide (pod UIDs are unique): they ride on the first bundle.
        out.append(&mut self.nested);
        if let Some(first) = out.first_mut() {
            first.bundle.pod_files.append(&mut self.pod_files);
            first.bundle.container_logs.append(&mut self.container_logs);
        }
        out
    }
}

/// Up to [`HEAD`] bytes of `r`, then what reads on after them: `r` itself or, when
/// reading failed within the head, that error once. A member or stream damaged within
/// its head so still gives the bytes before the damage, and the scan reports the damage.
pub(crate) fn split_head<'r>(mut r: impl Read + 'r) -> (Vec<u8>, Box<dyn Read + 'r>) {
    let mut head = vec![0u8; HEAD];
    let (n, err) = source::read_partial(&mut r, &mut head);
    head.truncate(n);
    let rest: Box<dyn Read + 'r> = match err {
        Some(e) => Box::new(Failing(Some(e))),
        None => Box::new(r),
    };
    (head, rest)
}

/// The next valid tar header in `r` at any byte offset (a member cut short in the
/// middle leaves every later header off the 512-byte grid; GNU tar looks on the grid
/// only): found by its `ustar` magic, 257 bytes into a header, and checked by its
/// checksum. Returns the header with the bytes read after it (to be read again) and
/// the bytes skipped before it; None at the end of the stream, or when reading fails.
/// Holds at most one read chunk and a header's length.
fn next_header(r: &mut dyn Read) -> Option<(Vec<u8>, u64)> {
    const CHUNK: usize = 64 << 10;
    const MAGIC_AT: usize = 257;
    let finder = memchr::memmem::Finder::new(b"ustar");
    let mut buf: Vec<u8> = Vec::new();
    let mut dropped = 0u64;
    // The first position of `buf` not yet examined as a header's magic.
    let mut next = MAGIC_AT;
    let mut ended = false;
    loop {
        // A magic at m is examined once its whole header, m - 257 .. m + 255, is held.
        let limit = buf.len().saturating_sub(512 - MAGIC_AT);
        if limit > next {
            let hay = buf.get(next..limit + 4).unwrap_or_default();
            for i in finder.find_iter(hay) {
                let m = next + i;
                if m >= limit {
                    break;
                }
                let start = m - MAGIC_AT;
                if buf.get(start..start + 512).is_some_and(valid_header) {
                    buf.drain(..start);
                    return Some((buf, dropped + start as u64));
                }
            }
            next = limit;
        }
        if ended {
            return None;
        }
        // What can no longer start a header is dropped.
        let cut = next.saturating_sub(MAGIC_AT);
        buf.drain(..cut);
        dropped += cut as u64;
        next -= cut;
        let old = buf.len();
        buf.resize(old + CHUNK, 0);
        let (n, err) = source::read_partial(r, buf.get_mut(old..).unwrap_or_default());
        buf.truncate(old + n);
        ended = n == 0 || err.is_some();
    }
}

/// A ustar/GNU header: its magic, and its checksum (the bytes summed with the
/// checksum field as spaces) as the octal number it holds.
fn valid_header(b: &[u8]) -> bool {
    let (Some(magic), Some(field)) = (b.get(257..262), b.get(148..156)) else {
        return false;
    };
    if magic != b"ustar" {
        return false;
    }
    let digits: Vec<u8> = field
        .iter()
        .copied()
        .skip_while(|c| *c == b' ')
        .take_while(u8::is_ascii_digit)
        .collect();
    let Some(stored) = std::str::from_utf8(&digits)
        .ok()
        .and_then(|d| u64::from_str_radix(d, 8).ok())
    else {
        return false;
    };
    let sum: u64 = b
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(c)
            }
        })
        .sum();
    !digits.is_empty() && sum == stored
}

/// A reader counting the bytes read through it.
struct Counted<'r> {
    inner: Box<dyn Read + 'r>,
    n: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let k = self.inner.read(buf)?;
        self.n.set(self.n.get() + k as u64);
        Ok(k)
    }
}

/// A reader that fails once with the error it holds, then ends.
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

/// A member name as a relative `/`-separated path: no leading `/`, no `.` or `..`.
pub fn sanitize(name: &str) -> String {
    name.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {

    #[test]
    fn resync_finds_the_next_valid_header_block() {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(3);
        h.set_mode(0o644);
        b.append_data(&mut h, "a/messages", &b"abc"[..]).unwrap();
        let good = b.into_inner().unwrap();
        assert!(valid_header(&good[..512]));
        let mut bad = good[..512].to_vec();
        bad[130] ^= 1;
        assert!(!valid_header(&bad));
        assert!(!valid_header(&[0u8; 512]));
        // Text, a zero block, then the header: found after the 1,024 bytes before it.
        let mut stream = vec![b'x'; 512];
        stream.extend_from_slice(&[0u8; 512]);
        stream.extend_from_slice(&good);
        let (block, skipped) = next_header(&mut Cursor::new(stream)).unwrap();
        assert_eq!((block.as_slice(), skipped), (&good[..], 1024));
        assert_eq!(next_header(&mut Cursor::new(vec![b'x'; 700])), None);
        // Off the grid (a member cut short before it), past a chunk boundary, behind a
        // `ustar` that is not a header: found at its byte offset.
        let mut stream = vec![b'y'; 70_001];
        stream.extend_from_slice(b"ustar and some more text ");
        let before = stream.len() as u64;
        stream.extend_from_slice(&good);
        let (block, skipped) = next_header(&mut Cursor::new(stream)).unwrap();
        assert_eq!((block.as_slice(), skipped), (&good[..], before));
        // A header cut before its end is not one.
        assert_eq!(next_header(&mut Cursor::new(good[..400].to_vec())), None);
    }

    use super::*;

    #[test]
    fn not_what_the_name_says() {
        assert_eq!(
            not_what_named(
                "x/must-gather.tar.xz",
                b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title>"
            ),
            "not an xz stream (it is an HTML page: a failed download?)"
        );
        assert_eq!(
            not_what_named("sosreport.tar.gz", b""),
            "not a gzip stream (the file is empty)"
        );
        assert_eq!(
            not_what_named("b.tgz", b"Access denied\n"),
            "not a gzip stream (it is text)"
        );
        assert_eq!(
            not_what_named("b.tar.zst", b"\x00\x01\x02\xff\xfe"),
            "not a zstd stream"
        );
        assert_eq!(
            not_what_named("b.zip", b"<html>"),
            "not a zip archive (it is an HTML page: a failed download?)"
        );
    }

    #[test]
    fn member_names_are_never_paths() {
        assert_eq!(sanitize("../../etc/passwd"), "etc/passwd");
        assert_eq!(sanitize("/var/log/messages"), "var/log/messages");
        assert_eq!(
            sanitize("./sosreport-x/./var//log/messages"),
            "sosreport-x/var/log/messages"
        );
    }
}
