// Real-browser tests of likes (顶, issue #15 item 3) as the reader's widget
// shows them, in headless Debian Chromium against the real comment-server: a
// like (sent by a client over the protocol) is counted live in an open
// widget, once per address, and taken back live; a reload shows the stored
// count; the server-rendered block shows the counts without JavaScript and
// the widget takes them over; `hot` lists the most liked first. The widget's
// 顶 button (its lazily loaded likes part, comments-likes.js) likes and takes
// back live in another tab, keeps its pressed state across a reload, and the
// 最新 | 最热 switch lists the most liked first, an edited comment marked 已编辑.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const http = require('node:http');
const crypto = require('node:crypto');
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

// The 顶 button's text on the comment with body `body` in widget `sel`
// ('顶' / 'Like' without likes, '顶 3' with; '' when there is no button).
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
  assert.equal(await likesShown(tab, '第一条'), '顶');  // no likes, no count

  const [liked] = await exchange(server, [{ type: 'like', id }]);
  assert.deepEqual(liked, { type: 'ok', req: 't1', id, likes: 1, liked: true });
  await waitLikes(tab, '第一条', '顶 1');
  assert.equal(await likesShown(tab, '第二条'), '顶');

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
  await waitLikes(tab, '第一条', '顶');
  await waitLikes(en, '第一条', 'Like');
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

// The 顶 button of the comment with body `body` in widget `sel` (a locator).
function likeButton(page, body, sel = '#w') {
  return page.locator(`${sel} li.cm-comment`, { hasText: body }).locator('[data-action=like]');
}

function waitPressed(page, body, pressed, sel = '#w') {
  return page.waitForFunction(({ body, pressed, sel }) => {
    const li = [...document.querySelector(sel).shadowRoot.querySelectorAll('li.cm-comment')]
      .find((item) => item.querySelector('.cm-body').textContent === body);
    const button = li && li.querySelector('[data-action=like]');
    return button && button.getAttribute('aria-pressed') === String(pressed);
  }, { body, pressed, sel });
}

test('顶 button: a press likes live in another tab, a second press takes it back, a reload keeps it pressed', async () => {
  const server = await startServer({ 'a.html': h.widgetPage({ attrs: { thread: 'press' } }) });
  await exchange(server, [post('press', '甲', '第一条'), post('press', '乙', '第二条')]);
  const [a, b] = [await newPage(), await newPage()];
  const fetched = [];
  a.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  for (const tab of [a, b]) {
    await tab.goto(server.url + '/a.html');
    await h.waitLive(tab);
  }
  // A first visit without interaction fetches no likes part.
  assert.equal(fetched.some((p) => /comments-likes\./.test(p)), false);
  assert.equal(await likeButton(a, '第一条').getAttribute('aria-pressed'), 'false');

  await likeButton(a, '第一条').click();
  await waitLikes(b, '第一条', '顶 1');
  await waitLikes(a, '第一条', '顶 1');
  await waitPressed(a, '第一条', true);
  assert.ok(fetched.some((p) => /^\/comments-likes\.[0-9a-f]{8}\.js$/.test(p)));
  assert.equal(await likesShown(b, '第二条'), '顶');

  // A second press, from the keyboard, takes it back; the focus stays on the
  // button although the widget renders the comment anew.
  await likeButton(a, '第一条').focus();
  await a.keyboard.press('Enter');
  await waitLikes(b, '第一条', '顶');
  await waitPressed(a, '第一条', false);
  await a.waitForFunction(() => {
    const focused = document.querySelector('#w').shadowRoot.activeElement;
    return focused && focused.getAttribute('data-action') === 'like' &&
      focused.closest('li').querySelector('.cm-body').textContent === '第一条';
  });

  await a.keyboard.press('Space');
  await waitLikes(b, '第一条', '顶 1');
  await waitPressed(a, '第一条', true);
  await a.reload();
  await h.waitLive(a);
  await waitPressed(a, '第一条', true);  // this browser's liked ids load the part at once
  await waitLikes(a, '第一条', '顶 1');
  assert.equal(await likeButton(a, '第二条').getAttribute('aria-pressed'), 'false');
  assert.deepEqual(a.problems, []);
  assert.deepEqual(b.problems, []);
});

