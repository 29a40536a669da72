#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]
//! Issue 16, the structural half of fuzzing: real-shaped logs, mutated with a seeded
//! generator (lines of noise, kubelet lines, NUL runs, banners inserted; bytes
//! flipped; blocks repeated; the file cut anywhere), must scan to the same events,
//! deaths and boot starts however they are split: whole, in parallel parts of any
//! size, or streamed in chunks of any size. Nothing may panic. Deterministic: the
//! seeds are fixed.

use oomsift::envelope::FileFormat;
use oomsift::scan::{scan_body, scan_body_parts, scan_stream_opts};
use oomsift::source::Body;

/// xorshift64*: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const BASES: &[&str] = &[
    "testdata/sosreport-node1/var/log/messages",
    "testdata/sosreport-node1/sos_commands/kernel/dmesg",
    "testdata/reboots/console/node9-serial-console.log",
    "testdata/formats/dmesg-x.log",
    "testdata/formats/rhel7-backport-kill.log",
    "testdata/formats/v1-descendant-stats.log",
    "testdata/formats/oom-group-k8s.log",
    "testdata/formats/kmsg-x0a.txt",
    "testdata/formats/journal-json-seq.json",
    "testdata/formats/journal-json-pretty.json",
    "testdata/formats/journal-verbose.txt",
    "testdata/formats/journal-short-monotonic.log",
    "testdata/journal/two-boots.export",
];

const NOISE: &[&str] = &[
    "Mar  5 10:18:21 node1 systemd[1]: Started Session 12 of user core.\n",
    "Mar  5 10:18:21 node1 kubelet[2211]: I0305 10:18:21.123456    2211 kubelet.go:2457] \"SyncLoop (PLEG): event for pod\" pod=\"shop/checkout-7c9f\" podUID=\"7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10\" containerID=\"containerd://4f3a9c1e7b2d\"\n",
    "[    0.000000] Linux version 5.14.0-284.30.1.el9_2.x86_64 (mockbuild@x86-vm-07) #1 SMP PREEMPT_DYNAMIC\n",
    "[ 5000.000001] oom_reaper: reaped process 48211 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n",
    "Mar  5 10:18:21 node1 kernel: eth0: link becomes ready\n",
    "\n",
    "Killing container with a grace period\n",
];

fn mutate(base: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = base
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    for _ in 0..rng.below(6) {
        let at = rng.below(lines.len() + 1);
        match rng.below(4) {
            0 | 1 => lines.insert(at, NOISE[rng.below(NOISE.len())].as_bytes().to_vec()),
            2 => lines.insert(at, vec![0u8; 1 + rng.below(300)]),
            _ => {
                // A run of lines repeated (a block logged twice).
                let from = rng.below(lines.len());
                let n = rng.below(12).min(lines.len() - from);
                let copy: Vec<Vec<u8>> = lines[from..from + n].to_vec();
                for (k, l) in copy.into_iter().enumerate() {
                    lines.insert(at.min(lines.len()) + k, l);
                }
            }
        }
    }
    let mut out: Vec<u8> = lines.concat();
    for _ in 0..rng.below(4) {
        if !out.is_empty() {
            let at = rng.below(out.len());
            out[at] = (rng.next() & 0xff) as u8;
        }
    }
    if rng.below(3) == 0 {
        let cut = rng.below(out.len() + 1);
        out.truncate(cut);
    }
    out
}

type Seen = (String, String, Vec<u64>);

fn seen(s: &oomsift::scan::SourceScan) -> Seen {
    (
        serde_json::to_string(&s.events).unwrap(),
        serde_json::to_string(&s.deaths).unwrap(),
        s.boot_starts.clone(),
    )
}

#[test]
fn every_split_of_a_mutated_log_scans_alike() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cases = 0;
    for base in BASES {
        let bytes = std::fs::read(base).unwrap_or_else(|e| panic!("{base}: {e}"));
        for _ in 0..40 {
            let text = mutate(&bytes, &mut rng);
            let format = FileFormat::sniff(&text[..text.len().min(64 * 1024)]);
            let body = Body::Buf(text.clone());
            let whole = seen(&scan_body(&body, "f", format));
            for part in [64, 257 + rng.below(4000), 1 << 16] {
                let (parts, _) = scan_body_parts(&body, "f", format, part);
                assert_eq!(
                    seen(&parts),
                    whole,
                    "{base}, case {cases}: parts of {part}\n{}",
                    String::from_utf8_lossy(&text)
                );
            }
            for chunk in [1 + rng.below(100), 4096, 1 + rng.below(70_000)] {
                let streamed = scan_stream_opts(&mut text.as_slice(), "f", format, chunk, |_| {});
                assert_eq!(
                    seen(&streamed),
                    whole,
                    "{base}, case {cases}: chunks of {chunk}\n{}",
                    String::from_utf8_lossy(&text)
                );
            }
            cases += 1;
        }
    }
    assert_eq!(cases, 40 * BASES.len());
}
