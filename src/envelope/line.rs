//! Line envelopes: every format where one line is one record, each in a file of its
//! own, tried in order by [`parse_line`] (files mix them: a syslog file can hold raw
//! dmesg lines, a console capture glues a prompt to the first kernel line).
//!
//! | envelope | file | example |
//! |---|---|---|
//! | RFC 3164 syslog, journalctl `short`, `short-precise` | [`syslog3164`](super::syslog3164) | `Jun 23 11:24:34 host prog[pid]: msg` |
//! | journalctl `short-full`, `with-unit` | [`journal_short_full`](super::journal_short_full) | `Tue 2024-03-05 10:11:12 UTC host prog: msg` |
//! | `dmesg -x` (`-T`, iso, `-t`) | [`dmesg_x`](super::dmesg_x) | `kern  :warn  : [  123.456789] msg` |
//! | `dmesg --time-format iso` | [`dmesg_iso`](super::dmesg_iso) | `2024-04-29T14:55:41,678628+02:00 msg` |
//! | VMware guest log | [`vmware`](super::vmware) | `<ISO> In(05) vcpu-5 - Guest: <6>[…] msg` |
//! | RFC 3339 syslog, journalctl `short-iso` | [`syslog3339`](super::syslog3339) | `2024-03-05T10:11:12.123+00:00 host prog: msg` |
//! | journalctl `short-unix` | [`journal_short_unix`](super::journal_short_unix) | `1709633900.120001 host prog: msg` |
//! | `/dev/kmsg` | [`kmsg`](super::kmsg) | `6,23800,6780904484233,-;msg` |
//! | journalctl `short-monotonic` | [`journal_short_monotonic`](super::journal_short_monotonic) | `[  123.456789] host kernel: msg` |
//! | raw dmesg | [`dmesg`](super::dmesg) | `[  123.456789] msg`, `[  1.2][ T9185] msg` |
//! | `dmesg -T` | [`dmesg_t`](super::dmesg_t) | `[Sat Apr 27 22:56:09 2019] msg` |
//! | `<N>` priority | [`priority`](super::priority) | `<6>[  1.000000] msg` |
//! | pasted: quoted, indented | [`quoted`](super::quoted) | `> [ 12.3] msg`, `    Mar  5 … msg` |
//! | console junk before `[uptime]` | [`console`](super::console) | `login: [ 12.3] msg` |
//! | anything else, journalctl `cat` | [`bare`](super::bare) | the whole line is the message |
//!
//! Each envelope is `fn parse(line) -> Option<Record>` that rejects what is not its
//! own, cheaply by the first byte where it can. Order matters only where two accept
//! the same line (a VMware line is also RFC 3339; everything is bare): the earlier
//! wins, and the registry test checks that every envelope's `CASES` are parsed by that
//! envelope. Kernel text inside any of them may carry its own `<N>` and `[uptime]`
//! ([`fields::kernel_inner`](super::fields::kernel_inner)), and any `[uptime]` may be
//! followed by a printk caller id (`[ T9185]`, [`fields::after_stamp`](super::fields::after_stamp)).

use super::Record;

/// One line envelope of the registry.
pub struct Envelope {
    /// Its module's name.
    pub name: &'static str,
    /// Parses a line (without newline or `\r`) if it is in this envelope.
    pub parse: fn(&[u8]) -> Option<Record<'_>>,
    /// Real-shaped lines with the record expected from each.
    #[cfg(test)]
    pub(crate) cases: &'static [Case],
}

/// A registry line: the envelope module `$m` (its `parse` and `CASES`).
macro_rules! envelope {
    ($m:ident) => {
        Envelope {
            name: stringify!($m),
            parse: super::$m::parse,
            #[cfg(test)]
            cases: super::$m::CASES,
        }
    };
}

/// The line envelopes in the order they are tried; `bare` (always matching) is last.
pub static ENVELOPES: &[Envelope] = &[
    envelope!(syslog3164),
    envelope!(journal_short_full),
    envelope!(dmesg_x),
    envelope!(dmesg_iso),
    envelope!(vmware),
    envelope!(syslog3339),
    envelope!(journal_short_unix),
    envelope!(kmsg),
    envelope!(journal_short_monotonic),
    envelope!(dmesg),
    envelope!(dmesg_t),
    envelope!(priority),
    envelope!(quoted),
    envelope!(console),
    envelope!(bare),
];

