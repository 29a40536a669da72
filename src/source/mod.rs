//! The bytes of one file: memory-mapped when possible, read otherwise, decompressed
//! as a stream when compressed.
//!
//! mmap *policy* lives here, apart from the scanner: a map is tried first and a
//! failure (a pipe, a special file, a file system that refuses) falls back to reading
//! the file. Pages behind the scan are released with `MADV_DONTNEED`, so resident
//! memory stays bounded by the parts in flight, not the file size.
//!
//! SAFETY of the map: a mapped file that another process truncates while we read it
//! raises SIGBUS. On Unix every map is guarded ([`sigbus`]): the fault turns the rest
//! of the map into zero pages, the read goes on, and the source is reported as having
//! shrunk ([`Body::shrunk`]); elsewhere the risk is that of ripgrep's maps.
//! `docs/THREAT-MODEL.md` ("Mapped files") has the whole argument.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

#[cfg(unix)]
mod sigbus;

use flate2::read::MultiGzDecoder;
use memmap2::{Mmap, UncheckedAdvice};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The record layout of a whole file, decided from its first bytes (by
/// `FileFormat::sniff` in `envelope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// One record per line, each line's envelope recognized on its own.
    Lines,
    /// `journalctl -o json`: one JSON object per line.
    JournalJson,
    /// `journalctl -o export`: `KEY=value` lines, records separated by a blank line.
    JournalExport,
    /// `journalctl -o json-seq`: one JSON object per line, after an RS (0x1e).
    JournalJsonSeq,
    /// `journalctl -o json-pretty`: one JSON object over many lines.
    JournalJsonPretty,
    /// `journalctl -o verbose`: a header line, then indented `FIELD=value` lines.
    JournalVerbose,
    /// A binary systemd journal file (signature `LPKSHHRH`): read whole by
    /// `scan::journal`, never by the text scanner.
    BinaryJournal,
}

/// How a stream is compressed, by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Xz,
    Zstd,
}

