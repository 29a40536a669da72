//! The report's charts, drawn with plotters into SVG strings (`SVGBackend::with_string`)
//! for inlining in the HTML page: the kill timeline, usage against the limit over time,
//! and stacked bars of what filled the memory at each kill.
//!
//! plotters is built without a font backend: its SVG backend writes `<text>` elements
//! itself (escaped), and text widths are estimated, so labels are kept short. The
//! timeline's marks are SVG of our own laid over the chart (plotters makes no links):
//! each a link to its kill with a tooltip, spread over three lanes per row so none
//! hides another; a mark with no free lane is counted by its row's last one, so a
//! chart's size is bounded by its width, not by the event count. Output is
//! deterministic (no clock, no hash order).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::view::{Fill, Instant, Kind, Part, civil_utc, human_bytes};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeSet;

/// Width of every chart in pixels (the page scales it down to fit).
pub const WIDTH: u32 = 960;
const LEGEND_H: u32 = 28;
const ROW_H: u32 = 26;
const FONT: &str = "sans-serif";
/// plotters writes `font-size` as this / 1.24: 16 → 12.9 px.
const LABEL_SIZE: f64 = 16.0;

const BLACK_: RGBColor = RGBColor(0x22, 0x22, 0x22);
const HOST: RGBColor = RGBColor(0xd6, 0x27, 0x28);
const CGROUP: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
const OTHER: RGBColor = RGBColor(0x7f, 0x7f, 0x7f);
const DEATH: RGBColor = RGBColor(0x94, 0x67, 0xbd);
const LIMIT: RGBColor = RGBColor(0xc0, 0x1c, 0x28);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Renders a chart of `w`×`h` pixels; the SVG gets a `<title>` and an `aria-label`.
fn svg(
    w: u32,
    h: u32,
    title: &str,
    draw: impl FnOnce(&Area) -> Result<()>,
) -> std::result::Result<String, String> {
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    let title = super::html::escape(title);
    let s = s.replacen(
        "<svg ",
        &format!("<svg class=\"plot\" role=\"img\" aria-label=\"{title}\" "),
        1,
    );
    Ok(match s.split_once('>') {
        Some((open, rest)) => format!("{open}>\n<title>{title}</title>{rest}"),
        None => s,
    })
}

fn label_style(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).color(&BLACK_)
}

/// The height of a chart of `rows` rows under the legend (saturating: callers cap the
/// rows, a chart never comes near `u32::MAX` pixels).
fn chart_height(rows: usize) -> u32 {
    let rows = u32::try_from(rows).unwrap_or(u32::MAX);
    (LEGEND_H + 20 + 56).saturating_add(ROW_H.saturating_mul(rows))
}

/// Rough width in pixels of `text` at `size` (plotters has no font metrics here).
// reason: f64 → i32 `as` saturates; a label's width in pixels is far below i32::MAX.
#[allow(clippy::cast_possible_truncation)]
fn text_width(text: &str, size: f64) -> i32 {
    (text.chars().count() as f64 * size / 1.24 * 0.6).ceil() as i32
}

/// Shortens `s` to `max` characters with an ellipsis in the middle (paths keep both ends).
pub fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let a: String = s.chars().take(head).collect();
    let b: String = s.chars().skip(n - tail).collect();
    format!("{a}…{b}")
}

/// `s` cut to at most `max` characters at a word's end, `…` marking the cut (a
/// tooltip's message: its start says what happened, a cut mid-word reads as a typo).
pub fn shorten_end(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = head
        .rfind(char::is_whitespace)
        .filter(|&i| i >= head.len() / 2)
        .unwrap_or(head.len());
    format!("{}…", head.get(..cut).unwrap_or(&head).trim_end())
}

// ------------------------------------------------------------------ legend

#[derive(Clone, Copy)]
enum Icon {
    Circle(RGBColor),
    Triangle(RGBColor),
    Square(RGBColor),
    Line(RGBColor),
}

