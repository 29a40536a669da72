#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]
//! Issue 16, the archive half: a small damaged member (under the 64 KiB head) keeps
//! its complete kills, as the same file given loose does, with a warning (exit 1).

mod common;

use serde_json::Value;

const LOG: &str = "testdata/sosreport-node1/var/log/messages";

fn tar(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        h.set_mtime(1_709_635_500);
        h.set_size(data.len() as u64);
        b.append_data(&mut h, name, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn pids(doc: &Value) -> Vec<u64> {
    let mut v: Vec<u64> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["complete"] == true)
        .filter_map(|e| e["victim"]["pid"].as_u64())
        .collect();
    v.sort_unstable();
    v
}

/// The gzip member damaged two ways: its CRC flipped, and cut before its trailer.
fn damaged() -> Vec<(&'static str, Vec<u8>)> {
    let whole = common::gzip(&common::testdata("sosreport-node1/var/log/messages"));
    let mut crc = whole.clone();
    let at = crc.len() - 8;
    crc[at] ^= 0xff;
    let cut = whole[..whole.len() - 6].to_vec();
    vec![("crc", crc), ("cut", cut)]
}

#[test]
fn a_small_damaged_member_keeps_its_kills_as_the_loose_file_does() {
    let dir = common::scratch_dir("h16-small-member");
    let (clean, _) = common::analyze_json(&[LOG]);
    let want = pids(&clean);
    assert!(want.len() >= 2, "the sample has kills: {want:?}");
    for (how, bytes) in damaged() {
        let loose = dir.join(format!("messages-{how}.1.gz"));
        std::fs::write(&loose, &bytes).unwrap();
        let (doc, r) = common::analyze_json(&[loose.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{how} loose: {}", r.stderr);
        assert_eq!(pids(&doc), want, "{how} loose");

        let other: &[u8] = b"just a readme\n";
        let archive = dir.join(format!("node-{how}.tar"));
        std::fs::write(
            &archive,
            tar(&[
                ("node/var/log/messages.1.gz", &bytes),
                ("node/README", other),
            ]),
        )
        .unwrap();
        let (doc, r) = common::analyze_json(&[archive.to_str().unwrap()]);
        assert_eq!(r.code, 1, "{how} member: {}", r.stderr);
        assert_eq!(pids(&doc), want, "{how} member: {}", r.stderr);
        let said: String = doc["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| format!("{} {}\n", w["file"], w["message"]))
            .collect();
        assert!(said.contains("messages.1.gz"), "{how}: {said}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stored zip whose directory has `copies` entries, all pointing at the one local
/// member (`name`, `data`): the overlap a zip bomb uses to decode a small file many times.
fn overlapping_zip(name: &str, data: &[u8], copies: usize) -> Vec<u8> {
    zip_declaring(name, data, copies, data.len() as u32)
}

/// [`overlapping_zip`], its entries declaring `declared` bytes uncompressed.
fn zip_declaring(name: &str, data: &[u8], copies: usize, declared: u32) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let (crc, len, n) = (crc.sum(), data.len() as u32, name.len() as u16);
    let mut z = Vec::new();
    // local file header, stored
    z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, 0, 0, 0] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, len, declared] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(&n.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(name.as_bytes());
    z.extend_from_slice(data);
    let dir_start = z.len() as u32;
    for i in 0..copies {
        // each directory entry names its own path, all at local offset 0
        let entry = format!("{name}.{i}");
        z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 0, 0, 0] {
            z.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, len, declared] {
            z.extend_from_slice(&v.to_le_bytes());
        }
        for v in [entry.len() as u16, 0, 0, 0, 0] {
            z.extend_from_slice(&v.to_le_bytes());
        }
        z.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        z.extend_from_slice(&0u32.to_le_bytes()); // local header offset
        z.extend_from_slice(entry.as_bytes());
    }
    let dir_len = z.len() as u32 - dir_start;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, copies as u16, copies as u16] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    for v in [dir_len, dir_start] {
        z.extend_from_slice(&v.to_le_bytes());
    }
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

#[test]
fn overlapping_zip_entries_are_read_once_and_named() {
    let dir = common::scratch_dir("h16-zip-overlap");
    let log = common::testdata("sosreport-node1/var/log/messages");
    let (clean, _) = common::analyze_json(&[LOG]);
    let want = pids(&clean);
    let path = dir.join("bundle.zip");
    std::fs::write(&path, overlapping_zip("node/var/log/messages", &log, 300)).unwrap();
    let (doc, r) = common::analyze_json(&[path.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(pids(&doc), want, "{}", r.stderr);
    let said: Vec<String> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        said.iter()
            .any(|m| m.starts_with("299 zip entries share bytes")),
        "{said:?}"
    );
    // every source of every event is the one entry read
    for e in doc["events"].as_array().unwrap() {
        for s in e["sources"].as_array().unwrap() {
            let f = s["file"].as_str().unwrap();
            assert!(f.ends_with("messages.0"), "{f}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `.tar.gz` of `members`, written to `dir/name`.
fn tar_gz_file(dir: &std::path::Path, name: &str, members: &[(&str, &[u8])]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, common::gzip(&tar(members))).unwrap();
    p.to_str().unwrap().to_string()
}

fn said(doc: &Value) -> String {
    doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| format!("{} {}\n", w["file"], w["message"]))
        .collect()
}

/// Limits set low so MB-sized archives trip them (the defaults are GiB-sized).
const LOW: &[&str] = &["--max-ratio", "100", "--ratio-floor", "1M"];

#[test]
fn a_zero_filled_member_decoded_to_skip_it_stops_nothing() {
    // `lastlog` of a node with high uids: GiBs of zeros, compressed to almost
    // nothing. It is not a log; skipping it decodes it; the logs after it are read.
    let dir = common::scratch_dir("h16-lastlog");
    let messages = common::testdata("sosreport-node1/var/log/messages");
    let zeros = vec![0u8; 8 << 20];
    let input = tar_gz_file(
        &dir,
        "node.tar.gz",
        &[
            ("node/var/log/lastlog", &zeros),
            ("node/var/log/messages", &messages),
        ],
    );
    let (clean, _) = common::analyze_json(&[LOG]);
    let mut args = LOW.to_vec();
    args.push(&input);
    let (doc, r) = common::analyze_json(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pids(&doc), pids(&clean));
}

#[test]
fn a_member_over_the_ratio_is_stopped_and_the_members_after_it_read() {
    let dir = common::scratch_dir("h16-ratio");
    let messages = common::testdata("sosreport-node1/var/log/messages");
    // Text that deflate packs ~1000:1: a log-like line repeated.
    let bomb: Vec<u8> =
        b"Mar  5 10:00:00 node1 app[1]: same line again and again\n".repeat((8 << 20) / 57);
    let input = tar_gz_file(
        &dir,
        "node.tar.gz",
        &[
            ("node/var/log/messages.1", &bomb),
            ("node/var/log/messages", &messages),
        ],
    );
    let (clean, _) = common::analyze_json(&[LOG]);
    let mut args = LOW.to_vec();
    args.push(&input);
    let (doc, r) = common::analyze_json(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(pids(&doc), pids(&clean));
    let said = said(&doc);
    assert!(said.contains("messages.1"), "{said}");
    assert!(said.contains("--max-ratio"), "{said}");
    // With the default limits the same archive is read whole, silently.
    let (doc, r) = common::analyze_json(&[&input]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pids(&doc), pids(&clean));
}

#[test]
fn the_decoded_bytes_budget_stops_the_rest_of_the_input() {
    let dir = common::scratch_dir("h16-budget");
    let messages = common::testdata("sosreport-node1/var/log/messages");
    let filler = vec![b'x'; 8 << 20];
    let later = b"Mar  5 10:50:00 node1 kernel: [35000.000000] late invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n".to_vec();
    let input = tar_gz_file(
        &dir,
        "node.tar.gz",
        &[
            ("node/var/log/messages", &messages),
            ("node/var/log/filler.bin", &filler),
            ("node/var/log/kern.log", &later),
        ],
    );
    let (clean, _) = common::analyze_json(&[LOG]);
    let (doc, r) = common::analyze_json(&["--max-decoded-bytes", "4M", &input]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    // What came before the budget ran out is kept; nothing after it was read.
    assert_eq!(pids(&doc), pids(&clean));
    let said = said(&doc);
    assert!(said.contains("--max-decoded-bytes"), "{said}");
    assert!(!doc.to_string().contains("late invoked"));
}

#[test]
fn a_zip_entry_decoding_past_its_declared_size_is_stopped() {
    let dir = common::scratch_dir("h16-zip-declared");
    let log = common::testdata("sosreport-node1/var/log/messages");
    let path = dir.join("bundle.zip");
    let half = (log.len() / 2) as u32;
    std::fs::write(&path, zip_declaring("node/var/log/messages", &log, 1, half)).unwrap();
    let (doc, r) = common::analyze_json(&[path.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let said = said(&doc);
    assert!(said.contains("node/var/log/messages"), "{said}");
    // The zip reader or the guard: either names the declared size.
    assert!(said.contains("declare"), "{said}");
}

/// `oomsift analyze ARGS… -` with `input` piped to its standard input.
fn analyze_stdin(args: &[&str], input: Vec<u8>) -> (Value, common::Run) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("analyze")
        .args(args)
        .args(["--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start oomsift");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("oomsift output");
    writer.join().unwrap();
    let r = common::Run {
        code: out.status.code().expect("oomsift was killed by a signal"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    let doc = serde_json::from_str(&r.stdout).unwrap_or(Value::Null);
    (doc, r)
}

/// An archive piped in (`oomsift analyze -`) honours the `--max-*` flags as a file
/// does: a ratio bomb member of a `.tar.gz` on standard input is stopped by
/// `--max-ratio`, named in its warning, and the member after it is read.
#[test]
fn an_archive_on_standard_input_honours_the_limits() {
    let messages = common::testdata("sosreport-node1/var/log/messages");
    let bomb: Vec<u8> =
        b"Mar  5 10:00:00 node1 app[1]: same line again and again\n".repeat((8 << 20) / 57);
    let input = common::gzip(&tar(&[
        ("node/var/log/messages.1", &bomb),
        ("node/var/log/messages", &messages),
    ]));
    let (clean, _) = common::analyze_json(&[LOG]);
    let (doc, r) = analyze_stdin(LOW, input.clone());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(pids(&doc), pids(&clean));
    let told = said(&doc);
    assert!(
        told.lines()
            .any(|l| l.contains("messages.1") && l.contains("--max-ratio")),
        "{told}"
    );
    // The budget reaches it too: 4 MB of decoded bytes stop the bomb and what follows.
    let (doc, r) = analyze_stdin(&["--max-decoded-bytes", "4M"], input.clone());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(said(&doc).contains("--max-decoded-bytes"), "{}", said(&doc));
    assert!(pids(&doc).is_empty());
    // With the default limits the same stream is read whole, silently.
    let (doc, r) = analyze_stdin(&[], input);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(pids(&doc), pids(&clean));
}
