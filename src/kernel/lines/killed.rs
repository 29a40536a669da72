//! `[…: ]Killed process N (comm) total-vm:… anon-rss:… file-rss:…[, shmem-rss:…][, UID:… pgtables:… oom_score_adj:…]`:
//! the victim's kill. It completes the block (a second one starts the next event);
//! after `Tasks in … memory.oom.group set` ([`super::oom_group`]) the lines are the
//! other tasks of the group. Also the RHEL 6 `Killed process N, UID U, (comm) …` and
//! the RHEL 7 backport `Killed process N (comm), UID U, total-vm:…`. The figures are
//! read by key, whatever the spacing; a field that does not parse or text not
//! understood is noted on the event (`parse_notes`).

use super::{Scope, Text, Variant, kb, kv_fields, s, scope_kind, text};
use crate::kernel::assemble::{Block, Ctx, Fed};
use crate::model::GroupMember;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct Killed {
    pub scope: Option<Scope>,
    pub pid: u64,
    pub comm: Text,
    pub uid: Option<u64>,
    pub total_vm_kb: Option<u64>,
    pub anon_rss_kb: Option<u64>,
    pub file_rss_kb: Option<u64>,
    pub shmem_rss_kb: Option<u64>,
    pub pgtables_kb: Option<u64>,
    pub oom_score_adj: Option<i64>,
    /// Drift: fields that did not parse and text not understood (noted on the event).
    pub unparsed: Cow<'static, [Text]>,
}