/// Strips the envelope of one line (without its newline).
pub fn parse_line(line: &[u8]) -> Record<'_> {
    parse_line_named(line).1
}

/// [`parse_line`], with the name of the envelope that recognized the line.
pub fn parse_line_named(line: &[u8]) -> (&'static str, Record<'_>) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    ENVELOPES
        .iter()
        .find_map(|e| (e.parse)(line).map(|r| (e.name, r)))
        .unwrap_or_else(|| ("bare", super::bare::record(line)))
}

/// A line and the record expected from it.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Case {
    pub line: &'static str,
    pub wall: super::Wall,
    pub uptime_us: Option<u64>,
    pub time_raw: &'static str,
    pub host: Option<&'static str>,
    pub origin: super::Origin,
    pub program: Option<&'static str>,
    pub msg: &'static str,
}

/// Does `rec` hold what `case` expects? The differences, if not.
#[cfg(test)]
pub(crate) fn mismatch(case: &Case, rec: &Record) -> Option<String> {
    let got = (
        rec.wall,
        rec.uptime_us,
        rec.time_raw.as_ref(),
        rec.host,
        rec.origin,
        rec.program,
        String::from_utf8_lossy(&rec.msg),
    );
    let want = (
        case.wall,
        case.uptime_us,
        case.time_raw,
        case.host,
        case.origin,
        case.program,
        std::borrow::Cow::Borrowed(case.msg),
    );
    (got != want).then(|| format!("{:?}\n  got  {got:?}\n  want {want:?}", case.line))
}

/// Checks an envelope's own parser against its cases.
#[cfg(test)]
pub(crate) fn check(parse: fn(&[u8]) -> Option<Record<'_>>, cases: &[Case]) {
    assert!(!cases.is_empty());
    for case in cases {
        match parse(case.line.as_bytes()) {
            Some(rec) => {
                if let Some(m) = mismatch(case, &rec) {
                    panic!("{m}");
                }
            }
            None => panic!("{:?} not recognized", case.line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case of every envelope goes through the dispatcher and comes out parsed
    /// by its own envelope (an earlier, overlapping one would steal it) as expected.
    #[test]
    fn every_case_is_parsed_by_its_own_envelope() {
        let mut n = 0;
        for e in ENVELOPES {
            assert!(!e.cases.is_empty(), "{} has no CASES", e.name);
            for case in e.cases {
                let (by, rec) = parse_line_named(case.line.as_bytes());
                assert_eq!(by, e.name, "{:?} is taken by {by}", case.line);
                if let Some(m) = mismatch(case, &rec) {
                    panic!("{}: {m}", e.name);
                }
                // A CRLF line is the same record.
                let crlf = format!("{}\r", case.line);
                let (by, rec) = parse_line_named(crlf.as_bytes());
                assert_eq!(by, e.name, "{crlf:?}");
                assert!(mismatch(case, &rec).is_none(), "{crlf:?}");
                n += 1;
            }
        }
        assert!(n >= 20, "{n} cases");
    }

    /// Input cannot break an envelope: every cut of every case, and of every case
    /// behind a quote, is parsed without a panic.
    #[test]
    fn cut_lines_do_not_panic() {
        for e in ENVELOPES {
            for case in e.cases {
                let b = case.line.as_bytes();
                for cut in 0..=b.len() {
                    let part = &b[..cut];
                    let _ = parse_line(part);
                    let quoted = [b"> ".as_slice(), part].concat();
                    let _ = parse_line(&quoted);
                }
            }
        }
    }

    #[test]
    fn names_are_unique_and_bare_is_last() {
        let names: std::collections::BTreeSet<_> = ENVELOPES.iter().map(|e| e.name).collect();
        assert_eq!(names.len(), ENVELOPES.len());
        assert_eq!(ENVELOPES.last().map(|e| e.name), Some("bare"));
    }
}
