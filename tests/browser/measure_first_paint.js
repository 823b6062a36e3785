// Measures the time from navigation to the widget's first painted comments
// (performance.mark "comments:first-paint", set by the widget) on the demo
// page: the real comment-server on localhost, a thread of 10 comments, headless
// Chromium, each load in a fresh browser context (empty caches). Prints the
// median of RUNS loads (default 20). A measurement, not a test: nothing is
// asserted about the numbers. PAGE=other.html measures another page of the
// served folder (it must hold a #comments widget on the same thread).
//   COMMENT_SERVER=… COMMENTS_WEB=… NODE_PATH=node_modules node tests/browser/measure_first_paint.js
'use strict';

const path = require('node:path');
const h = require('./harness');

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
    await h.wsExchange(seed, server.url, Array.from({ length: 10 }, (_, i) => ({
      type: 'post', thread: '2020-11-11-caowenze', author: `网友${i}`, body: `第${i}条评论`, parent: null })));
    await seed.close();

    const times = [];
    for (let i = 0; i < runs; ++i) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(server.url + '/' + (process.env.PAGE || 'index.html'), { waitUntil: 'commit' });
      await page.waitForSelector('#comments[data-painted]', { state: 'attached' });
      const ms = await page.evaluate(() =>
        performance.getEntriesByName('comments:first-paint')[0].startTime);
      const shown = await page.evaluate(() => document.querySelector('#comments').shadowRoot
        .querySelectorAll('.cm-comment').length);
      if (shown !== 10) throw new Error(`expected 10 comments painted, saw ${shown}`);
      times.push(ms);
      await context.close();
    }
    times.sort((a, b) => a - b);
    const median = times.length % 2 ? times[(times.length - 1) / 2]
                                    : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    console.log(`first comments painted: median ${median.toFixed(1)} ms over ${runs} loads ` +
                `(min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)})`);
  } finally {
    await browser.close();
    await server.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
