//! What the kernel said: one file per line of an OOM report, across kernel eras
//! (2.6.32, RHEL7 3.10, 4.x, the 4.19+ `oom-kill:` summary, 5.x, 6.x; cgroup v1 and
//! v2). Each file is one [`Variant`]: the anchors the prefilter searches for (if its
//! line can start or identify a block), its parser, what its line does to the open
//! block, and its `CASES` (real-shaped lines with their parse) and tests. The
//! `registry!` below lists the variants in the order [`classify`] tries them; the
//! prefilter's kernel anchors ([`anchors`]) are gathered from it.
//!
//! Lines are matched on the message with the envelope already removed. Lines cut off
//! by a paste or a truncated file match as far as they go (a counter line that stops
//! mid-number yields the fields before the cut). A line's layout is read from what
//! the line (or the block's own header line) shows, never from a kernel version.

pub mod allocations;
pub mod boot_banner;
pub mod cpu;
pub mod cpuset;
pub mod frame;
pub mod header;
pub mod kill_announce;
pub mod killed;
pub mod meminfo;
pub mod meminfo_line;
pub mod memsw_counters;
pub mod noise;
pub mod oom_group;
pub mod oom_kill;
pub mod panic;
pub mod reaper;
pub mod stat_line;
pub mod stats_header;
pub mod suppressed;
pub mod task_header;
pub mod task_in;
pub mod task_row;
pub mod tasks_state;
pub mod usage;
pub mod zone_line;

use super::assemble::{Ctx, Evidence, Fed};
use regex::bytes::Regex;
use std::borrow::Cow;

/// Text taken from a line (owned), or written in a case (borrowed).
pub type Text = Cow<'static, str>;

/// One kind of kernel line.
pub trait Variant: Sized + 'static {
    /// Literals the prefilter searches for that find this line: set when the line can
    /// start an OOM region (or, its start cut, still make one an event). Empty for lines
    /// that are only read inside a region.
    const ANCHORS: &'static [&'static str] = &[];
    /// Does this line, fed with no block open, open one (a header-less block)?
    const OPENS: bool = false;
    /// Real-shaped lines of this variant and their parse (checked by `lines::tests`).
    const CASES: &'static [(&'static str, Self)];
    /// Recognizes the line (the message, its end trimmed), or declines.
    fn parse(msg: &[u8]) -> Option<Self>;
    /// What the line does to the block: whether it was part of one.
    fn apply(self, ctx: &mut Ctx) -> Fed;
}

/// The variants, in the order they are tried: one line each (`Name => module::Type`).
/// Generates [`KLine`] (one case per variant, and `Other`), [`classify`], the dispatch
/// to each variant's `apply`, and [`anchors`].
macro_rules! registry {
    ($($name:ident => $ty:ty,)*) => {
        /// A classified kernel line.
        #[derive(Debug, Clone, PartialEq)]
        pub enum KLine {
            $($name($ty),)*
            /// Anything else.
            Other,
        }

        /// Classifies one kernel message: the first variant that accepts it.
        pub fn classify(msg: &[u8]) -> KLine {
            let msg = msg.trim_ascii_end();
            $(if let Some(v) = <$ty as Variant>::parse(msg) {
                return KLine::$name(v);
            })*
            KLine::Other
        }

        impl KLine {
            fn dispatch(self, ctx: &mut Ctx) -> Fed {
                match self {
                    $(KLine::$name(v) => v.apply(ctx),)*
                    KLine::Other => Fed::Unrelated,
                }
            }
        }

        /// The kernel anchors of the prefilter: every variant's, in registry order.
        pub fn anchors() -> impl Iterator<Item = &'static &'static str> {
            [$(<$ty as Variant>::ANCHORS),*].into_iter().flatten()
        }

        /// Each variant as the registry tests see it.
        #[cfg(test)]
        fn entries() -> Vec<tests::Entry> {
            vec![$(tests::Entry {
                name: stringify!($name),
                anchors: <$ty as Variant>::ANCHORS,
                opens: <$ty as Variant>::OPENS,
                accepts: |m| <$ty as Variant>::parse(m.trim_ascii_end()).is_some(),
                cases: <$ty as Variant>::CASES
                    .iter()
                    .map(|(l, v)| (*l, KLine::$name(v.clone())))
                    .collect(),
            },)*]
        }
    };
}

