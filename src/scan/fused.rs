//! The newline count and the kubelet-name search in one pass over a window.
//!
//! The scan counts the newlines of every window the OOM prefilter passes over (line
//! numbers); kubelet lines naming pods are found in the same bytes. Run one after the
//! other, `bytecount` and a `memmem` search for `podUID=` each read the window again
//! (+~35 % CPU on a syslog; docs/PERFORMANCE.md, *Kubelet names in the one scan*).
//! Here one AVX2 loop does both: per 32 bytes it compares with `\n` (the count), `U`
//! and `D`, and checks the rare positions where a `U` has a `D` two bytes on; as
//! measured so far it is not yet cheaper than the two passes (docs/PERFORMANCE.md,
//! which says what would make it so). Without AVX2 (other CPUs, other architectures)
//! the two run one after the other, with the same result.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

/// The literal searched for: every structured klog line about a pod carries it.
pub const NEEDLE: &[u8] = b"podUID=";

/// Counts the newlines of `hay` and appends to `hits` the offset of every
/// [`NEEDLE`] in it, in order.
pub fn count_and_find(hay: &[u8], hits: &mut Vec<usize>) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is available (checked just above).
            return unsafe { avx2::count_and_find(hay, hits) };
        }
    }
    portable(hay, hits)
}

/// The same, with `bytecount` and `memchr::memmem`.
pub fn portable(hay: &[u8], hits: &mut Vec<usize>) -> u64 {
    hits.extend(memchr::memmem::find_iter(hay, NEEDLE));
    bytecount::count(hay, b'\n') as u64
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::NEEDLE;
    use std::arch::x86_64::*;

    /// Where `U` and `D` are in [`NEEDLE`].
    const U_AT: usize = 3;
    const D_AT: usize = 5;

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn count_and_find(hay: &[u8], hits: &mut Vec<usize>) -> u64 {
        let n = hay.len();
        let p = hay.as_ptr();
        let nl = _mm256_set1_epi8(b'\n' as i8);
        let u = _mm256_set1_epi8(b'U' as i8);
        let d = _mm256_set1_epi8(b'D' as i8);
        let zero = _mm256_setzero_si256();
        let mut count = 0u64;
        let mut i = 0usize;
        let lanes = |acc: __m256i| -> u64 {
            let s = _mm256_sad_epu8(acc, zero);
            (_mm256_extract_epi64::<0>(s)
                + _mm256_extract_epi64::<1>(s)
                + _mm256_extract_epi64::<2>(s)
                + _mm256_extract_epi64::<3>(s)) as u64
        };
        // Blocks of at most 127 rounds of 64 bytes (two vectors; two newlines a lane
        // a round, so the byte counters cannot overflow). The rounds' masks are
        // stored, compacted without a branch, and checked after the block, so
        // nothing is called inside the loop and the counters stay in registers.
        let mut found = [(0usize, 0u64); 128];
        while i + 64 <= n {
            let rounds = ((n - i) / 64).min(127);
            let mut acc = zero;
            let mut k = 0usize;
            for r in 0..rounds {
                let at = i + 64 * r;
                // SAFETY: `at + 64 <= n` (`rounds` was bounded so): inside `hay`.
                let (a0, a1) = unsafe {
                    (
                        _mm256_loadu_si256(p.add(at).cast()),
                        _mm256_loadu_si256(p.add(at + 32).cast()),
                    )
                };
                acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(a0, nl));
                acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(a1, nl));
                let bits = |v: __m256i, c: __m256i| {
                    u64::from(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, c)) as u32)
                };
                let mu = bits(a0, u) | bits(a1, u) << 32;
                let md = bits(a0, d) | bits(a1, d) << 32;
                // A `U` with a `D` two bytes on; the last two bits' `D` would be in
                // the next round, so they stay candidates (each is verified anyway).
                let mask = mu & ((md >> (D_AT - U_AT)) | 0xC000_0000_0000_0000);
                // `k <= r < 127`: always inside `found`.
                if let Some(f) = found.get_mut(k) {
                    *f = (r, mask);
                }
                k += usize::from(mask != 0);
            }
            count += lanes(acc);
            for &(r, mask) in found.iter().take(k) {
                let mut m = mask;
                while m != 0 {
                    let at = i + 64 * r + m.trailing_zeros() as usize;
                    if let Some(start) = at.checked_sub(U_AT)
                        && hay.get(start..).is_some_and(|r| r.starts_with(NEEDLE))
                    {
                        hits.push(start);
                    }
                    m &= m - 1;
                }
            }
            i += 64 * rounds;
        }
        // The tail: needles whose `U` is at `i` or later, and the last newlines.
        let from = i.saturating_sub(U_AT);
        if let Some(rest) = hay.get(from..) {
            hits.extend(
                memchr::memmem::find_iter(rest, NEEDLE)
                    .map(|s| from + s)
                    .filter(|s| s + U_AT >= i),
            );
        }
        count
            + hay
                .get(i..)
                .map_or(0, |t| bytecount::count(t, b'\n') as u64)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn fused_pass_matches_the_portable_one_at_every_alignment() {
        let mut text = Vec::new();
        for i in 0..300 {
            text.extend_from_slice(
                format!(
                    "l{i} podUID=\"x\" UxD podUI {}{}\n",
                    "p".repeat(i % 37),
                    if i % 3 == 0 { "podUID=" } else { "" }
                )
                .as_bytes(),
            );
        }
        text.extend_from_slice(b"podUID=");
        for start in 0..70 {
            for end in [text.len(), text.len() - 1, text.len() - 5, start + 40] {
                let hay = &text[start..end.max(start)];
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let n = count_and_find(hay, &mut a);
                assert_eq!(n, portable(hay, &mut b), "{start}..{end}");
                assert_eq!(a, b, "{start}..{end}");
            }
        }
        let mut hits = Vec::new();
        assert_eq!(count_and_find(b"", &mut hits), 0);
        assert_eq!(count_and_find(b"podUID=", &mut hits), 0);
        assert_eq!(hits, [0]);
    }
}
