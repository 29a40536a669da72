//! What the kernel said: one classifier per line of an OOM report, across kernel eras
//! (2.6.32, RHEL7 3.10, 4.x, the 4.19+ `oom-kill:` summary, 5.x, 6.x; cgroup v1 and
//! v2). Each variant is a small function with its test below; [`classify`] tries them
//! in order. A new format variant is one more function and one more table entry.
//!
//! Lines are matched on the message with the envelope already removed. Lines cut off
//! by a paste or a truncated file match as far as they go (a counter line that stops
//! mid-number yields the fields before the cut).

use regex::bytes::Regex;
use std::sync::LazyLock;

/// A classified kernel line.
#[derive(Debug, Clone, PartialEq)]
pub enum KLine {
    /// `X invoked oom-killer: gfp_mask=…, [nodemask=…,] order=…, [oom_adj=…,] oom_score_adj=…`
    Header {
        comm: String,
        gfp_mask: String,
        nodemask: Option<String>,
        order: i64,
        oom_score_adj: i64,
    },
    /// `X cpuset=Y mems_allowed=Z` (3.x/4.x, before the CPU line).
    Cpuset { comm: String, cpuset: String },
    /// `CPU: 11 PID: 251385 Comm: x Not tainted 5.15.0-72-generic …` or 2.6.32 `Pid: 1743, comm: sshd …`.
    Cpu {
        pid: u64,
        comm: String,
        kernel: Option<String>,
    },
    /// A call-trace frame: the function name.
    Frame(String),
    /// Register dumps, `Call Trace:`, `<TASK>`, hex stack words, `Hardware name:`: part of a
    /// block, telling nothing.
    Noise,
    /// `Task in A killed as a result of limit of B`.
    TaskIn { task: String, limit: String },
    /// `memory:`/`memory+swap:`/`swap:`/`kmem:` `usage NkB, limit NkB, failcnt N`.
    Counter {
        which: Counter,
        usage: Option<u64>,
        limit: Option<u64>,
        failcnt: Option<u64>,
    },
    /// `Memory cgroup stats for P: k:vKB …` (v1, one line) or `… for P:` (v2, stats follow).
    /// `path` is None when the line is cut before the path ends.
    StatsHeader {
        path: Option<String>,
        inline: Option<Vec<(String, u64)>>,
    },
    /// `Tasks state (memory values in pages):`
    TasksState,
    /// `[ pid ]   uid  tgid total_vm      rss … name`: the column names after pid.
    TaskHeader(Vec<String>),
    /// `[28573]     0 28573    28100 …  name`
    TaskRow {
        pid: u64,
        values: Vec<i64>,
        name: String,
    },
    /// `oom-kill:constraint=…,…,task=…,pid=…,uid=…` (4.19+).
    OomKill(OomKillLine),
    /// `[Memory cgroup out of memory|Out of memory]: Kill process N (comm) score S or sacrifice child`
    KillAnnounce {
        scope: Option<Scope>,
        pid: u64,
        comm: String,
        score: i64,
    },
    /// `[…: ]Killed process N (comm) total-vm:… anon-rss:… file-rss:…[, shmem-rss:…][, UID:… pgtables:… oom_score_adj:…]`
    Killed(KilledLine),
    /// `oom_reaper: reaped process N (comm), now anon-rss:…kB, file-rss:…kB, shmem-rss:…kB`
    Reaper {
        pid: u64,
        anon: Option<u64>,
        file: Option<u64>,
        shmem: Option<u64>,
    },
    /// `Mem-Info:`
    MemInfo,
    /// `Kernel panic - not syncing: …`, `Out of memory and no killable processes...`,
    /// `System is deadlocked on memory`.
    Panic(String),
    /// `oom_kill_process: 70 callbacks suppressed` (printk rate limiting).
    Suppressed(u64),
    /// Anything else.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    Memory,
    MemSwap,
    Swap,
    Kmem,
}

