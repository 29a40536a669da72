//! How a line was recorded: the envelope around a kernel message.
//!
//! A kernel OOM report reaches a support engineer wrapped in one of many envelopes:
//! syslog (RFC 3164 and RFC 3339), `dmesg` (raw uptime, `-T`), `/dev/kmsg` records,
//! journald exports (short, short-iso, short-precise, JSON, export), console
//! captures, a hypervisor's guest log. This module strips the envelope and hands on a
//! [`Record`]: when it was logged, by which host and program, and the message itself.
//! What the kernel *said* is the `kernel` module's business; the two are independent,
//! so a new envelope and a new kernel line variant are separate small additions.
//!
//! Line-oriented envelopes are one file each ([`syslog3164`], [`syslog3339`],
//! [`journal_short_full`], [`vmware`], [`dmesg`], [`dmesg_t`], [`kmsg`], [`priority`],
//! [`console`], [`bare`]; shared pieces in [`fields`]), tried in order by
//! [`line::parse_line`] from the registry [`line::ENVELOPES`]; journald's
//! record-oriented exports are beside them, each with its [`FileFormat`]: JSON,
//! json-seq and export in [`journal`], json-pretty in [`journal_json_pretty`],
//! verbose in [`journal_verbose`].

pub mod bare;
pub mod console;
pub mod dmesg;
pub mod dmesg_iso;
pub mod dmesg_t;
pub mod dmesg_x;
pub mod fields;
pub mod journal;
pub mod journal_file;
pub mod journal_json_pretty;
pub mod journal_short_full;
pub mod journal_short_monotonic;
pub mod journal_short_unix;
pub mod journal_verbose;
pub mod kmsg;
pub mod line;
pub mod priority;
pub mod quoted;
pub mod syslog3164;
pub mod syslog3339;
pub mod vmware;

use std::borrow::Cow;

pub use crate::model::Wall;

/// Who wrote the record, as far as the envelope tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The kernel (syslog program `kernel`, dmesg, kmsg, journal `_TRANSPORT=kernel`).
    Kernel,
    /// A userspace program (`systemd[1]`, `dockerd`, `kubelet`, …).
    Userspace,
    /// No program named (a bare line, a continuation line): may be kernel text.
    Unknown,
}

/// One logged message with its envelope removed. Borrowed from the scanned buffer
/// wherever the message was stored verbatim.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub wall: Wall,
    /// Kernel uptime in microseconds (`[  123.456789]`, kmsg, journal monotonic).
    pub uptime_us: Option<u64>,
    /// The timestamp text as printed (empty when the record has none).
    pub time_raw: Cow<'a, str>,
    pub host: Option<&'a str>,
    pub origin: Origin,
    /// The program that logged it (`kubelet`, `systemd-oomd`, …), when the envelope names one.
    pub program: Option<&'a str>,
    /// The message, without envelope, priority or uptime prefixes.
    pub msg: Cow<'a, [u8]>,
}

impl Record<'_> {
    /// True when the record carries any timestamp (a continuation line does not).
    pub fn has_time(&self) -> bool {
        self.wall != Wall::None || self.uptime_us.is_some()
    }

    /// May this record be kernel text?
    pub fn maybe_kernel(&self) -> bool {
        self.origin != Origin::Userspace
    }
}

/// The record layout of a whole file (defined with the file's bytes, in `source`, so
/// a bundle's files can carry it; decided here from their first bytes).
pub use crate::source::FileFormat;

impl FileFormat {
    /// Decides the layout from the start of a file (journalctl's `-- Logs begin at
    /// … --` and `-- Boot … --` lines before the first record are passed over).
    pub fn sniff(head: &[u8]) -> FileFormat {
        if journal_file::is_journal_file(head) {
            return FileFormat::BinaryJournal;
        }
        let first = head
            .split(|&b| b == b'\n')
            .find(|l| !l.iter().all(u8::is_ascii_whitespace) && !l.starts_with(b"-- "))
            .unwrap_or(b"");
        let t = first.trim_ascii_start();
        // json-seq: each object after an RS.
        let seq = t.strip_prefix(b"\x1e");
        let journal_json = |b: &[u8]| {
            contains(b, b"\"MESSAGE\"")
                || contains(b, b"\"__REALTIME_TIMESTAMP\"")
                || contains(b, b"\"__CURSOR\"")
        };
        if t.starts_with(b"{") && journal_json(t) {
            FileFormat::JournalJson
        } else if seq.is_some_and(|t| t.starts_with(b"{") && journal_json(t)) {
            FileFormat::JournalJsonSeq
        } else if t.trim_ascii_end() == b"{"
            && (contains(head, b"\"__CURSOR\"") || contains(head, b"\"__REALTIME_TIMESTAMP\""))
        {
            FileFormat::JournalJsonPretty
        } else if t.starts_with(b"__CURSOR=") || t.starts_with(b"__REALTIME_TIMESTAMP=") {
            FileFormat::JournalExport
        } else if journal_verbose::is_header(first) {
            FileFormat::JournalVerbose
        } else {
            FileFormat::Lines
        }
    }

