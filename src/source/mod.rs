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

/// How a file is compressed, by its name and magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
}

impl Compression {
    pub fn detect(path: &Path, magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            return Compression::Gzip;
        }
        let _ = path;
        Compression::None
    }
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
            let page = 4096;
            let s = start.div_ceil(page) * page;
            let e = (end / page) * page;
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
    let mut magic = [0u8; 4];
    let got = read_full(&mut f, &mut magic)?;
    let comp = Compression::detect(path, &magic[..got]);
    let f = File::open(path)?;
    let mut reader: Box<dyn Read> = match comp {
        Compression::None => Box::new(f),
        Compression::Gzip => Box::new(MultiGzDecoder::new(f)),
    };
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
pub fn stream(path: &Path, comp: Compression) -> io::Result<Box<dyn Read + Send>> {
    let f = File::open(path)?;
    Ok(match comp {
        Compression::None => Box::new(f),
        Compression::Gzip => Box::new(MultiGzDecoder::new(io::BufReader::with_capacity(
            1 << 20,
            f,
        ))),
    })
}

/// Reads until `buf` is full or the input ends.
pub fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
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