/// Which OOM path a kill line names by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `Memory cgroup out of memory:`
    Memcg,
    /// `Out of memory:` or `Out of memory (oom_kill_allocating_task):`
    Global,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OomKillLine {
    pub constraint: String,
    pub nodemask: Option<String>,
    pub cpuset: Option<String>,
    pub global_oom: bool,
    pub oom_memcg: Option<String>,
    pub task_memcg: Option<String>,
    pub task: Option<String>,
    pub pid: Option<u64>,
    pub uid: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct KilledLine {
    pub scope: Option<Scope>,
    pub pid: u64,
    pub comm: String,
    pub uid: Option<u64>,
    pub total_vm_kb: Option<u64>,
    pub anon_rss_kb: Option<u64>,
    pub file_rss_kb: Option<u64>,
    pub shmem_rss_kb: Option<u64>,
    pub pgtables_kb: Option<u64>,
    pub oom_score_adj: Option<i64>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn num<T: std::str::FromStr>(b: Option<regex::bytes::Match>) -> Option<T> {
    std::str::from_utf8(b?.as_bytes()).ok()?.parse().ok()
}

fn starts(msg: &[u8], p: &[u8]) -> bool {
    msg.starts_with(p)
}

fn has(msg: &[u8], p: &[u8]) -> bool {
    memchr::memmem::find(msg, p).is_some()
}

/// A line variant: recognizes its line, or declines.
type Variant = fn(&[u8]) -> Option<KLine>;

/// Classifies one kernel message.
pub fn classify(msg: &[u8]) -> KLine {
    let msg = msg.trim_ascii_end();
    const TABLE: &[Variant] = &[
        header,
        killed,
        kill_announce,
        oom_kill,
        reaper,
        task_in,
        counter,
        stats_header,
        task_table,
        cpu,
        cpuset,
        meminfo,
        panic,
        suppressed,
        frame,
        noise,
    ];
    TABLE.iter().find_map(|f| f(msg)).unwrap_or(KLine::Other)
}

fn header(msg: &[u8]) -> Option<KLine> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(.+?) invoked oom-killer: gfp_mask=(0x[0-9a-fA-F]+)(?:\([^)]*\))?,(?: nodemask=([^,]*),)? order=(-?\d+),(?: oom_adj=-?\d+,)? oom_score_adj=(-?\d+)",
        )
    });
    if !has(msg, b" invoked oom-killer: ") {
        return None;
    }
    let c = RE.captures(msg)?;
    Some(KLine::Header {
        comm: text(&c[1]),
        gfp_mask: text(&c[2]),
        nodemask: c.get(3).map(|m| text(m.as_bytes())),
        order: num(c.get(4))?,
        oom_score_adj: num(c.get(5))?,
    })
}

fn scope_of(prefix: Option<regex::bytes::Match>) -> Option<Scope> {
    prefix.map(|m| {
        if m.as_bytes().starts_with(b"Memory cgroup") {
            Scope::Memcg
        } else {
            Scope::Global
        }
    })
}

fn killed(msg: &[u8]) -> Option<KLine> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:(Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): )?Killed process (\d+)(?:, UID (\d+),)? \((.*)\)(?: total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?(?:, UID:(\d+) pgtables:(\d+)kB oom_score_adj:(-?\d+))?)?",
        )
    });
    if !has(msg, b"Killed process ") {
        return None;
    }
    let c = RE.captures(msg)?;
    Some(KLine::Killed(KilledLine {
        scope: scope_of(c.get(1)),
        pid: num(c.get(2))?,
        uid: num(c.get(3)).or_else(|| num(c.get(9))),
        comm: text(&c[4]),
        total_vm_kb: num(c.get(5)),
        anon_rss_kb: num(c.get(6)),
        file_rss_kb: num(c.get(7)),
        shmem_rss_kb: num(c.get(8)),
        pgtables_kb: num(c.get(10)),
        oom_score_adj: num(c.get(11)),
    }))
}

fn kill_announce(msg: &[u8]) -> Option<KLine> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:(Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): )?Kill process (\d+) \((.*)\) score (-?\d+)",
        )
    });
    if !has(msg, b"Kill process ") {
        return None;
    }
    let c = RE.captures(msg)?;
    Some(KLine::KillAnnounce {
        scope: scope_of(c.get(1)),
        pid: num(c.get(2))?,
        comm: text(&c[3]),
        score: num(c.get(4))?,
    })
}

