//! Archives read in place: `.tar`, `.tar.gz`/`.tgz`, `.tar.xz`, `.tar.zst`, `.zip`,
//! compressed members inside them and archives inside archives (a `sos collect`
//! tarball holding one sosreport per node). Nothing is extracted to disk.
//!
//! A compressed tar must be decoded in order, so for archives discovery, reading and
//! scanning interleave: each member is classified by its path as it streams past;
//! logs (and members whose first 64 KiB look like logs) are scanned as a stream in
//! bounded memory ([`crate::scan::scan_stream`]); small node-fact and cgroup files
//! are buffered in a [`MemTree`]; everything else streams past unread. Member names
//! are never used as file system paths (`..` and leading `/` are dropped from them).
//!
//! A damaged archive yields every event read before the damage and a warning naming
//! the member and the offset.

use super::facts;
use super::tree::{MemTree, join};
use super::{
    Bundle, BundleKind, Layout, SourceFile, log_by_name, looks_like_log, node_root, rotation_date,
};
use crate::analysis::Analyzed;
use crate::envelope::FileFormat;
use crate::k8s::cgroup_snapshot;
use crate::scan::SourceScan;
use crate::source::{self, Compression, guarded_decoder, is_binary, is_tar, is_zip, read_full};
use std::collections::BTreeMap;
use std::io::{self, Cursor, Read};
use std::path::Path;

/// How deep archives may nest.
const MAX_DEPTH: usize = 4;
/// A nested zip is buffered (zip needs random access) up to this size.
const MAX_NESTED_ZIP: u64 = 1 << 30;
/// Runtime listings and pod JSON are read whole up to this size.
const MAX_NAMES_FILE: u64 = 64 << 20;
/// Small files buffered for facts and cgroup snapshots are at most this large.
const MAX_SMALL: u64 = 1 << 20;
const HEAD: usize = 64 * 1024;

/// Is this file (by its first bytes) an archive oomsift reads as one?
pub fn is_archive(path: &Path) -> bool {
    match source::head(path, 512) {
        Ok((_, head)) => is_tar(&head) || is_zip_file(path),
        Err(_) => false,
    }
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

/// A name that only an archive has (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.txz`,
/// `.tar.zst`, `.tzst`, `.zip`).
pub fn named_like_archive(name: &str) -> bool {
    const EXT: &[&str] = &[
        ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".zip",
    ];
    let lower = name.to_ascii_lowercase();
    EXT.iter().any(|e| lower.ends_with(e))
}

fn is_zip_file(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| read_full(&mut f, &mut magic))
        .is_ok_and(|n| n == 4 && is_zip(&magic))
}

/// One node's sources, their scans, and the files skipped with a reason.
type NodeFiles = (Vec<SourceFile>, Vec<SourceScan>, Vec<(String, String)>);

/// A scanned log member.
struct Member {
    /// The member path (sanitized).
    full: String,
    src: SourceFile,
    scan: SourceScan,
}

struct Reader<'a> {
    archive_path: &'a Path,
    display: String,
    tree: MemTree,
    /// Every member path seen (for node roots and layouts).
    paths: Vec<String>,
    members: Vec<Member>,
    /// (member path, message) of members skipped with a reason.
    skipped: Vec<(String, String)>,
    nested: Vec<Analyzed>,
    errors: Vec<(String, String)>,
    depth: usize,
    names: crate::k8s::names::NameIndex,
    name_files: Vec<(String, super::NamesFile, String, Vec<u8>)>,
}

