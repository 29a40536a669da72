//! Record scanning: a byte-level prefilter finds the rare regions of a log that can
//! hold an OOM report; only there are records parsed and fed to the [`Feed`].
//!
//! The prefilter searches for a few short cover literals (SIMD multi-literal
//! search), so a gigabyte of unrelated log costs one pass at memory speed plus a
//! newline count for line numbers. Once a block is open, every following record is
//! fed until the assembler closes it (a block's trace and task table carry no
//! anchor). Scanning is resumable: it stops at the end of the complete records it
//! was given and continues when handed the rest, so decompressed streams are scanned
//! chunk by chunk in bounded memory.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::Feed;
use super::prefilter::prefilter;
use crate::envelope::journal::{parse_export_record, parse_json_line};
use crate::envelope::{FileFormat, journal_json_pretty, journal_verbose, line::parse_line};

/// Bytes searched at a time: the newlines of a window are counted right after the
/// search, while it is still in cache, instead of in a second pass over memory.
const WINDOW: usize = 256 << 10;

/// The end of the window starting at `pos` (`pos < soft_end <= buf.len()`): a line
/// start (anchors never span lines), or `soft_end`.
fn window_end(buf: &[u8], pos: usize, soft_end: usize) -> usize {
    if soft_end - pos <= WINDOW {
        return soft_end;
    }
    let half = pos + WINDOW / 2;
    buf.get(half..pos + WINDOW)
        .and_then(|w| memchr::memrchr(b'\n', w))
        .map_or(soft_end, |i| half + i + 1)
}

fn count_lines(b: &[u8]) -> u64 {
    bytecount::count(b, b'\n') as u64
}

/// Where a scan stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanEnd {
    /// First byte not consumed.
    pub pos: usize,
    /// Line number (1-based) of the line starting at `pos`.
    pub line: u64,
    /// Line number at `soft_end`, once reached.
    pub line_at_soft_end: Option<u64>,
}

/// Problems met while scanning (bad JSON lines, NUL runs), reported once per source.
#[derive(Debug, Default)]
pub struct ScanIssues {
    pub bad_records: u64,
    pub first_bad: Option<(u64, String)>,
    /// NUL runs inside the text (damage: rsyslog after a hard reset).
    pub nul: Option<NulDamage>,
    /// Only bytes before this position of the scanned buffer are checked for NUL
    /// runs (a part's own range; the next part checks what follows).
    pub nul_clip: Option<usize>,
}

/// NUL runs found in a text source: where the first starts (byte offset in the
/// source, decompressed), how many, and their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NulDamage {
    pub first: u64,
    pub runs: u64,
    pub bytes: u64,
}

impl NulDamage {
    /// Joins the damage of a later part of the same source.
    pub fn join(a: Option<NulDamage>, b: Option<NulDamage>) -> Option<NulDamage> {
        match (a, b) {
            (Some(a), Some(b)) => Some(NulDamage {
                first: a.first.min(b.first),
                runs: a.runs + b.runs,
                bytes: a.bytes + b.bytes,
            }),
            (a, b) => a.or(b),
        }
    }
}

/// Counts the lines of `buf[from..to]`, noting its NUL runs (`base`: the offset of
/// `buf` in its source). A journal export is exempt: its binary fields hold NULs.
fn lines_of(
    format: FileFormat,
    buf: &[u8],
    from: usize,
    to: usize,
    base: u64,
    issues: &mut ScanIssues,
) -> u64 {
    note_nuls(format, buf, from, to, base, issues);
    buf.get(from..to).map_or(0, count_lines)
}

/// Notes the NUL runs of `buf[from..to]` (up to `issues.nul_clip`) as damage. A
/// journal export is exempt: its binary fields hold NULs.
fn note_nuls(
    format: FileFormat,
    buf: &[u8],
    from: usize,
    to: usize,
    base: u64,
    issues: &mut ScanIssues,
) {
    if from >= to {
        return;
    }
    let nuls = buf
        .get(from..to)
        .and_then(|b| b.get(..nul_len(format, from, to, issues)))
        .and_then(crate::source::nul_runs);
    join_nuls(from, nuls, base, issues);
}

/// How many bytes of `buf[from..to]` are looked at for NULs (`issues.nul_clip`; none
/// in a journal export).
fn nul_len(format: FileFormat, from: usize, to: usize, issues: &ScanIssues) -> usize {
    if format == FileFormat::JournalExport {
        return 0;
    }
    issues.nul_clip.unwrap_or(usize::MAX).clamp(from, to) - from
}

/// Adds the NUL runs found in a range starting at `from` to the damage noted.
fn join_nuls(from: usize, nuls: crate::scan::fused::Nuls, base: u64, issues: &mut ScanIssues) {
    if let Some((first, runs, bytes)) = nuls {
        let found = NulDamage {
            first: base + (from + first) as u64,
            runs: runs as u64,
            bytes: bytes as u64,
        };
        issues.nul = NulDamage::join(issues.nul, Some(found));
    }
}

