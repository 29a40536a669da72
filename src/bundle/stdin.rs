//! `-`: standard input. An archive (tar, compressed tar, zip) is told by its first
//! bytes and read as it would be from a file (a zip, which needs random access, is
//! read into memory first, up to `--max-zip-buffer`, 1 GiB by default); a binary systemd journal is read into memory
//! (up to `scan::journal::MAX_JOURNAL_BYTES`); anything else is one loose log, its
//! compression and format told by its first bytes, scanned as a stream in bounded
//! memory. It has no file time: a syslog year comes from `--reference-date` or the
//! records themselves.

use super::classify::Sniffer;
use super::{BundleKind, LogSink, SourceFile, Streamed, archive, new_bundle};
use crate::source::{self, Compression, is_tar, is_zip};
use crate::util::io_reason;
use std::io::{self, Cursor, Read};
use std::path::Path;

use super::HEAD;
use crate::source::Limits;

/// Whether the first bytes `magic` of a stream compressed as `comp` decode to a tar
/// header (what follows the head is not needed for the first 512 bytes).
fn decoded_head_is_tar(magic: &[u8], comp: Compression) -> bool {
    let mut block = [0u8; 512];
    let Ok(mut d) = source::decoder(Cursor::new(magic), comp) else {
        return false;
    };
    // A head cut inside the stream errs once its bytes are used: what came before counts.
    let (n, _) = source::read_partial(&mut d, &mut block);
    is_tar(block.get(..n).unwrap_or_default())
}

/// Reads standard input, each log handed to `sink`. `Err` (one line) when it cannot
/// be read or is binary.
pub fn read<S: LogSink>(
    sink: &mut S,
    sniff: &dyn Sniffer,
    limits: Limits,
) -> Result<Vec<Streamed<S::Scan>>, String> {
    read_from(Box::new(io::stdin().lock()), sink, sniff, limits)
}

/// A stream given as a path (a FIFO, `<(zcat x.gz)` as `/dev/fd/N`, a character
/// device): opened once and read once, as standard input is, under its own name.
pub fn read_path<S: LogSink>(
    path: &Path,
    display: &str,
    sink: &mut S,
    sniff: &dyn Sniffer,
    limits: Limits,
) -> Result<Vec<Streamed<S::Scan>>, String> {
    let f = std::fs::File::open(path)
        .map_err(|e| format!("{display}: cannot read: {}", io_reason(&e)))?;
    read_named(Box::new(f), display, sink, sniff, limits)
}

/// [`read`], from any reader (standard input in the tool, bytes in tests).
pub fn read_from<S: LogSink>(
    raw: Box<dyn Read + '_>,
    sink: &mut S,
    sniff: &dyn Sniffer,
    limits: Limits,
) -> Result<Vec<Streamed<S::Scan>>, String> {
    read_named(raw, "-", sink, sniff, limits)
}

/// [`read_from`], the stream called `name` (`-` for standard input).
fn read_named<S: LogSink>(
    mut raw: Box<dyn Read + '_>,
    name: &str,
    sink: &mut S,
    sniff: &dyn Sniffer,
    limits: Limits,
) -> Result<Vec<Streamed<S::Scan>>, String> {
    let what = if name == "-" {
        "standard input"
    } else {
        "the stream"
    };
    let fail = |e: io::Error| format!("{name}: cannot read {what}: {}", io_reason(&e));
    let mut magic = vec![0; HEAD];
    let n = source::read_full(&mut raw, &mut magic).map_err(fail)?;
    magic.truncate(n);
    let compression = Compression::detect(&magic);
    let path = Path::new(name);
    if compression == Compression::None && is_zip(&magic) {
        let mut buf = magic;
        let max = limits.max_zip_buffer;
        raw.take(max.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(fail)?;
        if buf.len() as u64 > max {
            return Err(format!(
                "{name}: a zip on {what} over {max} bytes (--max-zip-buffer) is not read: a zip needs random access, so it is read into memory first; give it as a file"
            ));
        }
        return Ok(archive::read_zip_bytes(
            buf, path, name, sink, sniff, limits,
        ));
    }
    // A tar, plain or compressed (its first decoded block a tar header), is read
    // as an archive file is: one budget of decoded bytes (`--max-decoded-bytes`), each
    // member's ratio guarded (`--max-ratio`, `--ratio-floor`).
    if is_tar(&magic)
        || (compression != Compression::None && decoded_head_is_tar(&magic, compression))
    {
        let r = Box::new(Cursor::new(magic).chain(raw));
        return Ok(archive::read_tar_stream(
            r,
            compression,
            path,
            name,
            sink,
            sniff,
            limits,
        ));
    }
    let decoded =
        source::guarded_decoder(Cursor::new(magic).chain(raw), compression).map_err(fail)?;
    // A stream damaged within its head still gives what was read, then the error, so
    // the scan reports the damage as it does anywhere else.
    let (head, rest) = archive::split_head(decoded);
    if source::is_binary(&head) && !super::classify::journal_format(&head, sniff) {
        return Err(format!("{name}: binary input (not a text log)"));
    }
    let src = SourceFile::new(
        name.into(),
        name.into(),
        name,
        compression,
        &head,
        None,
        sniff,
    );
    let scan = sink.log(&src, &mut Cursor::new(head).chain(rest));
    let mut bundle = new_bundle(name.into(), BundleKind::File, None);
    bundle.sources.push(src);
    Ok(vec![Streamed {
        bundle,
        scans: vec![scan],
        tree: None,
        base: String::new(),
    }])
}
