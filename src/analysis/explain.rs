//! One kill explained in prose, in the manner of OOMAnalyser: the allocation's GFP
//! flags (as the kernel printed them; a bare mask decoded only for the mainline
//! releases whose flag table was checked), the request's order as bytes, the zones'
//! watermark and fragmentation evidence of a Mem-Info report, RAM and swap in use,
//! and the victim's share of RAM or of the limit. Pure functions of the event; the
//! result ([`Explanation`]) is derived for the views, never stored in the JSON.
//!
//! GFP flag tables. The bit values of `___GFP_*` change between kernel releases, so
//! a mask is decoded only with the table of its release (the event's `kernel`, read
//! as mainline `MAJOR.MINOR`; distribution kernels keep their base release's flags,
//! as RHEL 8's 4.18 and RHEL 9's 5.14 do). Each table below was checked against
//! `include/linux/gfp.h` (or `gfp_types.h`) of the releases it names:
//! - 4.14: the 4.14 header (`__GFP_COLD` 0x100, `__GFP_KSWAPD_RECLAIM` 0x1000000).
//! - 4.18–4.19: the 4.18 (RHEL 8) and 4.19 headers (`__GFP_WRITE` 0x100).
//! - 5.10–5.14: the 5.10 and 5.14 headers (`__GFP_ZERO` 0x100, `__GFP_ATOMIC` 0x200);
//!   bits above 0x400000 differ between them (`NOLOCKDEP`, `ZEROTAGS`) and are not
//!   decoded.
//! - 6.3 and later: current mainline's `gfp_types.h` (0x200 unused since
//!   `__GFP_ATOMIC` was removed in 6.3); bits above 0x800000 depend on the kernel's
//!   configuration (KASAN, lockdep) and are not decoded.
//!
//! Releases before 4.14, and 4.15–4.17, 5.0–5.9 and 5.15–6.2, whose headers could not
//! be checked, are not decoded: the text says so.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::model::{Explanation, OomEvent, Sentence, Topic, Zone};
use crate::util::human_kb;

/// The page size the kB figures of orders and page counts assume.
const PAGE_KB: u64 = 4;
/// `PAGE_ALLOC_COSTLY_ORDER`: requests above it are "costly" (high-order).
const COSTLY_ORDER: i64 = 3;

/// The flag table of a range of mainline releases.
struct Table {
    /// The releases it covers, as printed in the text.
    releases: &'static str,
    /// Bit → `__GFP_*` name.
    bits: &'static [(u64, &'static str)],
    /// The bits this table decodes (the others are not decoded).
    decodes: u64,
}

const T4_14: Table = Table {
    releases: "4.14",
    bits: &[
        (0x01, "__GFP_DMA"),
        (0x02, "__GFP_HIGHMEM"),
        (0x04, "__GFP_DMA32"),
        (0x08, "__GFP_MOVABLE"),
        (0x10, "__GFP_RECLAIMABLE"),
        (0x20, "__GFP_HIGH"),
        (0x40, "__GFP_IO"),
        (0x80, "__GFP_FS"),
        (0x100, "__GFP_COLD"),
        (0x200, "__GFP_NOWARN"),
        (0x400, "__GFP_RETRY_MAYFAIL"),
        (0x800, "__GFP_NOFAIL"),
        (0x1000, "__GFP_NORETRY"),
        (0x2000, "__GFP_MEMALLOC"),
        (0x4000, "__GFP_COMP"),
        (0x8000, "__GFP_ZERO"),
        (0x10000, "__GFP_NOMEMALLOC"),
        (0x20000, "__GFP_HARDWALL"),
        (0x40000, "__GFP_THISNODE"),
        (0x80000, "__GFP_ATOMIC"),
        (0x100000, "__GFP_ACCOUNT"),
        (0x400000, "__GFP_DIRECT_RECLAIM"),
        (0x800000, "__GFP_WRITE"),
        (0x1000000, "__GFP_KSWAPD_RECLAIM"),
    ],
    decodes: 0x1ff_ffff,
};

