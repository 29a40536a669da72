//! Binary systemd journal files (`system.journal`, archived `system@….journal`,
//! `….journal~` left by an unclean shutdown, `user-1000.journal`, journal-remote's
//! output), read natively per systemd's documented `JOURNAL_FILE_FORMAT`.
//!
//! [`JournalFile::parse`] checks the header of a mapped file; [`JournalFile::entries`]
//! yields its entries in file order: the global entry-array chain from the header's
//! `entry_array_offset` is walked, and where it breaks (an offset out of the file, a
//! wrong object type, offsets out of order) the objects after the last good entry are
//! walked one by one instead, so a torn file gives every entry that can still be read
//! and one warning naming the file and the offset where reading stopped. Each entry's
//! items lead to DATA objects (`FIELD=value`, decompressed per the object's flags:
//! xz, lz4, zstd); only the fields oomsift uses are kept ([`Entry`]), borrowed from
//! the map unless they were compressed. [`Entry::to_record`] gives the
//! [`OwnedRecord`] the text reader of `journalctl -o export` makes from the same
//! entry, so kernel entries reach the kernel assembler exactly as exported text would.
//! [`merge`] interleaves the files of one machine.
//!
//! Nothing here trusts the file: every offset and size is checked against its length
//! before use, loops only move forward (so a cycle ends them), a decompressed field
//! is capped at [`decompress::MAX_FIELD`] and an entry at [`MAX_ITEMS`] items.

#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::string_slice,
    clippy::cast_possible_truncation
)]

pub mod decompress;
pub mod layout;
pub mod merge;

pub use layout::Header;
pub use merge::{Merged, merge};

use super::journal::OwnedRecord;
use layout::*;
use std::borrow::Cow;
use std::collections::HashMap;

/// Items of one entry beyond this many are not read (journald writes at most 1024
/// fields per entry).
pub const MAX_ITEMS: u64 = 4096;

/// Does `head` start like a journal file?
pub fn is_journal_file(head: &[u8]) -> bool {
    head.starts_with(SIGNATURE)
}

/// The fields of an entry that oomsift reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    Message,
    Transport,
    Priority,
    Hostname,
    Unit,
    Identifier,
    Comm,
}

const KEPT: &[(&[u8], Kept)] = &[
    (b"MESSAGE=", Kept::Message),
    (b"_TRANSPORT=", Kept::Transport),
    (b"PRIORITY=", Kept::Priority),
    (b"_HOSTNAME=", Kept::Hostname),
    (b"_SYSTEMD_UNIT=", Kept::Unit),
    (b"SYSLOG_IDENTIFIER=", Kept::Identifier),
    (b"_COMM=", Kept::Comm),
];

fn classify(payload: &[u8]) -> Option<(Kept, usize)> {
    KEPT.iter()
        .find(|(p, _)| payload.starts_with(p))
        .map(|&(p, k)| (k, p.len()))
}

/// A kept field and its value.
type KeptField<'a> = (Kept, Cow<'a, [u8]>);

/// One journal entry: its header and the fields oomsift uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Offset of the ENTRY object in its file.
    pub offset: u64,
    pub seqnum: u64,
    /// `__REALTIME_TIMESTAMP`: microseconds since the epoch.
    pub realtime_us: u64,
    /// `__MONOTONIC_TIMESTAMP`: microseconds since boot `boot_id`.
    pub monotonic_us: u64,
    /// `_BOOT_ID` (from the entry header).
    pub boot_id: [u8; 16],
    pub xor_hash: u64,
    pub message: Option<Cow<'a, [u8]>>,
    pub transport: Option<Cow<'a, [u8]>>,
    pub priority: Option<u8>,
    pub hostname: Option<Cow<'a, [u8]>>,
    pub unit: Option<Cow<'a, [u8]>>,
    pub identifier: Option<Cow<'a, [u8]>>,
    pub comm: Option<Cow<'a, [u8]>>,
}