impl Compression {
    pub fn detect(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Compression::Xz
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Worker threads for one xz stream (multi-block files decode in parallel).
static XZ_THREADS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);

/// Memory liblzma's threaded decoder may use for its threads (input and output buffers
/// of the blocks in flight). Past it, it decodes with fewer threads rather than more
/// memory: a file of 64 MiB blocks needs ~90 MiB per thread, so two threads fit and a
/// 16-core machine does not multiply the peak RSS by eight.
const XZ_THREADING_MEMLIMIT: u64 = 256 << 20;

/// Decode compressed streams on a thread of their own (see [`read_ahead`]).
static READ_AHEAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns [`read_ahead`]'s decoding thread on or off: on when cores would otherwise
/// idle (fewer units of work than threads), off when every core already decodes.
pub fn set_read_ahead(on: bool) {
    READ_AHEAD.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Bytes decoded ahead per message, and messages in flight: at most
/// `AHEAD_DEPTH + 2` chunks (4–6 MiB) are held between the threads.
const AHEAD_CHUNK: usize = 1 << 20;
const AHEAD_DEPTH: usize = 4;

/// Runs `consume` over the stream `open` makes. With read-ahead on, `open` and the
/// decoding run on a second thread that keeps a few chunks ahead, so decompression
/// and scanning overlap (the scan then costs almost nothing on top of decoding); the
/// bytes, their order and any error are the same as reading the stream directly.
pub fn read_ahead<T>(
    open: impl FnOnce() -> io::Result<Box<dyn Read>> + Send,
    consume: impl FnOnce(io::Result<&mut dyn Read>) -> T,
) -> T {
    if !READ_AHEAD.load(std::sync::atomic::Ordering::Relaxed) {
        return match open() {
            Ok(mut r) => consume(Ok(&mut *r)),
            Err(e) => consume(Err(e)),
        };
    }
    read_ahead_threaded(open, consume)
}

/// [`read_ahead`] with the decoding thread, whatever the setting.
fn read_ahead_threaded<T>(
    open: impl FnOnce() -> io::Result<Box<dyn Read>> + Send,
    consume: impl FnOnce(io::Result<&mut dyn Read>) -> T,
) -> T {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Chunk>>(AHEAD_DEPTH);
        // Buffers come back for reuse, so each is zeroed once.
        let (free_tx, free_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        let (open_tx, open_rx) = std::sync::mpsc::sync_channel::<io::Result<()>>(1);
        s.spawn(move || {
            let mut r = match open() {
                Ok(r) => {
                    let _ = open_tx.send(Ok(()));
                    r
                }
                Err(e) => {
                    let _ = open_tx.send(Err(e));
                    return;
                }
            };
            loop {
                let mut buf = free_rx.try_recv().unwrap_or_else(|_| vec![0; AHEAD_CHUNK]);
                let (n, err) = read_partial(&mut r, &mut buf);
                // Bytes read before an error go first, as a direct reader gives them.
                if n > 0 && tx.send(Ok(Chunk { buf, len: n })).is_err() {
                    return;
                }
                if let Some(e) = err {
                    let _ = tx.send(Err(e));
                    return;
                }
                if n < AHEAD_CHUNK {
                    return;
                }
            }
        });
        match open_rx.recv() {
            Ok(Ok(())) => consume(Ok(&mut AheadReader {
                rx,
                free: free_tx,
                cur: Chunk {
                    buf: Vec::new(),
                    len: 0,
                },
                pos: 0,
            })),
            Ok(Err(e)) => consume(Err(e)),
            Err(_) => consume(Err(io::Error::other("the decoding thread failed"))),
        }
    })
}

/// `buf[..len]` was decoded.
struct Chunk {
    buf: Vec<u8>,
    len: usize,
}

/// The consuming end of [`read_ahead`].
struct AheadReader {
    rx: std::sync::mpsc::Receiver<io::Result<Chunk>>,
    free: std::sync::mpsc::Sender<Vec<u8>>,
    cur: Chunk,
    pos: usize,
}

impl Read for AheadReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.cur.len {
            match self.rx.recv() {
                Ok(Ok(c)) => {
                    let done = std::mem::replace(&mut self.cur, c);
                    if !done.buf.is_empty() {
                        let _ = self.free.send(done.buf);
                    }
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                // The decoder is done (or gone after an error it reported).
                Err(_) => return Ok(0),
            }
        }
        let avail = self.cur.buf.get(self.pos..self.cur.len).unwrap_or_default();
        let n = out.len().min(avail.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), avail.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.pos += n;
        Ok(n)
    }
}

/// Sets the threads an xz decoder may use.
pub fn set_xz_threads(n: u32) {
    XZ_THREADS.store(n.max(1), std::sync::atomic::Ordering::Relaxed);
}

/// A decompressing reader over `r`.
pub fn decoder<'a, R: Read + 'a>(r: R, comp: Compression) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match comp {
        Compression::None => Box::new(r),
        Compression::Gzip => Box::new(MultiGzDecoder::new(io::BufReader::with_capacity(
            1 << 20,
            r,
        ))),
        Compression::Xz => Box::new(MultiXz::new(io::BufReader::with_capacity(1 << 20, r))?),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(r)?),
    })
}

/// One multithreaded xz stream decoder (liblzma's threaded decoder cannot be told to
/// decode concatenated streams, so [`MultiXz`] starts one per stream).
fn xz_stream() -> io::Result<liblzma::stream::Stream> {
    let threads = XZ_THREADS.load(std::sync::atomic::Ordering::Relaxed);
    liblzma::stream::MtStreamBuilder::new()
        .threads(threads)
        .memlimit_stop(u64::MAX)
        .memlimit_threading(XZ_THREADING_MEMLIMIT)
        .decoder()
        .map_err(io::Error::other)
}

/// An `.xz` file of concatenated streams (`cat a.xz b.xz`, `pixz`, appended logs)
/// decoded to its end, as `xz -d` does: after each stream's end, stream padding (NUL
/// bytes) is skipped and the next stream decoded; bytes after the last stream that
/// are not another stream are an error, like `xz`'s "file format not recognized".
struct MultiXz<R: io::BufRead> {
    dec: Option<liblzma::bufread::XzDecoder<R>>,
}

const XZ_MAGIC: &[u8] = &[0xfd, b'7', b'z', b'X', b'Z', 0];