const T4_18: Table = Table {
    releases: "4.18-4.19",
    bits: &[
        (0x01, "__GFP_DMA"),
        (0x02, "__GFP_HIGHMEM"),
        (0x04, "__GFP_DMA32"),
        (0x08, "__GFP_MOVABLE"),
        (0x10, "__GFP_RECLAIMABLE"),
        (0x20, "__GFP_HIGH"),
        (0x40, "__GFP_IO"),
        (0x80, "__GFP_FS"),
        (0x100, "__GFP_WRITE"),
        (0x200, "__GFP_NOWARN"),
        (0x400, "__GFP_RETRY_MAYFAIL"),
        (0x800, "__GFP_NOFAIL"),
        (0x1000, "__GFP_NORETRY"),
        (0x2000, "__GFP_MEMALLOC"),
        (0x4000, "__GFP_COMP"),
        (0x8000, "__GFP_ZERO"),
        (0x10000, "__GFP_NOMEMALLOC"),
        (0x20000, "__GFP_HARDWALL"),
        (0x40000, "__GFP_THISNODE"),
        (0x80000, "__GFP_ATOMIC"),
        (0x100000, "__GFP_ACCOUNT"),
        (0x200000, "__GFP_DIRECT_RECLAIM"),
        (0x400000, "__GFP_KSWAPD_RECLAIM"),
        (0x800000, "__GFP_NOLOCKDEP"),
    ],
    decodes: 0xff_ffff,
};

/// 5.10–5.14 and, without `__GFP_ATOMIC`, 6.3+.
const LATE_BITS: &[(u64, &str)] = &[
    (0x01, "__GFP_DMA"),
    (0x02, "__GFP_HIGHMEM"),
    (0x04, "__GFP_DMA32"),
    (0x08, "__GFP_MOVABLE"),
    (0x10, "__GFP_RECLAIMABLE"),
    (0x20, "__GFP_HIGH"),
    (0x40, "__GFP_IO"),
    (0x80, "__GFP_FS"),
    (0x100, "__GFP_ZERO"),
    (0x200, "__GFP_ATOMIC"),
    (0x400, "__GFP_DIRECT_RECLAIM"),
    (0x800, "__GFP_KSWAPD_RECLAIM"),
    (0x1000, "__GFP_WRITE"),
    (0x2000, "__GFP_NOWARN"),
    (0x4000, "__GFP_RETRY_MAYFAIL"),
    (0x8000, "__GFP_NOFAIL"),
    (0x10000, "__GFP_NORETRY"),
    (0x20000, "__GFP_MEMALLOC"),
    (0x40000, "__GFP_COMP"),
    (0x80000, "__GFP_NOMEMALLOC"),
    (0x100000, "__GFP_HARDWALL"),
    (0x200000, "__GFP_THISNODE"),
    (0x400000, "__GFP_ACCOUNT"),
    (0x800000, "__GFP_ZEROTAGS"),
];

const T5_10: Table = Table {
    releases: "5.10-5.14",
    bits: LATE_BITS,
    decodes: 0x7f_ffff,
};

const T6_3: Table = Table {
    releases: "6.3 and later",
    bits: LATE_BITS,
    // 0x200 is unused since 6.3.
    decodes: 0xff_ffff & !0x200,
};