/// `oom-kill:` key=value list. Cgroup paths and the task name are taken between the
/// known keys, so a comma inside them does not split them.
fn oom_kill(msg: &[u8]) -> Option<KLine> {
    let rest = msg.strip_prefix(b"oom-kill:")?;
    let s = String::from_utf8_lossy(rest);
    let mut out = OomKillLine::default();
    let mut body: &str = &s;
    // From the right: uid, pid, task, task_memcg.
    if let Some(i) = body.rfind(",uid=") {
        out.uid = body[i + 5..].trim().parse().ok();
        body = &body[..i];
    }
    if let Some(i) = body.rfind(",pid=") {
        out.pid = body[i + 5..].trim().parse().ok();
        body = &body[..i];
    }
    if let Some(i) = body.rfind(",task=") {
        out.task = Some(body[i + 6..].to_string());
        body = &body[..i];
    }
    if let Some(i) = body.rfind(",task_memcg=") {
        out.task_memcg = Some(body[i + 12..].to_string());
        body = &body[..i];
    }
    if let Some(i) = body.find(",oom_memcg=") {
        out.oom_memcg = Some(body[i + 11..].to_string());
        body = &body[..i];
    }
    for part in body.split(',') {
        if let Some(v) = part.strip_prefix("constraint=") {
            out.constraint = v.to_string();
        } else if let Some(v) = part.strip_prefix("nodemask=") {
            out.nodemask = Some(v.to_string());
        } else if let Some(v) = part.strip_prefix("cpuset=") {
            out.cpuset = Some(v.to_string());
        } else if part == "global_oom" {
            out.global_oom = true;
        }
    }
    (!out.constraint.is_empty()).then_some(KLine::OomKill(out))
}

fn reaper(msg: &[u8]) -> Option<KLine> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^oom_reaper: reaped process (\d+) \(.*\), now anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?",
        )
    });
    if !starts(msg, b"oom_reaper: reaped process ") {
        return None;
    }
    let c = RE.captures(msg)?;
    Some(KLine::Reaper {
        pid: num(c.get(1))?,
        anon: num(c.get(2)),
        file: num(c.get(3)),
        shmem: num(c.get(4)),
    })
}

fn task_in(msg: &[u8]) -> Option<KLine> {
    let rest = msg.strip_prefix(b"Task in ")?;
    let sep = b" killed as a result of limit of ";
    let i = memchr::memmem::find(rest, sep)?;
    Some(KLine::TaskIn {
        task: text(&rest[..i]),
        limit: text(&rest[i + sep.len()..]),
    })
}

fn counter(msg: &[u8]) -> Option<KLine> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(memory|memory\+swap|swap|kmem): usage (\d+)kB(?:, limit (\d+)kB(?:, failcnt (\d+))?)?",
        )
    });
    if !has(&msg[..msg.len().min(20)], b": usage ") {
        return None;
    }
    let c = RE.captures(msg)?;
    let which = match &c[1] {
        b"memory" => Counter::Memory,
        b"memory+swap" => Counter::MemSwap,
        b"swap" => Counter::Swap,
        _ => Counter::Kmem,
    };
    Some(KLine::Counter {
        which,
        usage: num(c.get(2)),
        limit: num(c.get(3)),
        failcnt: num(c.get(4)),
    })
}

fn stats_header(msg: &[u8]) -> Option<KLine> {
    let rest = msg.strip_prefix(b"Memory cgroup stats for ")?;
    if let Some(i) = memchr::memmem::find(rest, b": ") {
        let inline = rest[i + 2..]
            .split(|&c| c == b' ')
            .filter_map(|tok| {
                let colon = memchr::memchr(b':', tok)?;
                let (k, v) = (&tok[..colon], &tok[colon + 1..]);
                let (digits, mult) = match v.strip_suffix(b"KB").or_else(|| v.strip_suffix(b"kB")) {
                    Some(d) => (d, 1024),
                    None => (v, 1),
                };
                let n = crate::clock::parse_u64(digits)?;
                Some((text(k), n.checked_mul(mult)?))
            })
            .collect();
        return Some(KLine::StatsHeader {
            path: Some(text(&rest[..i])),
            inline: Some(inline),
        });
    }
    match rest.strip_suffix(b":") {
        Some(path) => Some(KLine::StatsHeader {
            path: Some(text(path)),
            inline: None,
        }),
        None => Some(KLine::StatsHeader {
            path: None,
            inline: None,
        }),
    }
}

