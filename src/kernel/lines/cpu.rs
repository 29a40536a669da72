//! `CPU: 11 PID: 251385 Comm: x Not tainted 5.15.0-72-generic …` or 2.6.32
//! `Pid: 1743, comm: sshd …`, 6.11+ `CPU: N UID: U PID: P Comm: C …`: the task that
//! hit the OOM (its uid when printed), and the kernel release.

use super::{Text, Variant, group, num, re, s, text};
use crate::kernel::assemble::{Ctx, Fed};
use regex::bytes::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Cpu {
    /// 6.11+: the task's uid.
    pub uid: Option<u64>,
    pub pid: u64,
    pub comm: Text,
    /// The first word of the taint text that looks like a release (`N.N…`).
    pub kernel: Option<Text>,
}

impl Variant for Cpu {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "CPU: 11 PID: 251385 Comm: cardano-db-sy:w Not tainted 5.15.0-72-generic #79-Ubuntu",
            Cpu {
                uid: None,
                pid: 251_385,
                comm: s("cardano-db-sy:w"),
                kernel: Some(s("5.15.0-72-generic")),
            },
        ),
        (
            "CPU: 2 PID: 11554 Comm: thrash Kdump: loaded Tainted: G          I    ------------ T 3.10.0-862.11.6.el7.x86_64 #1",
            Cpu {
                uid: None,
                pid: 11554,
                comm: s("thrash"),
                kernel: Some(s("3.10.0-862.11.6.el7.x86_64")),
            },
        ),
        (
            "Pid: 1743, comm: sshd Tainted: G           --------------- H  2.6.32-279.9.1.el6.x86_64 #1",
            Cpu {
                uid: None,
                pid: 1743,
                comm: s("sshd"),
                kernel: Some(s("2.6.32-279.9.1.el6.x86_64")),
            },
        ),
        (
            "CPU: 3 PID: 120669 Comm: JIT Compilation Not tainted 4.4.0-119-generic #143-Ubuntu",
            Cpu {
                uid: None,
                pid: 120_669,
                comm: s("JIT Compilation"),
                kernel: Some(s("4.4.0-119-generic")),
            },
        ),
        // a taint list, a build hash after the release
        (
            "CPU: 3 PID: 473206 Comm: doxygen Tainted: G           OE      6.1.1-arch1-1 #1 9bd09188b430be630e611f984454e4f3c489be77",
            Cpu {
                uid: None,
                pid: 473_206,
                comm: s("doxygen"),
                kernel: Some(s("6.1.1-arch1-1")),
            },
        ),
        (
            "CPU: 5 PID: 13536 Comm: memorymonster Tainted: P           OX 3.13.0-43-generic #72-Ubuntu",
            Cpu {
                uid: None,
                pid: 13536,
                comm: s("memorymonster"),
                kernel: Some(s("3.13.0-43-generic")),
            },
        ),
        // 6.x with UID
        (
            "CPU: 0 UID: 0 PID: 977 Comm: stress Not tainted 6.12.0 #1",
            Cpu {
                uid: Some(0),
                pid: 977,
                comm: s("stress"),
                kernel: Some(s("6.12.0")),
            },
        ),
        // 6.11+: the uid, a taint list in brackets on the next line
        (
            "CPU: 5 UID: 1000 PID: 40211 Comm: node Tainted: G        W          6.11.0-1-amd64 #1 Debian 6.11.2-1",
            Cpu {
                uid: Some(1000),
                pid: 40211,
                comm: s("node"),
                kernel: Some(s("6.11.0-1-amd64")),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        static NEW: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"^CPU: +\d+ +(?:UID: +(\d+) +)?PID: +(\d+) +Comm: +(.+?) +(?:Kdump: loaded +)?(?:Not tainted|Tainted:) *(.*)$",
            )
        });
        static OLD: LazyLock<Regex> =
            LazyLock::new(|| re(r"^Pid: +()(\d+), +comm: +(.+?) +(?:Not tainted|Tainted:) *(.*)$"));
        let c = if msg.starts_with(b"CPU: ") {
            NEW.captures(msg)?
        } else if msg.starts_with(b"Pid: ") {
            OLD.captures(msg)?
        } else {
            return None;
        };
        let taint = c.get(4).map_or(&[][..], |m| m.as_bytes());
        let kernel = taint
            .split(|&b| b == b' ')
            .find(|t| is_release(t))
            .map(text);
        Some(Cpu {
            uid: num(c.get(1)),
            pid: num(c.get(2))?,
            comm: group(&c, 3),
            kernel,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        if let Some(b) = ctx.open()
            && b.ev.trigger.pid.is_none()
            && b.ev.trigger.comm.as_deref().is_none_or(|c| c == self.comm)
            && !b.killed
        {
            b.ev.trigger.pid = Some(self.pid);
            b.ev.trigger.uid = self.uid;
            b.ev.trigger.comm.get_or_insert(self.comm.into());
            b.ev.kernel = self.kernel.map(Text::into_owned);
        }
        Fed::Block
    }
}

/// `N.N…`: digits, a dot, a digit.
fn is_release(t: &[u8]) -> bool {
    let Some(dot) = t.iter().position(|&b| b == b'.') else {
        return false;
    };
    let Some((major, rest)) = t.split_at_checked(dot) else {
        return false;
    };
    dot > 0 && major.iter().all(u8::is_ascii_digit) && rest.get(1).is_some_and(u8::is_ascii_digit)
}
