//! Kernel OOM block assembly: a state machine fed the records of one source in order,
//! turning each OOM report block into one [`OomEvent`].
//!
//! A block starts at `… invoked oom-killer:`; when the header is missing (a paste that
//! starts mid-block, a header rate-limited away) it starts at the first strong line
//! (`Task in`, memcg counters, `Memory cgroup stats for`, a task-table header,
//! `oom-kill:`, `Kill process`, `Killed process`). A second kill line, or a new block
//! line after the victim, starts the next event. Userspace lines interleaved in a
//! block are skipped without breaking it. A `memory.oom.group` kill is one block: the
//! victim, `Tasks in … memory.oom.group set`, the other tasks' kill lines and their
//! reaper lines. A block ends after its victim and its `oom_reaper` line (at the line
//! after it, unless that line announces a group kill), at the next header, or after a
//! run of unrelated lines; a block
//! cut before its victim is still an event, marked incomplete. A block that ends in
//! `Kernel panic - not syncing` is a panic, not a kill.
//!
//! This file keeps the block's lifecycle only: open, start, close, emit, idle counting
//! and raw lines. What a line does to the open [`Block`] is its variant's
//! (`lines/*.rs`, [`Variant::apply`](super::lines::Variant::apply)), through [`Ctx`].

use super::lines;
use crate::envelope::Record;
use crate::model::{DeathKind, OomEvent, OomKind, OtherDeath, SourceRef, Stamp};

/// Unrelated records after which an open block without a victim is closed.
const IDLE_LIMIT: u32 = 400;
/// Unrelated records after the victim line within which an `oom_reaper` line is awaited.
const IDLE_AFTER_VICTIM: u32 = 24;

/// Where the kind of an event was learned, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    Trace = 1,
    Body = 2,
    KillLine = 3,
    Constraint = 4,
}

/// The open block: the event being built and what its lines said so far. The line
/// variants (`lines/*.rs`) write it; the assembler opens, closes and emits it.
#[derive(Debug, Default)]
pub struct Block {
    pub ev: OomEvent,
    /// The `invoked oom-killer` header was seen.
    pub has_header: bool,
    /// The victim's `Killed process` line was seen.
    pub killed: bool,
    /// `Kill process N (comm) score S`: the process selected.
    pub announced: Option<(u64, String, i64)>,
    /// The `oom-kill:` summary was seen.
    pub has_oom_kill: bool,
    pub kind: Option<(Evidence, String)>,
    /// A memcg counter line was seen.
    pub saw_counters: bool,
    /// An `out_of_memory` frame was seen (the frames below it tell the kind).
    pub saw_out_of_memory_frame: bool,
    /// `Memory cgroup stats for` paths, in order.
    pub stats_paths: Vec<String>,
    /// Collecting a v2 multi-line stats block for this path.
    pub v2_stats: Option<String>,
    /// After `Mem-Info:`, before the task table.
    pub in_meminfo: bool,
    /// The task table's column names (from its header line).
    /// The task table header's numeric columns (`name` left out).
    pub task_columns: Option<Vec<crate::model::Text>>,
    /// In a `Memory allocations:` section (its lines follow).
    pub in_allocations: bool,
    /// The victim's work is done (its `oom_reaper` line was seen): the block ends at
    /// the next line, unless that line announces a `memory.oom.group` kill.
    pub close_pending: bool,
    /// The block ended in a panic: its message.
    pub is_panic: Option<String>,
    host: Option<String>,
}

impl Block {
    /// Records the event's kind unless stronger evidence already told it.
    pub fn set_kind(&mut self, ev: Evidence, kind: &str) {
        if self.kind.as_ref().is_none_or(|(e, _)| ev > *e) {
            self.kind = Some((ev, kind.to_string()));
        }
    }
}

/// What a line was to the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fed {
    /// Part of the (open or just closed) block: kept in its raw lines, idle count reset.
    Block,
    /// Not part of a block: counted toward closing an idle one.
    Unrelated,
}

/// What a line variant may do to the assembler, at the record being fed.
pub struct Ctx<'a, 'r> {
    asm: &'a mut Assembler,
    rec: &'a Record<'r>,
    line: u64,
    offset: u64,
}

impl Ctx<'_, '_> {
    /// The open block, if any.
    pub fn open(&mut self) -> Option<&mut Block> {
        self.asm.cur.as_mut()
    }

