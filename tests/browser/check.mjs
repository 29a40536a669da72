// Loads an oomsift HTML report in Debian's chromium (headless, through
// playwright-core) and checks what a person would see: no console errors, no page
// errors, no dialogs, no request leaving the file; the plots drawn with real
// geometry; names from the logs shown as text, never run; the task-table sort script
// working; the page complete with JavaScript disabled; print styles applied. Saves a
// full-page screenshot.
//
// usage: node check.mjs REPORT.html SCREENSHOT.png

import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [report, shot] = process.argv.slice(2);
if (!report || !shot) {
  console.error('usage: node check.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const url = pathToFileURL(path.resolve(report)).href;

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
});

/** A page that records console errors, page errors, dialogs and outside requests. */
async function open(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const seen = { errors: [], dialogs: [], outside: [] };
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url || u.startsWith(url + '#')) return route.continue();
    seen.outside.push(u);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') seen.errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.errors.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, seen };
}

// ---------------------------------------------------------------- with JavaScript
const { context, page, seen } = await open();

const plots = await page.$$eval('svg.plot', (svgs) =>
  svgs.map((s) => {
    const box = s.getBoundingClientRect();
    // Data sits below the legend strip (28 px): legend markers do not count.
    const below = (e) => e.getBBox().y > 30;
    const marks = [...s.querySelectorAll('circle, polygon')].filter((m) => {
      const b = m.getBoundingClientRect();
      return below(m) && b.width > 0 && b.height > 0;
    }).length;
    // Bars: rects taller than a legend swatch, narrower than the background.
    const bars = [...s.querySelectorAll('rect')].filter((r) => {
      const b = r.getBBox();
      return below(r) && b.height > 10 && b.width > 0 && b.width < Number(s.getAttribute('width'));
    }).length;
    const texts = [...s.querySelectorAll('text')].filter((t) => t.getBBox().width > 0).length;
    return { label: s.getAttribute('aria-label'), w: box.width, h: box.height, marks, bars, texts };
  }),
);
check(plots.length >= 3, `${plots.length} plots in the page`);
for (const p of plots) {
  check(p.w > 300 && p.h > 80, `plot "${p.label}" is laid out (${Math.round(p.w)}x${Math.round(p.h)})`);
  check(p.texts >= 4, `plot "${p.label}" has visible labels (${p.texts})`);
  check(p.marks + p.bars > 0, `plot "${p.label}" draws data (${p.marks} marks, ${p.bars} bars)`);
}
const timeline = plots.find((p) => p.label === 'OOM kills by node over time');
check(timeline && timeline.marks > 0, 'the timeline shows the kills');

// Names from the logs are text: the hostile process name is shown, never run.
const scripts = await page.$$eval('script', (s) => s.length);
check(scripts === 1, `one script element (${scripts})`);
const hostile = await page.evaluate(() => document.body.innerText.includes('<script>alert(1)</script>'));
check(hostile, 'a process named <script>alert(1)</script> is shown as text');

// Every kill collapsed; opening one shows its task table; the sort script sorts it.
const events = await page.$$eval('details.event', (d) => d.length);
check(events > 0, `${events} kills, collapsed`);
const table = page.locator('details.event').first();
await table.locator(':scope > summary').click();
const before = await table.locator('table.tasks tbody tr td:first-child').allInnerTexts();
await table.locator('table.tasks th', { hasText: /^pid$/ }).click();
const pidsDesc = await table.locator('table.tasks tbody tr td:first-child').allInnerTexts();
await table.locator('table.tasks th', { hasText: /^pid$/ }).click();
const pidsAsc = await table.locator('table.tasks tbody tr td:first-child').allInnerTexts();
const nums = (a) => a.map(Number);
const sorted = (a, d) => a.every((v, i) => i === 0 || (d ? a[i - 1] >= v : a[i - 1] <= v));
check(before.length > 1, `the first kill's task table has ${before.length} rows`);
check(sorted(nums(pidsDesc), true) && sorted(nums(pidsAsc), false), 'clicking a header sorts the task table');

// The victim's and the trigger's rows are marked by more than colour: a bold row, a
// left rule (solid for the victim, dashed for the trigger) and a boxed text mark.
async function taskMarks(page) {
  return page.evaluate(() => {
    document.querySelectorAll('details').forEach((d) => (d.open = true));
    const one = (sel) => {
      const row = document.querySelector(sel);
      if (!row) return null;
      const first = getComputedStyle(row.querySelector('td'));
      const mark = row.querySelector('span.mark');
      const m = mark ? mark.getBoundingClientRect() : { width: 0, height: 0 };
      const ms = mark ? getComputedStyle(mark) : null;
      return {
        weight: Number(first.fontWeight),
        rule: `${first.borderLeftStyle} ${parseFloat(first.borderLeftWidth)}`,
        mark: mark ? mark.textContent : '',
        shown: m.width > 0 && m.height > 0 && ms.visibility === 'visible' && ms.borderTopStyle === 'solid',
      };
    };
    return { victim: one('table.tasks tr.victim'), trigger: one('table.tasks tr.trigger') };
  });
}
function checkMarks(marks, media) {
  const v = marks.victim;
  const g = marks.trigger;
  check(v && v.weight >= 700 && v.rule === 'solid 4' && /victim/.test(v.mark) && v.shown,
    `${media}: the victim's task row is bold, ruled and marked ${JSON.stringify(v)}`);
  check(g && g.weight >= 600 && g.rule === 'dashed 4' && g.mark === '(trigger)' && g.shown,
    `${media}: the trigger's task row is bold, ruled (dashed) and marked ${JSON.stringify(g)}`);
}
checkMarks(await taskMarks(page), 'screen');

