//! The newline count, the kubelet-name search and the NUL check in one pass over a
//! window.
//!
//! The scan counts the newlines of every window the OOM prefilter passes over (line
//! numbers); kubelet lines naming pods are found in the same bytes. Run one after the
//! other, `bytecount` and a `memmem` search for `podUID=` each read the window again
//! (+~35 % CPU on a syslog; docs/PERFORMANCE.md, *Kubelet names in the one scan*).
//! Here one AVX2 loop does both, 64 bytes a round: a compare with `\n` per vector
//! subtracted into byte counters (the count), and the vector's `U`s AND-ed with the `=`s
//! of the same bytes loaded three on (`podUID=`: the pair is rarer in logs than
//! `U`/`D`, which `SyncLoop UPDATE` also has); only a round holding such a pair takes
//! the branch that keeps its mask, checked for the whole needle after the block.
//! In cache it costs about three times `bytecount` (`cargo bench --bench scan --
//! skipped`; docs/PERFORMANCE.md). CPUs with AVX-512BW run the same loop on 64-byte
//! vectors with mask registers (`avx512`, ~12–20 % faster); without AVX2 (other CPUs,
//! other architectures) the two run one after the other, with the same result. The
//! tests run every loop the CPU has against that portable pair.
//!
//! NUL bytes (damage: docs/THREAT-MODEL.md) are found in the same loop: each block
//! of up to 8 KiB keeps the unsigned minimum of its bytes, and only a block whose
//! minimum is zero is handed to the exact [`crate::source::nul_runs`] (a run crossing
//! two blocks is joined, so the result equals one `nul_runs` over the whole range).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

/// The literal searched for: every structured klog line about a pod carries it.
pub const NEEDLE: &[u8] = b"podUID=";

/// The NUL runs of a range as [`crate::source::nul_runs`] gives them: the offset of
/// the first NUL, the number of runs, the number of NUL bytes.
pub type Nuls = Option<(usize, usize, usize)>;

/// What one pass over a window found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Newlines in the window.
    pub lines: u64,
    /// The NUL runs of its first `nul_len` bytes.
    pub nuls: Nuls,
}

static PODUID: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(NEEDLE));

/// Offsets of every [`NEEDLE`] in `hay`, in order (one prebuilt searcher).
pub fn find_iter<'h>(hay: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    PODUID.find_iter(hay)
}

/// Counts the newlines of `hay`, appends to `hits` the offset of every [`NEEDLE`] in
/// it, in order, and finds the NUL runs of `hay[..nul_len]` (0: none looked for).
pub fn count_and_find(hay: &[u8], nul_len: usize, hits: &mut Vec<usize>) -> Pass {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512bw")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            // SAFETY: AVX-512F, AVX-512BW and POPCNT are available (checked just above).
            return unsafe { avx512::count_and_find(hay, nul_len, hits) };
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 is available (checked just above).
            return unsafe { avx2::count_and_find(hay, nul_len, hits) };
        }
    }
    portable(hay, nul_len, hits)
}

/// The same, with `bytecount`, `memchr::memmem` and `nul_runs`.
pub fn portable(hay: &[u8], nul_len: usize, hits: &mut Vec<usize>) -> Pass {
    hits.extend(find_iter(hay));
    Pass {
        lines: bytecount::count(hay, b'\n') as u64,
        nuls: hay
            .get(..nul_len.min(hay.len()))
            .and_then(crate::source::nul_runs),
    }
}