/// A v2 stat line inside a multi-line `Memory cgroup stats` block: `anon 257044480`.
pub fn stat_line(msg: &[u8]) -> Option<(String, u64)> {
    let t = msg.trim_ascii();
    let sp = memchr::memchr(b' ', t)?;
    let (k, v) = (&t[..sp], t[sp + 1..].trim_ascii());
    if k.is_empty()
        || !k
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
    {
        return None;
    }
    Some((text(k), crate::clock::parse_u64(v)?))
}

fn task_table(msg: &[u8]) -> Option<KLine> {
    if starts(msg, b"Tasks state (memory values in pages)") {
        return Some(KLine::TasksState);
    }
    let rest = msg.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest)?;
    let inside = rest[..close].trim_ascii();
    let after = &rest[close + 1..];
    if inside == b"pid" {
        let cols = after
            .split(|c| c.is_ascii_whitespace())
            .filter(|t| !t.is_empty())
            .map(text)
            .collect();
        return Some(KLine::TaskHeader(cols));
    }
    let pid = crate::clock::parse_u64(inside)?;
    // Numbers, then the name (which may hold spaces).
    let mut values = Vec::new();
    let mut i = 0;
    loop {
        while i < after.len() && after[i] == b' ' {
            i += 1;
        }
        let end = after[i..]
            .iter()
            .position(|&c| c == b' ')
            .map_or(after.len(), |p| i + p);
        let tok = &after[i..end];
        let n = std::str::from_utf8(tok)
            .ok()
            .and_then(|s| s.parse::<i64>().ok());
        match n {
            Some(v) if end < after.len() => {
                values.push(v);
                i = end;
            }
            _ => break,
        }
    }
    if values.len() < 5 {
        return None;
    }
    Some(KLine::TaskRow {
        pid,
        values,
        name: text(&after[i..]),
    })
}

fn cpu(msg: &[u8]) -> Option<KLine> {
    static NEW: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: (.+?) (?:Kdump: loaded )?(?:Not tainted|Tainted: )(.*)$",
        )
    });
    static OLD: LazyLock<Regex> =
        LazyLock::new(|| re(r"^Pid: (\d+), comm: (.+?) (?:Not tainted|Tainted: )(.*)$"));
    let c = if starts(msg, b"CPU: ") {
        NEW.captures(msg)?
    } else if starts(msg, b"Pid: ") {
        OLD.captures(msg)?
    } else {
        return None;
    };
    let kernel = c[3]
        .split(|&b| b == b' ')
        .find(|t| {
            let dot = t.iter().position(|&b| b == b'.');
            matches!(dot, Some(d) if d > 0 && t[..d].iter().all(u8::is_ascii_digit) && t.get(d + 1).is_some_and(u8::is_ascii_digit))
        })
        .map(text);
    Some(KLine::Cpu {
        pid: num(c.get(1))?,
        comm: text(&c[2]),
        kernel,
    })
}

fn cpuset(msg: &[u8]) -> Option<KLine> {
    static RE: LazyLock<Regex> = LazyLock::new(|| re(r"^(.+?) cpuset=(\S*) mems_allowed="));
    if !has(msg, b" mems_allowed=") {
        return None;
    }
    let c = RE.captures(msg)?;
    Some(KLine::Cpuset {
        comm: text(&c[1]),
        cpuset: text(&c[2]),
    })
}

fn meminfo(msg: &[u8]) -> Option<KLine> {
    (msg == b"Mem-Info:").then_some(KLine::MemInfo)
}

fn panic(msg: &[u8]) -> Option<KLine> {
    ((starts(msg, b"Kernel panic - not syncing: ")
        && (has(msg, b"Out of memory") || has(msg, b"deadlocked on memory")))
        || starts(msg, b"Out of memory and no killable processes")
        || starts(msg, b"System is deadlocked on memory"))
    .then(|| KLine::Panic(text(msg)))
}