impl<R: io::BufRead> MultiXz<R> {
    fn new(r: R) -> io::Result<Self> {
        Ok(MultiXz {
            dec: Some(liblzma::bufread::XzDecoder::new_stream(r, xz_stream()?)),
        })
    }

    /// After a stream's end: is another stream next (padding skipped)?
    fn next_stream(r: &mut R) -> io::Result<bool> {
        loop {
            let buf = r.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let zeros = buf.iter().take_while(|&&b| b == 0).count();
            if zeros == 0 {
                break;
            }
            r.consume(zeros);
        }
        // The magic may straddle the buffer's end: a prefix of it is taken as the
        // next stream, whose decoder then reads on or reports the damage.
        let buf = r.fill_buf()?;
        let n = buf.len().min(XZ_MAGIC.len());
        if XZ_MAGIC.get(..n) == buf.get(..n) {
            return Ok(true);
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "bytes after the last xz stream are not an xz stream",
        ))
    }
}

impl<R: io::BufRead> Read for MultiXz<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let Some(dec) = self.dec.as_mut() else {
                return Ok(0);
            };
            let n = dec.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            // This stream ended: decode the next one, if any.
            let Some(dec) = self.dec.take() else {
                return Ok(0);
            };
            let mut r = dec.into_inner();
            if Self::next_stream(&mut r)? {
                self.dec = Some(liblzma::bufread::XzDecoder::new_stream(r, xz_stream()?));
            }
        }
    }
}

/// A whole uncompressed file in memory: mapped or read.
pub enum Body {
    /// A map and its SIGBUS guard (None: not guarded). The guard is dropped first,
    /// so the map is unregistered before it is unmapped.
    Map(Option<MapGuard>, Mmap),
    Buf(Vec<u8>),
}

#[cfg(unix)]
pub use sigbus::Guard as MapGuard;
/// No guard off Unix.
#[cfg(not(unix))]
#[derive(Debug)]
pub struct MapGuard;

impl std::ops::Deref for Body {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Body::Map(_, m) => m,
            Body::Buf(b) => b,
        }
    }
}

impl Body {
    /// Maps `path` read-only, or reads it when mapping is impossible.
    pub fn open(path: &Path) -> io::Result<Body> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        if len == 0 || !file.metadata()?.is_file() {
            // A size of 0 says nothing about `/proc`-like files (and nothing maps an
            // empty file): what reading gives is the content.
            let mut v = Vec::new();
            (&file).read_to_end(&mut v)?;
            return Ok(Body::Buf(v));
        }
        // SAFETY: see the module docs: archived evidence is not modified while read.
        match unsafe { Mmap::map(&file) } {
            Ok(m) => {
                let _ = m.advise(memmap2::Advice::Sequential);
                #[cfg(unix)]
                let guard = sigbus::register(m.as_ptr(), m.len());
                #[cfg(not(unix))]
                let guard = None;
                Ok(Body::Map(guard, m))
            }
            Err(_) => {
                let mut v = Vec::new();
                File::open(path)?.read_to_end(&mut v)?;
                Ok(Body::Buf(v))
            }
        }
    }

    /// Did the mapped file shrink while it was read (a read past its new end, seen as
    /// NUL bytes instead of SIGBUS)?
    pub fn shrunk(&self) -> bool {
        match self {
            #[cfg(unix)]
            Body::Map(Some(g), _) => g.shrunk(),
            _ => false,
        }
    }

    /// Tells the kernel the pages of `range` will not be needed again.
    pub fn release(&self, start: usize, end: usize) {
        if let Body::Map(_, m) = self {
            // Outward to whole pages: a neighbour still scanning a shared page just
            // faults it back in from the page cache.
            let page = 4096;
            let s = (start / page) * page;
            let e = end.div_ceil(page).saturating_mul(page).min(m.len());
            if e > s {
                // SAFETY: the map is read-only and file-backed: dropped pages are read
                // again from the file if touched later, so no data is lost.
                let _ = unsafe { m.unchecked_advise_range(UncheckedAdvice::DontNeed, s, e - s) };
            }
        }
    }
}

/// Reads the first `n` bytes of a file, decompressed if it is compressed.
pub fn head(path: &Path, n: usize) -> io::Result<(Compression, Vec<u8>)> {
    head_checked(path, n).map(|h| (h.compression, h.bytes))
}

