//! Node facts read from a bundle's files: host name, kernel, collection date, boot
//! time, memory size, cgroup version and driver. Paths are those of a sosreport
//! (`sos_commands/…`) and of a copied node root (`etc/hostname`, `proc/…`); the first
//! file present wins.

use super::tree::{Tree, join};
use crate::clock::{Civil, month_from_name, parse_hms, parse_u64};

/// Files read for facts (never scanned as logs).
pub const FACT_FILES: &[&str] = &[
    "hostname",
    "sos_commands/general/hostname",
    "sos_commands/host/hostname",
    "etc/hostname",
    "uname",
    "sos_commands/kernel/uname_-a",
    "sos_commands/general/uname_-a",
    "date",
    "sos_commands/date/date",
    "sos_commands/date/date_--utc",
    "sos_commands/general/date",
    "uptime",
    "sos_commands/host/uptime",
    "sos_commands/general/uptime",
    "version.txt",
    "proc/stat",
    "proc/meminfo",
    "proc/uptime",
    "proc/version",
    "proc/sys/kernel/hostname",
    "etc/machine-id",
    "sos_commands/kernel/sysctl_-a",
];

/// The sysctl settings that decide what an OOM does.
pub const OOM_SYSCTLS: &[&str] = &[
    "vm.panic_on_oom",
    "vm.oom_kill_allocating_task",
    "vm.overcommit_memory",
    "vm.overcommit_ratio",
];

/// When the bundle was collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collected {
    pub civil: Civil,
    /// UTC offset when the date output named it (`UTC`, `GMT`, `+0100`).
    pub offset: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeFacts {
    pub hostname: Option<String>,
    pub kernel: Option<String>,
    pub collected: Option<Collected>,
    /// Boot time, seconds since the epoch (UTC).
    pub boot_epoch: Option<i64>,
    pub mem_total_kb: Option<u64>,
    pub cgroup_version: Option<String>,
    pub cgroup_driver: Option<String>,
    /// [`OOM_SYSCTLS`] as `sysctl -a` printed them.
    pub sysctl: std::collections::BTreeMap<String, String>,
    /// `etc/machine-id`: two bundles of one host name with different machine-ids are
    /// different nodes.
    pub machine_id: Option<String>,
}

fn first_text(root: &Root, candidates: &[&str]) -> Option<String> {
    candidates.iter().find_map(|c| {
        let s = root.0.read(&join(root.1, c))?;
        let s = String::from_utf8_lossy(s.get(..64 * 1024).unwrap_or(&s)).into_owned();
        (!s.trim().is_empty()).then_some(s)
    })
}

/// A node root: the tree and the path of the node's `/` in it.
struct Root<'a>(&'a dyn Tree, &'a str);