/// Adds the NUL runs of `hay[from..to]` to `acc` (the runs of `hay[..from]`); a run
/// that `from` cuts in two is counted once.
#[cfg(target_arch = "x86_64")]
fn add_nuls(acc: &mut Nuls, hay: &[u8], from: usize, to: usize) {
    let Some((first, runs, bytes)) = hay.get(from..to).and_then(crate::source::nul_runs) else {
        return;
    };
    let cut = first == 0 && from > 0 && hay.get(from - 1) == Some(&0);
    *acc = Some(match *acc {
        None => (from + first, runs, bytes),
        Some((f, r, b)) => (f, r + runs - usize::from(cut), b + bytes),
    });
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{EQ_AT, Pass, U_AT, add_nuls, finish, walk_found};
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn count_and_find(hay: &[u8], nul_len: usize, hits: &mut Vec<usize>) -> Pass {
        let n = hay.len();
        let nul_len = nul_len.min(n);
        let mut nuls = None;
        let p = hay.as_ptr();
        let nl = _mm256_set1_epi8(b'\n' as i8);
        let u = _mm256_set1_epi8(b'U' as i8);
        let d = _mm256_set1_epi8(b'=' as i8);
        let zero = _mm256_setzero_si256();
        let ones = _mm256_set1_epi8(-1);
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
        // a round, so the byte counters cannot overflow). Per vector: a compare with
        // `\n` subtracted into the counters, an unsigned minimum that reaches zero
        // only where a NUL was (checked once per block), and the `U` of the vector
        // AND-ed with the `D` of the same bytes loaded two on. Only a round where a
        // `U` has its `D` (about one in twenty-five on a kubelet-heavy syslog) takes
        // the branch that stores its masks; they are checked after the block, so
        // nothing is called inside the loop and the counters stay in registers.
        let mut found = [(0usize, 0u64); 128];
        // The loads reach two bytes past the round (the `D` of its last `U`s).
        while i + 64 + EQ_AT - U_AT <= n {
            let rounds = ((n - i - (EQ_AT - U_AT)) / 64).min(127);
            let mut acc = zero;
            let mut low = ones;
            let mut k = 0usize;
            for r in 0..rounds {
                let at = i + 64 * r;
                // SAFETY: `at + 64 + 2 <= n` (`rounds` was bounded so): inside `hay`.
                let (a0, a1, b0, b1) = unsafe {
                    (
                        _mm256_loadu_si256(p.add(at).cast()),
                        _mm256_loadu_si256(p.add(at + 32).cast()),
                        _mm256_loadu_si256(p.add(at + EQ_AT - U_AT).cast()),
                        _mm256_loadu_si256(p.add(at + 32 + EQ_AT - U_AT).cast()),
                    )
                };
                acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(a0, nl));
                acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(a1, nl));
                low = _mm256_min_epu8(low, _mm256_min_epu8(a0, a1));
                let c0 = _mm256_and_si256(_mm256_cmpeq_epi8(a0, u), _mm256_cmpeq_epi8(b0, d));
                let c1 = _mm256_and_si256(_mm256_cmpeq_epi8(a1, u), _mm256_cmpeq_epi8(b1, d));
                let c = _mm256_or_si256(c0, c1);
                if _mm256_testz_si256(c, c) == 0 {
                    let mask = u64::from(_mm256_movemask_epi8(c0) as u32)
                        | u64::from(_mm256_movemask_epi8(c1) as u32) << 32;
                    // `k <= r < 127`: always inside `found`.
                    if let Some(f) = found.get_mut(k) {
                        *f = (r, mask);
                    }
                    k += 1;
                }
            }
            count += lanes(acc);
            let end = i + 64 * rounds;
            if i < nul_len {
                let z = _mm256_cmpeq_epi8(low, zero);
                if _mm256_testz_si256(z, z) == 0 {
                    add_nuls(&mut nuls, hay, i, end.min(nul_len));
                }
            }
            walk_found(hay, i, found.get(..k).unwrap_or_default(), hits);
            i += 64 * rounds;
        }
        finish(hay, i, nul_len, nuls, count, hits)
    }
}

/// Where `U` and `=` are in [`NEEDLE`], the pair the vector loops look for: rarer in
/// logs than `U`/`D` (`SyncLoop UPDATE` has a `D` two bytes after its `U`).
#[cfg(target_arch = "x86_64")]
const U_AT: usize = 3;
#[cfg(target_arch = "x86_64")]
const EQ_AT: usize = 6;

/// Checks the rounds of the block at `i` that held a `U` with its `=`: each (round,
/// mask of the `U`s of its 64 bytes).
#[cfg(target_arch = "x86_64")]
fn walk_found(hay: &[u8], i: usize, found: &[(usize, u64)], hits: &mut Vec<usize>) {
    for &(r, mask) in found {
        let mut m = mask;
        while m != 0 {
            check_hit(hay, i + 64 * r + m.trailing_zeros() as usize, U_AT, hits);
            m &= m - 1;
        }
    }
}

/// The end of a vector loop whose blocks stopped at `i`: the needles and NUL runs of
/// the rest, and its newlines added to the blocks' `count`.
#[cfg(target_arch = "x86_64")]
fn finish(
    hay: &[u8],
    i: usize,
    nul_len: usize,
    mut nuls: Nuls,
    count: u64,
    hits: &mut Vec<usize>,
) -> Pass {
    tail_hits(hay, i, U_AT, hits);
    if i < nul_len {
        add_nuls(&mut nuls, hay, i, nul_len);
    }
    Pass {
        lines: count
            + hay
                .get(i..)
                .map_or(0, |t| bytecount::count(t, b'\n') as u64),
        nuls,
    }
}