fn lossy(v: &Option<Cow<'_, [u8]>>) -> Option<String> {
    v.as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned())
}

impl Entry<'_> {
    /// `_BOOT_ID` as 32 hex digits.
    pub fn boot_id_hex(&self) -> String {
        id128_hex(&self.boot_id)
    }

    /// Is this a kernel message (`_TRANSPORT=kernel` or `SYSLOG_IDENTIFIER=kernel`)?
    pub fn is_kernel(&self) -> bool {
        self.transport.as_deref() == Some(b"kernel")
            || self.identifier.as_deref() == Some(b"kernel")
    }

    /// The record `journalctl -o export` text of this entry gives
    /// ([`super::journal::parse_export_record`]): same fields, same rules.
    pub fn to_record(&self) -> OwnedRecord {
        OwnedRecord {
            realtime_us: Some(self.realtime_us as i64),
            monotonic_us: Some(self.monotonic_us),
            hostname: lossy(&self.hostname),
            kernel: self.is_kernel(),
            identifier: lossy(&self.identifier),
            message: self
                .message
                .as_deref()
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
            time_raw: self.realtime_us.to_string(),
        }
    }

    /// The kept field values (for cheap filtering).
    pub fn kept_values(&self) -> impl Iterator<Item = &[u8]> {
        [
            &self.message,
            &self.identifier,
            &self.transport,
            &self.hostname,
            &self.unit,
            &self.comm,
        ]
        .into_iter()
        .filter_map(|v| v.as_deref())
    }
}

/// A journal file whose header was checked, over its mapped bytes.
#[derive(Debug, Clone)]
pub struct JournalFile<'a> {
    buf: &'a [u8],
    name: String,
    header: Header,
}