// Messages sent over a WebSocket of Node's own with an X-Forwarded-For header,
// which a server with --trust-proxy takes as the client's address (a browser
// cannot set it, and every loopback connection comes from 127.0.0.1). Resolves
// to the replies, in order.
function exchangeAs(server, address, messages) {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1', port: server.port, path: '/ws',
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
                 'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
                 'X-Forwarded-For': address, 'X-Forwarded-Proto': 'http' },
    });
    request.on('error', reject);
    request.on('response', (r) => reject(new Error('no upgrade: HTTP ' + r.statusCode)));
    request.on('upgrade', (response, socket) => {
      const replies = [];
      let buffer = Buffer.alloc(0);
      const send = (i) => {
        const payload = Buffer.from(JSON.stringify({ ...messages[i], req: 'x' + i }));
        // A masked text frame (the mask of zeros leaves the payload as it is).
        const head = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length])
          : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
        socket.write(Buffer.concat([head, Buffer.alloc(4), payload]));
      };
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          if (buffer.length < 2) return;
          let length = buffer[1] & 127;
          let start = 2;
          if (length === 126) [length, start] = [buffer.readUInt16BE(2), 4];
          if (buffer.length < start + length) return;
          const frame = buffer.subarray(start, start + length);
          const opcode = buffer[0] & 15;
          buffer = buffer.subarray(start + length);
          if (opcode !== 1) continue;
          const message = JSON.parse(frame.toString());
          if (message.req !== 'x' + replies.length) continue;
          replies.push(message);
          if (replies.length === messages.length) {
            socket.destroy();
            return resolve(replies);
          }
          send(replies.length);
        }
      });
      send(0);
    });
    request.end();
  });
}

test('最新 | 最热: 最热 lists the most liked first (likes from several addresses) and stays live (likes, an edit marked 已编辑); 最新 goes back', async () => {
  const server = await startServer({ 'a.html': h.widgetPage({ attrs: { thread: 'hotview' } }) },
                                   ['--rate', '0', '--trust-proxy']);
  const acks = await exchangeAs(server, '198.51.100.1', ['老', '中', '新'].map((body) => post('hotview', '网友', body)));
  const [old, middle] = acks.map((ack) => ack.comment.id);
  for (const n of [1, 2, 3]) await exchangeAs(server, '198.51.100.' + n, [{ type: 'like', id: middle }]);
  assert.equal((await exchangeAs(server, '198.51.100.2', [{ type: 'like', id: old }]))[0].likes, 1);
  assert.equal((await exchangeAs(server, '198.51.100.3', [{ type: 'like', id: old }]))[0].likes, 2);

  const page = await newPage();
  await page.goto(server.url + '/a.html');
  await h.waitLive(page);
  const newest = await h.shownBodies(page);
  assert.deepEqual([...newest].sort(), ['中', '老', '新'].sort());
  // The switch comes with the likes part: on the reader's first pointer over the comments.
  await page.hover('#w .cm-list');
  const hotButton = page.locator('#w .cm-sort button[data-sort=hot]');
  await hotButton.waitFor();
  assert.equal(await hotButton.textContent(), '最热');
  assert.equal(await page.locator('#w .cm-sort button[data-sort=newest]').getAttribute('aria-pressed'), 'true');

  await hotButton.click();
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-hot-list li').length === 3);
  const hotList = () => page.evaluate(() => [...document.querySelector('#w').shadowRoot.querySelectorAll('.cm-hot-list li')]
    .map((li) => li.querySelector('.cm-body').textContent + ' ' + li.querySelector('[data-action=like]').textContent));
  assert.deepEqual(await hotList(), ['中 顶 3', '老 顶 2', '新 顶']);
  assert.equal(await hotButton.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#w .cm-list:not(.cm-hot-list)').first().isVisible(), false);

  // Live: a like from a fourth address counts in the hot list.
  await exchangeAs(server, '198.51.100.4', [{ type: 'like', id: old }]);
  await page.waitForFunction(() => [...document.querySelector('#w').shadowRoot.querySelectorAll('.cm-hot-list li')]
    .some((li) => li.querySelector('[data-action=like]').textContent === '顶 3' && li.querySelector('.cm-body').textContent === '老'));

  // Live: its author edits a listed comment; the hot list shows the new text, marked 已编辑.
  const [edited] = await exchangeAs(server, '198.51.100.1', [{ type: 'edit', id: middle, secret: acks[1].secret, body: '中（改过）' }]);
  assert.equal(edited.type, 'ok');
  const hotEdited = () => page.evaluate(() => [...document.querySelector('#w').shadowRoot.querySelectorAll('.cm-hot-list .cm-edited')]
    .map((mark) => mark.textContent + ' ' + mark.closest('li').querySelector('.cm-body').textContent));
  await page.waitForFunction(() => [...document.querySelector('#w').shadowRoot.querySelectorAll('.cm-hot-list .cm-body')]
    .some((body) => body.textContent === '中（改过）'));
  assert.deepEqual(await hotEdited(), ['已编辑 中（改过）']);
  assert.deepEqual(await hotList(), ['中（改过） 顶 3', '老 顶 3', '新 顶']);

  await page.locator('#w .cm-sort button[data-sort=newest]').click();
  await page.waitForFunction(() => !document.querySelector('#w').shadowRoot.querySelector('.cm-hot-list'));
  assert.deepEqual(await h.shownBodies(page), newest.map((body) => (body === '中' ? '中（改过）' : body)));
  assert.equal(await page.locator('#w .cm-list').first().isVisible(), true);
  // A fresh hot list (asked again) marks it too.
  await hotButton.click();
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-hot-list:not([aria-busy]) li').length === 3);
  assert.deepEqual(await hotEdited(), ['已编辑 中（改过）']);
  assert.deepEqual(page.problems, []);
});
