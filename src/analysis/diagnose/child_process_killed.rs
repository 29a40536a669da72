//! The victim is not the lowest pid (other than `pause`) of the container's own task
//! table: Kubernetes may not report OOMKilled.
//!
//! Applies to: cgroup kill.
//!
//! Evidence: `victim_pid`, `main_pid`, `main_comm`.
//!
//! The task table lists the OOM memcg's tasks, so only a kill in a container's own
//! memcg (`oom_memcg` = `task_memcg`) tells its main process. When a worker dies and
//! the main process lives on, the container keeps running: the restart count may not
//! move and no OOMKilled is reported. Not when a `memory.oom.group` kill took the
//! main process too (`oom_group.killed`): the container died as a whole.

use super::{Entry, On, Rule, is_cgroup};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::ChildProcessKilled,
    severity: Severity::Warning,
    on: On::CgroupKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    let victim = e.victim.pid?;
    e.container.as_ref()?;
    // The task table lists the OOM memcg's tasks: only a container's own memcg tells
    // its main process.
    let own = e.cgroup.oom.is_some() && e.cgroup.oom == e.cgroup.task;
    if !is_cgroup(e) || !own {
        return None;
    }
    let main = e
        .body
        .tasks
        .iter()
        .filter(|t| t.name != "pause")
        .map(|t| t.pid)
        .min()?;
    // A memory.oom.group kill that took the main process killed the container whole.
    let group_took_main = e
        .body
        .oom_group
        .as_ref()
        .is_some_and(|g| g.killed.iter().any(|m| m.pid == main));
    (main != victim && !group_took_main && e.body.tasks.iter().any(|t| t.pid == victim)).then(|| {
        let main_name = e.body.tasks.iter().find(|t| t.pid == main).map(|t| t.name.clone());
        ENTRY.diagnosis(
            format!("the kernel killed pid {victim} ({}), not the container's main process {main} ({}): the container may keep running and Kubernetes may not report OOMKilled", e.victim.comm.as_deref().unwrap_or("?"), main_name.as_deref().unwrap_or("?")),
            vec![("victim_pid", json!(victim)), ("main_pid", json!(main)), ("main_comm", json!(main_name))],
            "Check the application's worker processes: the restart count may not move while workers die; on cgroup v2 consider memory.oom.group so the container dies as a whole.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::model::{Container, TaskRow};

    #[test]
    fn worker_not_main() {
        let mut e = cgroup_event();
        e.cgroup.oom = Some("/c".into());
        e.cgroup.task = Some("/c".into());
        e.container = Some(Box::new(Container {
            id: "a".repeat(64),
            runtime: None,
            name: None,
            name_source: None,
        }));
        e.victim.pid = Some(20);
        for (pid, name) in [(5, "pause"), (10, "gunicorn"), (20, "gunicorn")] {
            e.body.tasks.push(TaskRow {
                pid,
                columns: vec![],
                name: name.into(),
            });
        }
        let d = check(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["main_pid"], json!(10));
        e.victim.pid = Some(10);
        assert!(check(&e, &ctx()).is_none());
        e.victim.pid = Some(20);
        e.cgroup.oom = Some("/pod".into());
        assert!(check(&e, &ctx()).is_none(), "a parent memcg's table");
    }
}