impl<'a> JournalFile<'a> {
    /// Checks the header of `buf`. `name` is used in warnings. `Err` says why the
    /// file cannot be read at all.
    pub fn parse(buf: &'a [u8], name: &str) -> Result<JournalFile<'a>, String> {
        let header = Header::parse(buf).map_err(|e| format!("{name}: {e}"))?;
        Ok(JournalFile {
            buf,
            name: name.to_string(),
            header,
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The entries, in file order.
    pub fn entries(&self) -> Entries<'a> {
        Entries {
            buf: self.buf,
            name: self.name.clone(),
            header: self.header.clone(),
            walk: if self.header.entry_array_offset != 0 {
                Walk::Chain {
                    array: self.header.entry_array_offset,
                    next_item: 0,
                    arrays: 0,
                }
            } else {
                Walk::Seq {
                    pos: self.header.header_size,
                }
            },
            last_entry: 0,
            resume_at: self.header.header_size,
            read: 0,
            chain_break: None,
            stop: None,
            bad_fields: 0,
            first_bad_field: None,
            dec: decompress::Decompressor::default(),
            compressed_kind: HashMap::new(),
            warnings: Vec::new(),
        }
    }
}

enum Walk {
    /// In the entry array at `array`, at item `next_item`.
    Chain {
        array: u64,
        next_item: u64,
        arrays: u64,
    },
    /// Walking objects one by one from `pos`.
    Seq {
        pos: u64,
    },
    Done,
}

/// The entries of one file, in file order. Once it has returned `None`,
/// [`Entries::warnings`] tells what could not be read.
pub struct Entries<'a> {
    buf: &'a [u8],
    name: String,
    header: Header,
    walk: Walk,
    /// Offset of the last entry yielded (entries only move forward).
    last_entry: u64,
    /// Where an object walk resumes: the end of the last entry yielded.
    resume_at: u64,
    read: u64,
    chain_break: Option<(u64, String)>,
    stop: Option<(u64, String)>,
    bad_fields: u64,
    first_bad_field: Option<(u64, String)>,
    dec: decompress::Decompressor,
    /// For compressed DATA objects already seen: which kept field they hold, if any
    /// (so a repeated large field is decompressed once to learn its name).
    compressed_kind: HashMap<u64, Option<Kept>>,
    warnings: Vec<String>,
}

impl<'a> Entries<'a> {
    /// Problems met (complete once iteration has ended).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Entries yielded so far.
    pub fn count(&self) -> u64 {
        self.read
    }

    fn len(&self) -> u64 {
        self.buf.len() as u64
    }

    /// Checks the object header at `off`: aligned, inside the file, of type `ty`,
    /// at least `min` bytes. Returns its flags and size.
    fn object(&self, off: u64, ty: u8, min: u64) -> Result<(u8, u64), String> {
        if !off.is_multiple_of(8) || off < self.header.header_size {
            return Err(format!("invalid object offset {off}"));
        }
        let (Some(t), Some(flags), Some(size)) = (
            byte(self.buf, off),
            byte(self.buf, off + 1),
            le64(self.buf, off + 8),
        ) else {
            return Err(format!(
                "object beyond the end of the file ({} bytes)",
                self.len()
            ));
        };
        if t != ty {
            return Err(format!("object of type {t} where type {ty} was expected"));
        }
        if size < min {
            return Err(format!("object of {size} bytes, too small for its type"));
        }
        if off.checked_add(size).is_none_or(|e| e > self.len()) {
            return Err(format!(
                "object of {size} bytes cut off by the end of the file ({} bytes)",
                self.len()
            ));
        }
        Ok((flags, size))
    }

    fn bad_field(&mut self, off: u64, e: String) {
        self.bad_fields += 1;
        self.first_bad_field.get_or_insert((off, e));
    }

    /// The kept field a DATA object holds, if any.
    fn data(&mut self, off: u64) -> Result<Option<KeptField<'a>>, String> {
        let at = self.header.data_payload_at();
        let (flags, size) = self.object(off, OBJECT_DATA, at)?;
        let payload = slice(self.buf, off + at, size - at).ok_or("DATA payload out of the file")?;
        let comp = flags & OBJECT_COMPRESSION_MASK;
        if comp == 0 {
            return Ok(
                classify(payload).and_then(|(k, n)| Some((k, Cow::Borrowed(payload.get(n..)?))))
            );
        }
        if let Some(None) = self.compressed_kind.get(&off) {
            return Ok(None);
        }
        let out = self.dec.run(comp, payload)?;
        let kept = classify(out).and_then(|(k, n)| Some((k, Cow::Owned(out.get(n..)?.to_vec()))));
        self.compressed_kind
            .insert(off, kept.as_ref().map(|(k, _)| *k));
        Ok(kept)
    }

    /// Reads the ENTRY object at `off`; returns it and its end.
    fn entry(&mut self, off: u64) -> Result<(Entry<'a>, u64), String> {
        let (_, size) = self.object(off, OBJECT_ENTRY, ENTRY_ITEMS_AT)?;
        let q = |at: u64| le64(self.buf, off + at).ok_or("entry header out of the file");
        let mut e = Entry {
            offset: off,
            seqnum: q(16)?,
            realtime_us: q(24)?,
            monotonic_us: q(32)?,
            boot_id: id128(self.buf, off + 40).ok_or("entry header out of the file")?,
            xor_hash: q(56)?,
            message: None,
            transport: None,
            priority: None,
            hostname: None,
            unit: None,
            identifier: None,
            comm: None,
        };
        let isz = self.header.entry_item_size();
        let n = (size - ENTRY_ITEMS_AT) / isz;
        if n > MAX_ITEMS {
            self.bad_field(off, format!("entry of {n} items, only {MAX_ITEMS} read"));
        }
        for i in 0..n.min(MAX_ITEMS) {
            let at = off + ENTRY_ITEMS_AT + i * isz;
            let data_off = if self.header.compact() {
                le32(self.buf, at).map(u64::from)
            } else {
                le64(self.buf, at)
            };
            let Some(data_off) = data_off.filter(|&d| d != 0) else {
                continue;
            };
            match self.data(data_off) {
                Ok(Some((k, v))) => {
                    let slot = match k {
                        Kept::Message => &mut e.message,
                        Kept::Transport => &mut e.transport,
                        Kept::Hostname => &mut e.hostname,
                        Kept::Unit => &mut e.unit,
                        Kept::Identifier => &mut e.identifier,
                        Kept::Comm => &mut e.comm,
                        Kept::Priority => {
                            e.priority =
                                crate::clock::parse_u64(&v).and_then(|p| u8::try_from(p).ok());
                            continue;
                        }
                    };
                    // A field given twice keeps its first value.
                    slot.get_or_insert(v);
                }
                Ok(None) => {}
                Err(err) => self.bad_field(data_off, err),
            }
        }
        Ok((e, align8(off + size).unwrap_or(u64::MAX)))
    }

    /// The next entry of the chain, or `Err` (chain broken) / `Ok(None)` (chain ended).
    fn chain_next(&mut self) -> Result<Option<Entry<'a>>, (u64, String)> {
        loop {
            let Walk::Chain {
                array,
                next_item,
                arrays,
            } = self.walk
            else {
                return Ok(None);
            };
            let (_, size) = self
                .object(array, OBJECT_ENTRY_ARRAY, ENTRY_ARRAY_ITEMS_AT)
                .map_err(|e| (array, format!("entry array: {e}")))?;
            let isz = self.header.array_item_size();
            let n = (size - ENTRY_ARRAY_ITEMS_AT) / isz;
            let item = if next_item < n {
                let at = array + ENTRY_ARRAY_ITEMS_AT + next_item * isz;
                if self.header.compact() {
                    le32(self.buf, at).map(u64::from)
                } else {
                    le64(self.buf, at)
                }
                .unwrap_or(0)
            } else {
                0
            };
            if item == 0 {
                // This array is used up: on to the next one.
                let next = le64(self.buf, array + 16).unwrap_or(0);
                if next == 0 {
                    return Ok(None);
                }
                if next <= array || arrays >= u64::from(u32::MAX) {
                    return Err((array, format!("entry array links back to offset {next}")));
                }
                self.walk = Walk::Chain {
                    array: next,
                    next_item: 0,
                    arrays: arrays + 1,
                };
                continue;
            }
            if item <= self.last_entry {
                return Err((
                    item,
                    "entry offsets out of order in the entry array".to_string(),
                ));
            }
            let (e, end) = self
                .entry(item)
                .map_err(|err| (item, format!("entry: {err}")))?;
            self.walk = Walk::Chain {
                array,
                next_item: next_item + 1,
                arrays,
            };
            self.last_entry = item;
            self.resume_at = end;
            return Ok(Some(e));
        }
    }