fn kind_icon(k: Kind) -> Icon {
    match k {
        Kind::Host => Icon::Triangle(HOST),
        Kind::Cgroup => Icon::Circle(CGROUP),
        Kind::Other => Icon::Square(OTHER),
        Kind::Death => Icon::Square(DEATH),
    }
}

fn part_color(p: Part) -> RGBColor {
    let (r, g, b) = p.color();
    RGBColor(r, g, b)
}

/// Draws a marker centred on the backend pixel `c`.
fn draw_icon(area: &Area, icon: Icon, c: (i32, i32)) -> Result<()> {
    match icon {
        Icon::Circle(col) => area.draw(&Circle::new(c, 4, col.filled()))?,
        Icon::Triangle(col) => area.draw(&TriangleMarker::new(c, 5, col.filled()))?,
        Icon::Square(col) => area.draw(&Rectangle::new(
            [(c.0 - 4, c.1 - 4), (c.0 + 4, c.1 + 4)],
            col.filled(),
        ))?,
        Icon::Line(col) => area.draw(&PathElement::new(
            vec![(c.0 - 8, c.1), (c.0 + 8, c.1)],
            col.stroke_width(2),
        ))?,
    }
    Ok(())
}

/// A row of legend entries across the top strip.
fn legend(area: &Area, items: &[(Icon, String)]) -> Result<()> {
    let style = label_style(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    let y = (LEGEND_H / 2) as i32;
    let mut x = 16;
    for (icon, text) in items {
        draw_icon(area, *icon, (x, y))?;
        area.draw(&Text::new(text.clone(), (x + 14, y), style.clone()))?;
        x += 14 + text_width(text, LABEL_SIZE) + 24;
    }
    Ok(())
}

/// Row labels right-aligned left of the plot at the backend pixel rows `ys`.
fn row_labels(area: &Area, x: i32, labels: impl Iterator<Item = (String, i32)>) -> Result<()> {
    let style = label_style(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center));
    for (text, y) in labels {
        area.draw(&Text::new(text, (x - 8, y), style.clone()))?;
    }
    Ok(())
}

fn label_area_width(labels: &[String]) -> u32 {
    let w = labels
        .iter()
        .map(|l| text_width(l, LABEL_SIZE))
        .max()
        .unwrap_or(0);
    (w + 20).clamp(60, 300) as u32
}

// ------------------------------------------------------------------ time axis

/// Tick steps in seconds: round clock times from a second to a year.
const STEPS: [f64; 24] = [
    1.0,
    2.0,
    5.0,
    10.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    10_800.0,
    21_600.0,
    43_200.0,
    86_400.0,
    172_800.0,
    604_800.0,
    1_209_600.0,
    2_592_000.0,
    7_776_000.0,
    31_536_000.0,
];
const MAX_TICKS: f64 = 8.0;

/// A time axis in seconds since the epoch, with ticks on round UTC clock times.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeAxis {
    pub lo: f64,
    pub hi: f64,
    /// Seconds between ticks.
    step: f64,
    /// The axis description, with its zone.
    pub desc: String,
    /// All of the range is on one UTC day (ticks then omit the date).
    same_day: bool,
}

impl TimeAxis {
    /// The axis over `instants`, padded by 5 % (a minute when they coincide).
    pub fn new(instants: &[Instant]) -> Option<TimeAxis> {
        let lo = instants.iter().map(|i| i.secs).reduce(f64::min)?;
        let hi = instants.iter().map(|i| i.secs).reduce(f64::max)?;
        let pad = ((hi - lo) * 0.05).max(60.0);
        let (lo, hi) = (lo - pad, hi + pad);
        let step = STEPS
            .iter()
            .copied()
            .find(|s| (hi - lo) / s <= MAX_TICKS)
            .unwrap_or_else(|| ((hi - lo) / MAX_TICKS / 31_536_000.0).ceil() * 31_536_000.0);
        let zoned = instants.iter().filter(|i| i.zoned).count();
        let zone = if zoned == instants.len() {
            "UTC"
        } else if zoned == 0 {
            "local time of the logs, zone unknown"
        } else {
            "UTC; times without a zone placed as UTC"
        };
        let (a, b) = (civil_utc(lo), civil_utc(hi));
        let same_day = (a.year, a.month, a.day) == (b.year, b.month, b.day);
        let day = if same_day {
            format!(", {:04}-{:02}-{:02}", a.year, a.month, a.day)
        } else {
            String::new()
        };
        Some(TimeAxis {
            lo,
            hi,
            step,
            desc: format!("time ({zone}{day})"),
            same_day,
        })
    }

