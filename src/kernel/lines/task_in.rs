//! `Task in A killed as a result of limit of B` (memcg OOM before 4.19): the task's
//! cgroup and the one whose limit was hit.

use super::{Text, Variant, s, split_once, text};
use crate::kernel::assemble::{Ctx, Evidence, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct TaskIn {
    pub task: Text,
    pub limit: Text,
}

impl Variant for TaskIn {
    const ANCHORS: &'static [&'static str] = &["as a result of limit of"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "Task in /0 killed as a result of limit of /0",
            TaskIn {
                task: s("/0"),
                limit: s("/0"),
            },
        ),
        (
            "Task in /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/aa killed as a result of limit of /kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e",
            TaskIn {
                task: s("/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/aa"),
                limit: s("/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e"),
            },
        ),
        // spacing is not relied on
        (
            "Task in  /0 killed as a result of limit of  /0",
            TaskIn {
                task: s("/0"),
                limit: s("/0"),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg.strip_prefix(b"Task in ")?;
        let (task, limit) = split_once(rest, b" killed as a result of limit of")?;
        Some(TaskIn {
            task: text(task.trim_ascii()),
            limit: text(limit.trim_ascii()),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let b = ctx.body();
        b.ev.cgroup.task.get_or_insert(self.task.into_owned());
        b.ev.cgroup.oom.get_or_insert(self.limit.into_owned());
        b.set_kind(Evidence::Body, "cgroup");
        Fed::Block
    }
}