    /// The next entry found walking objects, or `Ok(None)` at the end of the objects.
    fn seq_next(&mut self) -> Result<Option<Entry<'a>>, (u64, String)> {
        let tail = self.header.tail_object_offset;
        loop {
            let Walk::Seq { pos } = self.walk else {
                return Ok(None);
            };
            // Objects end at the tail object; past it lies unused, preallocated space.
            if pos > tail && tail != 0 {
                return Ok(None);
            }
            if pos
                .checked_add(OBJECT_HEADER)
                .is_none_or(|e| e > self.len())
            {
                return Err((
                    pos,
                    format!(
                        "the file ends ({} bytes) before its last object",
                        self.len()
                    ),
                ));
            }
            let ty = byte(self.buf, pos).unwrap_or(0);
            let size = le64(self.buf, pos + 8).unwrap_or(0);
            if ty == 0 || size < OBJECT_HEADER {
                if tail == 0 {
                    return Ok(None);
                }
                return Err((pos, format!("no valid object (type {ty}, size {size})")));
            }
            if pos.checked_add(size).is_none_or(|e| e > self.len()) {
                return Err((
                    pos,
                    format!(
                        "object of {size} bytes cut off by the end of the file ({} bytes)",
                        self.len()
                    ),
                ));
            }
            let next = align8(pos + size).unwrap_or(u64::MAX);
            self.walk = Walk::Seq { pos: next };
            if ty == OBJECT_ENTRY && pos > self.last_entry {
                match self.entry(pos) {
                    Ok((e, _)) => {
                        self.last_entry = pos;
                        self.resume_at = next;
                        return Ok(Some(e));
                    }
                    Err(err) => return Err((pos, format!("entry: {err}"))),
                }
            }
        }
    }

    fn finish(&mut self) {
        self.walk = Walk::Done;
        let name = &self.name;
        match (&self.stop, &self.chain_break) {
            (Some((at, why)), chain) => {
                let mut w = format!(
                    "{name}: read {} entries; stopped at offset {at}: {why}",
                    self.read
                );
                if let Some((cat, cwhy)) = chain {
                    w.push_str(&format!(" (the entry array chain broke at offset {cat}: {cwhy})"));
                }
                self.warnings.push(w);
            }
            (None, Some((at, why))) => self.warnings.push(format!(
                "{name}: the entry array chain broke at offset {at} ({why}); the entries after it were found by walking the objects ({} entries read)",
                self.read
            )),
            (None, None) => {}
        }
        if let Some((at, why)) = &self.first_bad_field {
            self.warnings.push(format!(
                "{name}: {} field(s) could not be read, the first at offset {at}: {why}",
                self.bad_fields
            ));
        }
    }
}

