// Measures when the first comments are painted on the demo page, against the
// page's own first contentful paint (FCP) in the same load: the real
// comment-server on localhost, a thread of 10 comments, headless Chromium,
// each load in a fresh browser context (empty caches: a first visit). RUNS
// loads (default 20) of each way of embedding, interleaved:
//   page include (SSI)   the demo page as it is: the comments come inside the
//                        page's HTML (the server's include) and the loader
//                        marks comments:first-paint at the page's FCP when the
//                        block is shown (docs/embedding.md)
//   async widget only    the same page without the include: the container and
//                        the async embed.js only; the loader fetches the
//                        comments (/embed/latest) and paints them
//   async widget + hint  the same with the preload hint docs/embedding.md
//                        advises for pages without the include: the page's
//                        <head> starts the comments' fetch, not the loader
// For each: the median over the loads of (comments:first-paint − the same
// load's FCP), the target being ≤ one frame (16.7 ms) with the include and
// ≤ 50 ms without (issue #13); and the medians of both marks from navigation:
//   comments:first-paint  the comments went on screen
//   comments:handover     the Wasm widget has taken the comments over
// and, interleaved with those loads, the first contentful paint of the same
// page without the comment system (no include, no embed.js, no preload hints):
//   page without comments  what the browser needs to paint this page at all,
//                          the floor under the first mark on this machine
// Both again for a reader who comes from the site's front page in the same tab
// (also a fresh context: nothing cached), where Chromium reuses the tab's
// renderer process; a fresh tab's first paint includes starting one.
// A measurement, not a test: nothing is asserted about the numbers, but each
// load must show 10 comments at the moment of each mark: in the widget's shadow
// root, or server-rendered in the page and shown through the shadow root's slot
// (the reader sees both alike). PAGE=other.html measures another page of the
// served folder (it must hold a #comments widget on the same thread).
//   COMMENT_SERVER=… COMMENTS_WEB=… NODE_PATH=node_modules node tests/browser/measure_first_paint.js
//
// The page is watched with a PerformanceObserver inside one small evaluate():
// Playwright's selector waits inject its selector engine into the page, ~100 ms
// of script parsing on the page's main thread in the middle of the load, which
// a reader's browser does not do.
'use strict';

const path = require('node:path');
const h = require('./harness');

const THREAD = '2020-11-11-caowenze';
const COMMENTS = 10;

function median(sorted) {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

function summary(label, times) {
  const sorted = [...times].sort((a, b) => a - b);
  return `${label}: median ${median(sorted).toFixed(1)} ms over ${sorted.length} loads ` +
         `(min ${sorted[0].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)})`;
}

// Runs in the page: resolves when `name` is marked, with the mark's time and
// how many comments were shown at that moment: those in the widget's shadow
// root plus the server-rendered ones in the container, when they are shown
// (slotted into the shadow root, or there is no shadow root yet).
function whenMarked(name) {
  return new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      const entry = list.getEntriesByName(name)[0];
      if (!entry) return;
      observer.disconnect();
      const host = document.querySelector('#comments');
      const root = host.shadowRoot;
      let shown = root ? root.querySelectorAll('.cm-comment').length : 0;
      const block = host.querySelector('section.cm-thread');
      if (block && (!root || block.assignedSlot)) shown += block.querySelectorAll('.cm-comment').length;
      resolve({ ms: entry.startTime, shown });
    });
    observer.observe({ type: 'mark', buffered: true });
  });
}

// The time of mark `name` in `page`; throws unless all comments were shown then.
async function markedWithComments(page, name) {
  const marked = await page.evaluate(whenMarked, name);
  if (marked.shown !== COMMENTS) {
    throw new Error(`expected ${COMMENTS} comments shown at ${name}, saw ${marked.shown}`);
  }
  return marked.ms;
}

// Runs in the page: resolves with the time of its first contentful paint.
function firstContentfulPaint() {
  return new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      const entry = list.getEntriesByName('first-contentful-paint')[0];
      if (!entry) return;
      observer.disconnect();
      resolve(entry.startTime);
    });
    observer.observe({ type: 'paint', buffered: true });
  });
}

