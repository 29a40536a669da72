//! A zone line of a host OOM's Mem-Info: `Node N ZONE free:XkB [boost:…] min:XkB
//! low:XkB high:XkB …` (its free memory and watermarks), or its buddy line `Node N
//! ZONE: 12*4kB (UM) 3*8kB (U) … 0*4096kB = NkB` (free blocks per order, order 0
//! first). Read only inside a block (no anchor); the values go to the event's `zones`.
//! `Node 0 DMA per-cpu:` and the other `Node` lines stay [`super::noise`].

use super::{Text, Variant, kb, s, text};
use crate::kernel::assemble::{Ctx, Fed};
use crate::model::Zone;

#[derive(Debug, Clone, PartialEq)]
pub enum ZoneLine {
    /// `Node 0 Normal free:45432kB min:45120kB low:56400kB high:67680kB …`
    Watermarks {
        node: u32,
        zone: Text,
        free_kb: Option<u64>,
        min_kb: Option<u64>,
        low_kb: Option<u64>,
        high_kb: Option<u64>,
    },
    /// `Node 0 Normal: 1231*4kB (UEM) … 0*4096kB = 38260kB`
    Buddy {
        node: u32,
        zone: Text,
        /// The highest order with a free block (None: none free).
        largest_free_order: Option<u32>,
        total_kb: Option<u64>,
    },
}

