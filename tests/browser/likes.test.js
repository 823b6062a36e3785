// Real-browser tests of likes (顶, issue #15 item 3) as the reader's widget
// shows them, in headless Debian Chromium against the real comment-server: a
// like (sent by a client over the protocol) is counted live in an open
// widget, once per address, and taken back live; a reload shows the stored
// count; the server-rendered block shows the counts without JavaScript and
// the widget takes them over; `hot` lists the most liked first.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { test, before, after } = require('node:test');
const h = require('./harness');

const { startServer, newPage } = h.browserSuite({ before, after });

const post = (thread, author, body) => ({ type: 'post', thread, author, body, parent: null });

// A client of the protocol (any page's WebSocket: the same address as the widgets here).
async function exchange(server, messages) {
  const page = await newPage();
  await page.goto(server.url + '/favicon.ico');
  return h.wsExchange(page, server.url, messages);
}

// The like count shown on the comment with body `body` in widget `sel` ('' when none).
function likesShown(page, body, sel = '#w') {
  return page.evaluate(({ body, sel }) => {
    const li = [...document.querySelector(sel).shadowRoot.querySelectorAll('li.cm-comment')]
      .find((item) => item.querySelector('.cm-body').textContent === body);
    const likes = li && li.querySelector('.cm-likes');
    return likes ? likes.textContent : '';
  }, { body, sel });
}

function waitLikes(page, body, text, sel = '#w') {
  return page.waitForFunction(({ body, text, sel }) => {
    const li = [...document.querySelector(sel).shadowRoot.querySelectorAll('li.cm-comment')]
      .find((item) => item.querySelector('.cm-body').textContent === body);
    const likes = li && li.querySelector('.cm-likes');
    return (likes ? likes.textContent : '') === text;
  }, { body, text, sel });
}

test('顶: a like is counted live in an open widget, once per address, and taken back live; a reload shows the count', async () => {
  const server = await startServer({
    'a.html': h.widgetPage({ attrs: { thread: 'likes' } }),
    'en.html': h.widgetPage({ lang: 'en', attrs: { thread: 'likes' } }),
  });
  const acks = await exchange(server, [post('likes', '甲', '第一条'), post('likes', '乙', '第二条')]);
  const id = acks[0].comment.id;

  const tab = await newPage();
  await tab.goto(server.url + '/a.html');
  await h.waitLive(tab);
  assert.equal(await likesShown(tab, '第一条'), '');  // no likes, no count

  const [liked] = await exchange(server, [{ type: 'like', id }]);
  assert.deepEqual(liked, { type: 'ok', req: 't1', id, likes: 1, liked: true });
  await waitLikes(tab, '第一条', '顶 1');
  assert.equal(await likesShown(tab, '第二条'), '');

  // A second client behind the same address: the same like.
  const [again] = await exchange(server, [{ type: 'like', id, liked: true }]);
  assert.equal(again.likes, 1);

  await tab.reload();
  await h.waitLive(tab);
  await waitLikes(tab, '第一条', '顶 1');
  const en = await newPage();
  await en.goto(server.url + '/en.html');
  await h.waitLive(en);
  assert.equal(await likesShown(en, '第一条'), 'Like 1');

  const [takenBack] = await exchange(server, [{ type: 'like', id, liked: false }]);
  assert.equal(takenBack.likes, 0);
  await waitLikes(tab, '第一条', '');
  await waitLikes(en, '第一条', '');
  assert.deepEqual(tab.problems, []);
  assert.deepEqual(en.problems, []);
});

test('the no-JS block shows the counts and the widget takes them over; hot lists the most liked first', async () => {
  const server = await startServer({});
  const acks = await exchange(server, ['老', '中', '新'].map((body) => post('hot', '网友', body)));
  const [liked] = await exchange(server, [{ type: 'like', id: acks[0].comment.id }]);
  assert.equal(liked.likes, 1);

  const [hot] = await exchange(server, [{ type: 'hot', thread: 'hot', limit: 3 }]);
  assert.deepEqual(hot.comments.map((c) => c.body), ['老', '新', '中']);
  assert.equal(hot.comments[0].likes, 1);

  const fragment = await (await fetch(server.url + '/embed/latest?thread=hot&limit=10&lang=zh-CN')).text();
  assert.match(fragment, /data-likes="1"/);
  fs.writeFileSync(path.join(server.web, 'nojs.html'), `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>
<body><div id="w" data-comments data-thread="hot">${fragment}</div><script async src="embed.js"></script></body></html>`);
  const noScript = await newPage({ javaScriptEnabled: false });
  await noScript.goto(server.url + '/nojs.html');
  assert.deepEqual(await noScript.locator('section.cm-thread .cm-likes').allInnerTexts(), ['顶 1']);

  // The widget takes the block over with the same count, then stays live.
  const page = await newPage();
  await page.goto(server.url + '/nojs.html');
  await h.waitLive(page);
  assert.equal(await likesShown(page, '老'), '顶 1');
  await exchange(server, [{ type: 'like', id: acks[1].comment.id }]);
  await waitLikes(page, '中', '顶 1');
  assert.deepEqual(page.problems, []);
});