registry! {
    Header => header::Header,
    Killed => killed::Killed,
    KillAnnounce => kill_announce::KillAnnounce,
    OomKill => oom_kill::OomKill,
    Reaper => reaper::Reaper,
    OomGroup => oom_group::OomGroup,
    TaskIn => task_in::TaskIn,
    Usage => usage::Usage,
    MemswCounter => memsw_counters::MemswCounter,
    StatsHeader => stats_header::StatsHeader,
    TasksState => tasks_state::TasksState,
    TaskHeader => task_header::TaskHeader,
    TaskRow => task_row::TaskRow,
    Cpu => cpu::Cpu,
    Cpuset => cpuset::Cpuset,
    MemInfo => meminfo::MemInfo,
    Panic => panic::Panic,
    Suppressed => suppressed::Suppressed,
    BootBanner => boot_banner::BootBanner,
    Frame => frame::Frame,
    Allocations => allocations::Allocations,
    Allocation => allocations::Allocation,
    Zone => zone_line::ZoneLine,
    MemInfoLine => meminfo_line::MemInfoLine,
    Noise => noise::Noise,
    StatLine => stat_line::StatLine,
}

impl KLine {
    /// Applies the line to the assembler's open block (or opens one).
    pub fn apply(self, ctx: &mut Ctx) -> Fed {
        // The victim was reaped: the block ends here, unless a group kill follows.
        if ctx.open().is_some_and(|b| b.close_pending) && !matches!(self, KLine::OomGroup(_)) {
            ctx.close();
        }
        // A v2 stats block is a run of stat lines: any other line ends it.
        if !matches!(self, KLine::StatLine(_)) {
            stat_line::end_run(ctx);
        }
        if !matches!(self, KLine::Allocation(_) | KLine::Allocations(_)) {
            allocations::end_run(ctx);
        }
        self.dispatch(ctx)
    }
}

// Shared pieces of the parsers.

pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}

/// A case's text.
pub(crate) const fn s(t: &'static str) -> Text {
    Cow::Borrowed(t)
}

pub(crate) fn text(b: &[u8]) -> Text {
    Cow::Owned(String::from_utf8_lossy(b).into_owned())
}

/// A capture group's text (empty when the group did not take part).
pub(crate) fn group(c: &regex::bytes::Captures, i: usize) -> Text {
    text(c.get(i).map_or(&[][..], |m| m.as_bytes()))
}

pub(crate) fn num<T: std::str::FromStr>(b: Option<regex::bytes::Match>) -> Option<T> {
    std::str::from_utf8(b?.as_bytes()).ok()?.parse().ok()
}

pub(crate) use crate::util::has;

/// `s` split around the first `sep`: the parts before and after it.
pub(crate) fn split_once<'a>(s: &'a [u8], sep: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let i = crate::util::find(s, sep)?;
    let (a, b) = s.split_at_checked(i)?;
    Some((a, b.get(sep.len()..)?))
}

/// The `key:value` fields of a kill or reaper line (`total-vm:123kB, anon-rss:4kB`,
/// `UID:0 pgtables:8kB`), separated by commas and any run of spaces; a word followed
/// by a number (`UID 1000`, the RHEL backports) is a pair too. Anything else is a
/// key with an empty value, for the caller to note.
pub(crate) fn kv_fields(s: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut toks = s
        .split(|&c| c == b',' || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .peekable();
    let mut out = Vec::new();
    while let Some(t) = toks.next() {
        if let Some((k, v)) = split_once(t, b":") {
            out.push((k, v));
        } else if t.iter().all(|c| c.is_ascii_alphabetic() || *c == b'_')
            && let Some(v) = toks.next_if(|n| n.iter().all(|c| c.is_ascii_digit() || *c == b'-'))
        {
            out.push((t, v));
        } else {
            out.push((t, &[][..]));
        }
    }
    out
}

/// A `NkB` value (`None` when it is not one).
pub(crate) fn kb(v: &[u8]) -> Option<u64> {
    crate::clock::parse_u64(v.strip_suffix(b"kB")?)
}

/// Which OOM path a kill line names by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `Memory cgroup out of memory:`
    Memcg,
    /// `Out of memory:` or `Out of memory (oom_kill_allocating_task):`
    Global,
}

/// The scope of a kill line's prefix (the regex group that holds it).
pub(crate) fn scope_of(prefix: Option<regex::bytes::Match>) -> Option<Scope> {
    prefix.map(|m| {
        if m.as_bytes().starts_with(b"Memory cgroup") {
            Scope::Memcg
        } else {
            Scope::Global
        }
    })
}

