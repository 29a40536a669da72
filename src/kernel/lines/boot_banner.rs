//! `Linux version 5.14.0-284.30.1.el9_2.x86_64 (mockbuild@…) (gcc …) #1 SMP …`: the
//! first line a kernel prints, so the records after it are of another boot. An open
//! block ends here (its reaper and continuation lines never cross a boot), and a
//! reaper line after it is never matched to a kill before it.

use super::{Text, Variant, text};
use crate::kernel::assemble::{Ctx, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct BootBanner {
    /// The kernel release (`5.14.0-284.30.1.el9_2.x86_64`).
    pub release: Text,
}

impl Variant for BootBanner {
    const ANCHORS: &'static [&'static str] = &["Linux version "];
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "Linux version 5.14.0-284.30.1.el9_2.x86_64 (mockbuild@x86-vm-08.build.eng.bos.redhat.com) (gcc (GCC) 11.3.1 20221121 (Red Hat 11.3.1-4), GNU ld version 2.35.2-37.el9) #1 SMP PREEMPT_DYNAMIC Wed Aug 23 19:51:50 EDT 2023",
            BootBanner {
                release: super::s("5.14.0-284.30.1.el9_2.x86_64"),
            },
        ),
        (
            "Linux version 6.1.0-21-cloud-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.90-1 (2024-05-03)",
            BootBanner {
                release: super::s("6.1.0-21-cloud-amd64"),
            },
        ),
        (
            "Linux version 3.10.0-1160.el7.x86_64 (mockbuild@kbuilder.bsys.centos.org) (gcc version 4.8.5 20150623 (Red Hat 4.8.5-44) (GCC) ) #1 SMP Mon Oct 19 16:18:59 UTC 2020",
            BootBanner {
                release: super::s("3.10.0-1160.el7.x86_64"),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg.strip_prefix(b"Linux version ")?;
        let end = rest
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(rest.len());
        let (release, after) = rest.split_at_checked(end)?;
        // A release starts with its version number and is followed by its builder.
        if !release.first().is_some_and(u8::is_ascii_digit) || !after.starts_with(b" (") {
            return None;
        }
        Some(BootBanner {
            release: text(release),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        ctx.new_boot();
        Fed::Unrelated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_banner() {
        for l in [
            "Linux version",
            "Linux version unknown",
            "Linux version 5.14.0",
            "systemd[1]: Linux version 5.14.0 (x)",
        ] {
            assert_eq!(BootBanner::parse(l.as_bytes()), None, "{l}");
        }
    }
}