/// Reads the archive at `path` (reported as `display`) into one analyzed bundle per
/// node it holds. `Err` when it cannot be opened at all.
pub fn read(path: &Path, display: &str) -> Result<Vec<Analyzed>, String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("{display}: cannot read: {}", crate::util::io_reason(&e)))?;
    let mut r = Reader::new(path, display, 0);
    if is_zip_file(path) {
        r.zip_file(file);
    } else {
        let mut magic = [0u8; 512];
        let n = read_full(
            &mut std::fs::File::open(path).map_err(|e| e.to_string())?,
            &mut magic,
        )
        .unwrap_or(0);
        let comp = Compression::detect(&magic[..n]);
        if comp == Compression::None && !is_tar(&magic[..n]) {
            return Err(format!(
                "{display}: not an archive (no tar, gzip, xz, zstd or zip header)"
            ));
        }
        crate::source::read_ahead(
            move || guarded_decoder(io::BufReader::with_capacity(1 << 20, file), comp),
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

impl<'a> Reader<'a> {
    fn new(archive_path: &'a Path, display: &str, depth: usize) -> Reader<'a> {
        Reader {
            archive_path,
            display: display.to_string(),
            tree: MemTree::default(),
            paths: Vec::new(),
            members: Vec::new(),
            skipped: Vec::new(),
            names: Default::default(),
            name_files: Vec::new(),
            nested: Vec::new(),
            errors: Vec::new(),
            depth,
        }
    }

    fn member_display(&self, rel: &str) -> String {
        format!("{}/{rel}", self.display)
    }

    /// Streams the members of a tar archive.
    fn tar(&mut self, reader: Box<dyn Read + '_>) {
        let mut ar = tar::Archive::new(reader);
        let entries = match ar.entries() {
            Ok(e) => e,
            Err(e) => {
                self.errors.push((
                    self.display.clone(),
                    format!("not a readable tar archive: {}", one_line(&e.to_string())),
                ));
                return;
            }
        };
        let mut last = String::from("(start of archive)");
        for entry in entries {
            let mut entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    self.errors.push((
                        self.display.clone(),
                        format!("the archive is damaged or truncated after member {last}: {}; events before that point were kept", one_line(&e.to_string())),
                    ));
                    return;
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
            let offset = entry.raw_file_position();
            last = rel.clone();
            if let Err(e) = self.member(&mut entry, &rel, size, mtime) {
                self.errors.push((
                    self.member_display(&rel),
                    format!("cannot read this member (at archive offset {offset}): {e}"),
                ));
            }
        }

        // The end-of-archive marker may come before the end of the compressed stream:
        // read the rest so a damaged tail (bad CRC, cut file) is noticed.
        if let Err(e) = io::copy(&mut ar.into_inner(), &mut io::sink()) {
            self.errors.push((
                self.display.clone(),
                format!("the compressed stream is damaged after the last member ({last}): {e}"),
            ));
        }
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
            let rel = sanitize(&f.name().map(|n| n.into_owned()).unwrap_or_default());
            let (size, offset) = (f.size(), f.header_start());
            if let Err(e) = self.member(&mut f, &rel, size, None) {
                self.errors.push((
                    self.member_display(&rel),
                    format!("cannot read this member (at archive offset {offset}): {e}"),
                ));
            }
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
                    if let Err(e) = self.member(&mut f, &rel, size, None) {
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
        self.paths.push(rel.to_string());
        self.names.log_path(rel);
        if super::container_log(rel) {
            return Ok(());
        }
        if let Some(kind) = node_relative(rel).iter().find_map(|p| super::names_file(p))
            && size <= MAX_NAMES_FILE
        {
            let mut v = Vec::with_capacity(size as usize);
            r.take(MAX_NAMES_FILE).read_to_end(&mut v)?;
            self.name_files
                .push((rel.to_string(), kind, self.member_display(rel), v));
            return Ok(());
        }
        if size <= MAX_SMALL && node_relative(rel).iter().any(|p| wanted_small(p)) {
            let mut v = Vec::with_capacity(size as usize);
            r.take(MAX_SMALL).read_to_end(&mut v)?;
            self.tree.files.insert(rel.to_string(), v);
            return Ok(());
        }
        let mut head = vec![0u8; HEAD];
        let n = read_full(r, &mut head)?;
        head.truncate(n);
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
                comp,
                mtime,
            );
        }
        let mut dec = guarded_decoder(Cursor::new(head).chain(r), comp)?;
        let mut dhead = vec![0u8; HEAD];
        let n = read_full(&mut dec, &mut dhead)?;
        dhead.truncate(n);
        if is_tar(&dhead) {
            return self.nested_tar(Box::new(Cursor::new(dhead).chain(dec)), rel);
        }
        self.maybe_log(
            &dhead,
            &mut Cursor::new(dhead.clone()).chain(dec),
            rel,
            comp,
            mtime,
        )
    }

    fn maybe_log(
        &mut self,
        head: &[u8],
        r: &mut dyn Read,
        rel: &str,
        comp: Compression,
        mtime: Option<i64>,
    ) -> io::Result<()> {
        let is_fact = |p: &str| {
            facts::FACT_FILES.contains(&p) || p.starts_with("sys/") || p.starts_with("proc/")
        };
        let inner = rel.strip_prefix(&node_root(rel)).unwrap_or(rel);
        if node_relative(rel).iter().any(|p| is_fact(p)) {
            return Ok(());
        }
        let by_name = log_by_name(inner);
        if inner.ends_with(".journal") || inner.ends_with(".journal~") {
            self.skipped.push((
                rel.to_string(),
                "binary systemd journal skipped: export it with `journalctl --file FILE -o export` and analyze the export".into(),
            ));
            return Ok(());
        }
        if is_binary(head) {
            if by_name {
                self.skipped.push((
                    rel.to_string(),
                    "binary file skipped (not a text log)".into(),
                ));
            }
            return Ok(());
        }
        if !(by_name || looks_like_log(head)) {
            return Ok(());
        }
        let display = self.member_display(rel);
        let format = FileFormat::sniff(head);
        let kubelet = inner.contains("kubelet");
        let mut names = crate::k8s::names::NameIndex::default();
        let mut scan = crate::scan::scan_stream_with(r, &display, format, |chunk| {
            if kubelet {
                names.scan_kubelet(chunk);
            }
        });
        scan.names = names;
        let src = SourceFile::new(
            self.archive_path.to_path_buf(),
            display,
            inner,
            comp,
            head,
            mtime,
        );
        self.members.push(Member {
            full: rel.to_string(),
            src,
            scan,
        });
        Ok(())
    }

    fn nested_tar(&mut self, r: Box<dyn Read + '_>, rel: &str) -> io::Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(io::Error::other("archives nested too deeply"));
        }
        let mut sub = Reader::new(self.archive_path, &self.member_display(rel), self.depth + 1);
        sub.tar(r);
        self.nested.extend(sub.finish());
        Ok(())
    }

    fn nested_zip(&mut self, mut r: impl Read, rel: &str, size: u64) -> io::Result<()> {
        if self.depth >= MAX_DEPTH {
            return Err(io::Error::other("archives nested too deeply"));
        }
        if size > MAX_NESTED_ZIP {
            return Err(io::Error::other(format!(
                "a nested zip over {MAX_NESTED_ZIP} bytes is not read"
            )));
        }
        let mut buf = Vec::with_capacity(size as usize);
        (&mut r).take(MAX_NESTED_ZIP).read_to_end(&mut buf)?;
        let mut sub = Reader::new(self.archive_path, &self.member_display(rel), self.depth + 1);
        match zip::ZipArchive::new(Cursor::new(buf)) {
            Ok(mut z) => sub.zip_entries(&mut z),
            Err(e) => sub
                .errors
                .push((sub.display.clone(), format!("damaged zip: {e}"))),
        }
        self.nested.extend(sub.finish());
        Ok(())
    }

    /// One analyzed bundle per node root seen (facts and cgroups from the buffered
    /// files), then the nested archives' bundles. A path belongs to the longest node
    /// root (found by [`node_root`] over all paths) it starts with, so files at the top
    /// of a node (`sosreport-x/version.txt`) join their node.
    fn finish(mut self) -> Vec<Analyzed> {
        let roots = super::NodeRoots::new(self.paths.iter().map(String::as_str));
        let root_of = |p: &str| roots.of(p);
        let mut layouts: BTreeMap<String, Layout> = BTreeMap::new();
        for p in &self.paths {
            let r = root_of(p);
            let l = Layout::of_path(&p[r.len()..]);
            let e = layouts.entry(r).or_default();
            *e = (*e).max(l);
        }
        let mut groups: BTreeMap<String, NodeFiles> = BTreeMap::new();
        for m in std::mem::take(&mut self.members) {
            let r = root_of(&m.full);
            let mut src = m.src;
            src.rel = m.full[r.len()..].to_string();
            src.rotation_date = rotation_date(&src.rel);
            let g = groups.entry(r).or_default();
            g.0.push(src);
            g.1.push(m.scan);
        }
        for (p, msg) in std::mem::take(&mut self.skipped) {
            let shown = self.member_display(&p);
            groups.entry(root_of(&p)).or_default().2.push((shown, msg));
        }
        let mut out = Vec::new();
        let mut errors = std::mem::take(&mut self.errors);
        for (root, layout) in &layouts {
            let (sources, scans, skipped) = groups.remove(root).unwrap_or_default();
            let base = root.trim_end_matches('/');
            let input = if base.is_empty() {
                self.display.clone()
            } else {
                join(&self.display, base)
            };
            let facts = facts::read(&self.tree, base);
            let snapshots = cgroup_snapshot::discover(&self.tree, base, &input);
            if sources.is_empty()
                && snapshots.is_empty()
                && skipped.is_empty()
                && facts == Default::default()
            {
                continue; // nothing of a node here (e.g. the container of nested archives)
            }
            let mine: Vec<(String, String)> = errors
                .iter()
                .filter(|(f, _)| !base.is_empty() && f.starts_with(&format!("{input}/")))
                .cloned()
                .collect();
            errors.retain(|e| !mine.contains(e));
            out.push(Analyzed {
                bundle: Bundle {
                    input,
                    kind: BundleKind::Archive,
                    layout: *layout,
                    root: None,
                    sources,
                    facts,
                    skipped,
                    errors: mine,
                    names: Default::default(),
                },
                scans,
                snapshots,
            });
        }
        if !errors.is_empty() {
            // Damage to the archive itself: reported on its first bundle (or a bundle of its own).
            match out.first_mut() {
                Some(a) => a.bundle.errors.extend(errors),
                None => out.push(Analyzed {
                    bundle: Bundle {
                        input: self.display.clone(),
                        kind: BundleKind::Archive,
                        layout: Layout::Loose,
                        root: None,
                        sources: Vec::new(),
                        facts: Default::default(),
                        skipped: Vec::new(),
                        errors,
                        names: Default::default(),
                    },
                    scans: Vec::new(),
                    snapshots: Vec::new(),
                }),
            }
        }
        // Names are cluster-wide (pod UIDs are unique): they ride on the first bundle.
        let mut names = std::mem::take(&mut self.names);
        let files: Vec<_> = self
            .name_files
            .drain(..)
            .map(|(_, k, d, b)| (k, d, b))
            .collect();
        let mut name_errors = Vec::new();
        super::read_names(&mut names, &files, &mut name_errors);
        out.extend(self.nested);
        if let Some(first) = out.first_mut() {
            first.bundle.names.merge(names);
            first.bundle.errors.extend(name_errors);
        }
        out
    }
}

/// The readings of a member path relative to its node: as is, without the top folder
/// (`sosreport-x/version.txt`), and without its marker-based node root.
fn node_relative(rel: &str) -> [&str; 3] {
    let root = node_root(rel);
    [rel, below_top(rel), &rel[root.len()..]]
}

/// A path without its first component (`sosreport-x/version.txt` → `version.txt`).
fn below_top(rel: &str) -> &str {
    rel.split_once('/').map_or(rel, |(_, rest)| rest)
}

/// A member name as a relative `/`-separated path: no leading `/`, no `.` or `..`.
pub fn sanitize(name: &str) -> String {
    name.split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .collect::<Vec<_>>()
        .join("/")
}

/// Small files worth buffering: node facts and cgroup memory files.
fn wanted_small(inner: &str) -> bool {
    if facts::FACT_FILES.contains(&inner) {
        return true;
    }
    if let Some(rest) = inner.strip_prefix("sys/fs/cgroup/") {
        let name = rest.rsplit('/').next().unwrap_or(rest);
        return name.starts_with("memory.") || name == "cgroup.controllers";
    }
    // A folder that is itself a cgroup (memory.* at the top).
    !inner.contains('/') && inner.starts_with("memory.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_are_never_paths() {
        assert_eq!(sanitize("../../etc/passwd"), "etc/passwd");
        assert_eq!(sanitize("/var/log/messages"), "var/log/messages");
        assert_eq!(
            sanitize("./sosreport-x/./var//log/messages"),
            "sosreport-x/var/log/messages"
        );
    }

    #[test]
    fn small_files_kept() {
        assert!(wanted_small("sos_commands/date/date"));
        assert!(wanted_small(
            "sys/fs/cgroup/memory/kubepods/memory.limit_in_bytes"
        ));
        assert!(!wanted_small("sys/fs/cgroup/memory/kubepods/tasks"));
        assert!(!wanted_small("var/log/messages"));
    }
}
