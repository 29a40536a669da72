//! `-`: standard input as one loose log. Compression and format are told by its first
//! bytes, and it is scanned as a stream in bounded memory. It has no file time: a
//! syslog year comes from `--reference-date` or the records themselves.

use super::{BundleKind, SourceFile, new_bundle};
use crate::analysis::Analyzed;
use crate::source::{self, Compression};
use crate::util::io_reason;
use std::io::{self, Cursor, Read};

/// Bytes read to tell the compression, then the format.
const HEAD: usize = 64 * 1024;

/// Reads and scans standard input. `Err` (one line) when it cannot be read or is binary.
pub fn read() -> Result<Vec<Analyzed>, String> {
    let fail = |e: io::Error| format!("-: cannot read standard input: {}", io_reason(&e));
    let mut raw = io::stdin().lock();
    let magic = read_head(&mut raw).map_err(|(_, e)| fail(e))?;
    let compression = Compression::detect(&magic);
    let mut decoded =
        source::guarded_decoder(Cursor::new(magic).chain(raw), compression).map_err(fail)?;
    // A stream damaged within its head still gives what was read, then the error, so
    // the scan reports the damage as it does anywhere else.
    let (head, rest): (Vec<u8>, Box<dyn Read>) = match read_head(&mut decoded) {
        Ok(head) => (head, decoded),
        Err((head, e)) => (head, Box::new(Failing(Some(e)))),
    };
    if source::is_binary(&head) {
        return Err("-: binary input (not a text log)".into());
    }
    let src = SourceFile::new("-".into(), "-".into(), "-", compression, &head, None);
    let scan = crate::scan::scan_stream(&mut Cursor::new(head).chain(rest), "-", src.format);
    let mut bundle = new_bundle("-".into(), BundleKind::File, None);
    bundle.sources.push(src);
    Ok(vec![Analyzed {
        bundle,
        scans: vec![scan],
        snapshots: Vec::new(),
    }])
}

/// Up to [`HEAD`] bytes; on an error, the bytes read before it with the error.
fn read_head(r: &mut dyn Read) -> Result<Vec<u8>, (Vec<u8>, io::Error)> {
    let mut head = vec![0; HEAD];
    let (n, err) = source::read_partial(r, &mut head);
    head.truncate(n);
    match err {
        None => Ok(head),
        Some(e) => Err((head, e)),
    }
}

/// A reader that fails once with the error it holds, then ends.
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}