/// The first bytes of a file, decompressed.
#[derive(Debug)]
pub struct Head {
    pub compression: Compression,
    /// Up to the bytes asked for; those before damage when decoding failed.
    pub bytes: Vec<u8>,
    /// Decoding failed within them (a CRC error, a stream cut short): the file is
    /// damaged, not empty, whatever `bytes` holds.
    pub damaged: bool,
}

/// [`head`], telling whether decoding failed within the head.
pub fn head_checked(path: &Path, n: usize) -> io::Result<Head> {
    let mut f = File::open(path)?;
    let mut magic = [0u8; 6];
    let got = read_full(&mut f, &mut magic)?;
    let comp = Compression::detect(magic.get(..got).unwrap_or(&magic));
    let mut reader = decoder(File::open(path)?, comp)?;
    let mut buf = vec![0u8; n];
    let (got, err) = read_partial(&mut reader, &mut buf);
    // A plain file that cannot be read is an error; a compressed one keeps the bytes
    // decoded before its damage (the scan reports the damage).
    if let (Some(e), Compression::None) = (&err, comp) {
        return Err(io::Error::new(e.kind(), e.to_string()));
    }
    buf.truncate(got);
    Ok(Head {
        compression: comp,
        bytes: buf,
        damaged: err.is_some(),
    })
}

/// A decompressing reader over a file.
pub fn stream(path: &Path, comp: Compression) -> io::Result<Box<dyn Read>> {
    guarded_decoder(File::open(path)?, comp)
}

/// Is this decompressed head the start of a tar archive?
pub fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// Is this raw head the start of a zip archive?
pub fn is_zip(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")
}

/// Decompressed output may exceed this many times its input only below [`BOMB_FLOOR`].
pub const BOMB_RATIO: u64 = 1000;
/// Output below this size is never treated as a bomb.
pub const BOMB_FLOOR: u64 = 1 << 30;
/// No single stream may decompress to more than this.
pub const BOMB_CAP: u64 = 1 << 40;

/// Limits on the work one top-level input may cause (docs/THREAT-MODEL.md), each
/// named in its warning and set on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes decompressed, over every nesting level, from one top-level archive
    /// (`--max-decoded-bytes`); bytes decoded only to skip a member count too.
    pub max_decoded_bytes: u64,
    /// An archive member decompressing to more than this many times its compressed
    /// bytes (`--max-ratio`) …
    pub max_ratio: u64,
    /// … once past this many bytes (`--ratio-floor`) is stopped; the members after it
    /// are read.
    pub ratio_floor: u64,
    /// How deep archives may nest inside the one given (`--max-nested`): a member
    /// archive deeper than this is not opened (a warning).
    pub max_nested: usize,
    /// A zip that must be read into memory to be read at all (zip needs random
    /// access: one nested in an archive, or on standard input) is read up to this size
    /// (`--max-zip-buffer`); a larger one is not read (a warning).
    pub max_zip_buffer: u64,
}

/// Default of [`Limits::max_nested`].
pub const MAX_NESTED: usize = 4;
/// Default of [`Limits::max_zip_buffer`].
pub const MAX_ZIP_BUFFER: u64 = 1 << 30;

/// Default of [`Limits::max_decoded_bytes`]: far above what real multi-GiB
/// sosreports decode to (their journals included), a bound on what a crafted one costs.
pub const MAX_DECODED_BYTES: u64 = 64 << 30;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_decoded_bytes: MAX_DECODED_BYTES,
            max_ratio: BOMB_RATIO,
            ratio_floor: BOMB_FLOOR,
            max_nested: MAX_NESTED,
            max_zip_buffer: MAX_ZIP_BUFFER,
        }
    }
}

/// The bytes decoded so far for one top-level input, at every level, against its
/// limit: shared by all the decoders of that input.
#[derive(Debug)]
pub struct Budget {
    decoded: std::sync::atomic::AtomicU64,
    pub limits: Limits,
}

impl Budget {
    pub fn new(limits: Limits) -> std::sync::Arc<Budget> {
        std::sync::Arc::new(Budget {
            decoded: std::sync::atomic::AtomicU64::new(0),
            limits,
        })
    }