    /// Closes the open block (if any) and starts a new one at this record.
    pub fn start(&mut self) -> &mut Block {
        self.asm.start(self.rec, self.line, self.offset)
    }

    /// The open block, or a new one when none is open or `ends(open)` says this line
    /// belongs to the next event.
    pub fn join_or_start(&mut self, ends: impl FnOnce(&Block) -> bool) -> &mut Block {
        match self.asm.cur.take() {
            Some(b) if !ends(&b) => self.asm.cur.insert(b),
            open => {
                self.asm.cur = open;
                self.start()
            }
        }
    }

    /// The open block, or a new header-less one when none is open or the open one
    /// already has its victim.
    pub fn body(&mut self) -> &mut Block {
        self.join_or_start(|b| b.killed)
    }

    /// Ends the open block (it is emitted).
    pub fn close(&mut self) {
        self.asm.close();
    }

    /// The last event emitted.
    pub fn last_event(&mut self) -> Option<&mut OomEvent> {
        self.asm.events.last_mut()
    }

    /// The events emitted so far in this boot, oldest first (a reaper line never
    /// reaches a kill of an earlier boot).
    pub fn events(&mut self) -> &mut [OomEvent] {
        let from = self.asm.boot_first_event.min(self.asm.events.len());
        self.asm.events.get_mut(from..).unwrap_or_default()
    }

    /// This record starts another boot (a `Linux version` banner).
    pub fn new_boot(&mut self) {
        self.asm.new_boot(self.offset);
    }

    /// Notes drift on the open block: `variant`'s line held `what` it did not
    /// understand (text or a known field that did not parse). Kept in the event's
    /// `parse_notes`; the scan raises one warning per file and variant from them.
    pub fn note(&mut self, variant: &'static str, what: &str) {
        let line = self.line;
        if let Some(b) = self.asm.cur.as_mut() {
            let first = b.ev.sources.first().map_or(line, |s| s.line);
            let delta = line.saturating_sub(first);
            b.ev.body
                .parse_notes
                .push(format!("{variant} (block line {}): {what}", delta + 1));
            b.ev.body.drift.push((variant, delta));
        }
    }

    /// A death of `kind` told by this record alone (not a block).
    pub fn death(&mut self, kind: DeathKind, message: String) {
        let d = OtherDeath {
            kind,
            reporter: "kernel".into(),
            message,
            ..self.asm.death_at(self.rec, self.line, self.offset)
        };
        self.asm.deaths.push(d);
    }

    /// `n` OOM-killer messages were rate-limited away before the next block.
    pub fn suppressed(&mut self, n: u64) {
        self.asm.suppressed = Some(n);
    }
}

/// Whether blocks keep their lines as logged (`OomEvent::raw`); see [`keep_raw_lines`].
static KEEP_RAW: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Whether the blocks assembled from now on in this process keep their kernel lines
/// as logged (the HTML report's raw view, `--raw-blocks`); kept unless told. The
/// `oomsift analyze` command turns it off when its outputs do not show them: the lines
/// were copied for every block and dropped after the scan, which for a storm of a
/// million header-only blocks left ~150 MB of freed chunks between the events' own
/// small allocations, still resident through the analysis (issue 16). A process-wide
/// setting, for a program to set once before it analyzes; the library's own runs
/// never change it.
pub fn keep_raw_lines(keep: bool) {
    KEEP_RAW.store(keep, std::sync::atomic::Ordering::Relaxed);
}

/// Feeds records, collects events.
#[derive(Debug, Default)]
pub struct Assembler {
    cur: Option<Block>,
    idle: u32,
    suppressed: Option<u64>,
    file: std::sync::Arc<str>,
    /// Added to record offsets (the position of the scanned buffer in its source).
    pub offset_base: u64,
    pub events: Vec<OomEvent>,
    pub deaths: Vec<OtherDeath>,
    /// Offsets of the records that start another boot: a `Linux version` banner, or an
    /// uptime more than a second below the previous kernel record's.
    pub boot_starts: Vec<u64>,
    /// The previous kernel record's uptime.
    last_uptime: Option<u64>,
    /// No record was fed since the last boot start (a banner right after an uptime
    /// reset is the same boot start).
    boot_fresh: bool,
    /// Fed the records of a part that starts inside its source.
    mid_source: bool,
    /// A banner before any kernel record of such a part.
    head_start: Option<u64>,
    /// Any kernel record was fed.
    fed_kernel: bool,
    /// A boot start (banner or uptime reset) was seen, kept or not.
    boot_seen: bool,
    /// Index in `events` of the first event of the current boot.
    boot_first_event: usize,
}

