//! `oom-kill:constraint=…,nodemask=…,cpuset=…,mems_allowed=…,[global_oom|oom_memcg=…],task_memcg=…,task=…,pid=…,uid=…`
//! (4.19+): the one-line summary of the kill. Its constraint is the strongest evidence
//! of the OOM's kind; a second one starts the next event.

use super::{Text, Variant, s};
use crate::kernel::assemble::{Block, Ctx, Evidence, Fed};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct OomKill {
    pub constraint: Text,
    pub nodemask: Option<Text>,
    pub cpuset: Option<Text>,
    pub global_oom: bool,
    pub oom_memcg: Option<Text>,
    pub task_memcg: Option<Text>,
    pub task: Option<Text>,
    pub pid: Option<u64>,
    pub uid: Option<u64>,
    pub mems_allowed: Option<Text>,
    /// Keys this version does not know, with their values.
    pub extra: Cow<'static, [(Text, Text)]>,
    /// Drift: known fields that did not parse.
    pub unparsed: Cow<'static, [Text]>,
}

const NONE: OomKill = OomKill {
    constraint: s(""),
    nodemask: None,
    cpuset: None,
    global_oom: false,
    oom_memcg: None,
    task_memcg: None,
    task: None,
    pid: None,
    uid: None,
    mems_allowed: None,
    extra: Cow::Borrowed(&[]),
    unparsed: Cow::Borrowed(&[]),
};