/// Lines the prefilter passed over, `buf[from..to]`: handed to [`Feed::skipped`],
/// which counts them and finds their NUL runs in the same pass. Returns the count.
fn skip(
    format: FileFormat,
    buf: &[u8],
    from: usize,
    to: usize,
    asm: &mut Feed,
    issues: &mut ScanIssues,
) -> u64 {
    let Some(hay) = buf.get(from..to) else {
        return 0;
    };
    let pass = asm.skipped(format, hay, nul_len(format, from, to, issues));
    join_nuls(from, pass.nuls, asm.offset_base, issues);
    pass.lines
}

/// Scans `buf[start..]`. Prefilter hits are searched for only before `soft_end` (a
/// record boundary); an open block is followed past it. Without `eof`, a record not
/// terminated by its separator is left unconsumed for the next call. `line` is the
/// line number of `start`. Expects `start <= soft_end <= buf.len()`; a range outside
/// `buf` is scanned as if empty, never panics.
#[allow(clippy::too_many_arguments)]
pub fn scan(
    format: FileFormat,
    buf: &[u8],
    start: usize,
    soft_end: usize,
    eof: bool,
    line: u64,
    asm: &mut Feed,
    issues: &mut ScanIssues,
) -> ScanEnd {
    let mut pos = start;
    let mut line = line;
    let mut at_soft = None;
    // The block open when the scan reached `soft_end` (a part follows only that one).
    let mut soft_block: Option<Option<u64>> = None;
    loop {
        if pos >= soft_end && at_soft.is_none() && pos == soft_end {
            at_soft = Some(line);
        }
        if pos >= soft_end && soft_block.is_none() {
            soft_block = Some(asm.open_offset());
        }
        if !asm.is_open() {
            if pos >= soft_end {
                break;
            }
            // Export, verbose and json-pretty records span lines: a window could
            // start inside one and cut its kernel fields off; they are searched whole.
            let win = if format.multiline() {
                soft_end
            } else {
                window_end(buf, pos, soft_end)
            };
            // `pos < win <= soft_end <= buf.len()`.
            let hay = buf.get(pos..win).unwrap_or_default();
            match prefilter(format, hay) {
                None => {
                    line += skip(format, buf, pos, win, asm, issues);
                    pos = win;
                    continue;
                }
                Some(h) => {
                    let hit = pos + h;
                    let rs = format.record_start(buf, hit).max(pos);
                    line += skip(format, buf, pos, rs, asm, issues);
                    pos = rs;
                }
            }
        }
        let rest = match buf.get(pos..) {
            Some(rest) if !rest.is_empty() => rest,
            _ => break,
        };
        let next = match format {
            FileFormat::JournalExport => {
                // A record is parsed once it is whole (its fields walked, binary ones
                // by their length), so chunks read it as the whole file does.
                if !eof && crate::envelope::journal::export_record_end(buf, pos).is_none() {
                    break;
                }
                let (rec, next) = parse_export_record(buf, pos);
                asm.feed(&rec.as_record(), line, pos as u64);
                next
            }
            FileFormat::JournalVerbose => {
                let Some((rec, next)) = journal_verbose::next_record(buf, pos, eof) else {
                    break;
                };
                asm.feed(&rec.as_record(), line, pos as u64);
                next
            }
            FileFormat::JournalJsonPretty => {
                let Some((rec, next)) = journal_json_pretty::next_record(buf, pos, eof) else {
                    break;
                };
                match rec {
                    Some(Ok(rec)) => asm.feed(&rec.as_record(), line, pos as u64),
                    Some(Err(e)) => {
                        issues.bad_records += 1;
                        issues.first_bad.get_or_insert((line, e));
                    }
                    None => {}
                }
                next
            }
            _ => {
                let (text, end) = match memchr::memchr(b'\n', rest) {
                    Some(i) => (rest.get(..i).unwrap_or_default(), pos + i),
                    None if eof => (rest, buf.len()),
                    None => break,
                };
                if matches!(format, FileFormat::JournalJson | FileFormat::JournalJsonSeq) {
                    if !text.iter().all(u8::is_ascii_whitespace) {
                        match parse_json_line(text) {
                            Ok(rec) => asm.feed(&rec.as_record(), line, pos as u64),
                            Err(e) => {
                                issues.bad_records += 1;
                                issues.first_bad.get_or_insert((line, e));
                            }
                        }
                    }
                } else {
                    // A NUL run (damage, reported by the caller) is not part of the
                    // line it precedes: rsyslog writes the next line right after it.
                    let text = match memchr::memrchr(0, text) {
                        Some(i) => text.get(i + 1..).unwrap_or_default(),
                        None => text,
                    };
                    asm.feed(&parse_line(text), line, pos as u64);
                }
                (end + 1).min(buf.len())
            }
        };
        // Past a part's end, a header that started another block is the next part's:
        // the part ends before it (the block it closed is emitted, as the whole file
        // does). Other starts are followed, as they may read differently from there.
        if asm.part_end.is_some()
            && let Some(open_then) = soft_block
            && asm.open_offset().is_some_and(|o| Some(o) != open_then)
            && asm.open_is_plain_header()
        {
            asm.drop_open();
            break;
        }
        // `pos < next <= buf.len()`: a record is at least one byte.
        line += lines_of(format, buf, pos, next, asm.offset_base, issues);
        if next == buf.len() && buf.last() != Some(&b'\n') && !format.multiline() {
            line += 1;
        }
        pos = next;
    }
    ScanEnd {
        pos,
        line,
        line_at_soft_end: at_soft,
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    fn scan_all(format: FileFormat, text: &str) -> Feed {
        let mut a = Feed::new("f");
        let mut issues = ScanIssues::default();
        scan(
            format,
            text.as_bytes(),
            0,
            text.len(),
            true,
            1,
            &mut a,
            &mut issues,
        );
        a.finish();
        a
    }

    #[test]
    fn prefilter_skips_to_blocks_and_counts_lines() {
        let mut text = String::new();
        for i in 0..1000 {
            text.push_str(&format!(
                "Jun 23 11:24:{:02} host systemd[1]: Started unit {i}.\n",
                i % 60
            ));
        }
        text.push_str("Jun 23 11:25:00 host kernel: Out of memory: Killed process 42 (stress) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB\n");
        let a = scan_all(FileFormat::Lines, &text);
        assert_eq!(a.events.len(), 1);
        assert_eq!(a.events[0].sources[0].line, 1001);
        assert_eq!(a.events[0].kind, Some(crate::model::OomKind::Host));
    }

    #[test]
    fn resumes_across_chunks() {
        let text = "x\n[1.0] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n[1.0] Mem-Info:\n[1.0] Out of memory: Killed process 7 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB\n";
        let cut = text.find("Mem-Info").unwrap() + 3;
        let mut a = Feed::new("f");
        let mut issues = ScanIssues::default();
        let soft = memchr::memrchr(b'\n', &text.as_bytes()[..cut]).unwrap() + 1;
        let end = scan(
            FileFormat::Lines,
            &text.as_bytes()[..cut],
            0,
            soft,
            false,
            1,
            &mut a,
            &mut issues,
        );
        assert_eq!(end.pos, soft);
        assert!(a.is_open());
        let rest = &text.as_bytes()[end.pos..];
        scan(
            FileFormat::Lines,
            rest,
            0,
            rest.len(),
            true,
            end.line,
            &mut a,
            &mut issues,
        );
        a.finish();
        assert_eq!(a.events.len(), 1);
        assert!(a.events[0].complete);
        assert_eq!(a.events[0].sources[0].line, 2);
    }

    fn export_rec(msg: &str, t: u64) -> String {
        format!(
            "__CURSOR=s=abc;i={t}\n__REALTIME_TIMESTAMP={t}\n__MONOTONIC_TIMESTAMP=5000000\n_BOOT_ID=0123\n_TRANSPORT=kernel\nPRIORITY=3\nSYSLOG_IDENTIFIER=kernel\nMESSAGE={msg}\n_HOSTNAME=node1\n\n"
        )
    }

    /// An export record whose MESSAGE line crosses a search window's end keeps its
    /// kernel fields (windows would otherwise start inside the record).
    #[test]
    fn export_record_across_a_window_end_keeps_its_kernel_fields() {
        let kill = "Out of memory: Killed process 42 (stress) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:0kB";
        let head_len = export_rec(kill, 1).find("MESSAGE=").unwrap();
        let mut text = String::new();
        let mut i = 0u64;
        loop {
            let r = export_rec("systemd: Started unit", 1_709_633_400_000_000 + i);
            if text.len() + r.len() + head_len + 10 > WINDOW {
                break;
            }
            text.push_str(&r);
            i += 1;
        }
        while text.len() + head_len < WINDOW - 60 {
            text.push_str("X=y\n\n");
        }
        let msg_at = text.len() + head_len;
        assert!(msg_at < WINDOW && msg_at + kill.len() > WINDOW, "{msg_at}");
        text.push_str(&export_rec(kill, 1_709_633_472_000_000));
        for _ in 0..5000 {
            text.push_str(&export_rec("systemd: Started unit", 1_709_633_500_000_000));
        }
        let a = scan_all(FileFormat::JournalExport, &text);
        assert_eq!(a.events.len(), 1, "the kill is found");
        let one = scan_all(
            FileFormat::JournalExport,
            &export_rec(kill, 1_709_633_472_000_000),
        );
        assert_eq!(
            format!("{:?}", a.events[0].time),
            format!("{:?}", one.events[0].time)
        );
    }

    #[test]
    fn journal_json_with_byte_array() {
        let bytes: Vec<String> =
            "Out of memory: Killed process 9 (b) total-vm:1kB, anon-rss:2kB, file-rss:3kB"
                .bytes()
                .map(|b| b.to_string())
                .collect();
        let text = format!(
            "{{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":[{}]}}\nnot json\n",
            bytes.join(",")
        );
        let mut a = Feed::new("f");
        let mut issues = ScanIssues::default();
        scan(
            FileFormat::JournalJson,
            text.as_bytes(),
            0,
            text.len(),
            true,
            1,
            &mut a,
            &mut issues,
        );
        a.finish();
        assert_eq!(a.events.len(), 1);
        assert_eq!(a.events[0].victim.pid, Some(9));
    }
}
