//! `oom-kill:constraint=…,nodemask=…,cpuset=…,mems_allowed=…,[global_oom|oom_memcg=…],task_memcg=…,task=…,pid=…,uid=…`
//! (4.19+): the one-line summary of the kill. Its constraint is the strongest evidence
//! of the OOM's kind; a second one starts the next event.

use super::{Text, Variant, s};
use crate::kernel::assemble::{Block, Ctx, Evidence, Fed};

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
            },
        ),
    ];

    /// A key=value list. Cgroup paths and the task name are taken between the known
    /// keys (from the right), so a comma inside them does not split them.
    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg.strip_prefix(b"oom-kill:")?;
        let line = String::from_utf8_lossy(rest);
        let owned = |v: &str| -> Text { Text::Owned(v.to_string()) };
        let mut out = NONE;
        let mut body: &str = &line;
        if let Some((b, v)) = body.rsplit_once(",uid=") {
            out.uid = v.trim().parse().ok();
            body = b;
        }
        if let Some((b, v)) = body.rsplit_once(",pid=") {
            out.pid = v.trim().parse().ok();
            body = b;
        }
        if let Some((b, v)) = body.rsplit_once(",task=") {
            out.task = Some(owned(v));
            body = b;
        }
        if let Some((b, v)) = body.rsplit_once(",task_memcg=") {
            out.task_memcg = Some(owned(v));
            body = b;
        }
        if let Some((b, v)) = body.split_once(",oom_memcg=") {
            out.oom_memcg = Some(owned(v));
            body = b;
        }
        for part in body.split(',') {
            if let Some(v) = part.strip_prefix("constraint=") {
                out.constraint = owned(v);
            } else if let Some(v) = part.strip_prefix("nodemask=") {
                out.nodemask = Some(owned(v));
            } else if let Some(v) = part.strip_prefix("cpuset=") {
                out.cpuset = Some(owned(v));
            } else if part == "global_oom" {
                out.global_oom = true;
            }
        }
        (!out.constraint.is_empty()).then_some(out)
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let b = ctx.join_or_start(|b| b.has_oom_kill || b.killed);
        summary(b, self);
        Fed::Block
    }
}

fn summary(b: &mut Block, o: OomKill) {
    b.has_oom_kill = true;
    let kind = match &*o.constraint {
        "CONSTRAINT_MEMCG" => "cgroup".to_string(),
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
}
