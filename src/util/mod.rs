//! Small helpers every stage may use: error wording, number parsing, escaping,
//! limits, short literal searches. Uses only `model` and `clock`.
//!
//! The layering (checked by `../shared/tools/layering`), foundations first:
//! `model`, `clock`, `util`, `source` → `bundle` → `envelope` → `kernel`, `userspace`,
//! `k8s` → `scan` → `analysis` → `report`; the glue (`lib`, `main`, `cli`, `progress`)
//! may use everything.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

/// The first `needle` in `hay`, for the short haystacks of one record or line: a
/// `memchr` for the needle's rarest byte (memchr's own byte-frequency ranking, so
/// `" invoked oom-killer:"` is not looked for by its space), each candidate compared.
/// `memchr::memmem::find` builds a searcher per call (choosing rare bytes, setting up
/// its vector search), which costs more than the search itself on a line (~3 % of the
/// scan when called per record; docs/PERFORMANCE.md, *Fourth pass*); a long haystack
/// goes to it. Worst case `hay.len() × needle.len()` compares, needles being short
/// literals.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    match needle {
        [] => return Some(0),
        [b] => return memchr::memchr(*b, hay),
        _ if hay.len() > 4096 => return memchr::memmem::find(hay, needle),
        _ => {}
    }
    let rare =
        memchr::arch::all::packedpair::Pair::new(needle).map_or(0, |p| usize::from(p.index1()));
    let &byte = needle.get(rare)?;
    let mut from = rare;
    while let Some(p) = hay.get(from..).and_then(|h| memchr::memchr(byte, h)) {
        let at = from + p - rare;
        // Compared byte by byte: a `memcmp` call costs more than these few bytes.
        if hay
            .get(at..at + needle.len())
            .is_some_and(|h| h.iter().zip(needle).all(|(x, y)| x == y))
        {
            return Some(at);
        }
        from += p + 1;
    }
    None
}

/// Whether `hay` holds `needle` ([`find`]).
pub fn has(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

/// Text for a terminal: control characters (ESC, BEL, CR, C1 controls, and the line
/// breaks unless `keep_newlines`) and the bidirectional controls that reorder what is
/// shown (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are written visibly,
/// as `\x1b` and `\u{202e}`, so a process or file name cannot move the cursor, clear
/// the screen or disguise a line. A backslash stays as it is.
pub fn terminal(s: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bidi = |c: char| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}');
    let bad = |c: char| (c.is_control() && !(keep_newlines && c == '\n')) || bidi(c);
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !bad(c) {
            out.push(c);
        } else if u32::from(c) < 0x80 {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `524288` kB → `512.0 MiB`; below 1 MiB in whole KiB.
pub fn human_kb(kb: u64) -> String {
    const UNITS: &[&str] = &["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = kb as f64;
    let mut unit = "KiB";
    for u in UNITS.iter().skip(1) {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    if unit == "KiB" {
        format!("{kb} KiB")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// An I/O error as a short reason for a one-line message.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn find_agrees_with_memmem_on_short_and_long_haystacks() {
        let line = b"[ 1.0] java invoked oom-killer: gfp_mask=0xcc0#012Killed process 1 (ja#012va)";
        for needle in [
            &b"#012"[..],
            b"Killed process ",
            b"oo",
            b"a",
            b"",
            b"zz",
            b"va)",
            b"va)x",
        ] {
            for from in 0..line.len() {
                let hay = &line[from..];
                assert_eq!(
                    find(hay, needle),
                    memchr::memmem::find(hay, needle),
                    "{needle:?} from {from}"
                );
            }
        }
        let mut long = vec![b'#'; 9000];
        long.extend_from_slice(b"#012");
        assert_eq!(find(&long, b"#012"), Some(9000));
        assert!(has(b"aab", b"ab") && !has(b"a", b"ab"));
    }

    #[test]
    fn terminal_text_shows_controls_visibly() {
        assert_eq!(terminal("plain (java)", false), "plain (java)");
        assert_eq!(
            terminal("ev\x1b[2Jil\x07 \u{202e}gnp.exe\u{9b}", false),
            "ev\\x1b[2Jil\\x07 \\u{202e}gnp.exe\\u{9b}"
        );
        assert_eq!(terminal("a\nb\r", true), "a\nb\\x0d");
        assert_eq!(terminal("a\nb", false), "a\\x0ab");
    }
}
