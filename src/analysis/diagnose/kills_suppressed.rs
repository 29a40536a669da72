//! printk rate limiting dropped OOM messages before this kill: the log undercounts.
//!
//! Applies to: any kill.
//!
//! Evidence: `suppressed`.
//!
//! From the kernel's `oom_kill_process: N callbacks suppressed` just before the kill's
//! block (the event's warning says so too): N messages, each possibly a kill, were
//! never logged.

use super::{Entry, On, Rule};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::KillsSuppressed,
    severity: Severity::Warning,
    on: On::AnyKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    let n = e.body.suppressed_before?;
    Some(ENTRY.diagnosis(
        format!(
            "{n} OOM-killer messages before this kill were dropped by printk rate limiting: the log undercounts the kills"
        ),
        vec![("suppressed", json!(n))],
        "Count kills from the cgroups' memory.events oom_kill counters or the node's /proc/vmstat oom_kill instead of the log.",
    ))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn reads_the_typed_count() {
        let mut e = cgroup_event();
        assert!(check(&e, &ctx()).is_none());
        e.body.suppressed_before = Some(70);
        let d = check(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["suppressed"], json!(70));
    }
}