    fn spend(&self, n: u64) -> io::Result<()> {
        let total = self
            .decoded
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed)
            .saturating_add(n);
        if total > self.limits.max_decoded_bytes {
            return Err(io::Error::other(format!(
                "the budget of {} decoded bytes for this input is used up (--max-decoded-bytes): the rest is not read",
                self.limits.max_decoded_bytes
            )));
        }
        Ok(())
    }
}

/// The compressed bytes one stream's decoder has read (a member's ratio is its own
/// bytes out against what the stream took while it was read).
#[derive(Debug, Default)]
pub struct StreamMeter {
    input: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl StreamMeter {
    /// Compressed bytes read so far.
    pub fn now(&self) -> u64 {
        self.input.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// A decoder that draws what it decodes from `budget` (an error once it is used up)
/// and keeps `meter`, so the reader of an archive can tell each member's ratio
/// ([`RatioGuard`]); a stream that is not compressed decodes nothing and reads as is.
pub fn budget_decoder<'a, R: Read + 'a>(
    r: R,
    comp: Compression,
    budget: std::sync::Arc<Budget>,
    meter: std::sync::Arc<StreamMeter>,
) -> io::Result<Box<dyn Read + 'a>> {
    if comp == Compression::None {
        return Ok(Box::new(r));
    }
    let inner = decoder(
        Counting {
            inner: r,
            count: meter.input.clone(),
        },
        comp,
    )?;
    Ok(Box::new(Budgeted { inner, budget }))
}

struct Budgeted<R> {
    inner: R,
    budget: std::sync::Arc<Budget>,
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.spend(n as u64)?;
        Ok(n)
    }
}

/// Stops one archive member whose bytes decode to more than the limits' ratio of the
/// compressed bytes they took (a decompression bomb): from the meter of the stream
/// it is in (a tar member), or from its own compressed size (a zip entry, whose
/// decoded bytes are then drawn from the budget here).
pub struct RatioGuard<'r> {
    inner: Box<dyn Read + 'r>,
    from: RatioInput,
    out: u64,
    limits: Limits,
}

enum RatioInput {
    Stream {
        meter: std::sync::Arc<StreamMeter>,
        start: u64,
    },
    Sized {
        compressed: u64,
        /// The size its directory entry declares: it may not decode past it.
        declared: u64,
        budget: std::sync::Arc<Budget>,
    },
}

impl<'r> RatioGuard<'r> {
    /// A member of the stream `meter` counts, starting now.
    pub fn in_stream(
        inner: Box<dyn Read + 'r>,
        meter: std::sync::Arc<StreamMeter>,
        limits: Limits,
    ) -> Self {
        let start = meter.now();
        RatioGuard {
            inner,
            from: RatioInput::Stream { meter, start },
            out: 0,
            limits,
        }
    }

    /// A member of `compressed` bytes declared to decode to `declared`, decoded by
    /// its own reader (a zip entry).
    pub fn sized(
        inner: Box<dyn Read + 'r>,
        compressed: u64,
        declared: u64,
        budget: std::sync::Arc<Budget>,
    ) -> Self {
        let limits = budget.limits;
        RatioGuard {
            inner,
            from: RatioInput::Sized {
                compressed,
                declared,
                budget,
            },
            out: 0,
            limits,
        }
    }
}