    /// Do records span lines? (Then a search window could start inside one: the
    /// scanner searches them whole and starts at [`FileFormat::record_start`].)
    pub fn multiline(self) -> bool {
        matches!(
            self,
            FileFormat::JournalExport | FileFormat::JournalJsonPretty | FileFormat::JournalVerbose
        )
    }

    /// The start of the record that holds `buf[hit]`.
    pub fn record_start(self, buf: &[u8], hit: usize) -> usize {
        match self {
            FileFormat::JournalExport => journal::export_record_start(buf, hit),
            FileFormat::JournalJsonPretty => journal_json_pretty::record_start(buf, hit),
            FileFormat::JournalVerbose => journal_verbose::record_start(buf, hit),
            FileFormat::Lines
            | FileFormat::JournalJson
            | FileFormat::JournalJsonSeq
            | FileFormat::BinaryJournal => buf
                .get(..hit)
                .and_then(|b| memchr::memrchr(b'\n', b))
                .map_or(0, |i| i + 1),
        }
    }

    /// The end of the last complete record in `buf` (where a stream's chunk is cut).
    pub fn record_boundary(self, buf: &[u8]) -> usize {
        match self {
            FileFormat::JournalExport => memchr::memmem::rfind(buf, b"\n\n").map_or(0, |p| p + 2),
            FileFormat::JournalJsonPretty => journal_json_pretty::record_boundary(buf),
            FileFormat::JournalVerbose => journal_verbose::record_boundary(buf),
            FileFormat::Lines
            | FileFormat::JournalJson
            | FileFormat::JournalJsonSeq
            | FileFormat::BinaryJournal => memchr::memrchr(b'\n', buf).map_or(0, |p| p + 1),
        }
    }
}

use crate::util::has as contains;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_file_layouts() {
        assert_eq!(
            FileFormat::sniff(b"{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"x\"}\n"),
            FileFormat::JournalJson
        );
        assert_eq!(
            FileFormat::sniff(b"LPKSHHRH\x02\0\0\0\0\0\0\0"),
            FileFormat::BinaryJournal
        );
        assert_eq!(
            FileFormat::sniff(b"__CURSOR=s=739a\n__REALTIME_TIMESTAMP=1\n"),
            FileFormat::JournalExport
        );
        assert_eq!(
            FileFormat::sniff(b"\nJun 23 11:24:34 host kernel: x\n"),
            FileFormat::Lines
        );
        assert_eq!(
            FileFormat::sniff(b"\x1e{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"x\"}\n"),
            FileFormat::JournalJsonSeq
        );
        assert_eq!(
            FileFormat::sniff(b"{\n\t\"__CURSOR\" : \"s=1\",\n\t\"MESSAGE\" : \"x\"\n}\n"),
            FileFormat::JournalJsonPretty
        );
        assert_eq!(
            FileFormat::sniff(b"-- Logs begin at Mon 2024-03-04 07:00:01 UTC, end at Tue 2024-03-05 10:39:57 UTC. --\nTue 2024-03-05 10:18:20.120001 UTC [s=6a4e;i=1a2d;b=2f1c;m=2335c3b;t=612e7294db6c8;x=9e4a]\n    MESSAGE=x\n"),
            FileFormat::JournalVerbose
        );
        // A lone brace is not a journal; nor is a bracketed line without a cursor.
        assert_eq!(FileFormat::sniff(b"{\n  \"a\": 1\n}\n"), FileFormat::Lines);
        assert_eq!(
            FileFormat::sniff(b"{\n  \"MESSAGE\": \"not a journal\"\n}\n"),
            FileFormat::Lines
        );
        assert_eq!(
            FileFormat::sniff(b"[Tue Mar  5 10:18:20 2024] x [s=1]\n"),
            FileFormat::Lines
        );
    }
}