impl Variant for OomKill {
    const ANCHORS: &'static [&'static str] = &["oom-kill:"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=aegis,mems_allowed=0,global_oom,task_memcg=/system.slice/docker-00748bf4.scope,task=java,pid=7134,uid=1000",
            OomKill {
                constraint: s("CONSTRAINT_NONE"),
                nodemask: Some(s("(null)")),
                cpuset: Some(s("aegis")),
                global_oom: true,
                oom_memcg: None,
                task_memcg: Some(s("/system.slice/docker-00748bf4.scope")),
                task: Some(s("java")),
                pid: Some(7134),
                uid: Some(1000),
                mems_allowed: Some(s("0")),
                extra: Cow::Borrowed(&[]),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        (
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-1.scope,task=stress-ng,pid=1811,uid=1000",
            OomKill {
                constraint: s("CONSTRAINT_NONE"),
                nodemask: Some(s("(null)")),
                cpuset: Some(s("/")),
                global_oom: true,
                oom_memcg: None,
                task_memcg: Some(s("/user.slice/user-1000.slice/session-1.scope")),
                task: Some(s("stress-ng")),
                pid: Some(1811),
                uid: Some(1000),
                mems_allowed: Some(s("0")),
                extra: Cow::Borrowed(&[]),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // a comma inside the task name
        (
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x,mems_allowed=0,oom_memcg=/kubepods/burstable/podA,task_memcg=/kubepods/burstable/podA/c1,task=a, b,pid=5,uid=0",
            OomKill {
                constraint: s("CONSTRAINT_MEMCG"),
                nodemask: Some(s("(null)")),
                cpuset: Some(s("x")),
                global_oom: false,
                oom_memcg: Some(s("/kubepods/burstable/podA")),
                task_memcg: Some(s("/kubepods/burstable/podA/c1")),
                task: Some(s("a, b")),
                pid: Some(5),
                uid: Some(0),
                mems_allowed: Some(s("0")),
                extra: Cow::Borrowed(&[]),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // 5.x without nodemask, cut after the pid
        (
            "oom-kill:constraint=CONSTRAINT_MEMCG,cpuset=/,mems_allowed=0,oom_memcg=/mem2,task_memcg=/mem2,task=stress,pid=42",
            OomKill {
                constraint: s("CONSTRAINT_MEMCG"),
                nodemask: None,
                cpuset: Some(s("/")),
                global_oom: false,
                oom_memcg: Some(s("/mem2")),
                task_memcg: Some(s("/mem2")),
                task: Some(s("stress")),
                pid: Some(42),
                uid: None,
                mems_allowed: Some(s("0")),
                extra: Cow::Borrowed(&[]),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // a field appended after uid: uid kept, the new key kept in extra
        (
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods.slice,task_memcg=/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod4c1f2e3d_5a6b_4c7d_8e9f_0a1b2c3d4e5f.slice/cri-containerd-0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0.scope,task=worker,pid=31337,uid=65534,oom_score_adj=1000",
            OomKill {
                constraint: s("CONSTRAINT_MEMCG"),
                nodemask: Some(s("(null)")),
                cpuset: Some(s("/")),
                global_oom: false,
                oom_memcg: Some(s("/kubepods.slice")),
                task_memcg: Some(s(
                    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod4c1f2e3d_5a6b_4c7d_8e9f_0a1b2c3d4e5f.slice/cri-containerd-0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0.scope",
                )),
                task: Some(s("worker")),
                pid: Some(31337),
                uid: Some(65534),
                mems_allowed: Some(s("0")),
                extra: Cow::Borrowed(&[(s("oom_score_adj"), s("1000"))]),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // the 5.0 summary of a memcg OOM (constraint printed NONE), a pid that does not parse
        (
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/test1,task_memcg=/test1,task=a.out,pid=91x88,uid=0",
            OomKill {
                constraint: s("CONSTRAINT_NONE"),
                nodemask: Some(s("(null)")),
                cpuset: Some(s("/")),
                global_oom: false,
                oom_memcg: Some(s("/test1")),
                task_memcg: Some(s("/test1")),
                task: Some(s("a.out")),
                pid: None,
                uid: Some(0),
                mems_allowed: Some(s("0")),
                extra: Cow::Borrowed(&[]),
                unparsed: Cow::Borrowed(&[s("field `pid` did not parse: `91x88`")]),
            },
        ),
    ];

    /// A key=value list, read by key. A comma inside a value (a cgroup path, the task
    /// name) does not split it: a new field starts only at `,key=` or `,global_oom`.
    /// Keys this version does not know are kept (`extra`), not dropped with the known
    /// ones after them.
    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg.strip_prefix(b"oom-kill:")?;
        let line = String::from_utf8_lossy(rest);
        let owned = |v: &str| -> Text { Text::Owned(v.to_string()) };
        let mut out = NONE;
        let mut extra = Vec::new();
        let mut notes = Vec::new();
        for (key, v) in fields(line.trim()) {
            let v = v.trim();
            let number = |notes: &mut Vec<Text>| {
                let n = v.parse().ok();
                if n.is_none() {
                    notes.push(owned(&format!("field `{key}` did not parse: `{v}`")));
                }
                n
            };
            match key {
                "constraint" => out.constraint = owned(v),
                "nodemask" => out.nodemask = Some(owned(v)),
                "cpuset" => out.cpuset = Some(owned(v)),
                "mems_allowed" => out.mems_allowed = Some(owned(v)),
                "global_oom" => out.global_oom = true,
                "oom_memcg" => out.oom_memcg = Some(owned(v)),
                "task_memcg" => out.task_memcg = Some(owned(v)),
                "task" => out.task = Some(owned(v)),
                "pid" => out.pid = number(&mut notes),
                "uid" => out.uid = number(&mut notes),
                _ => extra.push((owned(key), owned(v))),
            }
        }
        out.extra = Cow::Owned(extra);
        out.unparsed = Cow::Owned(notes);
        (!out.constraint.is_empty()).then_some(out)
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let notes = self.unparsed.clone();
        let b = ctx.join_or_start(|b| b.has_oom_kill || b.killed);
        summary(b, self);
        for n in notes.iter() {
            ctx.note("oom-kill", n);
        }
        Fed::Block
    }
}

/// The fields of the summary: `(key, value)`, a bare `global_oom` with an empty value.
fn fields(line: &str) -> Vec<(&str, &str)> {
    let is_key = |k: &str| {
        !k.is_empty()
            && k.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
    };
    // Byte offsets where a field starts.
    let mut starts = vec![0];
    for (i, _) in line.match_indices(',') {
        let next = line.get(i + 1..).unwrap_or_default();
        let key = next.split_once('=').map(|(k, _)| k);
        if key.is_some_and(is_key) || next == "global_oom" || next.starts_with("global_oom,") {
            starts.push(i + 1);
        }
    }
    starts.push(line.len() + 1);
    starts
        .windows(2)
        .filter_map(|w| {
            let (&a, &b) = (w.first()?, w.get(1)?);
            let f = line.get(a..b.checked_sub(1)?)?;
            (!f.is_empty()).then(|| f.split_once('=').unwrap_or((f, "")))
        })
        .collect()
}

fn summary(b: &mut Block, o: OomKill) {
    b.has_oom_kill = true;
    let kind = match &*o.constraint {
        "CONSTRAINT_MEMCG" => "cgroup".to_string(),
        // 5.0-era kernels printed CONSTRAINT_NONE for a memcg OOM (the constraint was
        // set after the summary): the memcg the summary names tells.
        "CONSTRAINT_NONE" if o.oom_memcg.is_some() && !o.global_oom => "cgroup".to_string(),
        "CONSTRAINT_NONE" => "host".to_string(),
        other => other.trim_start_matches("CONSTRAINT_").to_lowercase(),
    };
    b.set_kind(Evidence::Constraint, &kind);
    b.ev.constraint = Some(o.constraint.into_owned());
    if let Some(m) = o.oom_memcg {
        b.ev.cgroup.oom = Some(m.into_owned());
    } else if o.global_oom {
        b.ev.cgroup.oom = None;
    }
    if let Some(t) = o.task_memcg {
        b.ev.cgroup.task = Some(t.into_owned());
    }
    if b.ev.trigger.cpuset.is_none() {
        b.ev.trigger.cpuset = o.cpuset.map(Text::into_owned);
    }
    if b.ev.trigger.nodemask.is_none() {
        b.ev.trigger.nodemask = o.nodemask.map(Text::into_owned);
    }
    let v = &mut b.ev.victim;
    if v.pid.is_none() {
        v.pid = o.pid;
        v.comm = o.task.map(Text::into_owned);
    }
    if v.uid.is_none() {
        v.uid = o.uid;
    }
    for (k, val) in o.extra.iter() {
        b.ev.body
            .oom_kill_extra
            .insert(k.to_string(), val.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_by_key() {
        assert_eq!(
            fields("constraint=CONSTRAINT_NONE,,global_oom,task=a, b,pid=5"),
            [
                ("constraint", "CONSTRAINT_NONE,"),
                ("global_oom", ""),
                ("task", "a, b"),
                ("pid", "5"),
            ]
        );
        // A key this version does not know, anywhere: kept, the known ones too.
        let o = OomKill::parse(b"oom-kill:constraint=CONSTRAINT_MEMCG,oom_memcg=/a,new_key=1,task_memcg=/a/b,task=x,pid=7,uid=3,tail=z").unwrap();
        assert_eq!(o.oom_memcg.as_deref(), Some("/a"));
        assert_eq!(o.task_memcg.as_deref(), Some("/a/b"));
        assert_eq!((o.pid, o.uid), (Some(7), Some(3)));
        assert_eq!(
            o.extra.as_ref(),
            [(s("new_key"), s("1")), (s("tail"), s("z"))]
        );
        assert!(OomKill::parse(b"oom-kill:").is_none());
    }
}