/// An uptime this much below the previous record's is another boot (µs).
pub const BOOT_UPTIME_BACKWARDS_US: u64 = 1_000_000;

impl Assembler {
    pub fn new(file: &str) -> Assembler {
        Assembler {
            file: file.into(),
            // A banner before any other record is the first boot's.
            boot_fresh: true,
            ..Assembler::default()
        }
    }

    /// Is a block open (so every following record must be fed, not just prefilter hits)?
    pub fn is_open(&self) -> bool {
        self.cur.is_some()
    }

    /// The offset of the open block's first record.
    pub fn open_offset(&self) -> Option<u64> {
        self.cur.as_ref().map(|b| b.ev.offset)
    }

    /// The open block was started by an `invoked oom-killer` header, with no rate-limit
    /// notice taken: read alike from any earlier start, so by the part that starts
    /// before it (a header-less start may join what a part saw before it).
    pub fn open_is_plain_header(&self) -> bool {
        self.cur
            .as_ref()
            .is_some_and(|b| b.has_header && b.ev.body.suppressed_before.is_none())
    }

    /// Forgets the open block unemitted (a part's scan past its end reached the start
    /// of a block the next part reads); a rate-limit notice it took is given back.
    pub fn drop_open(&mut self) {
        if let Some(b) = self.cur.take() {
            self.suppressed = b.ev.body.suppressed_before;
        }
        self.idle = 0;
    }

    /// Ends the input: an open block is finished as it stands.
    pub fn finish(&mut self) {
        self.close();
    }

    /// Feeds one record: `line` is its 1-based line number, `offset` its byte offset.
    pub fn feed(&mut self, rec: &Record, line: u64, offset: u64) {
        let offset = offset + self.offset_base;
        if !rec.maybe_kernel() {
            self.tick_idle();
            return;
        }
        let boots = self.boot_starts.len();
        if let Some(up) = rec.uptime_us {
            if self
                .last_uptime
                .is_some_and(|last| up.saturating_add(BOOT_UPTIME_BACKWARDS_US) < last)
            {
                self.new_boot(offset);
            }
            self.last_uptime = Some(up);
        }
        self.feed_record(rec, line, offset);
        if self.boot_starts.len() == boots && self.head_start != Some(offset) {
            self.boot_fresh = false;
        }
        self.fed_kernel = true;
    }

    /// The records fed start inside their source, not at its beginning (a part of a
    /// file scanned in parallel): a banner before any kernel record of the part is
    /// kept aside ([`Assembler::head_start`]), a boot start only if some kernel record
    /// came before it in the file — which only the joining of the parts knows.
    pub fn starts_mid_source(&mut self) {
        self.mid_source = true;
    }

    /// A banner before any kernel record fed, in a part that starts mid-source.
    pub fn head_start(&self) -> Option<u64> {
        self.head_start
    }

    /// At the end of what was fed: is it still "fresh" (no kernel record since the
    /// last boot start)? None when nothing was fed that tells (no kernel record, no
    /// boot start): the state of what came before holds.
    pub fn fresh_at_end(&self) -> Option<bool> {
        (self.fed_kernel || self.boot_seen).then_some(self.boot_fresh)
    }

    /// Another boot starts at `offset`: the open block ends there.
    fn new_boot(&mut self, offset: u64) {
        self.boot_seen = true;
        if self.boot_fresh {
            if self.mid_source && !self.fed_kernel && self.head_start.is_none() {
                self.head_start = Some(offset);
            }
            return;
        }
        self.close();
        self.boot_fresh = true;
        self.boot_first_event = self.events.len();
        self.boot_starts.push(offset);
    }

    fn feed_record(&mut self, rec: &Record, line: u64, offset: u64) {
        // One record may hold several lines (a pre-6.5 v2 stats block is one printk):
        // rsyslog escapes the newlines as #012, /dev/kmsg and syslog-ng as `\x0a`, a
        // journal keeps them.
        match embedded_newline(&rec.msg) {
            Some(sep) => {
                for part in split_on(&rec.msg, sep) {
                    if !part.trim_ascii().is_empty() {
                        self.feed_msg(rec, part, line, offset);
                    }
                }
            }
            None => self.feed_msg(rec, &rec.msg, line, offset),
        }
    }