fn suppressed(msg: &[u8]) -> Option<KLine> {
    let rest = msg
        .strip_prefix(b"oom_kill_process: ")
        .or_else(|| msg.strip_prefix(b"dump_header: "))
        .or_else(|| msg.strip_prefix(b"out_of_memory: "))?;
    let n = rest.strip_suffix(b" callbacks suppressed")?;
    Some(KLine::Suppressed(crate::clock::parse_u64(n)?))
}

/// `[<ffffffff8118475e>] ? oom_kill_process+0x24e/0x3c0`, ` ? out_of_memory+0x1cf/0x4d0`,
/// ` dump_stack+0x6d/0x8b`, ` oom_kill_process.cold+0xb/0x10`.
fn frame(msg: &[u8]) -> Option<KLine> {
    let mut t = msg.trim_ascii_start();
    if let Some(rest) = t.strip_prefix(b"[<") {
        let close = memchr::memmem::find(rest, b">]")?;
        t = rest[close + 2..].trim_ascii_start();
    }
    if let Some(rest) = t.strip_prefix(b"? ") {
        t = rest;
    }
    let plus = memchr::memmem::find(t, b"+0x")?;
    let name = &t[..plus];
    if name.is_empty()
        || !name
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
    {
        return None;
    }
    let base = name.split(|&c| c == b'.').next().unwrap_or(name);
    Some(KLine::Frame(text(base)))
}

fn noise(msg: &[u8]) -> Option<KLine> {
    let t = msg.trim_ascii_start();
    const PREFIXES: &[&[u8]] = &[
        b"Call Trace:",
        b"<TASK>",
        b"</TASK>",
        b"<IRQ>",
        b"</IRQ>",
        b"Hardware name:",
        b"Workqueue:",
        b"RIP:",
        b"RSP:",
        b"RAX:",
        b"RDX:",
        b"RBP:",
        b"R10:",
        b"R13:",
        b"Code:",
        b"Node ",
        b"lowmem_reserve[]",
        b"Swap cache stats",
        b"Free swap",
        b"Total swap",
        b"active_anon:",
        b"free:",
        b"mapped:",
        b"slab_reclaimable:",
        b"unevictable:",
        b"active_file:",
        b"free_cma:",
    ];
    if PREFIXES.iter().any(|p| t.starts_with(p)) {
        return Some(KLine::Noise);
    }
    // "N pages RAM", "N total pagecache pages", "N pages in swap cache", …
    if t.first().is_some_and(u8::is_ascii_digit) && (has(t, b" pages") || has(t, b"pagecache")) {
        return Some(KLine::Noise);
    }
    // Hex stack words: "ffff8807f0d6b980 0000000051be382e ffff88039bc07ca8 ffffffff8163515c"
    let words: Vec<&[u8]> = t.split(|&c| c == b' ').filter(|w| !w.is_empty()).collect();
    if words.len() >= 2
        && words
            .iter()
            .all(|w| w.len() == 16 && w.iter().all(u8::is_ascii_hexdigit))
    {
        return Some(KLine::Noise);
    }
    None
}