    /// The ticks: every multiple of the step inside the range.
    // reason: f64 → i64 `as` saturates (NaN is 0); the step keeps the tick count small.
    #[allow(clippy::cast_possible_truncation)]
    fn ticks(&self) -> Vec<f64> {
        let first = (self.lo / self.step).ceil() as i64;
        let last = (self.hi / self.step).floor() as i64;
        (first..=last).map(|k| k as f64 * self.step).collect()
    }

    /// The range for a chart, ticks bound.
    fn range(&self) -> TimeRange {
        TimeRange {
            lo: self.lo,
            hi: self.hi,
            ticks: self.ticks(),
        }
    }

    /// A tick label for `secs`.
    fn tick(&self, secs: f64) -> String {
        let c = civil_utc(secs.round());
        if self.step < 60.0 {
            format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second)
        } else if self.step < 86_400.0 && self.same_day {
            format!("{:02}:{:02}", c.hour, c.minute)
        } else if self.step < 86_400.0 {
            format!("{:02}-{:02} {:02}:{:02}", c.month, c.day, c.hour, c.minute)
        } else {
            format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
        }
    }
}

/// A time range in seconds for plotters, whose key points are the axis' ticks.
struct TimeRange {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ranged for TimeRange {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    // reason: f64 → pixel: `as` saturates (NaN is 0), and the sum saturates too.
    #[allow(clippy::cast_possible_truncation)]
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let f = (v - self.lo) / (self.hi - self.lo);
        limit
            .0
            .saturating_add((f * f64::from(limit.1.saturating_sub(limit.0))).round() as i32)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

// ------------------------------------------------------------------ timeline

/// One kill (or other death) on the timeline.
#[derive(Debug, Clone)]
pub struct Mark {
    pub secs: f64,
    /// Row index into the row labels (top row first).
    pub row: usize,
    pub kind: Kind,
    /// Its tooltip: event id, time, victim (plain text; escaped when drawn).
    pub tip: String,
    /// The id of the element it links to (the kill's details), when the page has it.
    pub href: Option<String>,
}

/// Vertical offsets (pixels) of the lanes the marks of one row are spread over.
const LANES: [i32; 3] = [0, -8, 8];
/// Marks of one lane closer than this (pixels) would overlap (markers are 8–10 px).
const MARK_PX: i32 = 10;

/// A mark where it is drawn, and how many marks it stands for beyond itself.
#[derive(Debug, Clone, PartialEq)]
struct Placed {
    x: i32,
    y: i32,
    mark: usize,
    more: usize,
}

/// Places marks (`(x, y, row)` in pixels, by index) so none hides another: along
/// each row, left to right, a mark takes the first lane ([`LANES`]) whose last mark is
/// [`MARK_PX`] or more to its left; a mark for which no lane is free is counted by
/// the row's last placed mark (its tooltip says so), so the chart's size stays
/// bounded by its width whatever the number of kills.
fn place(at: &[(i32, i32, usize)]) -> Vec<Placed> {
    let mut order: Vec<usize> = (0..at.len()).collect();
    order.sort_by_key(|&i| at.get(i).map(|&(x, _, row)| (row, x)));
    let mut out: Vec<Placed> = Vec::new();
    let mut row_now = None;
    let mut lanes = [None::<i32>; LANES.len()];
    let mut last_of_row: Option<usize> = None;
    for i in order {
        let Some(&(x, y, row)) = at.get(i) else {
            continue;
        };
        if row_now != Some(row) {
            row_now = Some(row);
            lanes = [None; LANES.len()];
            last_of_row = None;
        }
        let free = lanes
            .iter()
            .position(|l| l.is_none_or(|lx| x - lx >= MARK_PX));
        match (free, last_of_row) {
            (Some(l), _) => {
                if let Some(slot) = lanes.get_mut(l) {
                    *slot = Some(x);
                }
                last_of_row = Some(out.len());
                out.push(Placed {
                    x,
                    y: y + LANES.get(l).copied().unwrap_or(0),
                    mark: i,
                    more: 0,
                });
            }
            (None, Some(k)) => {
                if let Some(p) = out.get_mut(k) {
                    p.more += 1;
                }
            }
            (None, None) => {}
        }
    }
    out
}

fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// The marks as SVG elements of their own: a shape with a `<title>` tooltip, inside a
/// link to the kill (`<a class="kill" href="#e3">`) when it has one — plotters draws
/// no links.
fn overlay(marks: &[Mark], placed: &[Placed]) -> String {
    let mut out = String::new();
    for p in placed {
        let Some(m) = marks.get(p.mark) else {
            continue;
        };
        let (x, y) = (p.x, p.y);
        let shape = match kind_icon(m.kind) {
            Icon::Circle(c) => format!(
                "<circle cx=\"{x}\" cy=\"{y}\" r=\"4\" fill=\"{}\"/>",
                hex(c)
            ),
            Icon::Triangle(c) => format!(
                "<polygon points=\"{x},{} {},{} {},{}\" fill=\"{}\"/>",
                y - 5,
                x - 5,
                y + 4,
                x + 5,
                y + 4,
                hex(c)
            ),
            Icon::Square(c) | Icon::Line(c) => format!(
                "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" fill=\"{}\"/>",
                x - 4,
                y - 4,
                hex(c)
            ),
        };
        let mut tip = m.tip.clone();
        if p.more > 0 {
            tip.push_str(&format!(" (and {} more close by)", p.more));
        }
        let tip = super::html::escape(&tip);
        match &m.href {
            Some(h) => out.push_str(&format!(
                "<a class=\"kill\" href=\"#{}\"><title>{tip}</title>{shape}</a>\n",
                super::html::escape(h)
            )),
            None => out.push_str(&format!(
                "<g class=\"mark\"><title>{tip}</title>{shape}</g>\n"
            )),
        }
    }
    out
}

/// Every kill on a time axis, one row per label (node or workload), host and cgroup
/// kills told apart by shape and colour.
pub fn timeline(
    title: &str,
    rows: &[String],
    marks: &[Mark],
    axis: &TimeAxis,
) -> std::result::Result<String, String> {
    let n = rows.len().max(1);
    let labels: Vec<String> = rows.iter().map(|r| shorten(r, 44)).collect();
    let label_w = label_area_width(&labels);
    let h = chart_height(n);
    let mut at: Vec<(i32, i32, usize)> = Vec::new();
    let svg = svg(WIDTH, h, title, |root| {
        let counts = |k: Kind| marks.iter().filter(|m| m.kind == k).count();
        let items: Vec<(Icon, String)> = [Kind::Host, Kind::Cgroup, Kind::Other, Kind::Death]
            .into_iter()
            .filter(|&k| counts(k) > 0)
            .map(|k| {
                let label = match k {
                    Kind::Death => format!("other death or Kubernetes report ({})", counts(k)),
                    _ => format!("{} kill ({})", k.name(), counts(k)),
                };
                (kind_icon(k), label)
            })
            .collect();
        legend(root, &items)?;
        let (_, body) = root.split_vertically(LEGEND_H);
        let y_of = |row: usize| (n - 1 - row) as f64;
        let mut chart = ChartBuilder::on(&body)
            .margin_top(10)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(label_w)
            .build_cartesian_2d(axis.range(), -0.6..(n as f64 - 0.4))?;
        let tick = |v: &f64| axis.tick(*v);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&tick)
            .x_desc(axis.desc.clone())
            .label_style(label_style(LABEL_SIZE))
            .axis_desc_style(label_style(LABEL_SIZE))
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        // Row guides.
        for row in 0..n {
            let y = y_of(row);
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(axis.lo, y), (axis.hi, y)],
                BLACK.mix(0.12),
            )))?;
        }
        // Where each mark goes; drawn after, as elements plotters cannot make.
        for m in marks {
            let c = chart.backend_coord(&(m.secs, y_of(m.row)));
            at.push((c.0, c.1, m.row));
        }
        let x0 = chart.backend_coord(&(axis.lo, 0.0)).0;
        row_labels(
            root,
            x0,
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.clone(), chart.backend_coord(&(axis.lo, y_of(i))).1)),
        )?;
        Ok(())
    })?;
    let marks_svg = overlay(marks, &place(&at));
    Ok(match svg.rfind("</svg>") {
        Some(end) => {
            let mut svg = svg;
            svg.insert_str(end, &marks_svg);
            svg
        }
        None => svg,
    })
}