    /// A death told by one record: where and when.
    fn death_at(&self, rec: &Record, line: u64, offset: u64) -> OtherDeath {
        let at = SourceRef {
            file: self.file.clone(),
            line,
        };
        let stamp = Stamp {
            wall: rec.wall,
            uptime_us: rec.uptime_us,
        };
        OtherDeath::logged(at, offset, stamp, &rec.time_raw, rec.host)
    }

    fn tick_idle(&mut self) {
        if let Some(b) = &self.cur {
            self.idle += 1;
            let limit = if b.killed {
                IDLE_AFTER_VICTIM
            } else {
                IDLE_LIMIT
            };
            if self.idle > limit {
                self.close();
            }
        }
    }

    fn close(&mut self) {
        if let Some(b) = self.cur.take() {
            self.emit(b);
        }
        self.idle = 0;
    }

    fn start(&mut self, rec: &Record, line: u64, offset: u64) -> &mut Block {
        self.close();
        let mut b = Block::default();
        b.ev.stamp = Stamp {
            wall: rec.wall,
            uptime_us: rec.uptime_us,
        };
        if !rec.time_raw.is_empty() {
            b.ev.time_raw = Some(rec.time_raw.as_ref().into());
        }
        b.host = rec.host.map(str::to_string);
        b.ev.offset = offset;
        b.ev.sources = vec![SourceRef {
            file: self.file.clone(),
            line,
        }];
        if let Some(n) = self.suppressed.take() {
            b.ev.body.suppressed_before = Some(n);
            b.ev.warnings.push(format!(
                "{n} earlier OOM-killer messages were suppressed by printk rate limiting: kills before this one may be missing from the log"
            ).into());
        }
        self.cur.insert(b)
    }

    /// One message: classified, applied by its variant; the lifecycle around it.
    fn feed_msg(&mut self, rec: &Record, msg: &[u8], line: u64, offset: u64) {
        let msg = strip_caller_id(msg);
        let mut ctx = Ctx {
            asm: self,
            rec,
            line,
            offset,
        };
        match lines::classify(msg).apply(&mut ctx) {
            Fed::Block => {
                self.idle = 0;
                self.keep_raw(rec, msg);
            }
            Fed::Unrelated => self.tick_idle(),
        }
    }

    /// Keeps a block line for the report's raw view.
    fn keep_raw(&mut self, rec: &Record, msg: &[u8]) {
        const MAX_RAW: usize = 5000;
        if !KEEP_RAW.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        if let Some(b) = self.cur.as_mut()
            && b.ev.raw.len() < MAX_RAW
        {
            let text = String::from_utf8_lossy(msg);
            b.ev.raw.push(if rec.time_raw.is_empty() {
                text.into_owned()
            } else {
                format!("{} {text}", rec.time_raw)
            });
        }
    }

    fn emit(&mut self, mut b: Block) {
        if let Some(text) = b.is_panic.take() {
            self.deaths.push(OtherDeath {
                kind: DeathKind::Panic,
                reporter: "kernel".into(),
                time: None,
                time_raw: b.ev.time_raw.as_deref().map(str::to_string),
                node: b.host.clone(),
                message: text,
                sources: b.ev.sources.clone(),
                stamp: b.ev.stamp,
                offset: b.ev.offset,
                ..OtherDeath::default()
            });
            return;
        }
        // Victim: the killed process; else the one announced (block cut before "Killed").
        if !b.killed
            && let Some((pid, comm, score)) = b.announced.clone()
        {
            if b.ev.victim.pid.is_none() {
                b.ev.victim.pid = Some(pid);
                b.ev.victim.comm = Some(comm);
            }
            b.ev.victim.score = Some(score);
            b.ev.warnings.push("the block ends after `Kill process`: the victim named is the process selected, its kill was not logged".into());
        }
        if b.ev.victim.pid.is_none() && !b.killed {
            b.ev.warnings
                .push("the block is cut before its victim: victim unknown".into());
        }
        if !b.has_header {
            b.ev.warnings.push("the block has no `invoked oom-killer` header (excerpt, truncated file or rate-limited output)".into());
        }
        // The victim's oom_score_adj and uid from its task-table row when the kill line lacks them.
        if let Some(pid) = b.ev.victim.pid
            && let Some(row) = b.ev.body.tasks.iter().find(|r| r.pid == pid)
        {
            if b.ev.victim.oom_score_adj.is_none() {
                b.ev.victim.oom_score_adj = row.get("oom_score_adj");
            }
            if b.ev.victim.uid.is_none() {
                b.ev.victim.uid = row.get("uid").and_then(|u| u64::try_from(u).ok());
            }
        }
        b.ev.complete = b.has_header && b.killed;
        b.ev.kind = b.kind.as_ref().map(|(_, k)| OomKind::from_name(k));
        b.ev.node = b.host.take().map(Into::into);
        if !b.stats_paths.is_empty() {
            b.stats_paths.shrink_to_fit();
            b.ev.body.stats_paths = std::mem::take(&mut b.stats_paths);
        }
        // A vector's first push reserves room for four: a storm of a million
        // one-line blocks would hold three empty slots of each (issue 16).
        b.ev.warnings.shrink_to_fit();
        if let Some(raw) = b.ev.raw.get_mut() {
            raw.shrink_to_fit();
        }
        self.events.push(b.ev);
    }
}

