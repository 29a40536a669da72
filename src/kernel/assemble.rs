//! Kernel OOM block assembly: a state machine fed the records of one source in order,
//! turning each OOM report block into one [`OomEvent`].
//!
//! A block starts at `… invoked oom-killer:`; when the header is missing (a paste that
//! starts mid-block, a header rate-limited away) it starts at the first strong line
//! (`Task in`, memcg counters, `Memory cgroup stats for`, a task-table header,
//! `oom-kill:`, `Kill process`, `Killed process`). A second kill line, or a new block
//! line after the victim, starts the next event. Userspace lines interleaved in a
//! block are skipped without breaking it. A block ends after its victim and its
//! `oom_reaper` line, at the next header, or after a run of unrelated lines; a block
//! cut before its victim is still an event, marked incomplete. A block that ends in
//! `Kernel panic - not syncing` is a panic, not a kill.

use super::lines::{self, Counter, KLine, KilledLine, OomKillLine, Scope};
use crate::envelope::Record;
use crate::model::{OomEvent, OtherDeath, Reaped, SourceRef, Stamp, TaskRow};

/// Unrelated records after which an open block without a victim is closed.
const IDLE_LIMIT: u32 = 400;
/// Unrelated records after the victim line within which an `oom_reaper` line is awaited.
const IDLE_AFTER_VICTIM: u32 = 24;

/// Where the kind of an event was learned, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    Trace = 1,
    Body = 2,
    KillLine = 3,
    Constraint = 4,
}

#[derive(Debug, Default)]
struct Builder {
    ev: OomEvent,
    has_header: bool,
    killed: bool,
    announced: Option<(u64, String, i64)>,
    has_oom_kill: bool,
    kind: Option<(Evidence, String)>,
    saw_counters: bool,
    saw_out_of_memory_frame: bool,
    stats_paths: Vec<String>,
    /// Collecting a v2 multi-line stats block for this path.
    v2_stats: Option<String>,
    in_meminfo: bool,
    task_columns: Option<Vec<String>>,
    is_panic: Option<String>,
    host: Option<String>,
}

/// Feeds records, collects events.
#[derive(Debug, Default)]
pub struct Assembler {
    cur: Option<Builder>,
    idle: u32,
    suppressed: Option<u64>,
    file: String,
    /// Added to record offsets (the position of the scanned buffer in its source).
    pub offset_base: u64,
    pub events: Vec<OomEvent>,
    pub deaths: Vec<OtherDeath>,
}

impl Assembler {
    pub fn new(file: &str) -> Assembler {
        Assembler {
            file: file.to_string(),
            ..Assembler::default()
        }
    }