impl Read for RatioGuard<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let (0, false, RatioInput::Sized { declared, .. }) = (n, buf.is_empty(), &self.from)
            && self.out < *declared
        {
            return Err(io::Error::other(format!(
                "this entry ends after {} of the {declared} bytes its directory declares (a damaged or crafted zip)",
                self.out
            )));
        }
        self.out += n as u64;
        let (input, out) = match &self.from {
            RatioInput::Stream { meter, start } => {
                // The member's own bytes out (the decoder may be ahead, in later
                // members), against the compressed bytes taken since it began.
                (meter.now().saturating_sub(*start), self.out)
            }
            RatioInput::Sized {
                compressed,
                declared,
                budget,
            } => {
                budget.spend(n as u64)?;
                if self.out > *declared {
                    // The bytes up to the declared size are given; the error comes
                    // with the first read past it.
                    let before = self.out - n as u64;
                    let within = declared.saturating_sub(before);
                    if within == 0 {
                        return Err(io::Error::other(format!(
                            "this entry decodes past the {declared} bytes its directory declares (a crafted or damaged zip): the rest of it is skipped"
                        )));
                    }
                    self.out = *declared;
                    return Ok(usize::try_from(within).unwrap_or(n).min(n));
                }
                (*compressed, self.out)
            }
        };
        let input = input.max(1);
        if out > self.limits.ratio_floor && out / input > self.limits.max_ratio {
            return Err(io::Error::other(format!(
                "this member decodes to over {}:1 ({out} bytes from {input} compressed bytes, past {} bytes: --max-ratio, --ratio-floor), a decompression bomb?: the rest of it is skipped",
                self.limits.max_ratio, self.limits.ratio_floor
            )));
        }
        Ok(n)
    }
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Stops a decoder whose output grows beyond [`BOMB_RATIO`] times its input.
struct Guard<R> {
    inner: R,
    input: std::sync::Arc<std::sync::atomic::AtomicU64>,
    out: u64,
    floor: u64,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        let input = self.input.load(std::sync::atomic::Ordering::Relaxed).max(1);
        if self.out > BOMB_CAP || (self.out > self.floor && self.out / input > BOMB_RATIO) {
            return Err(io::Error::other(format!(
                "decompression stopped after {} bytes from {input} compressed bytes (over {BOMB_RATIO}:1, a decompression bomb?)",
                self.out
            )));
        }
        Ok(n)
    }
}

/// [`decoder`] with the bomb guard: the output is checked against the input consumed.
pub fn guarded_decoder<'a, R: Read + 'a>(
    r: R,
    comp: Compression,
) -> io::Result<Box<dyn Read + 'a>> {
    guarded_decoder_with(r, comp, BOMB_FLOOR)
}

fn guarded_decoder_with<'a, R: Read + 'a>(
    r: R,
    comp: Compression,
    floor: u64,
) -> io::Result<Box<dyn Read + 'a>> {
    if comp == Compression::None {
        return Ok(Box::new(r));
    }
    let count = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let inner = decoder(
        Counting {
            inner: r,
            count: count.clone(),
        },
        comp,
    )?;
    Ok(Box::new(Guard {
        inner,
        input: count,
        out: 0,
        floor,
    }))
}

/// Reads until `buf` is full, the input ends or an error comes; returns the bytes
/// read and the error, if any (what was read before an error is kept).
pub fn read_partial(r: &mut dyn Read, buf: &mut [u8]) -> (usize, Option<io::Error>) {
    let mut got = 0;
    while let Some(rest) = buf.get_mut(got..).filter(|r| !r.is_empty()) {
        match r.read(rest) {
            Ok(0) => break,
            // A reader claiming more than it was given cannot push `got` past the end.
            Ok(n) => got += n.min(rest.len()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return (got, Some(e)),
        }
    }
    (got, None)
}

/// Reads until `buf` is full or the input ends.
pub fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    match read_partial(r, buf) {
        (n, None) => Ok(n),
        (_, Some(e)) => Err(e),
    }
}

/// Does this look like binary data rather than text? NUL bytes alone do not make a
/// log binary: rsyslog leaves runs of them after a hard reset (the file's size was
/// written, its last pages were not), and the text around them is still a log, read
/// by the scan with the runs reported as damage ([`nul_runs`]). Binary is a head
/// whose NUL bytes are scattered (a record format: `wtmp`, ELF, a database), or whose
/// other bytes are mostly control characters.
pub fn is_binary(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    let (mut text, mut ctrl, mut runs, mut prev_nul) = (0usize, 0usize, 0usize, false);
    for &b in head {
        if b == 0 {
            runs += usize::from(!prev_nul);
            prev_nul = true;
            continue;
        }
        prev_nul = false;
        text += 1;
        ctrl += usize::from(b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b));
    }
    // Nothing but NUL bytes: nothing says it is text.
    text == 0
        // A NUL run every 512 bytes or more often: structure, not damage.
        || runs > 1 && runs.saturating_mul(512) > head.len()
        || ctrl.saturating_mul(20) > text
}