/// The composite names the kernel prints first, largest first, as `__GFP_*` names.
const COMPOSITES: &[(&str, &[&str])] = &[
    (
        "GFP_HIGHUSER_MOVABLE",
        &[
            "__GFP_IO",
            "__GFP_FS",
            "__GFP_DIRECT_RECLAIM",
            "__GFP_KSWAPD_RECLAIM",
            "__GFP_HARDWALL",
            "__GFP_HIGHMEM",
            "__GFP_MOVABLE",
        ],
    ),
    (
        "GFP_HIGHUSER",
        &[
            "__GFP_IO",
            "__GFP_FS",
            "__GFP_DIRECT_RECLAIM",
            "__GFP_KSWAPD_RECLAIM",
            "__GFP_HARDWALL",
            "__GFP_HIGHMEM",
        ],
    ),
    (
        "GFP_USER",
        &[
            "__GFP_IO",
            "__GFP_FS",
            "__GFP_DIRECT_RECLAIM",
            "__GFP_KSWAPD_RECLAIM",
            "__GFP_HARDWALL",
        ],
    ),
    (
        "GFP_KERNEL_ACCOUNT",
        &[
            "__GFP_IO",
            "__GFP_FS",
            "__GFP_DIRECT_RECLAIM",
            "__GFP_KSWAPD_RECLAIM",
            "__GFP_ACCOUNT",
        ],
    ),
    (
        "GFP_KERNEL",
        &[
            "__GFP_IO",
            "__GFP_FS",
            "__GFP_DIRECT_RECLAIM",
            "__GFP_KSWAPD_RECLAIM",
        ],
    ),
];

/// `5.14.0-284.30.1.el9_2.x86_64` → `(5, 14)`.
pub fn release(kernel: &str) -> Option<(u32, u32)> {
    let mut it = kernel.trim().split(['.', '-', '+', '_']);
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    Some((major, minor))
}

fn table_for(rel: (u32, u32)) -> Option<&'static Table> {
    match rel {
        (4, 14) => Some(&T4_14),
        (4, 18..=19) => Some(&T4_18),
        (5, 10..=14) => Some(&T5_10),
        (6, m) if m >= 3 => Some(&T6_3),
        (major, _) if major >= 7 => Some(&T6_3),
        _ => None,
    }
}

/// A mask decoded with `t`: the names (a composite first, as the kernel prints
/// them) and the bits left undecoded.
fn decode(mask: u64, t: &Table) -> (Vec<String>, u64) {
    let mut known = 0u64;
    let mut names: Vec<&str> = Vec::new();
    for &(bit, name) in t.bits {
        if bit & t.decodes != 0 && mask & bit != 0 {
            known |= bit;
            names.push(name);
        }
    }
    let mut out = Vec::new();
    if let Some((composite, parts)) = COMPOSITES
        .iter()
        .find(|(_, parts)| parts.iter().all(|p| names.contains(p)))
    {
        out.push((*composite).to_string());
        names.retain(|n| !parts.contains(n));
    }
    out.extend(names.into_iter().map(str::to_string));
    (out, mask & !known)
}

fn parse_mask(m: &str) -> Option<u64> {
    u64::from_str_radix(m.strip_prefix("0x").or_else(|| m.strip_prefix("0X"))?, 16).ok()
}

/// What a composite says about the allocation.
fn meaning(flags: &str) -> Option<&'static str> {
    let first = flags.split('|').next()?;
    Some(match first {
        "GFP_HIGHUSER_MOVABLE" => "a user-space page (an anonymous page fault or the page cache)",
        "GFP_HIGHUSER" | "GFP_USER" => "a user-space allocation",
        "GFP_KERNEL_ACCOUNT" => "a kernel allocation charged to the memory cgroup",
        "GFP_KERNEL" => "an ordinary kernel allocation that may sleep and reclaim",
        "GFP_ATOMIC" => "an atomic allocation that cannot sleep or reclaim",
        "GFP_NOFS" => "a kernel allocation that may not call into filesystems",
        "GFP_NOIO" => "a kernel allocation that may not start I/O",
        "GFP_TRANSHUGE" | "GFP_TRANSHUGE_LIGHT" => "a transparent huge page",
        _ => return None,
    })
}

