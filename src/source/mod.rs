//! The bytes of one file: memory-mapped when possible, read otherwise, decompressed
//! as a stream when compressed.
//!
//! mmap *policy* lives here, apart from the scanner: a map is tried first and a
//! failure (a pipe, a special file, a file system that refuses) falls back to reading
//! the file. Pages behind the scan are released with `MADV_DONTNEED`, so resident
//! memory stays bounded by the parts in flight, not the file size.
//!
//! SAFETY of the map: a mapped file that another process truncates while we read it
//! raises SIGBUS. oomsift reads archived evidence that nothing is writing to; a live
//! log being rotated under the scan is the one risk, accepted as ripgrep accepts it.

use flate2::read::MultiGzDecoder;
use memmap2::{Mmap, UncheckedAdvice};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

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
        Compression::Xz => {
            let threads = XZ_THREADS.load(std::sync::atomic::Ordering::Relaxed);
            let stream = liblzma::stream::MtStreamBuilder::new()
                .threads(threads)
                .memlimit_stop(u64::MAX)
                .memlimit_threading(XZ_THREADING_MEMLIMIT)
                .decoder()
                .map_err(io::Error::other)?;
            Box::new(liblzma::read::XzDecoder::new_stream(r, stream))
        }
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(r)?),
    })
}

/// A whole uncompressed file in memory: mapped or read.
pub enum Body {
    Map(Mmap),
    Buf(Vec<u8>),
}

impl std::ops::Deref for Body {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Body::Map(m) => m,
            Body::Buf(b) => b,
        }
    }
}

impl Body {
    /// Maps `path` read-only, or reads it when mapping is impossible.
    pub fn open(path: &Path) -> io::Result<Body> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        if len == 0 {
            return Ok(Body::Buf(Vec::new()));
        }
        // SAFETY: see the module docs: archived evidence is not modified while read.
        match unsafe { Mmap::map(&file) } {
            Ok(m) => {
                let _ = m.advise(memmap2::Advice::Sequential);
                Ok(Body::Map(m))
            }
            Err(_) => {
                let mut v = Vec::new();
                File::open(path)?.read_to_end(&mut v)?;
                Ok(Body::Buf(v))
            }
        }
    }

    /// Tells the kernel the pages of `range` will not be needed again.
    pub fn release(&self, start: usize, end: usize) {
        if let Body::Map(m) = self {
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
    let mut f = File::open(path)?;
    let mut magic = [0u8; 6];
    let got = read_full(&mut f, &mut magic)?;
    let comp = Compression::detect(&magic[..got]);
    let mut reader = decoder(File::open(path)?, comp)?;
    let mut buf = vec![0u8; n];
    let got = read_full(&mut reader, &mut buf).or_else(|e| {
        if comp != Compression::None {
            Ok(0)
        } else {
            Err(e)
        }
    })?;
    buf.truncate(got);
    Ok((comp, buf))
}

/// A decompressing reader over a file.
pub fn stream(path: &Path, comp: Compression) -> io::Result<Box<dyn Read>> {
    guarded_decoder(File::open(path)?, comp)
}

/// Is this decompressed head the start of a tar archive?
pub fn is_tar(head: &[u8]) -> bool {
    head.len() >= 262 && &head[257..262] == b"ustar"
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
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
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

/// Does this look like binary data rather than text?
pub fn is_binary(head: &[u8]) -> bool {
    let sample = &head[..head.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    if memchr::memchr(0, sample).is_some() {
        return true;
    }
    let ctrl = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    ctrl * 20 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_detection() {
        assert!(is_binary(b"LPKSHHRH\0\0\0\x01"));
        assert!(!is_binary(b"Jun 23 11:24:34 host kernel: hello\n"));
        assert!(!is_binary(b""));
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
