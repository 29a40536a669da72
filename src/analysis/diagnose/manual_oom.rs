//! `order=-1`: the kill was requested by sysrq, not caused by an allocation.
//!
//! Applies to: any kill.
//!
//! Evidence: `trigger_comm`.
//!
//! sysrq-f (`echo f > /proc/sysrq-trigger`) runs the OOM killer from a kworker
//! (`moom_callback`) with order −1; no memory shortage is implied.

use super::{Entry, On, Rule};
use crate::model::{Diagnosis, DiagnosisCode, OomEvent, Severity};
use serde_json::json;

pub const ENTRY: Entry = Entry {
    code: DiagnosisCode::ManualOom,
    severity: Severity::Info,
    on: On::AnyKill,
    rule: Rule::Event(check),
};

fn check(e: &OomEvent, _: &super::Context) -> Option<Diagnosis> {
    e.trigger.manual.then(|| {
        ENTRY.diagnosis(
            "order=-1: this OOM kill was requested by hand (sysrq-f or echo f > /proc/sysrq-trigger), not caused by an allocation".into(),
            vec![("trigger_comm", json!(e.trigger.comm))],
            "Find who triggered sysrq on the node; no memory shortage is implied.",
        )
    })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn manual_only() {
        let mut e = OomEvent::default();
        assert!(check(&e, &ctx()).is_none());
        e.trigger.manual = true;
        e.trigger.comm = Some("kworker/0:2".into());
        let d = check(&e, &ctx()).unwrap();
        assert_eq!(d.evidence["trigger_comm"], json!("kworker/0:2"));
    }
}
