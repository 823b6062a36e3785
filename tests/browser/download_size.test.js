// The reader's download as Chromium receives it: the demo page (its comments
// included by the server) on the real comment-server, each widget file's
// Resource Timing `transferSize` (response headers plus the body as sent, after
// Content-Encoding), on a first visit and on a repeat visit in the same browser
// context. Fails when the first visit transfers more than the 40 KB budget
// (40,960 B), when the widget fetches anything else, or when a repeat visit
// transfers any byte of the content-hashed files. Sizes, not timings: the same
// on every machine with the same build. Prints a table of every file.
//
// Over plain http Chromium asks for `gzip, deflate` (br only over https), so
// the budget is read with the .gz variants; the .br ones are what https
// readers get (printed for information).
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test, before, after } = require('node:test');
const h = require('./harness');

const BUDGET = 40 * 1024;
const { startServer, newPage } = h.browserSuite({ before, after });

// What the page fetched, by path: Resource Timing of every resource (the page
// itself is a navigation entry, not among them).
function resources(page) {
  return page.evaluate(() => performance.getEntriesByType('resource').map((e) => ({
    path: new URL(e.name).pathname,
    transferSize: e.transferSize,
    encodedBodySize: e.encodedBodySize,
    decodedBodySize: e.decodedBodySize,
  })));
}

function fileSize(name) {
  const file = path.join(process.env.COMMENTS_WEB, name);
  return fs.existsSync(file) ? fs.statSync(file).size : null;
}

// One first and one repeat visit of the demo page in a fresh context
// (`contextOptions`: e.g. the Accept-Encoding to send): per widget file,
// { name, a: first visit's entry, b: repeat visit's, encoding }.
async function visits(server, contextOptions, expected) {
  const page = await newPage(contextOptions);
  // The encoding each file came in.
  const encodings = {};
  page.on('response', async (response) => {
    const name = new URL(response.url()).pathname.slice(1);
    if (expected.includes(name)) encodings[name] = (await response.allHeaders())['content-encoding'] || 'identity';
  });
  await page.goto(server.url + '/index.html');
  await h.waitLive(page, '#comments');
  const first = await resources(page);
  // Same context, same tab: the reader comes back to the article.
  await page.goto(server.url + '/index.html');
  await h.waitLive(page, '#comments');
  const repeat = await resources(page);
  // Nothing else is fetched: the widget's downloads are these three files (its
  // stylesheet is inside embed.js; the browser's own request for /favicon.ico
  // is not the widget's).
  assert.deepEqual(first.map((e) => e.path.slice(1)).filter((p) => p !== 'favicon.ico').sort(),
                   [...expected].sort());
  return expected.map((name) => ({
    name,
    a: first.find((e) => e.path === '/' + name),
    b: repeat.find((e) => e.path === '/' + name),
    encoding: encodings[name] || '?',
  }));
}

function report(title, rows) {
  const total = rows.reduce((sum, { a }) => sum + a.transferSize, 0);
  const repeatTotal = rows.reduce((sum, { b }) => sum + (b ? b.transferSize : 0), 0);
  console.log(title);
  console.log('  ' + 'file'.padEnd(34) + 'raw'.padStart(8) + 'body'.padStart(8) + 'first'.padStart(8) +
              'repeat'.padStart(8) + '  encoding');
  for (const { name, a, b, encoding } of rows) {
    console.log('  ' + name.padEnd(34) + String(a.decodedBodySize).padStart(8) + String(a.encodedBodySize).padStart(8) +
                String(a.transferSize).padStart(8) + String(b ? b.transferSize : 'none').padStart(8) + '  ' + encoding);
  }
  console.log(`  first visit: ${total} B transferred (budget ${BUDGET} B, ${total <= BUDGET ? 'within' : 'OVER'}); ` +
              `repeat visit: ${repeatTotal} B`);
  return total;
}

test('first visit: the widget transfers at most 40 KB; repeat visit: nothing of its hashed files', async () => {
  const server = await startServer({});
  const hashed = ['comments-widget.wasm', 'comments-widget.js'].map(h.asset);
  const expected = ['embed.js', ...hashed];
  console.log('built files (B):');
  for (const name of expected) {
    console.log('  ' + name.padEnd(34) + String(fileSize(name)).padStart(8) + ' raw' +
                String(fileSize(name + '.gz') ?? '-').padStart(8) + ' .gz' +
                String(fileSize(name + '.br') ?? '-').padStart(8) + ' .br');
  }
  // As Chromium asks (br for a secure context, 127.0.0.1 included), and as a
  // site on plain http gets it (Chromium asks `gzip, deflate` there).
  const runs = [
    ['as Chromium asks:', {}],
    ['Accept-Encoding: gzip, deflate (a site on plain http):', { extraHTTPHeaders: { 'Accept-Encoding': 'gzip, deflate' } }],
  ];
  for (const [title, options] of runs) {
    const rows = await visits(server, options, expected);
    const total = report(title, rows);
    for (const { name, a } of rows) {
      // Sent compressed, and more than the body counted (Chromium adds the
      // response's headers, as the fixed 300 B the Resource Timing spec now says).
      assert.ok(a.encodedBodySize < a.decodedBodySize, `${title} ${name} was sent uncompressed`);
      assert.ok(a.transferSize > a.encodedBodySize, `${title} ${name}: transferSize does not count headers`);
    }
    assert.ok(total <= BUDGET, `${title} first visit transferred ${total} B, over the ${BUDGET} B budget`);
    for (const { name, b } of rows) {
      if (name === 'embed.js') continue;  // a 5-minute max-age: 0 B now, a 304 later
      // A file served from the cache is still a resource entry, with nothing transferred.
      assert.ok(b, `${title} repeat visit: no resource entry for ${name}`);
      assert.equal(b.transferSize, 0, `${title} repeat visit transferred ${b.transferSize} B of ${name}`);
    }
  }
});
