// Real-browser test of the embed on a page of another origin: a tiny static
// server on 127.0.0.2 serves the article, the real comment-server the widget.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const { test, before, after } = require('node:test');
const h = require('./harness');

const { startServer, newPage, onCleanup } = h.browserSuite({ before, after });

test('a widget on a page of another origin works when that origin is allowed', async () => {
  // 127.0.0.2 is loopback too, but not one of the origins allowed by default.
  const files = {};
  const site = await h.staticServer('127.0.0.2', files);
  onCleanup(() => new Promise((resolve) => site.close(resolve)));
  const siteOrigin = `http://127.0.0.2:${site.address().port}`;
  const server = await startServer({}, ['--rate', '0', '--allow-origin', siteOrigin]);
  // The loader fetch()es the .wasm: the server must answer an allowed origin
  // with Access-Control-Allow-Origin on it (the stylesheet is inside embed.js).
  for (const file of ['/' + h.asset('comments-widget.wasm')]) {
    const response = await fetch(server.url + file, { headers: { Origin: siteOrigin } });
    assert.equal(response.headers.get('access-control-allow-origin'), siteOrigin,
                 `${file} needs Access-Control-Allow-Origin for an --allow-origin origin`);
  }
  files['/article.html'] = h.widgetPage({ lang: 'en', attrs: { thread: 'cross' },
                                          scriptSrc: server.url + '/embed.js' });
  const page = await newPage();
  await page.goto(siteOrigin + '/article.html');
  await h.waitLive(page);
  await h.postViaForm(page, 'from another site');
  await page.waitForSelector('#w .cm-comment[data-id]');
  assert.deepEqual(await h.shownBodies(page), ['from another site']);

  // The same page on an origin that is not allowed: the server refuses the socket.
  const refused = await startServer({});
  files['/refused.html'] = h.widgetPage({ lang: 'en', attrs: { thread: 'cross' },
                                          scriptSrc: refused.url + '/embed.js' });
  const other = await newPage();
  await other.goto(siteOrigin + '/refused.html');
  await other.waitForSelector('#w[data-state="offline"], #w[data-state="unreachable"]', { state: 'attached' });
});