// ------------------------------------------------------------------ sizes

/// A binary unit for a size axis, chosen from the largest value.
#[derive(Debug, Clone, Copy)]
struct Unit {
    div: f64,
    name: &'static str,
}

fn unit_for(max_bytes: f64) -> Unit {
    const UNITS: [(&str, f64); 5] = [
        ("B", 1.0),
        ("KiB", 1024.0),
        ("MiB", 1_048_576.0),
        ("GiB", 1_073_741_824.0),
        ("TiB", 1_099_511_627_776.0),
    ];
    let (name, div) = UNITS
        .iter()
        .rev()
        .find(|(_, d)| max_bytes >= 2.0 * d)
        .copied()
        .unwrap_or(UNITS[0]);
    Unit { div, name }
}

fn size_tick(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else if (v * 10.0).fract().abs() < 1e-6 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

// ------------------------------------------------------------------ usage over time

/// One kill of a workload: the cgroup's usage and limit, or (host kills) the victim's
/// resident size; bytes.
#[derive(Debug, Clone, Copy)]
pub struct UsagePoint {
    pub secs: f64,
    pub usage: Option<u64>,
    pub limit: Option<u64>,
    pub victim_rss: Option<u64>,
}

/// Memory usage at each kill against the limit over time; the limit a step line.
pub fn usage_over_time(
    title: &str,
    points: &[UsagePoint],
    axis: &TimeAxis,
) -> std::result::Result<String, String> {
    let max = points
        .iter()
        .flat_map(|p| [p.usage, p.limit, p.victim_rss])
        .flatten()
        .max()
        .unwrap_or(1) as f64;
    let unit = unit_for(max);
    let top = max / unit.div * 1.15;
    svg(WIDTH, 320, title, |root| {
        let mut items = Vec::new();
        if points.iter().any(|p| p.limit.is_some()) {
            items.push((Icon::Line(LIMIT), "limit".to_string()));
        }
        if points.iter().any(|p| p.usage.is_some()) {
            items.push((Icon::Circle(CGROUP), "cgroup usage at the kill".to_string()));
        }
        if points.iter().any(|p| p.victim_rss.is_some()) {
            items.push((
                Icon::Triangle(HOST),
                "victim resident size (host kill)".to_string(),
            ));
        }
        legend(root, &items)?;
        let (_, body) = root.split_vertically(LEGEND_H);
        let mut chart = ChartBuilder::on(&body)
            .margin_top(10)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(axis.range(), 0.0..top)?;
        let tick = |v: &f64| axis.tick(*v);
        let ytick = |v: &f64| size_tick(*v);
        chart
            .configure_mesh()
            .x_labels(8)
            .y_labels(6)
            .x_label_formatter(&tick)
            .y_label_formatter(&ytick)
            .x_desc(axis.desc.clone())
            .y_desc(format!("memory ({})", unit.name))
            .label_style(label_style(LABEL_SIZE))
            .axis_desc_style(label_style(LABEL_SIZE))
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        let v = |b: u64| b as f64 / unit.div;
        let limit_path = limit_steps(points, axis, v);
        if !limit_path.is_empty() {
            chart.draw_series(std::iter::once(PathElement::new(
                limit_path,
                LIMIT.stroke_width(2),
            )))?;
        }
        let mut seen = BTreeSet::new();
        for p in points {
            for (val, icon) in [
                (p.usage, Icon::Circle(CGROUP)),
                (p.victim_rss, Icon::Triangle(HOST)),
            ] {
                if let Some(b) = val {
                    let c = chart.backend_coord(&(p.secs, v(b)));
                    if seen.insert((c, matches!(icon, Icon::Circle(_)))) {
                        draw_icon(root, icon, c)?;
                    }
                }
            }
        }
        Ok(())
    })
}

/// The limit as a step line across the whole axis: each kill's limit holds until the next.
fn limit_steps(points: &[UsagePoint], axis: &TimeAxis, v: impl Fn(u64) -> f64) -> Vec<(f64, f64)> {
    let mut known: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((p.secs, v(p.limit?))))
        .collect();
    known.sort_by(|a, b| a.0.total_cmp(&b.0));
    known.dedup();
    let mut path = Vec::new();
    let mut last: Option<f64> = None;
    for (x, y) in known {
        match last {
            None => path.push((axis.lo, y)),
            Some(prev) if prev != y => {
                path.push((x, prev));
                path.push((x, y));
            }
            _ => {}
        }
        last = Some(y);
    }
    if let Some(y) = last {
        path.push((axis.hi, y));
    }
    path
}