/// The kind a kill line's scope tells.
pub(crate) fn scope_kind(b: &mut super::assemble::Block, scope: Option<Scope>) {
    match scope {
        Some(Scope::Memcg) => b.set_kind(Evidence::KillLine, "cgroup"),
        Some(Scope::Global) => b.set_kind(Evidence::KillLine, "host"),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::FileFormat;
    use crate::envelope::line::parse_line;
    use crate::kernel::assemble::Assembler;
    use crate::scan::prefilter::prefilter;

    pub(super) struct Entry {
        pub name: &'static str,
        pub anchors: &'static [&'static str],
        pub opens: bool,
        pub accepts: fn(&[u8]) -> bool,
        pub cases: Vec<(&'static str, KLine)>,
    }

    #[test]
    fn every_case_parses_to_its_value_through_classify() {
        for e in entries() {
            assert!(!e.cases.is_empty(), "{} has no cases", e.name);
            for (line, want) in &e.cases {
                assert_eq!(&classify(line.as_bytes()), want, "{}: {line}", e.name);
            }
        }
    }

    /// Variants whose parser is loose enough to accept some anchored lines, and which
    /// are therefore tried after every anchored variant: a Mem-Info line is any line
    /// with a `key:number` token (`kworker/0:0 invoked oom-killer: …`,
    /// `Killed process … UID:0 …`).
    const TRIED_AFTER_ANCHORED: &[&str] = &["MemInfoLine"];

    #[test]
    fn anchored_cases_hit_the_prefilter_and_belong_to_their_variant_alone() {
        let all = entries();
        let last_anchored = all.iter().rposition(|e| !e.anchors.is_empty());
        for name in TRIED_AFTER_ANCHORED {
            let at = all.iter().position(|e| e.name == *name);
            assert!(
                at > last_anchored,
                "{name} must be tried after the anchored variants"
            );
        }
        for e in all.iter().filter(|e| !e.anchors.is_empty()) {
            for (line, _) in &e.cases {
                let at = prefilter(FileFormat::Lines, line.as_bytes());
                assert!(at.is_some(), "{}: the prefilter misses {line}", e.name);
                let claim: Vec<_> = all
                    .iter()
                    .filter(|o| !TRIED_AFTER_ANCHORED.contains(&o.name))
                    .filter(|o| (o.accepts)(line.as_bytes()))
                    .map(|o| o.name)
                    .collect();
                assert_eq!(claim, [e.name], "{line}");
            }
        }
    }

    /// Each case fed alone (in a dmesg envelope) to an assembler: it makes an event
    /// exactly when its variant opens blocks, so lines without an anchor that do not
    /// open one (trace frames, stat lines, task rows, Mem-Info lines, …) are claimed
    /// only inside an open block.
    #[test]
    fn only_opening_variants_make_an_event_alone() {
        for e in entries() {
            for (line, _) in &e.cases {
                let mut a = Assembler::new("t.log");
                let rec = format!("[    1.000000] {line}");
                a.feed(&parse_line(rec.as_bytes()), 1, 0);
                a.finish();
                assert_eq!(a.events.len(), usize::from(e.opens), "{}: {line}", e.name);
            }
        }
    }

    #[test]
    fn an_anchored_variant_opens_a_block_or_ends_one() {
        for e in entries().iter().filter(|e| !e.anchors.is_empty()) {
            // A panic ends its block; a boot banner ends the one open and the boot.
            assert!(
                e.opens || e.name == "Panic" || e.name == "BootBanner",
                "{}",
                e.name
            );
        }
    }

    /// The prefilter's speed depends on the literals it searches: moving variants must
    /// not change them (benches/compare.sh freezes the same list for rg).
    #[test]
    fn the_anchor_set_is_the_prefilters() {
        let mut got: Vec<&str> = anchors().copied().collect();
        got.sort_unstable();
        let mut want = vec![
            "invoked oom-killer",
            "Killed process",
            "Kill process",
            "oom-kill:",
            "as a result of limit of",
            "Memory cgroup stats for",
            "memory: usage",
            "not syncing: Out of memory",
            "deadlocked on memory",
            "Out of memory and no killable processes",
            "Linux version ",
        ];
        want.sort_unstable();
        assert_eq!(got, want);
    }

    #[test]
    fn unknown_lines_are_other() {
        for l in [
            "systemd[1]: Started Journal Service.",
            "grep 'invoked oom-killer' /var/log/messages",
            "CPU: 7 PID",
            "slab_out_of_memory: 72 callbacks suppressed",
        ] {
            assert_eq!(classify(l.as_bytes()), KLine::Other, "{l}");
        }
    }
}
