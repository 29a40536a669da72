//! The on-disk layout of a journal file (systemd's `JOURNAL_FILE_FORMAT`): the
//! header's fields, object types and flags, and checked little-endian reads. Every
//! read is bounds-checked against the file; nothing here indexes file data.

/// The first eight bytes of every journal file.
pub const SIGNATURE: &[u8; 8] = b"LPKSHHRH";

/// Object types.
pub const OBJECT_DATA: u8 = 1;
pub const OBJECT_ENTRY: u8 = 3;
pub const OBJECT_ENTRY_ARRAY: u8 = 6;

/// Object flags: how a DATA object's payload is compressed (at most one is set).
pub const OBJECT_COMPRESSED_XZ: u8 = 1 << 0;
pub const OBJECT_COMPRESSED_LZ4: u8 = 1 << 1;
pub const OBJECT_COMPRESSED_ZSTD: u8 = 1 << 2;
pub const OBJECT_COMPRESSION_MASK: u8 =
    OBJECT_COMPRESSED_XZ | OBJECT_COMPRESSED_LZ4 | OBJECT_COMPRESSED_ZSTD;

/// Header incompatible flags.
pub const INCOMPATIBLE_COMPRESSED_XZ: u32 = 1 << 0;
pub const INCOMPATIBLE_COMPRESSED_LZ4: u32 = 1 << 1;
pub const INCOMPATIBLE_KEYED_HASH: u32 = 1 << 2;
pub const INCOMPATIBLE_COMPRESSED_ZSTD: u32 = 1 << 3;
pub const INCOMPATIBLE_COMPACT: u32 = 1 << 4;
/// Every incompatible flag this reader understands.
pub const INCOMPATIBLE_KNOWN: u32 = INCOMPATIBLE_COMPRESSED_XZ
    | INCOMPATIBLE_COMPRESSED_LZ4
    | INCOMPATIBLE_KEYED_HASH
    | INCOMPATIBLE_COMPRESSED_ZSTD
    | INCOMPATIBLE_COMPACT;

/// Header compatible flags.
pub const COMPATIBLE_SEALED: u32 = 1 << 0;

/// Header states.
pub const STATE_OFFLINE: u8 = 0;
pub const STATE_ONLINE: u8 = 1;
pub const STATE_ARCHIVED: u8 = 2;

/// The common object header: type, flags, 6 reserved bytes, le64 size.
pub const OBJECT_HEADER: u64 = 16;
/// ENTRY: object header, seqnum, realtime, monotonic, boot id (16), xor hash.
pub const ENTRY_ITEMS_AT: u64 = 64;
/// ENTRY_ARRAY: object header, next array offset.
pub const ENTRY_ARRAY_ITEMS_AT: u64 = 24;
/// DATA: object header, hash, next hash, next field, entry, entry array, n entries;
/// compact files add two le32 (the tail entry array) before the payload.
pub const DATA_PAYLOAD_REGULAR: u64 = 64;
pub const DATA_PAYLOAD_COMPACT: u64 = 72;
/// Header fields every revision has, up to and including `tail_entry_monotonic`.
pub const HEADER_MIN: u64 = 208;

/// `buf[at..at + len]`, if it lies inside `buf`.
pub fn slice(buf: &[u8], at: u64, len: u64) -> Option<&[u8]> {
    let start = usize::try_from(at).ok()?;
    let len = usize::try_from(len).ok()?;
    buf.get(start..start.checked_add(len)?)
}