fn gfp_sentence(e: &OomEvent) -> Option<String> {
    let mask = e.trigger.gfp_mask.as_deref()?;
    if let Some(flags) = e.trigger.gfp_flags.as_deref() {
        let what = meaning(flags).map(|m| format!(": {m}")).unwrap_or_default();
        return Some(format!(
            "gfp_mask={mask} is {flags} (as the kernel printed it){what}."
        ));
    }
    if parse_mask(mask) == Some(0) {
        return Some(format!(
            "gfp_mask={mask}: no flags set (a zero mask reads the same in every release)."
        ));
    }
    let rel = e.kernel.as_deref().and_then(release);
    let table = rel.and_then(table_for);
    let (Some(t), Some(bits)) = (table, parse_mask(mask)) else {
        let why = match (rel, e.kernel.as_deref()) {
            (Some((a, b)), _) => format!("no checked flag table for {a}.{b}"),
            (None, Some(k)) => format!("release {k} not recognized"),
            (None, None) => "the kernel release is not known".to_string(),
        };
        return Some(format!(
            "gfp_mask={mask}: not decoded (flag values differ by kernel release; {why})."
        ));
    };
    let (names, rest) = decode(bits, t);
    let shown = if names.is_empty() {
        "no flags".to_string()
    } else {
        names.join("|")
    };
    let what = meaning(&shown)
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    let rest = if rest == 0 {
        String::new()
    } else {
        format!(
            "; bits {rest:#x} not decoded (they differ by configuration or are unknown to that table)"
        )
    };
    Some(format!(
        "gfp_mask={mask} decodes as {shown} with the mainline {} flag table{what}{rest}.",
        t.releases
    ))
}

fn request_sentence(e: &OomEvent) -> Option<String> {
    let order = e.trigger.order?;
    if order < 0 {
        return Some(format!(
            "order={order}: the OOM killer was invoked by hand (sysrq-f), not by an allocation."
        ));
    }
    let pages = 1u64.checked_shl(u32::try_from(order).ok()?)?;
    let size = human_kb(pages.saturating_mul(PAGE_KB));
    let pages_text = if pages == 1 {
        "one page".to_string()
    } else {
        format!("{pages} contiguous pages")
    };
    let mut s = format!(
        "order={order}: {pages_text}, {size} (4 KiB pages assumed, as on x86_64 and aarch64 4K kernels)"
    );
    if order > COSTLY_ORDER {
        s.push_str(&format!(
            "; a high-order request (order > {COSTLY_ORDER}, PAGE_ALLOC_COSTLY_ORDER): it needs a contiguous free block, so fragmentation can fail it while memory is free"
        ));
    }
    s.push('.');
    Some(s)
}

fn zone_name(z: &Zone) -> String {
    format!("zone {} of node {}", z.name, z.node)
}

fn zone_sentences(e: &OomEvent) -> Vec<String> {
    let mut out = Vec::new();
    let order = e.trigger.order.filter(|o| *o > 0);
    for z in &e.body.zones {
        if let (Some(free), Some(min)) = (z.free_kb, z.min_kb)
            && free < min
        {
            out.push(format!(
                "{}: free {}, below its min watermark of {}: the zone was exhausted.",
                zone_name(z),
                human_kb(free),
                human_kb(min)
            ));
            continue;
        }
        let Some(order) = order else { continue };
        let above_min = match (z.free_kb, z.min_kb) {
            (Some(f), Some(m)) => f >= m,
            _ => z.buddy_free_kb.is_some_and(|f| f > 0),
        };
        let too_small = match (z.largest_free_order, z.buddy_free_kb) {
            (Some(l), _) => i64::from(l) < order,
            (None, Some(_)) => true,
            (None, None) => false,
        };
        if above_min && too_small {
            let free = z
                .free_kb
                .or(z.buddy_free_kb)
                .map(human_kb)
                .unwrap_or_default();
            let largest = z
                .largest_free_order
                .map(|l| format!("largest free block order {l}"))
                .unwrap_or_else(|| "no free block".to_string());
            out.push(format!(
                "no free block of order >= {order} in {} although {free} was free ({largest}): fragmentation.",
                zone_name(z)
            ));
        }
    }
    if out.is_empty()
        && e.body
            .zones
            .iter()
            .any(|z| z.free_kb.is_some() && z.min_kb.is_some())
    {
        out.push("no zone was below its min watermark.".to_string());
    }
    out
}

fn ram_kb(e: &OomEvent) -> Option<u64> {
    e.body
        .meminfo
        .as_ref()?
        .get("ram_pages")
        .map(|p| p.saturating_mul(PAGE_KB))
}

