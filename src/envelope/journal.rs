//! journald's record-oriented exports: `journalctl -o json` (one object per line,
//! `MESSAGE` a string or, for non-UTF-8 text, an array of bytes; `-o json-seq` the
//! same lines, each after an RS) and
//! `journalctl -o export` (`KEY=value` lines, a record ending at a blank line, binary
//! fields written as `KEY\n<le64 length><bytes>\n`).
//!
//! Kernel records are those with `_TRANSPORT=kernel` (or `SYSLOG_IDENTIFIER=kernel`).
//! The time is `__REALTIME_TIMESTAMP` (microseconds since the epoch, UTC); the kernel
//! uptime is `__MONOTONIC_TIMESTAMP`.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::{Origin, Record, Wall};
use crate::clock::{Civil, parse_u64};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
struct JsonEntry {
    #[serde(rename = "MESSAGE", default)]
    message: Option<JsonMessage>,
    #[serde(rename = "__REALTIME_TIMESTAMP", default)]
    realtime: Option<String>,
    #[serde(rename = "__MONOTONIC_TIMESTAMP", default)]
    monotonic: Option<String>,
    #[serde(rename = "_HOSTNAME", default)]
    hostname: Option<String>,
    #[serde(rename = "_TRANSPORT", default)]
    transport: Option<String>,
    #[serde(rename = "SYSLOG_IDENTIFIER", default)]
    identifier: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonMessage {
    Text(String),
    Bytes(Vec<u8>),
}

/// A journal record whose strings are owned (JSON unescaping, binary fields).
pub struct OwnedRecord {
    pub realtime_us: Option<i64>,
    pub monotonic_us: Option<u64>,
    pub hostname: Option<String>,
    pub kernel: bool,
    pub identifier: Option<String>,
    pub message: Vec<u8>,
    pub time_raw: String,
}

impl OwnedRecord {
    /// Borrows this record as a [`Record`] (host names are leaked into the borrow of `self`).
    pub fn as_record(&self) -> Record<'_> {
        Record {
            wall: self.realtime_us.map_or(Wall::None, |us| {
                Wall::Zoned(Civil::from_utc_micros(us, true), 0)
            }),
            uptime_us: self.monotonic_us,
            time_raw: Cow::Borrowed(&self.time_raw),
            host: self.hostname.as_deref(),
            program: self.identifier.as_deref(),
            origin: if self.kernel {
                Origin::Kernel
            } else {
                Origin::Userspace
            },
            msg: Cow::Borrowed(&self.message),
        }
    }
}

/// Parses one line of `journalctl -o json` (or `-o json-seq`: the line starts with
/// an RS, 0x1e; or one whole `-o json-pretty` object). `Err` carries a short reason.
pub fn parse_json_line(line: &[u8]) -> Result<OwnedRecord, String> {
    let line = line.strip_prefix(b"\x1e").unwrap_or(line);
    let e: JsonEntry =
        serde_json::from_slice(line).map_err(|e| format!("invalid journal JSON: {e}"))?;
    let message = match e.message {
        Some(JsonMessage::Text(s)) => s.into_bytes(),
        Some(JsonMessage::Bytes(b)) => b,
        None => Vec::new(),
    };
    let kernel =
        e.transport.as_deref() == Some("kernel") || e.identifier.as_deref() == Some("kernel");
    Ok(OwnedRecord {
        realtime_us: e
            .realtime
            .as_deref()
            .and_then(|s| parse_u64(s.as_bytes()))
            .map(|v| v as i64),
        monotonic_us: e.monotonic.as_deref().and_then(|s| parse_u64(s.as_bytes())),
        hostname: e.hostname,
        kernel,
        identifier: e.identifier,
        message,
        time_raw: e.realtime.unwrap_or_default(),
    })
}

/// The largest binary field an export record is taken to hold: a length above it is
/// damage (a text line inside a record read as a field name), not a field.
pub const MAX_EXPORT_FIELD: usize = 64 << 20;