impl<'a> Iterator for Entries<'a> {
    type Item = Entry<'a>;

    fn next(&mut self) -> Option<Entry<'a>> {
        loop {
            match self.walk {
                Walk::Done => return None,
                Walk::Chain { .. } => match self.chain_next() {
                    Ok(Some(e)) => {
                        self.read += 1;
                        return Some(e);
                    }
                    Ok(None) => {
                        // Entries written after the last one linked (a crash between
                        // writing and linking) follow it.
                        self.walk = Walk::Seq {
                            pos: self.resume_at,
                        };
                    }
                    Err(b) => {
                        self.chain_break = Some(b);
                        self.walk = Walk::Seq {
                            pos: self.resume_at,
                        };
                    }
                },
                Walk::Seq { .. } => match self.seq_next() {
                    Ok(Some(e)) => {
                        self.read += 1;
                        return Some(e);
                    }
                    Ok(None) => self.finish(),
                    Err(s) => {
                        self.stop = Some(s);
                        self.finish();
                    }
                },
            }
        }
    }
}

/// What a walk over a file's objects counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ObjectStats {
    pub objects: u64,
    pub entries: u64,
    pub data: u64,
    pub compressed_xz: u64,
    pub compressed_lz4: u64,
    pub compressed_zstd: u64,
}

/// Walks the objects of `file` from the header to the tail object, counting them by
/// type and DATA objects by compression (a diagnostic; stops at the first invalid
/// object).
pub fn object_stats(file: &JournalFile) -> ObjectStats {
    let buf = file.buf;
    let tail = file.header.tail_object_offset;
    let mut s = ObjectStats::default();
    let mut pos = file.header.header_size;
    while pos <= tail {
        let (Some(ty), Some(flags), Some(size)) =
            (byte(buf, pos), byte(buf, pos + 1), le64(buf, pos + 8))
        else {
            break;
        };
        if ty == 0 || size < OBJECT_HEADER {
            break;
        }
        s.objects += 1;
        match ty {
            OBJECT_ENTRY => s.entries += 1,
            OBJECT_DATA => {
                s.data += 1;
                match flags & OBJECT_COMPRESSION_MASK {
                    OBJECT_COMPRESSED_XZ => s.compressed_xz += 1,
                    OBJECT_COMPRESSED_LZ4 => s.compressed_lz4 += 1,
                    OBJECT_COMPRESSED_ZSTD => s.compressed_zstd += 1,
                    _ => {}
                }
            }
            _ => {}
        }
        match align8(pos.saturating_add(size)) {
            Some(n) if n > pos => pos = n,
            _ => break,
        }
    }
    s
}