fn memory_sentence(e: &OomEvent) -> Option<String> {
    if let Some(m) = e.body.meminfo.as_ref() {
        let mut parts = Vec::new();
        if let Some(ram) = ram_kb(e) {
            let free = m
                .get("free")
                .map(|p| format!(", {} free", human_kb(p.saturating_mul(PAGE_KB))))
                .unwrap_or_default();
            parts.push(format!("RAM {}{free}", human_kb(ram)));
        } else if let Some(free) = m.get("free") {
            parts.push(format!("{} free", human_kb(free.saturating_mul(PAGE_KB))));
        }
        match (m.get("total_swap_kb"), m.get("free_swap_kb")) {
            (Some(0), _) => parts.push("no swap".to_string()),
            (Some(&t), Some(&f)) => parts.push(format!(
                "swap {} used of {}",
                human_kb(t.saturating_sub(f)),
                human_kb(t)
            )),
            _ => {}
        }
        if !parts.is_empty() {
            return Some(format!(
                "{} (page counts of 4 KiB assumed).",
                parts.join("; ")
            ));
        }
    }
    let (u, l) = (e.memory.usage_kb?, e.memory.limit_kb?);
    let swap = match (e.memory.swap_usage_kb, e.memory.memsw_usage_kb) {
        (Some(s), _) if s > 0 => format!("; swap {}", human_kb(s)),
        (_, Some(ms)) if ms > u => format!("; swap {}", human_kb(ms - u)),
        _ => String::new(),
    };
    Some(format!(
        "cgroup memory {} used of a {} limit{swap}.",
        human_kb(u),
        human_kb(l)
    ))
}

fn victim_sentence(e: &OomEvent) -> Option<String> {
    let v = &e.victim;
    let parts = [v.anon_rss_kb, v.file_rss_kb, v.shmem_rss_kb];
    if parts.iter().all(Option::is_none) {
        return None;
    }
    let rss: u64 = parts.iter().flatten().fold(0, |a, b| a.saturating_add(*b));
    let who = match (v.pid, v.comm.as_deref()) {
        (Some(p), Some(c)) => format!("the victim {p} ({c})"),
        (Some(p), None) => format!("the victim {p}"),
        _ => "the victim".to_string(),
    };
    let of = |whole: u64, what: &str| {
        if whole == 0 {
            return String::new();
        }
        let pct = rss as f64 * 100.0 / whole as f64;
        format!(": {pct:.1}% of {what} ({})", human_kb(whole))
    };
    let share = match (e.memory.limit_kb, ram_kb(e)) {
        (Some(l), _) if e.kind == Some(crate::model::OomKind::Cgroup) => of(l, "the cgroup limit"),
        (_, Some(r)) => of(r, "RAM"),
        _ => String::new(),
    };
    Some(format!(
        "{who} held {} resident (anon {}, file {}, shmem {}){share}.",
        human_kb(rss),
        human_kb(v.anon_rss_kb.unwrap_or(0)),
        human_kb(v.file_rss_kb.unwrap_or(0)),
        human_kb(v.shmem_rss_kb.unwrap_or(0)),
    ))
}