/// One field of an export record, as read at a position.
enum Field<'b> {
    /// The blank line ending the record: the position after it.
    End(usize),
    /// The end of the buffer.
    Eof,
    /// `KEY=value` or a binary `KEY\n<le64 size><data>\n`, and the position after it.
    Value(&'b [u8], &'b [u8], usize),
    /// A binary field whose data reaches past the buffer: more bytes are needed.
    Incomplete,
}

/// The field at `pos`. A name line whose binary data is not followed by a newline, or
/// whose length is beyond [`MAX_EXPORT_FIELD`], is damage: that line alone is passed
/// over (a value with an empty key), so the fields after it are read.
fn next_field(buf: &[u8], pos: usize) -> Field<'_> {
    let Some(rest) = buf.get(pos..).filter(|r| !r.is_empty()) else {
        return Field::Eof;
    };
    let n = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = rest.get(..n).unwrap_or_default();
    let after = pos.saturating_add(n).saturating_add(1).min(buf.len());
    if line.is_empty() {
        return Field::End(after);
    }
    if let Some((k, v)) = memchr::memchr(b'=', line).and_then(|eq| line.split_at_checked(eq)) {
        return Field::Value(k, v.get(1..).unwrap_or_default(), after);
    }
    // Binary field: KEY\n<le64 size><data>\n
    let Some(len_bytes) = buf.get(after..).and_then(|r| r.first_chunk::<8>()) else {
        return Field::Incomplete;
    };
    let len = usize::try_from(u64::from_le_bytes(*len_bytes)).unwrap_or(usize::MAX);
    if len > MAX_EXPORT_FIELD {
        return Field::Value(b"", b"", after);
    }
    let start = after + 8;
    let stop = start.saturating_add(len);
    match buf.get(stop) {
        Some(b'\n') => Field::Value(line, buf.get(start..stop).unwrap_or_default(), stop + 1),
        Some(_) => Field::Value(b"", b"", after),
        None => Field::Incomplete,
    }
}

/// Where the export record at `buf[pos..]` ends (after its blank line), its fields
/// walked as [`parse_export_record`] walks them; None when the buffer ends first, so
/// a stream reads on before parsing it (whole or in chunks, one record reads alike).
pub fn export_record_end(buf: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        match next_field(buf, pos) {
            Field::End(next) => return Some(next),
            Field::Eof | Field::Incomplete => return None,
            Field::Value(_, _, next) => pos = next,
        }
    }
}

/// Parses the export record starting at `buf[pos..]`. Returns the record and the
/// position after its terminating blank line (or the end of the buffer).
pub fn parse_export_record(buf: &[u8], mut pos: usize) -> (OwnedRecord, usize) {
    let mut rec = OwnedRecord {
        realtime_us: None,
        monotonic_us: None,
        hostname: None,
        kernel: false,
        identifier: None,
        message: Vec::new(),
        time_raw: String::new(),
    };
    loop {
        let (key, value, next) = match next_field(buf, pos) {
            Field::End(next) => return (rec, next),
            Field::Eof | Field::Incomplete => return (rec, buf.len()),
            Field::Value(k, v, next) => (k, v, next),
        };
        pos = next;
        match key {
            b"MESSAGE" => rec.message = value.to_vec(),
            b"__REALTIME_TIMESTAMP" => {
                rec.realtime_us = parse_u64(value).map(|v| v as i64);
                rec.time_raw = String::from_utf8_lossy(value).into_owned();
            }
            b"__MONOTONIC_TIMESTAMP" => rec.monotonic_us = parse_u64(value),
            b"_HOSTNAME" => rec.hostname = Some(String::from_utf8_lossy(value).into_owned()),
            b"_TRANSPORT" if value == b"kernel" => rec.kernel = true,
            b"SYSLOG_IDENTIFIER" => {
                rec.kernel |= value == b"kernel";
                rec.identifier = Some(String::from_utf8_lossy(value).into_owned());
            }
            _ => {}
        }
    }
}