/// A printk caller id left on the message (`[ T9185] `, `[    C3] `,
/// CONFIG_PRINTK_CALLER) when the envelope did not take it: it is not the kernel's text.
fn strip_caller_id(msg: &[u8]) -> &[u8] {
    use crate::envelope::fields::{after_sep, caller_id_end};
    match caller_id_end(msg, 0) {
        Some(end) => msg.get(after_sep(msg, end)..).unwrap_or_default(),
        None => msg,
    }
}

/// How an embedded newline of one record is written.
const NEWLINES: &[&[u8]] = &[b"#012", b"\\x0a", b"\n"];

/// The first of [`NEWLINES`] (in that order) that `msg` holds: one pass for the bytes
/// they start with (most records have none), each candidate then compared. Every
/// record of an open block is checked, ~3 % of a scan as three searches.
fn embedded_newline(msg: &[u8]) -> Option<&'static [u8]> {
    let mut seen = [false; 3];
    for at in memchr::memchr3_iter(b'#', b'\\', b'\n', msg) {
        let rest = msg.get(at..).unwrap_or_default();
        for (k, sep) in NEWLINES.iter().enumerate() {
            if rest.starts_with(sep)
                && let Some(s) = seen.get_mut(k)
            {
                *s = true;
            }
        }
        if seen.first() == Some(&true) {
            break;
        }
    }
    NEWLINES
        .iter()
        .zip(seen)
        .find_map(|(sep, s)| s.then_some(*sep))
}