pub fn le64(buf: &[u8], at: u64) -> Option<u64> {
    let b: [u8; 8] = slice(buf, at, 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

pub fn le32(buf: &[u8], at: u64) -> Option<u32> {
    let b: [u8; 4] = slice(buf, at, 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

pub fn byte(buf: &[u8], at: u64) -> Option<u8> {
    buf.get(usize::try_from(at).ok()?).copied()
}

pub fn id128(buf: &[u8], at: u64) -> Option<[u8; 16]> {
    slice(buf, at, 16)?.try_into().ok()
}

/// `n` rounded up to a multiple of 8 (objects are 64-bit aligned).
pub fn align8(n: u64) -> Option<u64> {
    n.checked_add(7).map(|v| v & !7)
}

/// The fields of a journal file header that a reader needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub compatible_flags: u32,
    pub incompatible_flags: u32,
    /// [`STATE_OFFLINE`], [`STATE_ONLINE`] (still open, or left by a crash) or
    /// [`STATE_ARCHIVED`].
    pub state: u8,
    pub file_id: [u8; 16],
    pub machine_id: [u8; 16],
    pub tail_entry_boot_id: [u8; 16],
    /// Entries of files sharing this id have comparable sequence numbers.
    pub seqnum_id: [u8; 16],
    pub header_size: u64,
    pub arena_size: u64,
    pub tail_object_offset: u64,
    pub n_objects: u64,
    pub n_entries: u64,
    pub tail_entry_seqnum: u64,
    pub head_entry_seqnum: u64,
    pub entry_array_offset: u64,
    pub head_entry_realtime: u64,
    pub tail_entry_realtime: u64,
    pub tail_entry_monotonic: u64,
}

impl Header {
    /// Parses the header at the start of `buf`. `Err` says why the file cannot be read.
    pub fn parse(buf: &[u8]) -> Result<Header, String> {
        if buf.get(..8) != Some(&SIGNATURE[..]) {
            return Err("not a journal file (no LPKSHHRH signature)".to_string());
        }
        let short = || format!("the header is cut off (file of {} bytes)", buf.len());
        let q = |at: u64| le64(buf, at).ok_or_else(short);
        let id = |at: u64| id128(buf, at).ok_or_else(short);
        let h = Header {
            compatible_flags: le32(buf, 8).ok_or_else(short)?,
            incompatible_flags: le32(buf, 12).ok_or_else(short)?,
            state: byte(buf, 16).ok_or_else(short)?,
            file_id: id(24)?,
            machine_id: id(40)?,
            tail_entry_boot_id: id(56)?,
            seqnum_id: id(72)?,
            header_size: q(88)?,
            arena_size: q(96)?,
            tail_object_offset: q(136)?,
            n_objects: q(144)?,
            n_entries: q(152)?,
            tail_entry_seqnum: q(160)?,
            head_entry_seqnum: q(168)?,
            entry_array_offset: q(176)?,
            head_entry_realtime: q(184)?,
            tail_entry_realtime: q(192)?,
            tail_entry_monotonic: q(200)?,
        };
        let unknown = h.incompatible_flags & !INCOMPATIBLE_KNOWN;
        if unknown != 0 {
            return Err(format!(
                "unsupported incompatible journal features (flags 0x{unknown:x}): written by a newer systemd"
            ));
        }
        if h.header_size < HEADER_MIN || !h.header_size.is_multiple_of(8) {
            return Err(format!("invalid header size {}", h.header_size));
        }
        if h.header_size > buf.len() as u64 {
            return Err(short());
        }
        Ok(h)
    }

    /// Compact layout: 32-bit entry items and entry array items.
    pub fn compact(&self) -> bool {
        self.incompatible_flags & INCOMPATIBLE_COMPACT != 0
    }

    pub fn sealed(&self) -> bool {
        self.compatible_flags & COMPATIBLE_SEALED != 0
    }

    /// The state as a word: `offline`, `online`, `archived`.
    pub fn state_name(&self) -> &'static str {
        match self.state {
            STATE_OFFLINE => "offline",
            STATE_ONLINE => "online",
            STATE_ARCHIVED => "archived",
            _ => "unknown",
        }
    }

    /// Where DATA payloads start.
    pub fn data_payload_at(&self) -> u64 {
        if self.compact() {
            DATA_PAYLOAD_COMPACT
        } else {
            DATA_PAYLOAD_REGULAR
        }
    }

    /// Size of one ENTRY item (offset + hash, or a 32-bit offset).
    pub fn entry_item_size(&self) -> u64 {
        if self.compact() { 4 } else { 16 }
    }

    /// Size of one ENTRY_ARRAY item.
    pub fn array_item_size(&self) -> u64 {
        if self.compact() { 4 } else { 8 }
    }
}

/// A 128-bit id as 32 lowercase hex digits (as `_BOOT_ID=` prints it).
pub fn id128_hex(id: &[u8; 16]) -> String {
    use std::fmt::Write;
    id.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