impl Variant for ZoneLine {
    const CASES: &'static [(&'static str, Self)] = &[
        // RHEL 7 (3.10)
        (
            "Node 0 Normal free:45432kB min:45120kB low:56400kB high:67680kB active_anon:7328660kB inactive_anon:412kB active_file:0kB inactive_file:60kB unevictable:0kB isolated(anon):0kB isolated(file):0kB present:7864320kB managed:7735144kB mlocked:0kB dirty:0kB writeback:0kB mapped:1204kB shmem:1320kB slab_reclaimable:23804kB slab_unreclaimable:43728kB kernel_stack:5440kB pagetables:21700kB unstable:0kB bounce:0kB free_pcp:744kB local_pcp:120kB free_cma:0kB writeback_tmp:0kB pages_scanned:1107 all_unreclaimable? yes",
            ZoneLine::Watermarks {
                node: 0,
                zone: s("Normal"),
                free_kb: Some(45432),
                min_kb: Some(45120),
                low_kb: Some(56400),
                high_kb: Some(67680),
            },
        ),
        // the short form the noise test used to hold
        (
            "Node 0 DMA free:15908kB min:132kB low:164kB high:196kB",
            ZoneLine::Watermarks {
                node: 0,
                zone: s("DMA"),
                free_kb: Some(15908),
                min_kb: Some(132),
                low_kb: Some(164),
                high_kb: Some(196),
            },
        ),
        // 5.x: boost and reserved_highatomic
        (
            "Node 0 DMA32 free:63304kB boost:0kB min:13760kB low:17200kB high:20640kB reserved_highatomic:0KB active_anon:1816112kB inactive_anon:1188180kB active_file:0kB inactive_file:240kB unevictable:544kB writepending:0kB present:3129212kB managed:3063676kB mlocked:544kB bounce:0kB free_pcp:1304kB local_pcp:0kB free_cma:0kB",
            ZoneLine::Watermarks {
                node: 0,
                zone: s("DMA32"),
                free_kb: Some(63304),
                min_kb: Some(13760),
                low_kb: Some(17200),
                high_kb: Some(20640),
            },
        ),
        (
            "Node 1 Normal: 1231*4kB (UEM) 391*8kB (UEM) 456*16kB (UEM) 342*32kB (UEM) 141*64kB (UEM) 23*128kB (UEM) 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 38260kB",
            ZoneLine::Buddy {
                node: 1,
                zone: s("Normal"),
                largest_free_order: Some(5),
                total_kb: Some(38260),
            },
        ),
        (
            "Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 2*64kB (U) 1*128kB (U) 1*256kB (U) 0*512kB 1*1024kB (U) 1*2048kB (M) 3*4096kB (M) = 15872kB",
            ZoneLine::Buddy {
                node: 0,
                zone: s("DMA"),
                largest_free_order: Some(10),
                total_kb: Some(15872),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg.trim_ascii().strip_prefix(b"Node ")?;
        let sp = rest.iter().position(|&c| c == b' ')?;
        let (n, rest) = rest.split_at_checked(sp)?;
        let node = u32::try_from(crate::clock::parse_u64(n)?).ok()?;
        let rest = rest.trim_ascii_start();
        let name_end = rest.iter().position(|&c| c == b' ' || c == b':')?;
        let (zone, rest) = rest.split_at_checked(name_end)?;
        if zone.is_empty() || !zone.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        if let Some(buddy) = rest.strip_prefix(b":") {
            return parse_buddy(node, text(zone), buddy);
        }
        let fields: Vec<(&[u8], &[u8])> = rest
            .split(|&c| c == b' ')
            .filter_map(|t| super::split_once(t, b":"))
            .collect();
        let get = |k: &[u8]| {
            fields
                .iter()
                .find(|(f, _)| *f == k)
                .and_then(|(_, v)| kb(v))
        };
        let free_kb = get(b"free");
        let min_kb = get(b"min");
        // A zone line starts with its free memory and shows its min watermark.
        if !rest.trim_ascii_start().starts_with(b"free:") || min_kb.is_none() {
            return None;
        }
        Some(ZoneLine::Watermarks {
            node,
            zone: text(zone),
            free_kb,
            min_kb,
            low_kb: get(b"low"),
            high_kb: get(b"high"),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let Some(b) = ctx.open() else {
            return Fed::Block;
        };
        let (node, name) = match &self {
            ZoneLine::Watermarks { node, zone, .. } | ZoneLine::Buddy { node, zone, .. } => {
                (*node, zone.to_string())
            }
        };
        let zones = &mut b.ev.body.zones;
        let at = match zones.iter().position(|z| z.node == node && z.name == name) {
            Some(i) => i,
            None => {
                zones.push(Zone {
                    node,
                    name,
                    ..Zone::default()
                });
                zones.len() - 1
            }
        };
        if let Some(z) = zones.get_mut(at) {
            match self {
                ZoneLine::Watermarks {
                    free_kb,
                    min_kb,
                    low_kb,
                    high_kb,
                    ..
                } => {
                    z.free_kb = free_kb;
                    z.min_kb = min_kb;
                    z.low_kb = low_kb;
                    z.high_kb = high_kb;
                }
                ZoneLine::Buddy {
                    largest_free_order,
                    total_kb,
                    ..
                } => {
                    z.largest_free_order = largest_free_order;
                    z.buddy_free_kb = total_kb;
                }
            }
        }
        Fed::Block
    }
}

/// `12*4kB (UM) 0*8kB … = NkB`: the columns are orders 0, 1, 2, … in turn.
fn parse_buddy(node: u32, zone: Text, s: &[u8]) -> Option<ZoneLine> {
    let (cols, total) = match super::split_once(s, b"=") {
        Some((c, t)) => (c, kb(t.trim_ascii())),
        None => (s, None),
    };
    let mut order = 0u32;
    let mut largest = None;
    let mut any = false;
    for tok in cols.split(|&c| c == b' ').filter(|t| !t.is_empty()) {
        if tok.starts_with(b"(") {
            continue;
        }
        let (count, size) = super::split_once(tok, b"*")?;
        let count = crate::clock::parse_u64(count)?;
        kb(size)?;
        if count > 0 {
            largest = Some(order);
        }
        any = true;
        order += 1;
    }
    any.then_some(ZoneLine::Buddy {
        node,
        zone,
        largest_free_order: largest,
        total_kb: total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_node_lines_are_not_zone_lines() {
        for l in [
            "Node 0 DMA per-cpu:",
            "Node 0 active_anon:1870097kB inactive_anon:12050kB",
            "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
            "Node 0 Normal free:45432kB low:56400kB",
            "Node x Normal free:1kB min:1kB",
        ] {
            assert_eq!(ZoneLine::parse(l.as_bytes()), None, "{l}");
        }
    }

    #[test]
    fn an_empty_buddy_line_has_no_largest_order() {
        assert_eq!(
            ZoneLine::parse(b"Node 0 Normal: 0*4kB 0*8kB 0*16kB = 0kB"),
            Some(ZoneLine::Buddy {
                node: 0,
                zone: s("Normal"),
                largest_free_order: None,
                total_kb: Some(0),
            })
        );
    }
}
