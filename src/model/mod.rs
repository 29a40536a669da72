//! The typed document every stage produces or reads: events, other deaths, pods and
//! containers, diagnoses, incidents, cgroup snapshots, nodes, warnings and times. No
//! logic beyond constructors, ordering and serialization; field names and values are
//! the public JSON interface (`docs/json-schema.md`, schema `oomsift/1`).
//!
//! Every stage may use this module; it uses only `clock` (time arithmetic) and `util`.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

pub mod cgroup;
pub mod document;
pub mod event;
pub mod explanation;
pub mod incident;
pub mod kinds;
pub mod time;
pub mod verdict;

pub use cgroup::CgroupSnapshot;
pub use document::{Analysis, InputInfo, NodeInfo, Warning};
pub use event::*;
pub use explanation::{Explanation, Sentence, Topic};
pub use incident::Incident;
pub use kinds::{DeathKind, NameSource, OomKind, Scope};
pub use time::{Stamp, TimeSource, Timestamp, Wall};
pub use verdict::{Filled, HeldBy, Holder, Limit, Verdict};