/// Mem-Info lines: `key:value` page counts, `N pages RAM`, `Free swap  = NkB`, ….
/// Returns the pairs found (keys as the summary names them).
pub fn meminfo_pairs(msg: &[u8]) -> Vec<(String, u64)> {
    let t = msg.trim_ascii();
    let mut out = Vec::new();
    let named: &[(&[u8], &str)] = &[
        (b" pages RAM", "ram_pages"),
        (b" pages reserved", "reserved_pages"),
        (b" total pagecache pages", "pagecache_pages"),
        (b" pages in swap cache", "swapcache_pages"),
        (b" pages HighMem/MovableOnly", "highmem_pages"),
    ];
    for (suffix, key) in named {
        if let Some(n) = t.strip_suffix(*suffix)
            && let Some(v) = crate::clock::parse_u64(n)
        {
            out.push(((*key).to_string(), v));
            return out;
        }
    }
    for (prefix, key) in [
        (&b"Free swap"[..], "free_swap_kb"),
        (&b"Total swap"[..], "total_swap_kb"),
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            let v = rest
                .trim_ascii_start()
                .strip_prefix(b"=")
                .map(|r| r.trim_ascii());
            if let Some(v) = v.and_then(|r| r.strip_suffix(b"kB"))
                && let Some(n) = crate::clock::parse_u64(v)
            {
                out.push((key.to_string(), n));
            }
            return out;
        }
    }
    if t.starts_with(b"Node ") {
        return out;
    }
    for tok in t.split(|&c| c == b' ') {
        if let Some(colon) = memchr::memchr(b':', tok)
            && let Some(v) = crate::clock::parse_u64(&tok[colon + 1..])
        {
            out.push((text(&tok[..colon]), v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> KLine {
        classify(s.as_bytes())
    }

    #[test]
    fn header_eras() {
        assert_eq!(
            c(
                "cardano-db-sy:w invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0"
            ),
            KLine::Header {
                comm: "cardano-db-sy:w".into(),
                gfp_mask: "0x1100cca".into(),
                nodemask: None,
                order: 0,
                oom_score_adj: 0
            }
        );
        // 4.19 with nodemask
        let h = c(
            "thrash invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=0",
        );
        assert!(matches!(h, KLine::Header { nodemask: Some(ref n), .. } if n == "(null)"));
        // 2.6.32 with oom_adj
        let h = c(
            "sshd invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=-17, oom_score_adj=-1000",
        );
        assert!(matches!(
            h,
            KLine::Header {
                oom_score_adj: -1000,
                ..
            }
        ));
        // comm with a space; sysrq order=-1
        let h =
            c("JIT Compilation invoked oom-killer: gfp_mask=0x24000c0, order=0, oom_score_adj=952");
        assert!(
            matches!(h, KLine::Header { ref comm, oom_score_adj: 952, .. } if comm == "JIT Compilation")
        );
        let h = c(
            "kworker/0:0 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, oom_score_adj=0",
        );
        assert!(matches!(h, KLine::Header { order: -1, .. }));
        // A shell line mentioning the phrase is not a header.
        assert_eq!(
            c("grep 'invoked oom-killer' /var/log/messages"),
            KLine::Other
        );
    }

    #[test]
    fn killed_forms() {
        let k = c(
            "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
        );
        let KLine::Killed(k) = k else { panic!() };
        assert_eq!(k.scope, Some(Scope::Memcg));
        assert_eq!(
            (k.pid, k.uid, k.pgtables_kb, k.oom_score_adj, k.shmem_rss_kb),
            (63214, Some(0), Some(1372), Some(986), Some(92))
        );
        // RHEL7: no shmem, no prefix
        let KLine::Killed(k) = c(
            "Killed process 28438 (java) total-vm:20255636kB, anon-rss:466160kB, file-rss:13684kB",
        ) else {
            panic!()
        };
        assert_eq!(
            (k.scope, k.total_vm_kb, k.shmem_rss_kb),
            (None, Some(20_255_636), None)
        );
        // 2.6.32: UID before the comm
        let KLine::Killed(k) = c(
            "Killed process 3679, UID 0, (ssdb-server) total-vm:2061740kB, anon-rss:1375068kB, file-rss:1116kB",
        ) else {
            panic!()
        };
        assert_eq!(
            (k.pid, k.uid, k.comm.as_str()),
            (3679, Some(0), "ssdb-server")
        );
        // comm with parentheses and spaces
        let KLine::Killed(k) = c(
            "Out of memory: Killed process 7 (my (odd) proc) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:4kB",
        ) else {
            panic!()
        };
        assert_eq!(
            (k.comm.as_str(), k.scope),
            ("my (odd) proc", Some(Scope::Global))
        );
        let KLine::Killed(k) = c(
            "Out of memory (oom_kill_allocating_task): Killed process 9 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB",
        ) else {
            panic!()
        };
        assert_eq!(k.scope, Some(Scope::Global));
    }

    #[test]
    fn kill_announce_even_when_cut() {
        assert_eq!(
            c("Memory cgroup out of memory: Kill process 3068 (java) score 0 or sacrifice c"),
            KLine::KillAnnounce {
                scope: Some(Scope::Memcg),
                pid: 3068,
                comm: "java".into(),
                score: 0
            }
        );
        assert!(matches!(
            c("Out of memory: Kill process 27438 (R) score 31 or sacrifice child"),
            KLine::KillAnnounce {
                scope: Some(Scope::Global),
                score: 31,
                ..
            }
        ));
    }

    #[test]
    fn oom_kill_summary() {
        let KLine::OomKill(o) = c(
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=aegis,mems_allowed=0,global_oom,task_memcg=/system.slice/docker-00748bf4.scope,task=java,pid=7134,uid=1000",
        ) else {
            panic!()
        };
        assert!(o.global_oom);
        assert_eq!(o.constraint, "CONSTRAINT_NONE");
        assert_eq!(o.cpuset.as_deref(), Some("aegis"));
        assert_eq!(
            o.task_memcg.as_deref(),
            Some("/system.slice/docker-00748bf4.scope")
        );
        assert_eq!(
            (o.task.as_deref(), o.pid, o.uid),
            (Some("java"), Some(7134), Some(1000))
        );
        let KLine::OomKill(o) = c(
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,mems_allowed=0,oom_memcg=/kubepods/burstable/podA,task_memcg=/kubepods/burstable/podA/c1,task=a, b,pid=5,uid=0",
        ) else {
            panic!()
        };
        assert_eq!(o.oom_memcg.as_deref(), Some("/kubepods/burstable/podA"));
        assert_eq!(o.task.as_deref(), Some("a, b"));
    }

    #[test]
    fn reaper_line() {
        assert_eq!(
            c(
                "oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB"
            ),
            KLine::Reaper {
                pid: 63214,
                anon: Some(0),
                file: Some(0),
                shmem: Some(92)
            }
        );
    }

    #[test]
    fn task_in_line() {
        assert_eq!(
            c("Task in /0 killed as a result of limit of /0"),
            KLine::TaskIn {
                task: "/0".into(),
                limit: "/0".into()
            }
        );
    }

    #[test]
    fn counters_including_cut() {
        assert_eq!(
            c("memory+swap: usage 1048576kB, limit 2097152kB, failcnt 0"),
            KLine::Counter {
                which: Counter::MemSwap,
                usage: Some(1_048_576),
                limit: Some(2_097_152),
                failcnt: Some(0)
            }
        );
        assert_eq!(
            c("kmem: usage 0kB, limit 900719925474"),
            KLine::Counter {
                which: Counter::Kmem,
                usage: Some(0),
                limit: None,
                failcnt: None
            }
        );
        assert!(matches!(
            c("swap: usage 0kB, limit 9007199254740988kB, failcnt 0"),
            KLine::Counter {
                which: Counter::Swap,
                limit: Some(9_007_199_254_740_988),
                ..
            }
        ));
    }

    #[test]
    fn stats_headers() {
        let KLine::StatsHeader { path, inline } =
            c("Memory cgroup stats for /mem2: cache:0KB rss:980KB rss_huge:0KB")
        else {
            panic!()
        };
        assert_eq!(path.as_deref(), Some("/mem2"));
        assert_eq!(
            inline.unwrap(),
            vec![
                ("cache".into(), 0),
                ("rss".into(), 980 * 1024),
                ("rss_huge".into(), 0)
            ]
        );
        assert_eq!(
            c("Memory cgroup stats for /kubepods.slice/x.scope:"),
            KLine::StatsHeader {
                path: Some("/kubepods.slice/x.scope".into()),
                inline: None
            }
        );
        assert_eq!(
            c("Memory cgroup stats for /kubepods.slice/kubepods-burstable.slice/kubepods"),
            KLine::StatsHeader {
                path: None,
                inline: None
            }
        );
        assert_eq!(
            stat_line(b"anon 257044480"),
            Some(("anon".into(), 257_044_480))
        );
        assert_eq!(stat_line(b"Mem-Info:"), None);
    }

    #[test]
    fn task_table_rows() {
        assert_eq!(
            c("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name"),
            KLine::TaskHeader(
                vec![
                    "uid",
                    "tgid",
                    "total_vm",
                    "rss",
                    "pgtables_bytes",
                    "swapents",
                    "oom_score_adj",
                    "name"
                ]
                .into_iter()
                .map(String::from)
                .collect()
            )
        );
        assert_eq!(
            c("[  19331]  1000 19331   226026    29603  1314816        0           999 npm start"),
            KLine::TaskRow {
                pid: 19331,
                values: vec![1000, 19331, 226_026, 29603, 1_314_816, 0, 999],
                name: "npm start".into()
            }
        );
        // 6.x split rss columns, negative adj
        assert!(
            matches!(c("[3820126]     0 3820126    29598     8965     5632     3333         0   139264        0          -997 mount.efs"), KLine::TaskRow { ref values, .. } if values.len() == 10 && values[9] == -997)
        );
        assert_eq!(
            c("Tasks state (memory values in pages):"),
            KLine::TasksState
        );
    }

    #[test]
    fn cpu_lines() {
        assert_eq!(
            c("CPU: 11 PID: 251385 Comm: cardano-db-sy:w Not tainted 5.15.0-72-generic #79-Ubuntu"),
            KLine::Cpu {
                pid: 251_385,
                comm: "cardano-db-sy:w".into(),
                kernel: Some("5.15.0-72-generic".into())
            }
        );
        assert!(
            matches!(c("CPU: 2 PID: 11554 Comm: thrash Kdump: loaded Tainted: G          I    ------------ T 3.10.0-862.11.6.el7.x86_64 #1"), KLine::Cpu { pid: 11554, kernel: Some(ref k), .. } if k == "3.10.0-862.11.6.el7.x86_64")
        );
        assert!(
            matches!(c("Pid: 1743, comm: sshd Tainted: G           --------------- H  2.6.32-279.9.1.el6.x86_64 #1"), KLine::Cpu { pid: 1743, kernel: Some(ref k), .. } if k.starts_with("2.6.32"))
        );
        assert!(
            matches!(c("CPU: 3 PID: 120669 Comm: JIT Compilation Not tainted 4.4.0-119-generic #143-Ubuntu"), KLine::Cpu { ref comm, .. } if comm == "JIT Compilation")
        );
        assert_eq!(c("CPU: 7 PID"), KLine::Other);
    }

    #[test]
    fn cpuset_line() {
        assert!(
            matches!(c("JIT Compilation cpuset=19ff0ec7 mems_allowed=0"), KLine::Cpuset { ref comm, ref cpuset } if comm == "JIT Compilation" && cpuset == "19ff0ec7")
        );
    }

    #[test]
    fn frames_and_noise() {
        assert_eq!(
            c(" [<ffffffff811b491c>] mem_cgroup_oom_synchronize+0x51c/0x560"),
            KLine::Frame("mem_cgroup_oom_synchronize".into())
        );
        assert_eq!(
            c(" ? __alloc_pages_nodemask+0xf8/0x260"),
            KLine::Frame("__alloc_pages_nodemask".into())
        );
        assert_eq!(
            c(" oom_kill_process.cold+0xb/0x10"),
            KLine::Frame("oom_kill_process".into())
        );
        assert_eq!(c("Call Trace:"), KLine::Noise);
        assert_eq!(
            c(" ffff8807f0d6b980 0000000051be382e ffff88039bc07ca8 ffffffff8163515c"),
            KLine::Noise
        );
        assert_eq!(c("systemd[1]: Started Journal Service."), KLine::Other);
    }

    #[test]
    fn panics_and_suppression() {
        assert!(matches!(
            c("Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled"),
            KLine::Panic(_)
        ));
        assert_eq!(
            c("oom_kill_process: 70 callbacks suppressed"),
            KLine::Suppressed(70)
        );
        assert_eq!(
            c("slab_out_of_memory: 72 callbacks suppressed"),
            KLine::Other
        );
    }

    #[test]
    fn meminfo_lines() {
        assert_eq!(
            meminfo_pairs(b"445340 pages RAM"),
            vec![("ram_pages".into(), 445_340)]
        );
        assert_eq!(
            meminfo_pairs(b"Free swap  = 0kB"),
            vec![("free_swap_kb".into(), 0)]
        );
        assert_eq!(
            meminfo_pairs(b" free:12929 slab_reclaimable:1635"),
            vec![("free".into(), 12929), ("slab_reclaimable".into(), 1635)]
        );
        assert!(meminfo_pairs(b"Node 0 DMA free:7124kB min:412kB").is_empty());
    }
}
