//! `oom_reaper: reaped process N (comm), now anon-rss:…kB, file-rss:…kB, shmem-rss:…kB`:
//! the memory of a killed task freed. Matched by pid: it ends the block of its victim
//! (unless a `memory.oom.group` kill follows), is a group task's own, or belongs to a
//! recent event whose block was already closed (it may be logged after later kills).

use super::{Text, Variant, kb, kv_fields, text};
use crate::kernel::assemble::{Ctx, Fed};
use crate::model::{OomEvent, Reaped};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct Reaper {
    pub pid: u64,
    pub anon: Option<u64>,
    pub file: Option<u64>,
    pub shmem: Option<u64>,
    /// Drift: text not understood, fields that did not parse.
    pub unparsed: Cow<'static, [Text]>,
}

impl Variant for Reaper {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB",
            Reaper {
                pid: 63214,
                anon: Some(0),
                file: Some(0),
                shmem: Some(92),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // 4.14: no shmem
        (
            "oom_reaper: reaped process 4254 (python3), now anon-rss:0kB, file-rss:4kB",
            Reaper {
                pid: 4254,
                anon: Some(0),
                file: Some(4),
                shmem: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // another thread's caller id does not matter; spacing is not relied on
        (
            "oom_reaper: reaped process 9188 (a.out), now anon-rss:0kB,  file-rss:0kB, shmem-rss:0kB",
            Reaper {
                pid: 9188,
                anon: Some(0),
                file: Some(0),
                shmem: Some(0),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg.strip_prefix(b"oom_reaper:")?.trim_ascii_start();
        let rest = rest.strip_prefix(b"reaped process")?.trim_ascii_start();
        let d = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        let (pid, rest) = rest.split_at_checked(d)?;
        let pid = crate::clock::parse_u64(pid)?;
        let mut r = Reaper {
            pid,
            anon: None,
            file: None,
            shmem: None,
            unparsed: Cow::Borrowed(&[]),
        };
        // The figures follow the comm's last `)` and `now`.
        let Some(close) = memchr::memrchr(b')', rest) else {
            return Some(r);
        };
        let tail = rest.get(close + 1..).unwrap_or_default();
        let mut notes = Vec::new();
        let fields = kv_fields(tail);
        let last = fields.len().saturating_sub(1);
        for (i, (key, v)) in fields.into_iter().enumerate() {
            let slot = match key {
                b"now" if v.is_empty() => continue,
                b"anon-rss" => &mut r.anon,
                b"file-rss" => &mut r.file,
                b"shmem-rss" => &mut r.shmem,
                _ if i == last && v.is_empty() => continue,
                _ => {
                    notes.push(text(
                        format!(
                            "text not understood: `{}{}{}`",
                            String::from_utf8_lossy(key),
                            if v.is_empty() { "" } else { ":" },
                            String::from_utf8_lossy(v)
                        )
                        .as_bytes(),
                    ));
                    continue;
                }
            };
            match kb(v) {
                Some(n) => *slot = Some(n),
                None if i == last && v.iter().all(|c| c.is_ascii_digit() || *c == b'k') => {}
                None => notes.push(text(
                    format!(
                        "field `{}` did not parse: `{}`",
                        String::from_utf8_lossy(key),
                        String::from_utf8_lossy(v)
                    )
                    .as_bytes(),
                )),
            }
        }
        r.unparsed = Cow::Owned(notes);
        Some(r)
    }

    /// Matched by pid: the open block's victim or one of its group's tasks, else an
    /// event already emitted (a reaper line may come after later kills).
    fn apply(self, ctx: &mut Ctx) -> Fed {
        const LOOK_BACK: usize = 32;
        let reaped = Reaped {
            pid: self.pid,
            anon_rss_kb: self.anon,
            file_rss_kb: self.file,
            shmem_rss_kb: self.shmem,
        };
        for n in self.unparsed.iter() {
            ctx.note("oom_reaper", n);
        }
        if let Some(b) = ctx.open() {
            if b.ev.victim.pid == Some(self.pid) && b.ev.body.reaped.is_none() {
                b.ev.body.reaped = Some(Box::new(reaped));
                if b.ev.body.oom_group.is_none() {
                    b.close_pending = true;
                }
                return Fed::Block;
            }
            if attach_to_member(&mut b.ev, &reaped) {
                return Fed::Block;
            }
        }
        let events = ctx.events();
        let skip = events.len().saturating_sub(LOOK_BACK);
        for e in events.iter_mut().skip(skip).rev() {
            if e.victim.pid == Some(self.pid) {
                if e.body.reaped.is_none() {
                    e.body.reaped = Some(Box::new(reaped));
                }
                break;
            }
            if attach_to_member(e, &reaped) {
                break;
            }
        }
        Fed::Block
    }
}

/// Sets the reaped figures of the group task with that pid (false when none).
fn attach_to_member(e: &mut OomEvent, reaped: &Reaped) -> bool {
    // Through `get_mut`: a block without a body (header-only) is not given one.
    let member = e
        .body
        .get_mut()
        .and_then(|b| b.oom_group.as_mut())
        .and_then(|g| g.killed.iter_mut().find(|m| m.pid == reaped.pid));
    match member {
        Some(m) => {
            if m.reaped.is_none() {
                m.reaped = Some(reaped.clone());
            }
            true
        }
        None => false,
    }
}