/// The explanation of one kill.
pub fn explain(e: &OomEvent) -> Explanation {
    let mut sentences = Vec::new();
    let mut push = |topic, text: Option<String>| {
        if let Some(text) = text {
            sentences.push(Sentence { topic, text });
        }
    };
    push(Topic::Gfp, gfp_sentence(e));
    push(Topic::Request, request_sentence(e));
    for z in zone_sentences(e) {
        push(Topic::Zone, Some(z));
    }
    push(Topic::Memory, memory_sentence(e));
    push(Topic::Victim, victim_sentence(e));
    Explanation { sentences }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{OomKind, Trigger, Victim};

    fn host(kernel: &str, mask: &str, flags: Option<&str>, order: i64) -> OomEvent {
        OomEvent {
            kind: Some(OomKind::Host),
            kernel: Some(kernel.to_string()),
            trigger: Trigger {
                gfp_mask: Some(mask.into()),
                gfp_flags: flags.map(Into::into),
                order: Some(order),
                ..Trigger::default()
            },
            ..OomEvent::default()
        }
    }

    fn gfp(e: &OomEvent) -> String {
        explain(e).about(Topic::Gfp).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn releases() {
        assert_eq!(release("5.14.0-284.30.1.el9_2.x86_64"), Some((5, 14)));
        assert_eq!(release("3.10.0-1160.el7.x86_64"), Some((3, 10)));
        assert_eq!(release("6.1.0-18-amd64"), Some((6, 1)));
        assert_eq!(release("unknown"), None);
    }

    #[test]
    fn printed_names_are_shown_as_printed() {
        let e = host("6.1.0-18-amd64", "0xcc0", Some("GFP_KERNEL"), 0);
        assert_eq!(
            gfp(&e),
            "gfp_mask=0xcc0 is GFP_KERNEL (as the kernel printed it): an ordinary kernel allocation that may sleep and reclaim."
        );
    }

    #[test]
    fn a_bare_mask_is_decoded_with_its_releases_table() {
        // RHEL 8 prints names, but a bare 4.18 mask decodes with the 4.18 table.
        let e = host("4.18.0-372.9.1.el8.x86_64", "0x6200ca", None, 0);
        assert_eq!(
            gfp(&e),
            "gfp_mask=0x6200ca decodes as GFP_HIGHUSER_MOVABLE with the mainline 4.18-4.19 flag table: a user-space page (an anonymous page fault or the page cache)."
        );
        let e = host("5.14.0-284.30.1.el9_2.x86_64", "0x140cca", None, 0);
        assert!(
            gfp(&e).starts_with("gfp_mask=0x140cca decodes as GFP_HIGHUSER_MOVABLE|__GFP_COMP with the mainline 5.10-5.14"),
            "{}",
            gfp(&e)
        );
        let e = host("4.14.0-1.x86_64", "0x14280ca", None, 0);
        assert!(
            gfp(&e).contains("GFP_HIGHUSER_MOVABLE|__GFP_ZERO with the mainline 4.14"),
            "{}",
            gfp(&e)
        );
    }

    #[test]
    fn configuration_dependent_bits_are_not_decoded() {
        let e = host("6.8.0-45-generic", "0x1100cca", None, 0);
        assert_eq!(
            gfp(&e),
            "gfp_mask=0x1100cca decodes as GFP_HIGHUSER_MOVABLE with the mainline 6.3 and later flag table: a user-space page (an anonymous page fault or the page cache); bits 0x1000000 not decoded (they differ by configuration or are unknown to that table)."
        );
    }

    #[test]
    fn unchecked_releases_are_not_decoded() {
        let e = host("3.10.0-1160.el7.x86_64", "0xd0", None, 0);
        assert_eq!(
            gfp(&e),
            "gfp_mask=0xd0: not decoded (flag values differ by kernel release; no checked flag table for 3.10)."
        );
        let e = host("5.4.0-150-generic", "0x100cca", None, 0);
        assert!(gfp(&e).contains("not decoded"));
        let mut e = host("x", "0xd0", None, 0);
        e.kernel = None;
        assert!(gfp(&e).ends_with("the kernel release is not known)."));
    }

    #[test]
    fn a_zero_mask_needs_no_table() {
        let e = host("5.4.0-1045-aws", "0x0", None, 0);
        assert_eq!(
            gfp(&e),
            "gfp_mask=0x0: no flags set (a zero mask reads the same in every release)."
        );
    }

    #[test]
    fn orders_as_bytes() {
        let e = host("6.1.0", "0xcc0", Some("GFP_KERNEL"), 0);
        let r: Vec<_> = explain(&e)
            .about(Topic::Request)
            .map(str::to_string)
            .collect();
        assert_eq!(
            r,
            [
                "order=0: one page, 4 KiB (4 KiB pages assumed, as on x86_64 and aarch64 4K kernels)."
            ]
        );
        let e = host("6.1.0", "0xcc0", Some("GFP_KERNEL"), 4);
        let r = explain(&e).about(Topic::Request).collect::<String>();
        assert!(r.starts_with("order=4: 16 contiguous pages, 64 KiB"), "{r}");
        assert!(r.contains("a high-order request"), "{r}");
        let e = host("6.1.0", "0xcc0", Some("GFP_KERNEL"), 3);
        assert!(
            !explain(&e)
                .about(Topic::Request)
                .collect::<String>()
                .contains("high-order")
        );
    }

    fn zone(name: &str, free: u64, min: u64, largest: Option<u32>) -> Zone {
        Zone {
            node: 0,
            name: name.to_string(),
            free_kb: Some(free),
            min_kb: Some(min),
            low_kb: Some(min * 5 / 4),
            high_kb: Some(min * 3 / 2),
            largest_free_order: largest,
            buddy_free_kb: Some(free),
        }
    }

    #[test]
    fn watermarks_and_fragmentation() {
        // RHEL 7: Normal below min.
        let mut e = host("3.10.0-1160.el7.x86_64", "0x201da", None, 0);
        e.body.zones = vec![
            zone("DMA", 15908, 132, Some(10)),
            zone("Normal", 44000, 45120, Some(3)),
        ];
        let z: Vec<_> = explain(&e).about(Topic::Zone).map(str::to_string).collect();
        assert_eq!(
            z,
            [
                "zone Normal of node 0: free 43.0 MiB, below its min watermark of 44.1 MiB: the zone was exhausted."
            ]
        );
        // An order-4 request with plenty free but no block that large.
        let mut e = host("5.14.0-284.el9.x86_64", "0x40dc0", None, 4);
        e.body.zones = vec![zone("Normal", 38260, 16524, Some(3))];
        let z: Vec<_> = explain(&e).about(Topic::Zone).map(str::to_string).collect();
        assert_eq!(
            z,
            [
                "no free block of order >= 4 in zone Normal of node 0 although 37.4 MiB was free (largest free block order 3): fragmentation."
            ]
        );
        // Neither.
        e.body.zones = vec![zone("Normal", 38260, 16524, Some(9))];
        let z: Vec<_> = explain(&e).about(Topic::Zone).map(str::to_string).collect();
        assert_eq!(z, ["no zone was below its min watermark."]);
    }

    #[test]
    fn ram_swap_and_the_victims_share() {
        let mut e = host("5.14.0", "0xcc0", Some("GFP_KERNEL"), 0);
        e.body.meminfo = Some(
            [
                ("ram_pages", 4_194_304u64),
                ("free", 25_600),
                ("total_swap_kb", 2_097_152),
                ("free_swap_kb", 1_048_576),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        );
        e.victim = Victim {
            pid: Some(4242),
            comm: Some("java".to_string()),
            anon_rss_kb: Some(8_388_608),
            file_rss_kb: Some(1024),
            shmem_rss_kb: Some(0),
            ..Victim::default()
        }
        .into();
        let x = explain(&e);
        assert_eq!(
            x.about(Topic::Memory).collect::<String>(),
            "RAM 16.0 GiB, 100.0 MiB free; swap 1.0 GiB used of 2.0 GiB (page counts of 4 KiB assumed)."
        );
        assert_eq!(
            x.about(Topic::Victim).collect::<String>(),
            "the victim 4242 (java) held 8.0 GiB resident (anon 8.0 GiB, file 1.0 MiB, shmem 0 KiB): 50.0% of RAM (16.0 GiB)."
        );
        // A cgroup kill: the share of its limit.
        let mut c = e.clone();
        c.kind = Some(OomKind::Cgroup);
        c.body.meminfo = None;
        c.memory.usage_kb = Some(16_777_216);
        c.memory.limit_kb = Some(16_777_216);
        let x = explain(&c);
        assert_eq!(
            x.about(Topic::Memory).collect::<String>(),
            "cgroup memory 16.0 GiB used of a 16.0 GiB limit."
        );
        assert!(
            x.about(Topic::Victim)
                .collect::<String>()
                .ends_with("50.0% of the cgroup limit (16.0 GiB).")
        );
    }
}