// ------------------------------------------------------------------ fill bars

/// One horizontal bar per kill: the parts stacked in [`Part`] order, the limit a red
/// tick across the bar. `limit_label` names the limit in the legend.
pub fn fill_bars(
    title: &str,
    rows: &[(String, Fill)],
    limit_label: &str,
) -> std::result::Result<String, String> {
    let n = rows.len().max(1);
    let labels: Vec<String> = rows.iter().map(|(l, _)| shorten(l, 40)).collect();
    let label_w = label_area_width(&labels);
    let max = rows
        .iter()
        .flat_map(|(_, f)| [Some(f.total()), f.limit, f.usage])
        .flatten()
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let unit = unit_for(max);
    let right = max / unit.div * 1.08;
    let h = chart_height(n);
    let present: BTreeSet<Part> = rows
        .iter()
        .flat_map(|(_, f)| f.parts.iter().map(|&(p, _)| p))
        .collect();
    svg(WIDTH, h, title, |root| {
        let mut items: Vec<(Icon, String)> = Part::ALL
            .iter()
            .filter(|p| present.contains(p))
            .map(|&p| (Icon::Square(part_color(p)), p.label().to_string()))
            .collect();
        if rows.iter().any(|(_, f)| f.limit.is_some()) {
            items.push((Icon::Line(LIMIT), limit_label.to_string()));
        }
        legend(root, &items)?;
        let (_, body) = root.split_vertically(LEGEND_H);
        let y_of = |row: usize| (n - 1 - row) as f64;
        let mut chart = ChartBuilder::on(&body)
            .margin_top(10)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0.0..right, -0.6..(n as f64 - 0.4))?;
        let xtick = |v: &f64| size_tick(*v);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&xtick)
            .x_desc(format!("memory ({})", unit.name))
            .label_style(label_style(LABEL_SIZE))
            .axis_desc_style(label_style(LABEL_SIZE))
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.08))
            .draw()?;
        let v = |b: u64| b as f64 / unit.div;
        for (i, (_, fill)) in rows.iter().enumerate() {
            let y = y_of(i);
            let mut x = 0.0;
            for &(part, bytes) in &fill.parts {
                let w = v(bytes);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x, y - 0.32), (x + w, y + 0.32)],
                    part_color(part).filled(),
                )))?;
                x += w;
            }
            if let Some(l) = fill.limit {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(v(l), y - 0.45), (v(l), y + 0.45)],
                    LIMIT.stroke_width(3),
                )))?;
            }
        }
        let x0 = chart.backend_coord(&(0.0, 0.0)).0;
        row_labels(
            root,
            x0,
            labels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.clone(), chart.backend_coord(&(0.0, y_of(i))).1)),
        )?;
        Ok(())
    })
}