/// The offsets of [`NEEDLE`] in `hay` whose `U` is at `from` or later (the end of a
/// vector loop's rounds; `U_AT` is where `U` is in the needle).
#[cfg(target_arch = "x86_64")]
fn tail_hits(hay: &[u8], from: usize, u_at: usize, hits: &mut Vec<usize>) {
    let start = from.saturating_sub(u_at);
    if let Some(rest) = hay.get(start..) {
        hits.extend(
            find_iter(rest)
                .map(|s| start + s)
                .filter(|s| s + u_at >= from),
        );
    }
}

/// Pushes `at - u_at` when [`NEEDLE`] starts there (`at`: a candidate `U`).
#[cfg(target_arch = "x86_64")]
#[inline]
fn check_hit(hay: &[u8], at: usize, u_at: usize, hits: &mut Vec<usize>) {
    // Seven bytes compared as one array (no `memcmp` call).
    if let Some(start) = at.checked_sub(u_at)
        && hay
            .get(start..start + NEEDLE.len())
            .is_some_and(|w| <[u8; 7]>::try_from(w).is_ok_and(|a| a == *b"podUID="))
    {
        hits.push(start);
    }
}

/// The same loop with 64-byte vectors and mask registers (AVX-512BW: Zen 4, Ice Lake
/// and later). A round of 64 bytes is two loads, three compares into masks, a
/// `popcnt` of the newline mask and one unsigned minimum (the NUL check); the
/// `U`/`=` pair is one AND of two masks, kept for after the block as in the AVX2
/// loop. 12–20 % faster than the AVX2 loop (best of 200 alternating passes, in L2
/// and from memory; docs/PERFORMANCE.md, *Fifth pass*).
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::{EQ_AT, NEEDLE, Pass, U_AT, add_nuls, finish, walk_found};
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX-512F, AVX-512BW and POPCNT.
    #[target_feature(enable = "avx512f,avx512bw,popcnt")]
    pub unsafe fn count_and_find(hay: &[u8], nul_len: usize, hits: &mut Vec<usize>) -> Pass {
        debug_assert_eq!(NEEDLE.get(U_AT..=EQ_AT), Some(&b"UID="[..]));
        let n = hay.len();
        let nul_len = nul_len.min(n);
        let mut nuls = None;
        let p = hay.as_ptr();
        let nl = _mm512_set1_epi8(b'\n' as i8);
        let u = _mm512_set1_epi8(b'U' as i8);
        let eq = _mm512_set1_epi8(b'=' as i8);
        let zero = _mm512_setzero_si512();
        let mut count = 0u64;
        let mut i = 0usize;
        // A block's rounds holding a `U` with its `=`, checked after the block: a call
        // inside the loop (a push that may grow `hits`) made the compiler keep the
        // vectors and the count on the stack, at half the AVX2 loop's speed.
        let mut found = [(0usize, 0u64); 128];
        // Blocks of at most 128 rounds (8 KiB), whose minimum tells whether a NUL is
        // in them; the loads reach three bytes past a round (the `=` of its `U`s).
        // (Two vectors a round, as in the AVX2 loop, measured no faster.)
        while i + 64 + EQ_AT - U_AT <= n {
            let rounds = ((n - i - (EQ_AT - U_AT)) / 64).min(128);
            let mut low = _mm512_set1_epi8(-1);
            let mut k = 0usize;
            for r in 0..rounds {
                let at = i + 64 * r;
                // SAFETY: `at + 64 + 3 <= n` (`rounds` was bounded so): inside `hay`.
                let (a, b) = unsafe {
                    (
                        _mm512_loadu_si512(p.add(at).cast()),
                        _mm512_loadu_si512(p.add(at + EQ_AT - U_AT).cast()),
                    )
                };
                count += u64::from(_mm512_cmpeq_epi8_mask(a, nl).count_ones());
                low = _mm512_min_epu8(low, a);
                let m = _mm512_mask_cmpeq_epi8_mask(_mm512_cmpeq_epi8_mask(a, u), b, eq);
                if m != 0 {
                    // `k <= r < 128`: always inside `found`.
                    if let Some(f) = found.get_mut(k) {
                        *f = (r, m);
                    }
                    k += 1;
                }
            }
            let end = i + 64 * rounds;
            if i < nul_len && _mm512_cmpeq_epi8_mask(low, zero) != 0 {
                add_nuls(&mut nuls, hay, i, end.min(nul_len));
            }
            walk_found(hay, i, found.get(..k).unwrap_or_default(), hits);
            i = end;
        }
        finish(hay, i, nul_len, nuls, count, hits)
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::cast_possible_truncation
)]
mod tests {
    use super::*;

    type PassFn = fn(&[u8], usize, &mut Vec<usize>) -> Pass;