/// The NUL runs of `buf`: `(offset of the first, runs, bytes)`, or None.
pub fn nul_runs(buf: &[u8]) -> Option<(usize, usize, usize)> {
    let first = memchr::memchr(0, buf)?;
    let (mut runs, mut bytes, mut at) = (0usize, 0usize, first);
    while let Some(rest) = buf.get(at..) {
        let Some(i) = memchr::memchr(0, rest) else {
            break;
        };
        let run = rest
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == 0)
            .count();
        runs += 1;
        bytes += run;
        at += i + run;
    }
    Some((first, runs, bytes))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_overstating_its_count_does_not_overrun() {
        struct Liar;
        impl Read for Liar {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                Ok(out.len() + 10)
            }
        }
        let mut buf = [0u8; 6];
        assert_eq!(read_partial(&mut Liar, &mut buf).0, 6);
        assert!(!is_tar(b"short") && !is_binary(b""));
    }

    /// What a reader yields: every byte up to the first error, and that error.
    fn drain(r: &mut dyn Read) -> (Vec<u8>, Option<String>) {
        let mut out = Vec::new();
        let mut buf = vec![0; 100_000];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (out, Some(e.to_string())),
            }
        }
    }

    #[test]
    fn read_ahead_gives_the_bytes_and_the_error_of_a_direct_read() {
        use std::io::Write;
        let text: Vec<u8> = (0..400_000u32)
            .flat_map(|i| format!("line {i} {}\n", i * 7919 % 1000).into_bytes())
            .collect();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&text).unwrap();
        let gz = enc.finish().unwrap();
        let cut = gz[..gz.len() * 2 / 3].to_vec();
        let full = gz.len();
        for data in [gz, cut] {
            let open =
                |d: Vec<u8>| move || guarded_decoder(std::io::Cursor::new(d), Compression::Gzip);
            let direct = drain(&mut *open(data.clone())().unwrap());
            let ahead = read_ahead_threaded(open(data.clone()), |r| drain(r.unwrap()));
            assert!(direct.0.len() > AHEAD_CHUNK, "spans several chunks");
            assert_eq!(ahead.0.len(), direct.0.len());
            assert!(ahead.0 == direct.0);
            assert_eq!(ahead.1, direct.1);
            assert_eq!(
                direct.1.is_some(),
                data.len() < full,
                "the cut stream fails"
            );
        }
        // An error opening the stream reaches the consumer.
        let failed = read_ahead_threaded(
            || Err(io::Error::other("no such bundle")),
            |r| r.err().map(|e| e.to_string()),
        );
        assert_eq!(failed.as_deref(), Some("no such bundle"));
    }

    #[test]
    fn binary_detection() {
        assert!(is_binary(b"LPKSHHRH\0\0\0\x01"));
        assert!(!is_binary(b"Jun 23 11:24:34 host kernel: hello\n"));
        assert!(!is_binary(b""));
        // A text log with the NUL run a hard reset leaves is text.
        let mut log = b"Jun 23 11:24:34 host kernel: hello\n".repeat(100);
        log.extend_from_slice(&[0; 4096]);
        log.extend_from_slice(&b"Jun 23 11:30:00 host kernel: booted\n".repeat(10));
        assert!(!is_binary(&log));
        assert_eq!(nul_runs(&log), Some((3500, 1, 4096)));
        assert_eq!(nul_runs(b"no nul"), None);
        // A record format (wtmp-like: short strings between scattered NULs) is not.
        let mut wtmp = Vec::new();
        for i in 0..20u8 {
            wtmp.extend_from_slice(&[7, 0, 0, 0, i, 1, 0, 0]);
            wtmp.extend_from_slice(b"pts/0\0\0\0\0\0root\0\0\0\0\x0010.0.0.1\0\0\0\0");
        }
        assert!(is_binary(&wtmp));
        assert!(is_binary(&[0; 100]));
    }

    #[test]
    fn magic_numbers() {
        assert_eq!(Compression::detect(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(
            Compression::detect(&[0xfd, b'7', b'z', b'X', b'Z', 0]),
            Compression::Xz
        );
        assert_eq!(
            Compression::detect(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::detect(b"Jun"), Compression::None);
        assert!(is_zip(b"PK\x03\x04rest"));
    }

    #[test]
    fn bomb_guard_trips() {
        use flate2::{Compression as Level, write::GzEncoder};
        use std::io::Write;
        let mut enc = GzEncoder::new(Vec::new(), Level::best());
        enc.write_all(&vec![0u8; 64 << 20]).unwrap();
        let gz = enc.finish().unwrap();
        let mut r = guarded_decoder_with(io::Cursor::new(gz), Compression::Gzip, 1 << 20).unwrap();
        let err = io::copy(&mut r, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("decompression bomb"), "{err}");
    }

    /// Two compressed streams one after the other (`cat a.xz b.xz`) decode to both
    /// texts, for each compression; padding between xz streams is skipped, and
    /// garbage after the last stream is an error after the text before it.
    #[test]
    fn concatenated_streams_decode_to_the_end() {
        use std::io::Write;
        let (a, b) = (b"first stream\n".repeat(3000), b"second stream\n".repeat(5));
        let xz = |d: &[u8]| {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(d).unwrap();
            e.finish().unwrap()
        };
        let gz = |d: &[u8]| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(d).unwrap();
            e.finish().unwrap()
        };
        let zst = |d: &[u8]| zstd::encode_all(d, 1).unwrap();
        let want = [a.clone(), b.clone()].concat();
        for (comp, enc) in [
            (Compression::Xz, &xz as &dyn Fn(&[u8]) -> Vec<u8>),
            (Compression::Gzip, &gz),
            (Compression::Zstd, &zst),
        ] {
            let two = [enc(&a), enc(&b)].concat();
            let got = drain(&mut *guarded_decoder(io::Cursor::new(two), comp).unwrap());
            assert_eq!(got.1, None, "{comp:?}");
            assert!(got.0 == want, "{comp:?}: {} bytes", got.0.len());
        }
        let padded = [xz(&a), vec![0; 8], xz(&b)].concat();
        let got = drain(&mut *decoder(io::Cursor::new(padded), Compression::Xz).unwrap());
        assert!(got.0 == want && got.1.is_none());
        let junk = [xz(&a), b"junk".to_vec()].concat();
        let got = drain(&mut *decoder(io::Cursor::new(junk), Compression::Xz).unwrap());
        assert!(got.0 == a, "the text before the junk is kept");
        assert!(got.1.unwrap().contains("not an xz stream"));
    }

    /// A mapped file truncated while mapped: reads past the new end see NUL bytes
    /// instead of SIGBUS killing the process, and the body says it shrank.
    #[cfg(unix)]
    #[test]
    fn a_mapped_file_truncated_while_read_is_not_a_sigbus() {
        let dir = std::env::temp_dir().join(format!("oomsift-sigbus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("messages");
        let text = b"Jun 23 11:24:34 host kernel: hello\n".repeat(4000);
        std::fs::write(&p, &text).unwrap();
        let body = Body::open(&p).unwrap();
        assert!(matches!(body, Body::Map(Some(_), _)), "mapped and guarded");
        assert!(!body.shrunk());
        File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(5000)
            .unwrap();
        // Every byte read: the first 5000 as written, the rest NUL.
        let zeros = body.iter().filter(|&&b| b == 0).count();
        assert_eq!(&body[..5000], &text[..5000]);
        assert_eq!(zeros, text.len() - 5000);
        assert!(body.shrunk());
        // A second map of another file is guarded on its own.
        let q = dir.join("other");
        std::fs::write(&q, &text).unwrap();
        let other = Body::open(&q).unwrap();
        assert_eq!(other.iter().filter(|&&b| b == 0).count(), 0);
        assert!(!other.shrunk());
        drop(body);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gzip_head_and_stream() {
        use flate2::{Compression as Level, write::GzEncoder};
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("oomsift-src-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("kern.log.2.gz");
        let mut enc = GzEncoder::new(File::create(&p).unwrap(), Level::fast());
        enc.write_all(b"hello world\n").unwrap();
        enc.finish().unwrap();
        let (comp, h) = head(&p, 5).unwrap();
        assert_eq!((comp, h.as_slice()), (Compression::Gzip, &b"hello"[..]));
        let mut s = String::new();
        stream(&p, comp).unwrap().read_to_string(&mut s).unwrap();
        assert_eq!(s, "hello world\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