impl Variant for Killed {
    const ANCHORS: &'static [&'static str] = &["Killed process"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
            Killed {
                scope: Some(Scope::Memcg),
                pid: 63214,
                comm: s("uwsgi"),
                uid: Some(0),
                total_vm_kb: Some(3_149_468),
                anon_rss_kb: Some(164_992),
                file_rss_kb: Some(52176),
                shmem_rss_kb: Some(92),
                pgtables_kb: Some(1372),
                oom_score_adj: Some(986),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        (
            "Killed process 1811 (stress-ng) total-vm:43240kB, anon-rss:0kB, file-rss:64kB, shmem-rss:0kB, UID:1000 pgtables:104kB oom_score_adj:1000",
            Killed {
                scope: None,
                pid: 1811,
                comm: s("stress-ng"),
                uid: Some(1000),
                total_vm_kb: Some(43240),
                anon_rss_kb: Some(0),
                file_rss_kb: Some(64),
                shmem_rss_kb: Some(0),
                pgtables_kb: Some(104),
                oom_score_adj: Some(1000),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // RHEL7: no shmem, no prefix
        (
            "Killed process 28438 (java) total-vm:20255636kB, anon-rss:466160kB, file-rss:13684kB",
            Killed {
                scope: None,
                pid: 28438,
                comm: s("java"),
                uid: None,
                total_vm_kb: Some(20_255_636),
                anon_rss_kb: Some(466_160),
                file_rss_kb: Some(13684),
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // 2.6.32: UID before the comm
        (
            "Killed process 3679, UID 0, (ssdb-server) total-vm:2061740kB, anon-rss:1375068kB, file-rss:1116kB",
            Killed {
                scope: None,
                pid: 3679,
                comm: s("ssdb-server"),
                uid: Some(0),
                total_vm_kb: Some(2_061_740),
                anon_rss_kb: Some(1_375_068),
                file_rss_kb: Some(1116),
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // comm with parentheses and spaces
        (
            "Out of memory: Killed process 7 (my (odd) proc) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:4kB",
            Killed {
                scope: Some(Scope::Global),
                pid: 7,
                comm: s("my (odd) proc"),
                uid: None,
                total_vm_kb: Some(1),
                anon_rss_kb: Some(2),
                file_rss_kb: Some(3),
                shmem_rss_kb: Some(4),
                pgtables_kb: None,
                oom_score_adj: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        (
            "Out of memory (oom_kill_allocating_task): Killed process 9 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB",
            Killed {
                scope: Some(Scope::Global),
                pid: 9,
                comm: s("a"),
                uid: None,
                total_vm_kb: Some(1),
                anon_rss_kb: Some(2),
                file_rss_kb: Some(3),
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // RHEL 7 backport: the UID after the comm, the figures after it
        (
            "Killed process 24517 (java), UID 1000, total-vm:9206172kB, anon-rss:4170320kB, file-rss:0kB, shmem-rss:0kB",
            Killed {
                scope: None,
                pid: 24517,
                comm: s("java"),
                uid: Some(1000),
                total_vm_kb: Some(9_206_172),
                anon_rss_kb: Some(4_170_320),
                file_rss_kb: Some(0),
                shmem_rss_kb: Some(0),
                pgtables_kb: None,
                oom_score_adj: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // spacing is not relied on
        (
            "Memory cgroup out of memory:  Killed process 812  (nginx)  total-vm:120kB,  anon-rss:40kB, file-rss:8kB, shmem-rss:0kB, UID:101  pgtables:60kB oom_score_adj:0",
            Killed {
                scope: Some(Scope::Memcg),
                pid: 812,
                comm: s("nginx"),
                uid: Some(101),
                total_vm_kb: Some(120),
                anon_rss_kb: Some(40),
                file_rss_kb: Some(8),
                shmem_rss_kb: Some(0),
                pgtables_kb: Some(60),
                oom_score_adj: Some(0),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // a field this version does not know, and one that does not parse: noted
        (
            "Out of memory: Killed process 4410 (redis-server) total-vm:2097152kB, anon-rss:1048576kB, file-rss:0kB, shmem-rss:0kB, UID:999 pgtables:4096kB swap-rss:12kB oom_score_adj:x0",
            Killed {
                scope: Some(Scope::Global),
                pid: 4410,
                comm: s("redis-server"),
                uid: Some(999),
                total_vm_kb: Some(2_097_152),
                anon_rss_kb: Some(1_048_576),
                file_rss_kb: Some(0),
                shmem_rss_kb: Some(0),
                pgtables_kb: Some(4096),
                oom_score_adj: None,
                unparsed: Cow::Borrowed(&[
                    s("text not understood: `swap-rss:12kB`"),
                    s("field `oom_score_adj` did not parse: `x0`"),
                ]),
            },
        ),
        // cut after the comm
        (
            "Killed process 14970 (java)",
            Killed {
                scope: None,
                pid: 14970,
                comm: s("java"),
                uid: None,
                total_vm_kb: None,
                anon_rss_kb: None,
                file_rss_kb: None,
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let at = crate::util::find(msg, b"Killed process ")?;
        let (head, rest) = msg.split_at_checked(at)?;
        let scope = match head.trim_ascii() {
            b"" => None,
            h => Some(prefix_scope(h)?),
        };
        let rest = rest.get(b"Killed process ".len()..)?.trim_ascii_start();
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        let (pid, mut rest) = rest.split_at_checked(digits)?;
        let pid = crate::clock::parse_u64(pid)?;
        let mut uid = None;
        // 2.6.32 (RHEL 6): `Killed process N, UID U, (comm) …`
        if let Some(r) = rest.trim_ascii_start().strip_prefix(b",") {
            let r = r
                .trim_ascii_start()
                .strip_prefix(b"UID")?
                .trim_ascii_start();
            let d = r.iter().take_while(|c| c.is_ascii_digit()).count();
            let (u, r) = r.split_at_checked(d)?;
            uid = Some(crate::clock::parse_u64(u)?);
            rest = r.trim_ascii_start().strip_prefix(b",")?;
        }
        let rest = rest.trim_ascii_start().strip_prefix(b"(")?;
        let close = comm_end(rest)?;
        let (comm, tail) = rest.split_at_checked(close)?;
        let tail = tail.get(1..).unwrap_or_default();
        let mut k = Killed {
            scope,
            pid,
            comm: text(comm),
            uid,
            total_vm_kb: None,
            anon_rss_kb: None,
            file_rss_kb: None,
            shmem_rss_kb: None,
            pgtables_kb: None,
            oom_score_adj: None,
            unparsed: Cow::Borrowed(&[]),
        };
        let fields = kv_fields(tail);
        let last = fields.len().saturating_sub(1);
        let mut notes = Vec::new();
        for (i, (key, v)) in fields.into_iter().enumerate() {
            let slot = match key {
                b"total-vm" => &mut k.total_vm_kb,
                b"anon-rss" => &mut k.anon_rss_kb,
                b"file-rss" => &mut k.file_rss_kb,
                b"shmem-rss" => &mut k.shmem_rss_kb,
                b"pgtables" => &mut k.pgtables_kb,
                b"UID" => {
                    match crate::clock::parse_u64(v) {
                        Some(u) => k.uid = Some(u),
                        None if i == last && looks_cut(key, v) => {}
                        None => notes.push(bad(key, v)),
                    }
                    continue;
                }
                b"oom_score_adj" => {
                    match std::str::from_utf8(v).ok().and_then(|v| v.parse().ok()) {
                        Some(a) => k.oom_score_adj = Some(a),
                        None if i == last && looks_cut(key, v) => {}
                        None => notes.push(bad(key, v)),
                    }
                    continue;
                }
                _ => {
                    // A line cut mid-key is a cut, not drift.
                    if !(i == last && looks_cut(key, v)) {
                        notes.push(unknown(key, v));
                    }
                    continue;
                }
            };
            match kb(v) {
                Some(n) => *slot = Some(n),
                // Cut mid-number: the fields before the cut.
                None if i == last && looks_cut(key, v) => {}
                None => notes.push(bad(key, v)),
            }
        }
        k.unparsed = Cow::Owned(notes);
        Some(k)
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let notes = self.unparsed.clone();
        if let Some(b) = ctx.open()
            && b.killed
            && b.ev.body.oom_group.is_some()
        {
            group_member(b, self);
        } else {
            let b = ctx.join_or_start(|b| b.killed);
            kill(b, self);
        }
        for n in notes.iter() {
            ctx.note("Killed process", n);
        }
        Fed::Block
    }
}

/// The scope a prefix before `Killed process` names (None: not a kill line's prefix).
fn prefix_scope(h: &[u8]) -> Option<Scope> {
    let h = h.strip_suffix(b":")?.trim_ascii_end();
    if h == b"Memory cgroup out of memory" {
        return Some(Scope::Memcg);
    }
    let rest = h.strip_prefix(b"Out of memory")?.trim_ascii();
    (rest.is_empty() || rest == b"(oom_kill_allocating_task)").then_some(Scope::Global)
}

/// Where the comm (after its `(`) ends: the first `)` followed by the end of the line
/// or by the figures (`total-vm:`, `UID`), else the last `)` (a line cut after the
/// comm). A comm may hold parentheses and spaces.
fn comm_end(rest: &[u8]) -> Option<usize> {
    let starts_fields = |after: &[u8]| {
        let a = after.strip_prefix(b",").unwrap_or(after).trim_ascii_start();
        after.is_empty() || a.starts_with(b"total-vm:") || a.starts_with(b"UID")
    };
    memchr::memchr_iter(b')', rest)
        .find(|&i| starts_fields(rest.get(i + 1..).unwrap_or_default()))
        .or_else(|| memchr::memrchr(b')', rest))
}

const KEYS: &[&[u8]] = &[
    b"total-vm",
    b"anon-rss",
    b"file-rss",
    b"shmem-rss",
    b"UID",
    b"pgtables",
    b"oom_score_adj",
];

/// The last field of a line cut short: a known key's beginning, or a number's.
fn looks_cut(key: &[u8], v: &[u8]) -> bool {
    let v = v.strip_suffix(b"k").unwrap_or(v);
    if v.is_empty() {
        return KEYS.iter().any(|k| k.starts_with(key));
    }
    v.iter().all(|c| c.is_ascii_digit() || *c == b'-')
}

fn bad(key: &[u8], v: &[u8]) -> Text {
    text(
        format!(
            "field `{}` did not parse: `{}`",
            String::from_utf8_lossy(key),
            String::from_utf8_lossy(v)
        )
        .as_bytes(),
    )
}

fn unknown(key: &[u8], v: &[u8]) -> Text {
    let t = if v.is_empty() {
        String::from_utf8_lossy(key).into_owned()
    } else {
        format!(
            "{}:{}",
            String::from_utf8_lossy(key),
            String::from_utf8_lossy(v)
        )
    };
    text(format!("text not understood: `{t}`").as_bytes())
}

/// Another task of a `memory.oom.group` kill (or the victim's line again).
fn group_member(b: &mut Block, k: Killed) {
    let v = &mut b.ev.victim;
    if v.pid == Some(k.pid) {
        v.uid = v.uid.or(k.uid);
        v.total_vm_kb = v.total_vm_kb.or(k.total_vm_kb);
        v.anon_rss_kb = v.anon_rss_kb.or(k.anon_rss_kb);
        v.file_rss_kb = v.file_rss_kb.or(k.file_rss_kb);
        v.shmem_rss_kb = v.shmem_rss_kb.or(k.shmem_rss_kb);
        v.pgtables_kb = v.pgtables_kb.or(k.pgtables_kb);
        v.oom_score_adj = v.oom_score_adj.or(k.oom_score_adj);
        return;
    }
    let Some(g) = b.ev.body.oom_group.as_mut() else {
        return;
    };
    if g.killed.iter().any(|m| m.pid == k.pid) {
        return;
    }
    g.killed.push(GroupMember {
        pid: k.pid,
        comm: k.comm.into_owned(),
        uid: k.uid,
        total_vm_kb: k.total_vm_kb,
        anon_rss_kb: k.anon_rss_kb,
        file_rss_kb: k.file_rss_kb,
        shmem_rss_kb: k.shmem_rss_kb,
        pgtables_kb: k.pgtables_kb,
        oom_score_adj: k.oom_score_adj,
        reaped: None,
    });
}

fn kill(b: &mut Block, k: Killed) {
    scope_kind(b, k.scope);
    b.killed = true;
    if let Some((pid, comm, score)) = &b.announced {
        b.ev.victim.score = Some(*score);
        if *pid != k.pid {
            b.ev.warnings.push(format!(
                "the kernel selected {pid} ({comm}) and killed {} ({}) instead (a child or the thread group leader)",
                k.pid, k.comm
            ).into());
        }
    }
    let v = &mut b.ev.victim;
    if v.pid.is_some_and(|p| p != k.pid) {
        b.ev.warnings.push(format!(
            "the oom-kill summary names pid {} but the kill line names {}; the kill line is kept",
            v.pid.unwrap_or(0),
            k.pid
        ).into());
    }
    v.pid = Some(k.pid);
    v.comm = Some(k.comm.into_owned());
    v.uid = k.uid.or(v.uid);
    v.total_vm_kb = k.total_vm_kb;
    v.anon_rss_kb = k.anon_rss_kb;
    v.file_rss_kb = k.file_rss_kb;
    v.shmem_rss_kb = k.shmem_rss_kb;
    v.pgtables_kb = k.pgtables_kb;
    v.oom_score_adj = k.oom_score_adj;
}
