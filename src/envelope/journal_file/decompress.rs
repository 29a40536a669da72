//! DATA payload decompression, per the object's flags: xz (a whole `.xz` stream), lz4
//! (a little-endian 64-bit uncompressed size, then one raw LZ4 block) or zstd (one
//! zstd frame). Output is capped at [`MAX_FIELD`] bytes; the buffer is reused from
//! object to object.

use super::layout::{OBJECT_COMPRESSED_LZ4, OBJECT_COMPRESSED_XZ, OBJECT_COMPRESSED_ZSTD};
use std::io::Read;

/// The largest decompressed field kept; a larger one is skipped with a warning.
pub const MAX_FIELD: usize = 64 << 20;

/// A scratch buffer above this size is given back after use.
const KEEP_SCRATCH: usize = 4 << 20;

/// Decoders and the output buffer, reused across the DATA objects of a file.
#[derive(Default)]
pub struct Decompressor {
    zstd: Option<zstd::bulk::Decompressor<'static>>,
    out: Vec<u8>,
}

impl Decompressor {
    /// Decompresses `src` as `flags` say. The result is valid until the next call.
    pub fn run(&mut self, flags: u8, src: &[u8]) -> Result<&[u8], String> {
        self.run_capped(flags, src, MAX_FIELD)
    }

    pub(crate) fn run_capped(
        &mut self,
        flags: u8,
        src: &[u8],
        cap: usize,
    ) -> Result<&[u8], String> {
        if self.out.capacity() > KEEP_SCRATCH {
            self.out = Vec::new();
        }
        self.out.clear();
        match flags {
            OBJECT_COMPRESSED_XZ => self.xz(src, cap)?,
            OBJECT_COMPRESSED_LZ4 => self.lz4(src, cap)?,
            OBJECT_COMPRESSED_ZSTD => self.zstd(src, cap)?,
            f => return Err(format!("unknown compression flags 0x{f:x}")),
        }
        Ok(&self.out)
    }

    fn xz(&mut self, src: &[u8], cap: usize) -> Result<(), String> {
        let mut r = liblzma::read::XzDecoder::new(src).take(cap as u64 + 1);
        r.read_to_end(&mut self.out)
            .map_err(|e| format!("xz: {e}"))?;
        if self.out.len() > cap {
            return Err(format!("xz field larger than {cap} bytes"));
        }
        Ok(())
    }

    fn lz4(&mut self, src: &[u8], cap: usize) -> Result<(), String> {
        let (size, block) = src
            .split_first_chunk::<8>()
            .ok_or("lz4: payload shorter than its size prefix")?;
        let size = u64::from_le_bytes(*size);
        let size = usize::try_from(size)
            .ok()
            .filter(|&s| s <= cap)
            .ok_or_else(|| format!("lz4 field of {size} bytes is larger than {cap}"))?;
        self.out.resize(size, 0);
        let got = lz4_flex::block::decompress_into(block, &mut self.out)
            .map_err(|e| format!("lz4: {e}"))?;
        if got != size {
            return Err(format!("lz4: {got} bytes decoded, {size} announced"));
        }
        Ok(())
    }

    fn zstd(&mut self, src: &[u8], cap: usize) -> Result<(), String> {
        match zstd::zstd_safe::get_frame_content_size(src) {
            Ok(Some(n)) => {
                let n = usize::try_from(n)
                    .ok()
                    .filter(|&n| n <= cap)
                    .ok_or_else(|| format!("zstd field of {n} bytes is larger than {cap}"))?;
                if self.zstd.is_none() {
                    self.zstd =
                        Some(zstd::bulk::Decompressor::new().map_err(|e| format!("zstd: {e}"))?);
                }
                let d = self.zstd.as_mut().ok_or("zstd: no decoder")?;
                self.out.reserve(n);
                d.decompress_to_buffer(src, &mut self.out)
                    .map_err(|e| format!("zstd: {e}"))?;
                Ok(())
            }
            // No size in the frame header: stream it, capped.
            Ok(None) => {
                let dec = zstd::stream::read::Decoder::with_buffer(src)
                    .map_err(|e| format!("zstd: {e}"))?;
                dec.take(cap as u64 + 1)
                    .read_to_end(&mut self.out)
                    .map_err(|e| format!("zstd: {e}"))?;
                if self.out.len() > cap {
                    return Err(format!("zstd field larger than {cap} bytes"));
                }
                Ok(())
            }
            Err(_) => Err("zstd: not a zstd frame".to_string()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use std::io::Write;

    fn text() -> Vec<u8> {
        b"MESSAGE=Memory cgroup out of memory: Killed process 4100 (node) ".repeat(40)
    }

    #[test]
    fn xz_lz4_zstd_round_trip() {
        let t = text();
        let mut d = Decompressor::default();
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
        xz.write_all(&t).unwrap();
        let xz = xz.finish().unwrap();
        assert_eq!(d.run(OBJECT_COMPRESSED_XZ, &xz).unwrap(), &t[..]);
        let mut lz = (t.len() as u64).to_le_bytes().to_vec();
        lz.extend_from_slice(&lz4_flex::block::compress(&t));
        assert_eq!(d.run(OBJECT_COMPRESSED_LZ4, &lz).unwrap(), &t[..]);
        let zs = zstd::bulk::compress(&t, 3).unwrap();
        assert_eq!(d.run(OBJECT_COMPRESSED_ZSTD, &zs).unwrap(), &t[..]);
        // A frame without its content size is streamed.
        let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        enc.include_contentsize(false).unwrap();
        enc.write_all(&t).unwrap();
        let zs2 = enc.finish().unwrap();
        assert_eq!(d.run(OBJECT_COMPRESSED_ZSTD, &zs2).unwrap(), &t[..]);
    }

    #[test]
    fn damaged_and_oversized_payloads_are_errors_not_panics() {
        let t = text();
        let mut d = Decompressor::default();
        let zs = zstd::bulk::compress(&t, 3).unwrap();
        assert!(d.run_capped(OBJECT_COMPRESSED_ZSTD, &zs, 100).is_err());
        assert!(d.run(OBJECT_COMPRESSED_ZSTD, &zs[..zs.len() / 2]).is_err());
        assert!(d.run(OBJECT_COMPRESSED_ZSTD, b"garbage").is_err());
        let mut lz = (t.len() as u64).to_le_bytes().to_vec();
        lz.extend_from_slice(&lz4_flex::block::compress(&t));
        assert!(d.run_capped(OBJECT_COMPRESSED_LZ4, &lz, 100).is_err());
        assert!(d.run(OBJECT_COMPRESSED_LZ4, &lz[..lz.len() / 2]).is_err());
        assert!(
            d.run(OBJECT_COMPRESSED_LZ4, &u64::MAX.to_le_bytes())
                .is_err()
        );
        assert!(d.run(OBJECT_COMPRESSED_LZ4, b"abc").is_err());
        assert!(d.run(OBJECT_COMPRESSED_XZ, b"\xfd7zXZ\0garbage").is_err());
        assert!(
            d.run(OBJECT_COMPRESSED_XZ | OBJECT_COMPRESSED_LZ4, &zs)
                .is_err()
        );
        // Still usable after errors.
        assert_eq!(d.run(OBJECT_COMPRESSED_ZSTD, &zs).unwrap(), &t[..]);
    }
}