/// The lines of one record split at `sep`. A separator that is text, not a line
/// break (a process named `ev#012il`), is kept: a piece no variant reads, which with
/// the next piece reads as a kernel line, is joined to it, so the kill of a process
/// with `#012` in its name still has its victim.
fn split_on<'m>(msg: &'m [u8], sep: &[u8]) -> Vec<&'m [u8]> {
    // (start, end) of each piece in `msg`.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(i) = msg.get(at..).and_then(|rest| crate::util::find(rest, sep)) {
        ranges.push((at, at + i));
        at += i + sep.len();
    }
    ranges.push((at, msg.len()));
    let piece = |(s, e): (usize, usize)| msg.get(s..e).unwrap_or_default();
    let read = |m: &[u8]| {
        !matches!(
            lines::classify(strip_caller_id(m)),
            lines::KLine::Other | lines::KLine::Noise(_)
        )
    };
    let mut out: Vec<&[u8]> = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for r in ranges {
        cur = Some(match cur {
            None => r,
            Some(c) => {
                let joined = (c.0, r.1);
                if !read(piece(c)) && !piece(c).trim_ascii().is_empty() && read(piece(joined)) {
                    joined
                } else {
                    out.push(piece(c));
                    r
                }
            }
        });
    }
    out.extend(cur.map(piece));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::line::parse_line;

    #[test]
    fn embedded_newline_is_the_first_separator_in_list_order() {
        assert_eq!(embedded_newline(b"plain # line \\ with x0a"), None);
        assert_eq!(embedded_newline(b"a\\x0ab#012c"), Some(&b"#012"[..]));
        assert_eq!(embedded_newline(b"a\nb\\x0a"), Some(&b"\\x0a"[..]));
        assert_eq!(embedded_newline(b"a\nb"), Some(&b"\n"[..]));
        assert_eq!(embedded_newline(b"ev#01il#012"), Some(&b"#012"[..]));
        assert_eq!(embedded_newline(b"#01"), None);
    }

    fn run(text: &str) -> Assembler {
        let mut a = Assembler::new("t.log");
        for (i, l) in text.lines().enumerate() {
            a.feed(&parse_line(l.as_bytes()), i as u64 + 1, 0);
        }
        a.finish();
        // As the scanner does after assembling: the pod and container from the paths.
        a.events
            .iter_mut()
            .for_each(crate::k8s::cgroup_path::attach_identity);
        a
    }

    #[test]
    fn v1_memcg_block_rhel7() {
        let a = run("[ 1.000000] java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998
[ 1.000000] CPU: 9 PID: 14881 Comm: java Tainted: G ------------ T 3.10.0-327.4.5.el7.x86_64 #1
[ 1.000000] Task in /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/aa killed as a result of limit of /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/aa
[ 1.000000] memory: usage 524092kB, limit 524288kB, failcnt 164324
[ 1.000000] Memory cgroup stats for /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/aa: cache:32KB rss:524060KB
[ 1.000000] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name
[ 1.000000] [14970]     0 14970  5090123   117579    1714   135473          -998 java
[ 1.000000] Memory cgroup out of memory: Kill process 3068 (java) score 0 or sacrifice child
[ 1.000000] Killed process 14970 (java) total-vm:20360492kB, anon-rss:470316kB, file-rss:0kB");
        assert_eq!(a.events.len(), 1);
        let e = &a.events[0];
        assert!(e.complete);
        assert_eq!(e.kind, Some(crate::model::OomKind::Cgroup));
        assert_eq!(e.victim.pid, Some(14970));
        assert_eq!(e.victim.oom_score_adj, Some(-998));
        assert_eq!(e.victim.score, Some(0));
        assert_eq!(e.trigger.pid, Some(14881));
        assert_eq!(e.pod.as_ref().unwrap().qos.as_deref(), Some("guaranteed"));
        assert_eq!(
            e.body.memcg_stats["/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/aa"]["rss"],
            524_060 * 1024
        );
        assert_eq!(e.body.tasks[0].get("swapents"), Some(135_473));
    }

    #[test]
    fn two_kills_without_headers() {
        let a = run(
            "Memory cgroup out of memory: Kill process 4142 (python3) score 68 or sacrifice child
Killed process 4254 (python3) total-vm:11968kB, anon-rss:4288kB, file-rss:3972kB, shmem-rss:0kB
oom_reaper: reaped process 4254 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
Memory cgroup out of memory: Kill process 4142 (python3) score 68 or sacrifice child
Killed process 4255 (python3) total-vm:11968kB, anon-rss:4288kB, file-rss:3972kB, shmem-rss:0kB",
        );
        assert_eq!(a.events.len(), 2);
        assert_eq!(a.events[0].victim.pid, Some(4254));
        assert_eq!(a.events[0].victim.score, Some(68));
        assert!(a.events[0].body.reaped.is_some());
        assert_eq!(a.events[1].victim.pid, Some(4255));
        assert!(!a.events[1].complete);
    }

    #[test]
    fn interleaved_userspace_does_not_split() {
        let a = run("Jun 13 23:04:43 h kernel: python invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0
Jun 13 23:04:43 h dockerd[9931]: level=debug msg=event topic=/tasks/oom
Jun 13 23:04:43 h kernel:  [<ffffffffbed5da6a>] dump_header+0x90/0x229
Jun 13 23:04:43 h kernel:  [<ffffffffbe7ba7b4>] oom_kill_process+0x254/0x3d0
Jun 13 23:04:43 h kernel:  [<ffffffffbe835506>] mem_cgroup_oom_synchronize+0x546/0x570");
        assert_eq!(a.events.len(), 1);
        assert_eq!(a.events[0].kind, Some(crate::model::OomKind::Cgroup));
        assert_eq!(a.events[0].node.as_deref(), Some("h"));
    }

    #[test]
    fn panic_is_not_a_kill() {
        let a = run(
            "[ 1.0] bash invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0
[ 1.0] Mem-Info:
[ 1.0] Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled",
        );
        assert!(a.events.is_empty());
        assert_eq!(a.deaths.len(), 1);
    }

    #[test]
    fn v2_stats_block_and_host_trace() {
        let a = run("[1.0] memory: usage 262144kB, limit 262144kB, failcnt 3036
[1.0] swap: usage 0kB, limit 0kB, failcnt 0
[1.0] Memory cgroup stats for /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podf7c519c8_7ad0_480e_b6ff_e86240fd440a.slice/cri-containerd-a874b4a74b84b99c912402cdb454b1462528b272d2c0ab04d44422a707e7a6b6.scope:
[1.0] anon 257167360
[1.0] file 180224
[1.0] Tasks state (memory values in pages):");
        let e = &a.events[0];
        assert_eq!(e.memory.swap_limit_kb, Some(0));
        assert_eq!(
            e.body.memcg_stats.values().next().unwrap()["anon"],
            257_167_360
        );
        assert_eq!(
            e.pod.as_ref().unwrap().uid,
            "f7c519c8-7ad0-480e-b6ff-e86240fd440a"
        );
        assert_eq!(
            e.container.as_ref().unwrap().runtime.as_deref(),
            Some("containerd")
        );
        let a = run("[1.0] yum invoked oom-killer: gfp_mask=0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD), nodemask=0, order=0, oom_score_adj=0
[1.0]  [<ffffffff8117af1c>] oom_kill_process+0x21c/0x3f0
[1.0]  [<ffffffff8117b3b8>] out_of_memory+0x108/0x4b0
[1.0]  [<ffffffff8117fd30>] __alloc_pages_slowpath+0x9a0/0xb90");
        assert_eq!(a.events[0].kind, Some(crate::model::OomKind::Host));
        assert!(!a.events[0].complete);
    }

    #[test]
    fn reaper_lines_match_their_kill_by_pid() {
        // Reaped after a later kill: each figure goes to its own event.
        let a = run(
            "Killed process 4254 (python3) total-vm:11968kB, anon-rss:4288kB, file-rss:3972kB, shmem-rss:0kB
Killed process 4255 (python3) total-vm:11968kB, anon-rss:4288kB, file-rss:3972kB, shmem-rss:0kB
Killed process 4256 (python3) total-vm:11968kB, anon-rss:4288kB, file-rss:3972kB, shmem-rss:0kB
oom_reaper: reaped process 4254 (python3), now anon-rss:0kB, file-rss:4kB, shmem-rss:0kB
oom_reaper: reaped process 4256 (python3), now anon-rss:0kB, file-rss:8kB, shmem-rss:0kB",
        );
        assert_eq!(a.events.len(), 3);
        let reaped: Vec<_> = a
            .events
            .iter()
            .map(|e| e.body.reaped.as_ref().map(|r| (r.pid, r.file_rss_kb)))
            .collect();
        assert_eq!(reaped, [Some((4254, Some(4))), None, Some((4256, Some(8)))]);
    }

    #[test]
    fn group_kill_announced_after_the_victims_reap() {
        // The reaper thread may log the victim's reap before the group line.
        let a = run(
            "[1.0] Memory cgroup out of memory: Killed process 9188 (a.out) total-vm:14456kB, anon-rss:10324kB, file-rss:504kB, shmem-rss:0kB
[1.0] oom_reaper: reaped process 9188 (a.out), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB
[1.0] Tasks in /test1 are going to be killed due to memory.oom.group set
[1.0] Memory cgroup out of memory: Killed process 9182 (a.out) total-vm:14456kB, anon-rss:76kB, file-rss:588kB, shmem-rss:0kB
[1.0] Memory cgroup out of memory: Killed process 9188 (a.out) total-vm:14456kB, anon-rss:10324kB, file-rss:504kB, shmem-rss:0kB
[1.1] oom_reaper: reaped process 9182 (a.out), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
        );
        assert_eq!(a.events.len(), 1);
        let e = &a.events[0];
        assert_eq!(e.body.reaped.as_ref().map(|r| r.pid), Some(9188));
        let g = e.body.oom_group.as_ref().unwrap();
        assert_eq!(g.cgroup, "/test1");
        assert_eq!(g.killed.len(), 1);
        assert_eq!(g.killed[0].pid, 9182);
        assert_eq!(g.killed[0].reaped.as_ref().map(|r| r.pid), Some(9182));
    }

    #[test]
    fn a_printk_caller_id_is_not_the_message() {
        assert_eq!(strip_caller_id(b"[ T9185] a.out invoked"), b"a.out invoked");
        assert_eq!(strip_caller_id(b"[    C3] x"), b"x");
        assert_eq!(
            strip_caller_id(b"[  812]     0   812"),
            b"[  812]     0   812"
        );
        assert_eq!(strip_caller_id(b"[ pid ]   uid"), b"[ pid ]   uid");
    }
}
