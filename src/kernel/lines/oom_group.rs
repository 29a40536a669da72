//! `Tasks in <cgroup> are going to be killed due to memory.oom.group set` (4.19+, and
//! the prototype before it): the victim's cgroup has `memory.oom.group` set (the
//! kubelet sets it on cgroup v2 since Kubernetes 1.28), so every other task of that
//! cgroup is killed with the victim. The `Killed process` lines that follow are those
//! tasks ([`super::killed`] adds them to the event's `oom_group.killed`; the victim's
//! own line, when it appears again, is folded into the victim). One OOM decision, one
//! event.

use super::{Text, Variant, s, split_once, text};
use crate::kernel::assemble::{Ctx, Fed};
use crate::model::OomGroup as Group;

#[derive(Debug, Clone, PartialEq)]
pub struct OomGroup {
    pub cgroup: Text,
}

impl Variant for OomGroup {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "Tasks in /test1 are going to be killed due to memory.oom.group set",
            OomGroup {
                cgroup: s("/test1"),
            },
        ),
        (
            "Tasks in /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b7e4f1a_3c2d_4e5f_8a9b_1c2d3e4f5a6b.slice/cri-containerd-5f9c2b7e8d1a4c3b6e0f2a9d8c7b6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d.scope are going to be killed due to memory.oom.group set",
            OomGroup {
                cgroup: s(
                    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b7e4f1a_3c2d_4e5f_8a9b_1c2d3e4f5a6b.slice/cri-containerd-5f9c2b7e8d1a4c3b6e0f2a9d8c7b6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d.scope",
                ),
            },
        ),
        // spacing is not relied on
        (
            "Tasks in  /A1  are going to be killed due to memory.oom.group set",
            OomGroup { cgroup: s("/A1") },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg.strip_prefix(b"Tasks in ")?;
        let (cgroup, _) = split_once(rest, b" are going to be killed due to memory.oom.group")?;
        let cgroup = cgroup.trim_ascii();
        (!cgroup.is_empty()).then(|| OomGroup {
            cgroup: text(cgroup),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        // Only after a victim: the group is killed with it.
        let Some(b) = ctx.open().filter(|b| b.killed) else {
            return Fed::Unrelated;
        };
        b.close_pending = false;
        let cgroup = self.cgroup.into_owned();
        match &mut b.ev.body.oom_group {
            Some(g) if g.cgroup == cgroup => {}
            Some(g) => {
                let was = std::mem::replace(&mut g.cgroup, cgroup);
                b.ev.warnings.push(format!(
                    "two memory.oom.group cgroups in one report ({was}, then {}); the last is kept",
                    g.cgroup
                ).into());
            }
            None => {
                b.ev.body.oom_group = Some(Box::new(Group {
                    cgroup,
                    killed: Vec::new(),
                }))
            }
        }
        Fed::Block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_group_lines() {
        for l in [
            "Tasks state (memory values in pages):",
            "Task in /a killed as a result of limit of /a",
            "Tasks in  are going to be killed due to memory.oom.group set",
        ] {
            assert_eq!(OomGroup::parse(l.as_bytes()), None, "{l}");
        }
    }
}
