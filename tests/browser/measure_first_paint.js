// Measures the time from navigation to the first painted comments on the demo
// page: the real comment-server on localhost, a thread of 10 comments, headless
// Chromium, each load in a fresh browser context (empty caches). Prints the
// median of RUNS loads (default 20) of two marks:
//   comments:first-paint  the comments went on screen: with the page's first
//                         contentful paint (the page's HTML held them, through
//                         the server's include), or the loader's early paint,
//                         or the widget's first paint when neither happened
//   comments:handover     the Wasm widget has taken the comments over
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

(async () => {
  const runs = Number(process.env.RUNS || 20);
  const server = new h.Server({ db: path.join(h.tempDir('comments-measure-'), 'm.db'),
                                web: h.makeWebDir(), args: ['--rate', '0'] });
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
    for (let i = 0; i < runs; ++i) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url + '/' + (process.env.PAGE || 'index.html'), { waitUntil: 'commit' });
      const painted = await page.evaluate(whenMarked, 'comments:first-paint');
      if (painted.shown !== COMMENTS) {
        throw new Error(`expected ${COMMENTS} comments painted at first paint, saw ${painted.shown}`);
      }
      const tookOver = await page.evaluate(whenMarked, 'comments:handover');
      if (tookOver.shown !== COMMENTS) {
        throw new Error(`expected ${COMMENTS} comments after the hand-over, saw ${tookOver.shown}`);
      }
      firstPaint.push(painted.ms);
      handover.push(tookOver.ms);
      await context.close();
    }
    console.log(summary('first comments painted', firstPaint));
    console.log(summary('widget took over', handover));
  } finally {
    await browser.close();
    await server.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