/// The start of the export record that contains `buf[hit]`.
pub fn export_record_start(buf: &[u8], hit: usize) -> usize {
    memchr::memmem::rfind(buf.get(..hit).unwrap_or(buf), b"\n\n").map_or(0, |p| p + 2)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    /// A text line inside an export record (damage, or a hand edit) is not a binary
    /// field whose length eats what follows: that line alone is passed over.
    #[test]
    fn a_text_line_in_an_export_record_is_passed_over() {
        let buf = b"__REALTIME_TIMESTAMP=1717981200000000\n[ 5000.1] oom_reaper: reaped process 1 (x)\nMESSAGE=a invoked oom-killer: gfp_mask=0xcc0\n_TRANSPORT=kernel\n\nMESSAGE=next\n\n";
        let (r, next) = parse_export_record(buf, 0);
        assert_eq!(r.message, b"a invoked oom-killer: gfp_mask=0xcc0");
        assert!(r.kernel);
        assert_eq!(export_record_end(buf, 0), Some(next));
        let (r2, end) = parse_export_record(buf, next);
        assert_eq!((r2.message.as_slice(), end), (&b"next"[..], buf.len()));
        // A binary field whose data the buffer does not hold yet: a stream reads on.
        let mut bin = b"MESSAGE\n".to_vec();
        bin.extend_from_slice(&5u64.to_le_bytes());
        bin.extend_from_slice(b"ab");
        assert_eq!(export_record_end(&bin, 0), None);
        bin.extend_from_slice(b"\ncd\n\n");
        assert_eq!(export_record_end(&bin, 0), Some(bin.len()));
        assert_eq!(parse_export_record(&bin, 0).0.message, b"ab\ncd");
    }

    #[test]
    fn json_text_message() {
        let r = parse_json_line(br#"{"__REALTIME_TIMESTAMP":"1709633472000000","__MONOTONIC_TIMESTAMP":"5000000","_TRANSPORT":"kernel","_HOSTNAME":"node1","MESSAGE":"Out of memory: Killed process 1 (a)"}"#).unwrap();
        assert!(r.kernel);
        assert_eq!(r.hostname.as_deref(), Some("node1"));
        assert_eq!(r.monotonic_us, Some(5_000_000));
        let rec = r.as_record();
        assert!(matches!(rec.wall, Wall::Zoned(c, 0) if c.year == 2024 && c.month == 3));
        assert_eq!(&*rec.msg, b"Out of memory: Killed process 1 (a)");
    }

    #[test]
    fn json_byte_array_message() {
        let r = parse_json_line(
            br#"{"SYSLOG_IDENTIFIER":"kernel","MESSAGE":[77,101,109,45,73,110,102,111,58,255]}"#,
        )
        .unwrap();
        assert!(r.kernel);
        assert_eq!(&r.message[..9], b"Mem-Info:");
    }

    #[test]
    fn json_seq_line() {
        let r =
            parse_json_line(b"\x1e{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"Mem-Info:\"}").unwrap();
        assert!(r.kernel);
        assert_eq!(r.message, b"Mem-Info:");
    }

    #[test]
    fn json_userspace_and_bad_line() {
        let r = parse_json_line(br#"{"_TRANSPORT":"syslog","MESSAGE":"Out of memory"}"#).unwrap();
        assert!(!r.kernel);
        assert!(parse_json_line(b"{not json").is_err());
    }

    #[test]
    fn export_text_and_binary_fields() {
        let mut buf = b"__REALTIME_TIMESTAMP=1342540861416409\n_TRANSPORT=kernel\n_HOSTNAME=epsilon\nMESSAGE\n".to_vec();
        let msg = b"Killed process 5 (a\nb)";
        buf.extend_from_slice(&(msg.len() as u64).to_le_bytes());
        buf.extend_from_slice(msg);
        buf.extend_from_slice(b"\n\n__REALTIME_TIMESTAMP=1\nMESSAGE=next\n\n");
        let (r, next) = parse_export_record(&buf, 0);
        assert!(r.kernel);
        assert_eq!(r.message, msg);
        assert_eq!(r.hostname.as_deref(), Some("epsilon"));
        let (r2, end) = parse_export_record(&buf, next);
        assert_eq!(r2.message, b"next");
        assert!(!r2.kernel);
        assert_eq!(end, buf.len());
        assert_eq!(export_record_start(&buf, next + 5), next);
    }
}