/// A size for a bar's tooltip-free caption in the page: `512.0 MiB of 512.0 MiB`.
pub fn fill_caption(f: &Fill) -> String {
    let used = f.usage.unwrap_or_else(|| f.total());
    match f.limit {
        Some(l) => format!("{} of {}", human_bytes(used), human_bytes(l)),
        None => human_bytes(used),
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {

    #[test]
    fn a_tooltip_is_cut_at_a_word_end() {
        let unit = "kubepods-burstable-pod7d1c9a52_3b8e_4f21_9c6a_0e5d2b7f4a10.slice: A process of this unit has been killed by the OOM killer.";
        assert_eq!(shorten_end(unit, 500), unit);
        let cut = shorten_end(unit, 100);
        assert!(cut.chars().count() <= 100 && cut.ends_with('…'), "{cut}");
        assert!(unit.starts_with(cut.trim_end_matches('…')), "{cut}");
        // The cut falls at a word's end: the original goes on with a space there.
        let kept = cut.trim_end_matches('…');
        assert_eq!(&unit[kept.len()..kept.len() + 1], " ", "{cut}");
        // One long word: cut inside it rather than lose all of it.
        assert_eq!(shorten_end(&"x".repeat(50), 10).chars().count(), 10);
    }
    use super::*;

    #[test]
    fn shorten_keeps_both_ends() {
        assert_eq!(shorten("abcdef", 10), "abcdef");
        assert_eq!(shorten("abcdefghij", 5), "ab…ij");
    }

    #[test]
    fn units() {
        assert_eq!(unit_for(600.0 * 1_048_576.0).name, "MiB");
        assert_eq!(unit_for(1.5 * 1_073_741_824.0).name, "MiB");
        assert_eq!(unit_for(3.0 * 1_073_741_824.0).name, "GiB");
        assert_eq!(unit_for(100.0).name, "B");
    }

    #[test]
    fn axis_ticks_on_round_times_and_zone() {
        let i = |s: f64, zoned| Instant { secs: s, zoned };
        // 10:18:20 to 10:40:00 on one day: ticks every 5 minutes.
        let a = TimeAxis::new(&[i(1_709_633_900.0, true), i(1_709_635_200.0, true)]).unwrap();
        assert_eq!(a.desc, "time (UTC, 2024-03-05)");
        let ticks: Vec<String> = a.ticks().iter().map(|&t| a.tick(t)).collect();
        assert_eq!(ticks, ["10:20", "10:25", "10:30", "10:35", "10:40"]);
        let b = TimeAxis::new(&[i(0.0, false), i(30.0 * 86_400.0, false)]).unwrap();
        assert_eq!(b.desc, "time (local time of the logs, zone unknown)");
        assert_eq!(b.tick(b.ticks()[0]), "1970-01-01");
        assert_eq!(b.step, 604_800.0);
        let c = TimeAxis::new(&[i(100.0, true), i(130.0, false)]).unwrap();
        assert_eq!(
            c.desc,
            "time (UTC; times without a zone placed as UTC, 1970-01-01)"
        );
        assert_eq!(c.tick(c.ticks()[0]), "00:01:00");
    }

    #[test]
    fn limit_steps_cover_the_axis() {
        let axis = TimeAxis {
            step: 10.0,
            lo: 0.0,
            hi: 100.0,
            desc: String::new(),
            same_day: true,
        };
        let p = |secs, limit| UsagePoint {
            secs,
            usage: None,
            limit,
            victim_rss: None,
        };
        let path = limit_steps(
            &[p(10.0, Some(1)), p(50.0, Some(2)), p(60.0, None)],
            &axis,
            |b| b as f64,
        );
        assert_eq!(
            path,
            vec![(0.0, 1.0), (50.0, 1.0), (50.0, 2.0), (100.0, 2.0)]
        );
    }

    #[test]
    fn svg_is_titled_and_escaped() {
        let s = timeline(
            "kills <on> \"nodes\"",
            &["<b>node</b>".to_string()],
            &[Mark {
                secs: 100.0,
                row: 0,
                kind: Kind::Host,
                tip: "e1 <java>".into(),
                href: Some("e1".into()),
            }],
            &TimeAxis::new(&[Instant {
                secs: 100.0,
                zoned: true,
            }])
            .unwrap(),
        )
        .unwrap();
        assert!(s.starts_with(
            "<svg class=\"plot\" role=\"img\" aria-label=\"kills &lt;on&gt; &quot;nodes&quot;\""
        ));
        assert!(s.contains("<title>kills &lt;on&gt; &quot;nodes&quot;</title>"));
        assert!(s.contains("&lt;b&gt;node&lt;/b&gt;"));
        assert!(!s.contains("<b>"));
        assert!(s.contains("<polygon"), "a triangle marker");
        assert!(
            s.contains("<a class=\"kill\" href=\"#e1\"><title>e1 &lt;java&gt;</title><polygon"),
            "{s}"
        );
        assert!(s.ends_with("</svg>\n") || s.ends_with("</svg>"), "{s}");
    }

    #[test]
    fn marks_close_together_are_spread_over_lanes_never_on_each_other() {
        // Five marks on one pixel of row 0, one far away, one on row 1.
        let at = [
            (100, 50, 0),
            (100, 50, 0),
            (104, 50, 0),
            (100, 50, 0),
            (101, 50, 0),
            (300, 50, 0),
            (100, 80, 1),
        ];
        let p = place(&at);
        let at_of = |m: usize| p.iter().find(|x| x.mark == m).map(|x| (x.x, x.y, x.more));
        assert_eq!(at_of(0), Some((100, 50, 0)));
        assert_eq!(at_of(1), Some((100, 42, 0)));
        assert_eq!(at_of(3), Some((100, 58, 2)), "{p:?}");
        // No lane free: marks 4 and 2 are counted by the row's last placed mark.
        assert_eq!(at_of(4), None);
        assert_eq!(at_of(2), None);
        assert_eq!(p.iter().map(|x| x.more).sum::<usize>(), 2);
        assert_eq!(at_of(5), Some((300, 50, 0)));
        assert_eq!(at_of(6), Some((100, 80, 0)));
        for (i, a) in p.iter().enumerate() {
            for b in p.iter().skip(i + 1) {
                assert!(
                    (a.x - b.x).abs() >= MARK_PX || a.y != b.y,
                    "{a:?} hides {b:?}"
                );
            }
        }
    }

    #[test]
    fn marks_without_a_target_get_a_tooltip_only() {
        let m = Mark {
            secs: 0.0,
            row: 0,
            kind: Kind::Death,
            tip: "evicted \"x\"".into(),
            href: None,
        };
        let o = overlay(
            &[m],
            &[Placed {
                x: 10,
                y: 20,
                mark: 0,
                more: 2,
            }],
        );
        assert_eq!(
            o,
            "<g class=\"mark\"><title>evicted &quot;x&quot; (and 2 more close by)</title><rect x=\"6\" y=\"16\" width=\"8\" height=\"8\" fill=\"#9467bd\"/></g>\n"
        );
    }
}