await page.evaluate(() => window.scrollTo(0, 0));
await page.screenshot({ path: shot, fullPage: true });
console.log(`screenshot: ${shot}`);

// Print: the navigation is hidden and every kill opens.
await page.emulateMedia({ media: 'print' });
const navHidden = await page.$eval('nav', (n) => getComputedStyle(n).display === 'none');
check(navHidden, 'print styles hide the navigation');
await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
const closed = await page.$$eval('details', (d) => d.filter((x) => !x.open).length);
check(closed === 0, 'every kill is opened for printing');
checkMarks(await taskMarks(page), 'print');

check(seen.errors.length === 0, `no console or page errors ${JSON.stringify(seen.errors)}`);
check(seen.dialogs.length === 0, `no dialogs ${JSON.stringify(seen.dialogs)}`);
check(seen.outside.length === 0, `nothing fetched beyond the file ${JSON.stringify(seen.outside)}`);
await context.close();

// ---------------------------------------------------------------- narrow screens, A4 print
// No element's right edge may pass the viewport (+1 px for rounding): long ids and
// paths wrap at safe points, wide tables scroll inside their own box on screen. In
// print nothing scrolls, so there even the content of a scroll box must fit.
async function overflowing(page, limit, scrollOk) {
  return page.evaluate(({ limit, scrollOk }) => {
    const clipped = (e) => {
      for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
      }
      return false;
    };
    const name = (e) => {
      let s = e.tagName.toLowerCase();
      if (e.id) s += `#${e.id}`;
      if (e.classList.length) s += '.' + [...e.classList].join('.');
      const text = (e.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
      return text ? `${s} "${text}"` : s;
    };
    const bad = [];
    for (const e of document.querySelectorAll('body *')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right <= limit + 1) continue;
      if (scrollOk && clipped(e)) continue;
      bad.push(`${name(e)} (right edge ${Math.round(r.right)} px)`);
    }
    return bad;
  }, { limit, scrollOk });
}

for (const pass of [
  { what: 'a 1,000 px screen', width: 1000, media: 'screen', scrollOk: true },
  { what: 'print at A4 width (794 px)', width: 794, media: 'print', scrollOk: false },
]) {
  const narrow = await open({ viewport: { width: pass.width, height: 1100 } });
  await narrow.page.emulateMedia({ media: pass.media });
  // Every kill opened, as printing does: their task tables and raw blocks count too.
  await narrow.page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  const bad = await overflowing(narrow.page, pass.width, pass.scrollOk);
  check(
    bad.length === 0,
    `on ${pass.what} no element passes the right edge` +
      (bad.length ? `: ${bad.length} do:\n    ${bad.slice(0, 25).join('\n    ')}` : ''),
  );
  if (pass.media === 'screen') {
    // The incidents table fits without scrolling: its ids and paths wrap.
    const inc = await narrow.page.evaluate(() => {
      const t = document.querySelector('table.incidents');
      return t ? t.getBoundingClientRect().right : null;
    });
    check(inc !== null && inc <= pass.width + 1, `the incidents table fits ${pass.width} px without scrolling (right edge ${inc} px)`);
    // The verdict of the first incident and its victim are on the first screen.
    const first = await narrow.page.evaluate(() => {
      const row = document.querySelector('#summary table.incidents tr.incident');
      return row ? row.getBoundingClientRect().bottom : null;
    });
    check(first !== null && first <= 1100, `the first incident's verdict and victim are on the first screen (bottom at ${first} px)`);
    await narrow.page.screenshot({ path: shot.replace(/\.png$/, '-1000.png'), fullPage: true });
  }
  await narrow.context.close();
}

// Timeline marks: each kill's mark links to its event and says which it is.
{
  const tl = await open();
  const marks = await tl.page.$$eval('svg.plot a.kill', (as) =>
    as.map((a) => ({
      href: a.getAttribute('href'),
      title: a.querySelector('title')?.textContent || '',
      box: a.getBoundingClientRect().toJSON(),
    })),
  );
  check(marks.length > 0, `${marks.length} timeline marks are links`);
  const targets = await tl.page.evaluate(
    (hrefs) => hrefs.filter((h) => !h.startsWith('#') || !document.getElementById(h.slice(1))),
    marks.map((m) => m.href),
  );
  check(targets.length === 0, `every mark links to its kill ${JSON.stringify(targets)}`);
  check(marks.every((m) => /^e\d+ /.test(m.title)), 'every mark has a tooltip naming its event');
  // No mark hides another: boxes of different marks do not coincide.
  const same = marks.filter((m, i) =>
    marks.some((o, j) => j < i && Math.abs(o.box.x - m.box.x) < 2 && Math.abs(o.box.y - m.box.y) < 2),
  );
  check(same.length === 0, `no timeline mark hides another (${same.length} do)`);
  if (marks.length) {
    await tl.page.locator('svg.plot a.kill').first().click();
    const hash = await tl.page.evaluate(() => location.hash);
    check(hash === marks[0].href, `clicking a mark goes to its kill (${hash})`);
  }
  await tl.context.close();
}

// ---------------------------------------------------------------- without JavaScript
const nojs = await open({ javaScriptEnabled: false });
const nojsPlots = await nojs.page.$$eval('svg.plot', (s) => s.filter((x) => x.getBoundingClientRect().width > 0).length);
check(nojsPlots === plots.length, `without JavaScript the same ${plots.length} plots are drawn`);
const rows = await nojs.page.locator('details.event').first().locator('table.tasks tbody tr').count();
check(rows === before.length, 'without JavaScript the task tables are there, largest first');
check(nojs.seen.outside.length === 0, 'nothing fetched without JavaScript either');
await nojs.context.close();

await browser.close();
if (failures.length) {
  console.error(`${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log('browser check passed');