    /// Is a block open (so every following record must be fed, not just prefilter hits)?
    pub fn is_open(&self) -> bool {
        self.cur.is_some()
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
        // rsyslog escapes embedded newlines of one message as #012.
        if memchr::memmem::find(&rec.msg, b"#012").is_some() {
            for part in split_012(&rec.msg) {
                self.feed_msg(rec, part, line, offset);
            }
        } else {
            self.feed_msg(rec, &rec.msg, line, offset);
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

    fn start(&mut self, rec: &Record, line: u64, offset: u64) -> &mut Builder {
        self.close();
        let mut b = Builder::default();
        b.ev.stamp = Stamp {
            wall: rec.wall,
            uptime_us: rec.uptime_us,
        };
        if !rec.time_raw.is_empty() {
            b.ev.time_raw = Some(rec.time_raw.to_string());
        }
        b.host = rec.host.map(str::to_string);
        b.ev.offset = offset;
        b.ev.sources.push(SourceRef {
            file: self.file.clone(),
            line,
        });
        if let Some(n) = self.suppressed.take() {
            b.ev.suppressed_before = Some(n);
            b.ev.warnings.push(format!(
                "{n} earlier OOM-killer messages were suppressed by printk rate limiting: kills before this one may be missing from the log"
            ));
        }
        self.cur.insert(b)
    }

    /// The open block, or a new header-less one when none is open or the open one
    /// already has its victim.
    fn body(&mut self, rec: &Record, line: u64, offset: u64) -> &mut Builder {
        let need_new = self.cur.as_ref().is_none_or(|b| b.killed);
        if need_new {
            self.start(rec, line, offset);
        }
        self.cur.as_mut().expect("open block")
    }

    fn feed_msg(&mut self, rec: &Record, msg: &[u8], line: u64, offset: u64) {
        let kl = lines::classify(msg);
        // A v2 stats block is a run of "key value" lines.
        if let Some(b) = self.cur.as_mut()
            && let Some(path) = b.v2_stats.clone()
        {
            if matches!(kl, KLine::Other)
                && let Some((k, v)) = lines::stat_line(msg)
            {
                b.ev.memcg_stats.entry(path).or_default().insert(k, v);
                self.idle = 0;
                self.keep_raw(rec, msg);
                return;
            }
            b.v2_stats = None;
        }
        if let Some(b) = self.cur.as_mut()
            && b.in_meminfo
            && matches!(kl, KLine::Noise | KLine::Other)
        {
            let pairs = lines::meminfo_pairs(msg);
            if !pairs.is_empty() {
                let m = b.ev.meminfo.get_or_insert_with(Default::default);
                for (k, v) in pairs {
                    m.entry(k).or_insert(v);
                }
                self.idle = 0;
                self.keep_raw(rec, msg);
                return;
            }
        }
        match kl {
            KLine::Header {
                comm,
                gfp_mask,
                nodemask,
                order,
                oom_score_adj,
            } => {
                let b = self.start(rec, line, offset);
                b.has_header = true;
                let t = &mut b.ev.trigger;
                t.comm = Some(comm);
                t.gfp_mask = Some(gfp_mask);
                t.nodemask = nodemask;
                t.order = Some(order);
                t.oom_score_adj = Some(oom_score_adj);
                t.manual = order == -1;
            }
            KLine::Cpuset { comm, cpuset } => {
                if let Some(b) = self.cur.as_mut()
                    && b.ev.trigger.comm.as_deref() == Some(&comm)
                {
                    b.ev.trigger.cpuset = Some(cpuset);
                }
            }
            KLine::Cpu { pid, comm, kernel } => {
                if let Some(b) = self.cur.as_mut()
                    && b.ev.trigger.pid.is_none()
                    && b.ev.trigger.comm.as_deref().is_none_or(|c| c == comm)
                    && !b.killed
                {
                    b.ev.trigger.pid = Some(pid);
                    b.ev.trigger.comm.get_or_insert(comm);
                    b.ev.kernel = kernel;
                }
            }
            KLine::Frame(f) => {
                if let Some(b) = self.cur.as_mut() {
                    trace_hint(b, &f);
                }
            }
            KLine::Noise => {}
            KLine::MemInfo => {
                if let Some(b) = self.cur.as_mut() {
                    b.in_meminfo = true;
                    set_kind(b, Evidence::Body, "host");
                }
            }
            KLine::TaskIn { task, limit } => {
                let b = self.body(rec, line, offset);
                b.ev.cgroup.task.get_or_insert(task);
                b.ev.cgroup.oom.get_or_insert(limit);
                set_kind(b, Evidence::Body, "cgroup");
            }
            KLine::Counter {
                which,
                usage,
                limit,
                failcnt,
            } => {
                let b = self.body(rec, line, offset);
                let m = &mut b.ev.memory;
                match which {
                    Counter::Memory => {
                        m.usage_kb = usage;
                        m.limit_kb = limit;
                        m.failcnt = failcnt;
                    }
                    Counter::MemSwap => {
                        m.memsw_usage_kb = usage;
                        m.memsw_limit_kb = limit;
                    }
                    Counter::Swap => {
                        m.swap_usage_kb = usage;
                        m.swap_limit_kb = limit;
                    }
                    Counter::Kmem => {
                        m.kmem_usage_kb = usage;
                        m.kmem_limit_kb = limit;
                    }
                }
                b.saw_counters = true;
                set_kind(b, Evidence::Body, "cgroup");
            }
            KLine::StatsHeader { path, inline } => {
                let b = self.body(rec, line, offset);
                set_kind(b, Evidence::Body, "cgroup");
                if let Some(path) = path {
                    // The first stats line after the counters names the OOM memcg; on v2
                    // the (only) multi-line block is the OOM memcg's own.
                    let first = b.stats_paths.is_empty();
                    if first && (b.saw_counters || inline.is_none()) && b.ev.cgroup.oom.is_none() {
                        b.ev.cgroup.oom = Some(path.clone());
                    }
                    b.stats_paths.push(path.clone());
                    match inline {
                        Some(stats) => {
                            b.ev.memcg_stats.entry(path).or_default().extend(stats);
                        }
                        None => b.v2_stats = Some(path),
                    }
                }
            }
            KLine::TasksState => {
                self.body(rec, line, offset);
            }
            KLine::TaskHeader(cols) => {
                let b = self.body(rec, line, offset);
                b.in_meminfo = false;
                b.task_columns = Some(cols);
            }
            KLine::TaskRow { pid, values, name } => {
                if let Some(b) = self.cur.as_mut()
                    && !b.killed
                {
                    b.in_meminfo = false;
                    let names = column_names(b.task_columns.as_deref(), values.len());
                    b.ev.tasks.push(TaskRow {
                        pid,
                        columns: names.into_iter().zip(values).collect(),
                        name,
                    });
                } else {
                    self.tick_idle();
                    return;
                }
            }
            KLine::OomKill(o) => {
                if self
                    .cur
                    .as_ref()
                    .is_some_and(|b| b.has_oom_kill || b.killed)
                    || self.cur.is_none()
                {
                    self.start(rec, line, offset);
                }
                let b = self.cur.as_mut().expect("open block");
                apply_oom_kill(b, o);
            }
            KLine::KillAnnounce {
                scope,
                pid,
                comm,
                score,
            } => {
                if self
                    .cur
                    .as_ref()
                    .is_none_or(|b| b.killed || b.announced.is_some())
                {
                    self.start(rec, line, offset);
                }
                let b = self.cur.as_mut().expect("open block");
                scope_kind(b, scope);
                b.announced = Some((pid, comm, score));
            }
            KLine::Killed(k) => {
                if self.cur.as_ref().is_none_or(|b| b.killed) {
                    self.start(rec, line, offset);
                }
                let b = self.cur.as_mut().expect("open block");
                apply_killed(b, k);
            }
            KLine::Reaper {
                pid,
                anon,
                file,
                shmem,
            } => {
                let reaped = Reaped {
                    pid,
                    anon_rss_kb: anon,
                    file_rss_kb: file,
                    shmem_rss_kb: shmem,
                };
                if let Some(b) = self.cur.as_mut()
                    && b.ev.victim.pid == Some(pid)
                {
                    b.ev.reaped = Some(reaped);
                    self.close();
                    return;
                }
                if let Some(e) = self.events.last_mut()
                    && e.victim.pid == Some(pid)
                    && e.reaped.is_none()
                {
                    e.reaped = Some(reaped);
                }
            }
            KLine::Panic(text) => match self.cur.as_mut() {
                Some(b) if !b.killed => {
                    b.is_panic = Some(text);
                    self.close();
                }
                _ => {
                    self.close();
                    let d = OtherDeath {
                        kind: "panic".into(),
                        reporter: "kernel".into(),
                        message: text,
                        ..self.death_at(rec, line, offset)
                    };
                    self.deaths.push(d);
                }
            },
            KLine::Suppressed(n) => {
                self.suppressed = Some(n);
                self.tick_idle();
                return;
            }
            KLine::Other => {
                self.tick_idle();
                return;
            }
        }
        self.idle = 0;
        self.keep_raw(rec, msg);
    }

    /// Keeps a block line for the report's raw view.
    fn keep_raw(&mut self, rec: &Record, msg: &[u8]) {
        const MAX_RAW: usize = 5000;
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

    fn emit(&mut self, mut b: Builder) {
        if let Some(text) = b.is_panic.take() {
            self.deaths.push(OtherDeath {
                kind: "panic".into(),
                reporter: "kernel".into(),
                time: None,
                time_raw: b.ev.time_raw.clone(),
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
            && let Some(row) = b.ev.tasks.iter().find(|r| r.pid == pid)
        {
            if b.ev.victim.oom_score_adj.is_none() {
                b.ev.victim.oom_score_adj = row.get("oom_score_adj");
            }
            if b.ev.victim.uid.is_none() {
                b.ev.victim.uid = row.get("uid").and_then(|u| u64::try_from(u).ok());
            }
        }
        b.ev.complete = b.has_header && b.killed;
        b.ev.kind = b.kind.as_ref().map(|(_, k)| k.clone());
        b.ev.node = b.host.take();
        b.ev.stats_paths = std::mem::take(&mut b.stats_paths);
        self.events.push(b.ev);
    }
}

fn split_012(msg: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = msg;
    while let Some(i) = memchr::memmem::find(rest, b"#012") {
        parts.push(&rest[..i]);
        rest = &rest[i + 4..];
    }
    parts.push(rest);
    parts
}

fn set_kind(b: &mut Builder, ev: Evidence, kind: &str) {
    if b.kind.as_ref().is_none_or(|(e, _)| ev > *e) {
        b.kind = Some((ev, kind.to_string()));
    }
}

fn scope_kind(b: &mut Builder, scope: Option<Scope>) {
    match scope {
        Some(Scope::Memcg) => set_kind(b, Evidence::KillLine, "cgroup"),
        Some(Scope::Global) => set_kind(b, Evidence::KillLine, "host"),
        None => {}
    }
}

/// Call-trace frames tell a memcg OOM from a global one when the block is cut before
/// the lines that say so: the first telling frame after `out_of_memory` decides.
fn trace_hint(b: &mut Builder, func: &str) {
    const MEMCG: &[&str] = &[
        "mem_cgroup_out_of_memory",
        "mem_cgroup_oom_synchronize",
        "mem_cgroup_oom",
        "try_charge",
        "try_charge_memcg",
        "mem_cgroup_charge",
        "__mem_cgroup_charge",
    ];
    const GLOBAL: &[&str] = &[
        "__alloc_pages_slowpath",
        "__alloc_pages_may_oom",
        "__alloc_pages_nodemask",
        "__alloc_pages",
        "moom_callback",
    ];
    if func == "out_of_memory" || func == "pagefault_out_of_memory" {
        b.saw_out_of_memory_frame = true;
        return;
    }
    if b.kind.is_some() {
        return;
    }
    if MEMCG.contains(&func) {
        set_kind(b, Evidence::Trace, "cgroup");
    } else if b.saw_out_of_memory_frame && GLOBAL.contains(&func) {
        set_kind(b, Evidence::Trace, "host");
    }
}

fn apply_oom_kill(b: &mut Builder, o: OomKillLine) {
    b.has_oom_kill = true;
    let kind = match o.constraint.as_str() {
        "CONSTRAINT_MEMCG" => "cgroup".to_string(),
        "CONSTRAINT_NONE" => "host".to_string(),
        other => other.trim_start_matches("CONSTRAINT_").to_lowercase(),
    };
    set_kind(b, Evidence::Constraint, &kind);
    b.ev.constraint = Some(o.constraint);
    if let Some(m) = o.oom_memcg {
        b.ev.cgroup.oom = Some(m);
    } else if o.global_oom {
        b.ev.cgroup.oom = None;
    }
    if let Some(t) = o.task_memcg {
        b.ev.cgroup.task = Some(t);
    }
    if b.ev.trigger.cpuset.is_none() {
        b.ev.trigger.cpuset = o.cpuset;
    }
    if b.ev.trigger.nodemask.is_none() {
        b.ev.trigger.nodemask = o.nodemask;
    }
    let v = &mut b.ev.victim;
    if v.pid.is_none() {
        v.pid = o.pid;
        v.comm = o.task;
    }
    if v.uid.is_none() {
        v.uid = o.uid;
    }
}

fn apply_killed(b: &mut Builder, k: KilledLine) {
    scope_kind(b, k.scope);
    b.killed = true;
    if let Some((pid, comm, score)) = &b.announced {
        b.ev.victim.score = Some(*score);
        if *pid != k.pid {
            b.ev.warnings.push(format!(
                "the kernel selected {pid} ({comm}) and killed {} ({}) instead (a child or the thread group leader)",
                k.pid, k.comm
            ));
        }
    }
    let v = &mut b.ev.victim;
    if v.pid.is_some_and(|p| p != k.pid) {
        b.ev.warnings.push(format!(
            "the oom-kill summary names pid {} but the kill line names {}; the kill line is kept",
            v.pid.unwrap_or(0),
            k.pid
        ));
    }
    v.pid = Some(k.pid);
    v.comm = Some(k.comm);
    v.uid = k.uid.or(v.uid);
    v.total_vm_kb = k.total_vm_kb;
    v.anon_rss_kb = k.anon_rss_kb;
    v.file_rss_kb = k.file_rss_kb;
    v.shmem_rss_kb = k.shmem_rss_kb;
    v.pgtables_kb = k.pgtables_kb;
    v.oom_score_adj = k.oom_score_adj;
}

/// Column names for a task row: the header's, or a guess from the column count when
/// the header was not seen (3.10/4.x: 7 numbers, 4.x with nr_pmds: 8, 6.x split rss: 10).
fn column_names(header: Option<&[String]>, n: usize) -> Vec<String> {
    if let Some(h) = header {
        let cols: Vec<String> = h.iter().filter(|c| *c != "name").cloned().collect();
        if cols.len() == n {
            return cols;
        }
    }
    let guess: &[&str] = match n {
        7 => &[
            "uid",
            "tgid",
            "total_vm",
            "rss",
            "pgtables",
            "swapents",
            "oom_score_adj",
        ],
        8 => &[
            "uid",
            "tgid",
            "total_vm",
            "rss",
            "nr_ptes",
            "nr_pmds",
            "swapents",
            "oom_score_adj",
        ],
        10 => &[
            "uid",
            "tgid",
            "total_vm",
            "rss",
            "rss_anon",
            "rss_file",
            "rss_shmem",
            "pgtables_bytes",
            "swapents",
            "oom_score_adj",
        ],
        _ => &[],
    };
    if guess.len() == n {
        return guess.iter().map(|s| (*s).to_string()).collect();
    }
    (0..n).map(|i| format!("col{i}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::line::parse_line;

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
        assert_eq!(e.kind.as_deref(), Some("cgroup"));
        assert_eq!(e.victim.pid, Some(14970));
        assert_eq!(e.victim.oom_score_adj, Some(-998));
        assert_eq!(e.victim.score, Some(0));
        assert_eq!(e.trigger.pid, Some(14881));
        assert_eq!(e.pod.as_ref().unwrap().qos.as_deref(), Some("guaranteed"));
        assert_eq!(
            e.memcg_stats["/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/aa"]["rss"],
            524_060 * 1024
        );
        assert_eq!(e.tasks[0].get("swapents"), Some(135_473));
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
        assert!(a.events[0].reaped.is_some());
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
        assert_eq!(a.events[0].kind.as_deref(), Some("cgroup"));
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
        assert_eq!(e.memcg_stats.values().next().unwrap()["anon"], 257_167_360);
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
        assert_eq!(a.events[0].kind.as_deref(), Some("host"));
        assert!(!a.events[0].complete);
    }
}