// The measured page with the comments' include taken out: the async widget only.
function withoutInclude(html) {
  const stripped = html.replace(/<!--#include virtual="\/embed\/latest[^>]*-->/g, '');
  if (stripped === html) throw new Error('the page has no include to take out');
  return stripped;
}

// The page without the include, with a preload hint for the loader's fetch of
// the comments (the URL it asks for: thread, limit, lang).
function withHint(html) {
  const include = /<!--#include virtual="(\/embed\/latest[^"]*)" -->/.exec(html);
  if (!include) throw new Error('the page has no include to take out');
  const hint = `<link rel="preload" as="fetch" crossorigin href="${include[1].replace(/&/g, '&amp;')}">`;
  return withoutInclude(html).replace('</title>', '</title>\n  ' + hint);
}

// The measured page as it would be without the comment system.
function withoutComments(html) {
  const stripped = html
    .replace(/<!--#include virtual="\/embed\/latest[^>]*-->/g, '')
    .replace(/<script[^>]*src="[^"]*embed\.js"[^>]*><\/script>/g, '')
    .replace(/<link rel="preload"[^>]*>/g, '');
  if (stripped === html) throw new Error('the page has no comment system to take out');
  return stripped;
}

(async () => {
  const runs = Number(process.env.RUNS || 20);
  const pageName = process.env.PAGE || 'index.html';
  const web = h.makeWebDir();
  const fs = require('node:fs');
  const bareName = 'without-comments-' + pageName;
  fs.writeFileSync(path.join(web, bareName),
                   withoutComments(fs.readFileSync(path.join(web, pageName), 'utf8')));
  const frontName = 'front-page-of-' + pageName;
  fs.writeFileSync(path.join(web, frontName), '<!doctype html><html lang="zh-CN"><meta charset="utf-8">' +
                   `<title>首页</title><p><a href="${pageName}">文章</a></p></html>`);
  const asyncName = 'async-' + pageName;
  fs.writeFileSync(path.join(web, asyncName), withoutInclude(fs.readFileSync(path.join(web, pageName), 'utf8')));
  const hintedName = 'async-hinted-' + pageName;
  fs.writeFileSync(path.join(web, hintedName), withHint(fs.readFileSync(path.join(web, pageName), 'utf8')));
  const server = new h.Server({ db: path.join(h.tempDir('comments-measure-'), 'm.db'),
                                // The seeding below posts back to back: no limits.
                                web, args: ['--rate', '0', '--max-messages-per-second', '0'] });
  await server.start();
  const browser = await h.launchBrowser();
  try {
    const seed = await browser.newPage();
    await seed.goto(server.url + '/index.html');
    await h.waitLive(seed, '#comments');
    await h.wsExchange(seed, server.url, Array.from({ length: COMMENTS }, (_, i) => ({
      type: 'post', thread: THREAD, author: `网友${i}`, body: `第${i}条评论`, parent: null })));
    await seed.close();

    const firstPaint = [];
    const handover = [];
    const bare = [];
    const sameTab = { firstPaint: [], bare: [] };
    // Per way of embedding: each load's FCP, comments:first-paint, and their difference.
    const ways = {
      include: { label: 'page include (SSI)', name: pageName, fcp: [], marked: [], diff: [], handover: [] },
      async: { label: 'async widget only', name: asyncName, fcp: [], marked: [], diff: [], handover: [] },
      hinted: { label: 'async widget + preload hint', name: hintedName, fcp: [], marked: [], diff: [], handover: [] },
    };
    // A fresh context, optionally on the front page first; resolves with the page.
    const open = async (name, fromFront) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      if (fromFront) {
        await page.goto(server.url + '/' + frontName);
        await page.evaluate(firstContentfulPaint);
      }
      await page.goto(server.url + '/' + name, { waitUntil: 'commit' });
      return { context, page };
    };
    const measureWay = async (way) => {
      const { context, page } = await open(way.name, false);
      const marked = await markedWithComments(page, 'comments:first-paint');
      const fcp = await page.evaluate(firstContentfulPaint);
      way.marked.push(marked);
      way.fcp.push(fcp);
      way.diff.push(marked - fcp);
      way.handover.push(await markedWithComments(page, 'comments:handover'));
      await context.close();
    };
    for (let i = 0; i < runs; ++i) {
      for (const fromFront of [false, true]) {
        const { context, page } = await open(bareName, fromFront);
        (fromFront ? sameTab.bare : bare).push(await page.evaluate(firstContentfulPaint));
        await context.close();
      }
      {
        const { context, page } = await open(pageName, true);
        sameTab.firstPaint.push(await markedWithComments(page, 'comments:first-paint'));
        await context.close();
      }
      // The ways take turns going first.
      const all = [ways.include, ways.async, ways.hinted];
      for (let k = 0; k < all.length; ++k) await measureWay(all[(i + k) % all.length]);
    }
    firstPaint.push(...ways.include.marked);
    handover.push(...ways.include.handover);
    console.log(summary('first comments painted', firstPaint));
    console.log(summary('widget took over', handover));
    console.log(summary('page without comments, first contentful paint', bare));
    console.log(summary('from the front page (same tab): first comments painted', sameTab.firstPaint));
    console.log(summary('from the front page (same tab): page without comments, first contentful paint',
                        sameTab.bare));
    for (const way of [ways.include, ways.async, ways.hinted]) {
      console.log(summary(`${way.label}: first comments painted minus the page's first contentful paint`,
                          way.diff));
      console.log(summary(`${way.label}: the page's first contentful paint`, way.fcp));
      console.log(summary(`${way.label}: first comments painted`, way.marked));
      console.log(summary(`${way.label}: widget took over`, way.handover));
    }
  } finally {
    await browser.close();
    await server.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