    /// The dispatcher and every vector loop this CPU can run.
    fn impls() -> Vec<(&'static str, PassFn)> {
        #[allow(unused_mut)]
        let mut all: Vec<(&'static str, PassFn)> = vec![("dispatch", count_and_find)];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 is available.
                all.push(("avx2", |h, n, x| unsafe { avx2::count_and_find(h, n, x) }));
            }
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("popcnt")
            {
                // SAFETY: AVX-512F, AVX-512BW and POPCNT are available.
                all.push(("avx512", |h, n, x| unsafe {
                    avx512::count_and_find(h, n, x)
                }));
            }
        }
        all
    }

    #[test]
    fn fused_pass_matches_the_portable_one_at_every_alignment() {
        let mut text = Vec::new();
        for i in 0..300 {
            text.extend_from_slice(
                format!(
                    "l{i} podUID=\"x\" UxD UID= dUID= podUI {}{}\n",
                    "p".repeat(i % 37),
                    if i % 3 == 0 { "podUID=" } else { "" }
                )
                .as_bytes(),
            );
            // NUL runs of 1..70 bytes now and then, some across 64-byte rounds.
            if i % 41 == 7 {
                text.extend(std::iter::repeat_n(0u8, 1 + i % 70));
            }
        }
        // A run across the end of a block of 127 rounds (8128 bytes) and the tail.
        text.splice(8120..8140, std::iter::repeat_n(0u8, 20));
        let tail = text.len() - 10;
        text[tail] = 0;
        text.extend_from_slice(b"podUID=");
        let mut seen_nuls = 0;
        for start in 0..70 {
            for end in [text.len(), text.len() - 1, text.len() - 5, start + 40] {
                let hay = &text[start..end.max(start)];
                for nul_len in [usize::MAX, hay.len(), hay.len() / 2, 8128, 8130, 8192, 0] {
                    let mut b = Vec::new();
                    let want = portable(hay, nul_len, &mut b);
                    for (name, pass) in impls() {
                        let mut a = Vec::new();
                        let got = pass(hay, nul_len, &mut a);
                        assert_eq!(got, want, "{name}: {start}..{end} nul_len {nul_len}");
                        assert_eq!(a, b, "{name}: {start}..{end}");
                        seen_nuls += usize::from(got.nuls.is_some());
                    }
                }
            }
        }
        assert!(seen_nuls > 0);
        let full = portable(&text, usize::MAX, &mut Vec::new()).nuls.unwrap();
        // 8 runs from the loop, the spliced one, the one in the tail.
        assert_eq!(full.1, 10, "{full:?}");
        let mut hits = Vec::new();
        assert_eq!(count_and_find(b"", 9, &mut hits).lines, 0);
        let p = count_and_find(b"podUID=", 9, &mut hits);
        assert_eq!((p.lines, p.nuls), (0, None));
        assert_eq!(hits, [0]);
    }

    /// Random bytes drawn mostly from the ones the loops look at (`\n`, NUL, `U`, `=`,
    /// the needle's own), at random lengths across the blocks' sizes: every loop
    /// agrees with the portable pair.
    #[test]
    fn every_loop_agrees_on_random_bytes() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"\n\0U=podI a\xff";
        for case in 0..300 {
            let len = (next() % 20_000) as usize;
            let mut hay: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            for _ in 0..(next() % 40) {
                if len > 7 {
                    let at = (next() % (len as u64 - 7)) as usize;
                    hay[at..at + 7].copy_from_slice(NEEDLE);
                }
            }
            let nul_len = match case % 3 {
                0 => usize::MAX,
                1 => (next() % (len as u64 + 1)) as usize,
                _ => 0,
            };
            let mut want_hits = Vec::new();
            let want = portable(&hay, nul_len, &mut want_hits);
            for (name, pass) in impls() {
                let mut got_hits = Vec::new();
                assert_eq!(
                    pass(&hay, nul_len, &mut got_hits),
                    want,
                    "{name}, case {case}"
                );
                assert_eq!(got_hits, want_hits, "{name}, case {case}");
            }
        }
    }

    #[test]
    fn a_nul_run_cut_by_a_block_is_one_run() {
        let mut hay = vec![b'a'; 20_000];
        // Across the AVX2 loop's blocks (8128 bytes) and the AVX-512 loop's (8192).
        hay[8100..8200].fill(0);
        hay[16_256..16_300].fill(0);
        for (name, pass) in impls() {
            let p = pass(&hay, usize::MAX, &mut Vec::new());
            assert_eq!(p.nuls, Some((8100, 2, 144)), "{name}");
            let p = pass(&hay, 8150, &mut Vec::new());
            assert_eq!(p.nuls, Some((8100, 1, 50)), "{name}");
            assert_eq!(pass(&hay, 8100, &mut Vec::new()).nuls, None, "{name}");
        }
    }
}
