//! `journalctl -o json-pretty`: each entry a JSON object over many lines, `{` and `}`
//! alone at the start of their lines and every field indented between them
//! (`\t"MESSAGE" : "…",`; a byte-array `MESSAGE` one number a line). JSON strings
//! hold no raw newline, so a line starting with `{` starts an entry and one starting
//! with `}` ends it. Each object is read as `-o json` reads its line.

use super::journal::{OwnedRecord, parse_json_line};

/// The start of the entry holding `buf[hit]`: the last line starting with `{` at or
/// before it.
pub fn record_start(buf: &[u8], hit: usize) -> usize {
    let mut end = hit.min(buf.len());
    loop {
        let ls = buf
            .get(..end)
            .and_then(|b| memchr::memrchr(b'\n', b))
            .map_or(0, |i| i + 1);
        if ls == 0 || buf.get(ls) == Some(&b'{') {
            return ls;
        }
        end = ls - 1;
    }
}

/// The end of the entry starting at `pos`: after its `}` line, or `None` when that
/// line is not in `buf` yet (and `buf` does not end the input).
pub fn record_end(buf: &[u8], pos: usize, eof: bool) -> Option<usize> {
    let mut at = pos;
    loop {
        let rest = buf.get(at..)?;
        let nl = memchr::memchr(b'\n', rest);
        if rest.first() == Some(&b'}') {
            return match nl {
                Some(i) => Some(at + i + 1),
                None => eof.then_some(buf.len()),
            };
        }
        match nl {
            Some(i) => at += i + 1,
            None => return eof.then_some(buf.len()),
        }
        if at >= buf.len() {
            return eof.then_some(buf.len());
        }
    }
}

/// The end of the last complete entry in `buf` (the start of its last `{` line).
pub fn record_boundary(buf: &[u8]) -> usize {
    record_start(buf, buf.len().saturating_sub(1))
}

/// An entry read: the record or why it is unreadable (`None`: blank lines only).
pub type Entry = Option<Result<OwnedRecord, String>>;

/// Reads the entry at `buf[pos..]` and where the next one starts, or `None` when it
/// may continue past the end of `buf`.
pub fn next_record(buf: &[u8], pos: usize, eof: bool) -> Option<(Entry, usize)> {
    let end = record_end(buf, pos, eof)?;
    let text = buf.get(pos..end).unwrap_or_default();
    let rec = (!text.iter().all(u8::is_ascii_whitespace)).then(|| parse_json_line(text));
    Some((rec, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "{\n\t\"__REALTIME_TIMESTAMP\" : \"1709633900120001\",\n\t\"_TRANSPORT\" : \"kernel\",\n\t\"MESSAGE\" : \"Mem-Info:\"\n}\n{\n\t\"_TRANSPORT\" : \"kernel\",\n\t\"MESSAGE\" : [\n\t\t77,\n\t\t101\n\t]\n}\n";

    /// Every cut reads without a panic, as incomplete or as an entry.
    #[test]
    fn cut_entries_do_not_panic() {
        let b = TWO.as_bytes();
        for cut in 0..=b.len() {
            let part = &b[..cut];
            let _ = record_boundary(part);
            let _ = record_start(part, cut);
            if cut > 0 {
                let _ = next_record(part, 0, true);
                let _ = next_record(part, cut - 1, false);
            }
        }
    }

    #[test]
    fn entries_and_bounds() {
        let b = TWO.as_bytes();
        let second = TWO.find("}\n{").unwrap() + 2;
        let (r, end) = next_record(b, 0, false).unwrap();
        assert_eq!(end, second);
        let r = r.unwrap().unwrap();
        assert!(r.kernel);
        assert_eq!(r.message, b"Mem-Info:");
        assert_eq!(r.realtime_us, Some(1_709_633_900_120_001));
        let (r, end) = next_record(b, second, false).unwrap();
        assert_eq!(
            (r.unwrap().unwrap().message, end),
            (b"Me".to_vec(), b.len())
        );
        assert_eq!(record_boundary(b), second);
        assert_eq!(record_start(b, b.len() - 5), second);
        assert_eq!(record_start(b, 20), 0);
        // Cut before the closing brace: incomplete, unless the input ends there.
        let cut = &b[..b.len() - 2];
        assert!(next_record(cut, second, false).is_none());
        let (r, end) = next_record(cut, second, true).unwrap();
        assert!(r.unwrap().is_err());
        assert_eq!(end, cut.len());
        let (r, _) = next_record(b"\n\n", 0, true).unwrap();
        assert!(r.is_none());
        assert!(next_record(b"", 0, false).is_none());
        assert_eq!(record_boundary(b""), 0);
    }
}