/// Reads what the node rooted at `base` in `tree` says about itself.
pub fn read(tree: &dyn Tree, base: &str) -> NodeFacts {
    let root = &Root(tree, base);
    let mut f = NodeFacts {
        hostname: first_text(
            root,
            &[
                "sos_commands/host/hostname",
                "sos_commands/general/hostname",
                "hostname",
                "etc/hostname",
                "proc/sys/kernel/hostname",
            ],
        )
        .and_then(|s| s.lines().next().map(|l| l.trim().to_string()))
        .filter(|h| !h.is_empty() && !h.contains(' ')),
        kernel: first_text(
            root,
            &[
                "sos_commands/kernel/uname_-a",
                "sos_commands/general/uname_-a",
                "uname",
            ],
        )
        .and_then(|s| s.split_whitespace().nth(2).map(str::to_string))
        .or_else(|| {
            first_text(root, &["proc/version"])
                .and_then(|s| s.split_whitespace().nth(2).map(str::to_string))
        }),
        collected: first_text(
            root,
            &[
                "sos_commands/date/date_--utc",
                "sos_commands/date/date",
                "sos_commands/general/date",
                "date",
            ],
        )
        .and_then(|s| parse_date_output(s.trim()))
        // Its zone is the collecting pod's, not the nodes': the date only.
        .or_else(|| must_gather_timestamp(root).map(|c| Collected { offset: None, ..c })),
        mem_total_kb: first_text(root, &["proc/meminfo"]).and_then(|s| meminfo_total(&s)),
        machine_id: first_text(root, &["etc/machine-id"])
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|m| is_machine_id(m)),
        ..NodeFacts::default()
    };
    f.boot_epoch = first_text(root, &["proc/stat"])
        .and_then(|s| btime(&s))
        .or_else(|| {
            let c = f.collected?;
            let up = first_text(root, &["proc/uptime"])
                .and_then(|s| proc_uptime(&s))
                .or_else(|| {
                    first_text(
                        root,
                        &[
                            "sos_commands/host/uptime",
                            "sos_commands/general/uptime",
                            "uptime",
                        ],
                    )
                    .and_then(|s| uptime_seconds(&s))
                })?;
            Some(c.civil.as_utc_seconds() - i64::from(c.offset?) - up)
        });
    if let Some(s) = first_text(root, &["sos_commands/kernel/sysctl_-a"]) {
        for l in s.lines() {
            if let Some((k, v)) = l.split_once(" = ")
                && OOM_SYSCTLS.contains(&k.trim())
            {
                f.sysctl.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    let cg = join(base, "sys/fs/cgroup");
    if tree.exists(&join(&cg, "cgroup.controllers")) {
        f.cgroup_version = Some("v2".into());
    } else if tree.exists(&join(&cg, "memory")) {
        f.cgroup_version = Some("v1".into());
    }
    for dir in [join(&cg, "memory"), cg.clone()] {
        if tree.exists(&join(&dir, "kubepods.slice")) {
            f.cgroup_driver = Some("systemd".into());
        } else if tree.exists(&join(&dir, "kubepods")) {
            f.cgroup_driver = Some("cgroupfs".into());
        }
        if f.cgroup_driver.is_some() {
            break;
        }
    }
    f
}

/// `date` output: `Tue Mar  5 10:11:12 UTC 2024` (zone optional, numeric or named).
pub fn parse_date_output(s: &str) -> Option<Collected> {
    let toks: Vec<&str> = s.split_whitespace().collect();
    let mi = toks
        .iter()
        .position(|t| month_from_name(t.as_bytes()).is_some())?;
    let month = month_from_name(toks.get(mi)?.as_bytes())?;
    let day = u8::try_from(parse_u64(toks.get(mi + 1)?.as_bytes())?).ok()?;
    let ((hour, minute, second, _), _) = parse_hms(toks.get(mi + 2)?.as_bytes())?;
    let rest = toks.get(mi + 3..).unwrap_or_default();
    let year = rest
        .iter()
        .find_map(|t| (t.len() == 4).then(|| t.parse::<i32>().ok()).flatten())?;
    let offset = rest.iter().find_map(|t| match *t {
        "UTC" | "GMT" | "Z" => Some(0),
        z => hhmm_offset(z),
    });
    let civil = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        micros: None,
    };
    civil.is_valid().then_some(Collected { civil, offset })
}

/// A must-gather's `timestamp` (at the node root or in a folder just below it, such
/// as `must-gather.local.5837412095823/timestamp`): when it was collected.
fn must_gather_timestamp(root: &Root) -> Option<Collected> {
    let (tree, base) = (root.0, root.1);
    std::iter::once(join(base, MUST_GATHER_TIMESTAMP))
        .chain(
            tree.subdirs(base)
                .into_iter()
                .map(|d| join(&join(base, &d), MUST_GATHER_TIMESTAMP)),
        )
        .find_map(|p| {
            let b = tree.read(&p)?;
            parse_go_time(String::from_utf8_lossy(&b).trim())
        })
}

/// The collection time a support bundle's name carries: Replicated troubleshoot names
/// its folder and archive `support-bundle-2024-03-05T10_45_00` (the collecting
/// machine's local time, so the date only, no zone). `input` is the input as given,
/// joined with the node root inside it; the last component so named wins.
pub fn support_bundle_name_date(input: &str) -> Option<Collected> {
    input.rsplit(['/', '\\']).find_map(|c| {
        let rest = c.strip_prefix("support-bundle-")?;
        let stamp = rest.get(..19)?;
        let tail = rest.get(19..).unwrap_or_default();
        if !(tail.is_empty() || tail.starts_with('.')) {
            return None;
        }
        let (date, time) = stamp.split_once('T')?;
        let time = time.replace('_', ":");
        let (civil, _, _) = crate::clock::parse_iso(format!("{date}T{time}").as_bytes())?;
        Some(Collected {
            civil: Civil {
                micros: None,
                ..civil
            },
            offset: None,
        })
    })
}

/// Facts of the node rooted at `base` in `tree`, for the input named `input`: what
/// [`read`] finds, and when nothing in it dates the collection, the date a support
/// bundle's name carries (the input's, or else the latest of the folders just inside).
pub fn read_named(tree: &dyn Tree, base: &str, input: &str) -> NodeFacts {
    let mut f = read(tree, base);
    if f.collected.is_none() {
        f.collected = support_bundle_name_date(input).or_else(|| {
            tree.subdirs(base)
                .iter()
                .filter_map(|d| support_bundle_name_date(d))
                .max_by_key(|c| c.civil.as_utc_micros())
        });
    }
    f
}

/// The machine-id a binary journal's folder names (`var/log/journal/<machine-id>/…`,
/// `run/log/journal/<machine-id>/…`): journald keeps each machine's files there.
pub fn journal_machine_id(path: &str) -> Option<String> {
    let comps: Vec<&str> = path.split('/').collect();
    comps.windows(3).find_map(|w| match w {
        ["journal", id, _] if is_machine_id(id) => Some(id.to_ascii_lowercase()),
        _ => None,
    })
}

fn is_machine_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The name of a must-gather's collection time file.
pub const MUST_GATHER_TIMESTAMP: &str = "timestamp";

/// Go's `time.Time.String()`, as must-gather writes its `timestamp`:
/// `2024-03-05 10:44:12.381402195 +0000 UTC m=+0.061126420`.
pub fn parse_go_time(s: &str) -> Option<Collected> {
    let mut toks = s.split_whitespace();
    let (date, time, zone) = (toks.next()?, toks.next()?, toks.next()?);
    let time = time.split('.').next()?;
    let (civil, _, _) = crate::clock::parse_iso(format!("{date}T{time}").as_bytes())?;
    let offset = hhmm_offset(zone)?;
    Some(Collected {
        civil: Civil {
            micros: None,
            ..civil
        },
        offset: Some(offset),
    })
}

/// A numeric zone offset, `+0100` or `-0530`, in seconds. Read as bytes, so a
/// non-ASCII byte is no offset (not a panic).
fn hhmm_offset(z: &str) -> Option<i32> {
    let (sign, hhmm) = match z.as_bytes() {
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return None,
    };
    let [h1, h2, m1, m2] = *hhmm else { return None };
    let h = i32::try_from(parse_u64(&[h1, h2])?).ok()?;
    let m = i32::try_from(parse_u64(&[m1, m2])?).ok()?;
    Some(sign * (h * 3600 + m * 60))
}

fn meminfo_total(s: &str) -> Option<u64> {
    let l = s.lines().find(|l| l.starts_with("MemTotal:"))?;
    l.split_whitespace().nth(1)?.parse().ok()
}

fn btime(s: &str) -> Option<i64> {
    s.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

fn proc_uptime(s: &str) -> Option<i64> {
    let first = s.split_whitespace().next()?;
    // `12345.67 …`: the whole seconds, read as an integer (no float cast).
    let whole = first.split('.').next()?;
    whole.parse().ok()
}

/// `uptime` output: ` 10:11:12 up 3 days,  4:05,  2 users, …` / `up 17 min,` / `up 1 day, 10 min,`.
pub fn uptime_seconds(s: &str) -> Option<i64> {
    let after = s.split(" up ").nth(1)?;
    let mut total = 0i64;
    for part in after.split(',').map(str::trim) {
        if part.contains("user") || part.contains("load") {
            break;
        }
        if let Some(d) = part
            .strip_suffix(" days")
            .or_else(|| part.strip_suffix(" day"))
        {
            total += d.trim().parse::<i64>().ok()? * 86_400;
        } else if let Some(m) = part
            .strip_suffix(" min")
            .or_else(|| part.strip_suffix(" mins"))
        {
            total += m.trim().parse::<i64>().ok()? * 60;
        } else if let Some((h, m)) = part.split_once(':') {
            total += h.trim().parse::<i64>().ok()? * 3600 + m.trim().parse::<i64>().ok()? * 60;
        } else {
            return None;
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn must_gather_timestamps() {
        let c = parse_go_time("2024-03-05 10:44:12.381402195 +0000 UTC m=+0.061126420").unwrap();
        assert_eq!(
            (
                c.civil.year,
                c.civil.month,
                c.civil.day,
                c.civil.hour,
                c.civil.minute,
                c.civil.second,
                c.offset
            ),
            (2024, 3, 5, 10, 44, 12, Some(0))
        );
        let c = parse_go_time("2023-12-31 23:10:00.5 -0500 EST").unwrap();
        assert_eq!((c.civil.year, c.offset), (2023, Some(-5 * 3600)));
        assert!(parse_go_time("not a time").is_none());
        assert!(parse_go_time("2024-03-05 10:44:12").is_none());
    }

    #[test]
    fn journal_folders() {
        assert_eq!(
            journal_machine_id(
                "sosreport-n/var/log/journal/3C5B1A3E8F2D4C6B9A7E1F0D2C4B6A8E/system.journal"
            )
            .as_deref(),
            Some("3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e")
        );
        assert_eq!(journal_machine_id("var/log/journal/system.journal"), None);
        assert_eq!(
            journal_machine_id("var/log/journal/3c5b1a3e/system.journal"),
            None
        );
        assert_eq!(
            journal_machine_id("journal/3c5b1a3e8f2d4c6b9a7e1f0d2c4b6a8e"),
            None
        );
    }

    #[test]
    fn support_bundle_names() {
        let c = support_bundle_name_date(
            "/cases/4711/support-bundle-2024-03-05T10_45_00.tar.gz/support-bundle",
        )
        .unwrap();
        assert_eq!(c.civil.rfc3339_local(), "2024-03-05T10:45:00");
        assert_eq!(c.offset, None);
        let c = support_bundle_name_date("b/support-bundle-2021-09-10T18_50_35").unwrap();
        assert_eq!((c.civil.year, c.civil.month, c.civil.day), (2021, 9, 10));
        assert_eq!(support_bundle_name_date("b/support-bundle"), None);
        assert_eq!(
            support_bundle_name_date("support-bundle-2024-13-05T10_45_00"),
            None
        );
        assert_eq!(
            support_bundle_name_date("support-bundle-2024-03-05T10_45_00-copy"),
            None
        );
        assert_eq!(
            support_bundle_name_date("support-bundle-2024-03-05T10"),
            None
        );
        assert_eq!(
            support_bundle_name_date("support-bundle-2024-03-05T10_45_00é"),
            None
        );
    }

    #[test]
    fn date_outputs() {
        let c = parse_date_output("Tue Mar  5 10:11:12 UTC 2024").unwrap();
        assert_eq!(
            (c.civil.year, c.civil.month, c.civil.day, c.offset),
            (2024, 3, 5, Some(0))
        );
        let c = parse_date_output("Tue Mar  5 10:11:12 CET 2024").unwrap();
        assert_eq!(c.offset, None);
        let c = parse_date_output("Tue Mar  5 10:11:12 +0100 2024").unwrap();
        assert_eq!(c.offset, Some(3600));
        let c = parse_date_output("Tue Mar  5 10:11:12 -0530 2024").unwrap();
        assert_eq!(c.offset, Some(-(5 * 3600 + 30 * 60)));
        // A non-ASCII byte where the offset's digits are: no offset, no panic.
        for z in ["+1\u{e9}2", "-\u{e9}12", "+\u{20ac}1", "+12\u{e9}"] {
            let c = parse_date_output(&format!("Tue Mar  5 10:11:12 {z} 2024")).unwrap();
            assert_eq!(c.offset, None, "{z}");
        }
    }

    #[test]
    fn uptime_outputs() {
        assert_eq!(
            uptime_seconds(" 10:11:12 up 3 days,  4:05,  2 users,  load average: 0.00, 0.01, 0.05"),
            Some(3 * 86_400 + 4 * 3600 + 5 * 60)
        );
        assert_eq!(
            uptime_seconds(" 10:11:12 up 17 min,  1 user,  load average: 0.00"),
            Some(17 * 60)
        );
        assert_eq!(
            uptime_seconds(" 10:11:12 up 1 day, 10 min,  1 user"),
            Some(86_400 + 600)
        );
    }

    #[test]
    fn proc_files() {
        assert_eq!(
            btime("cpu  1 2 3\nbtime 1709600000\nprocesses 5\n"),
            Some(1_709_600_000)
        );
        assert_eq!(
            meminfo_total("MemTotal:       16303600 kB\nMemFree: 1 kB\n"),
            Some(16_303_600)
        );
    }
}
