// Real-browser tests of an author's own comments (issue #15 items 4 and 5;
// headless Debian Chromium, the real comment-server): edit and delete within
// the window, seen live in another tab; a held post that stays visible to its
// author across a reload, until a moderator rejects it (the author is told
// once). The author's part is comments-own.js, fetched only for an author. An
// edited comment is marked 已编辑 in the server's no-JS block too.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test, before, after } = require('node:test');
const h = require('./harness');

const { startServer, newPage } = h.browserSuite({ before, after });

test('edit within the window: the other tab sees the new text marked edited; delete removes it everywhere', async () => {
  const server = await startServer({ 'own.html': h.widgetPage({ attrs: { thread: 'own-edit' } }) });
  // The author's part is fetched once a reader posts, never for a reader who did not.
  const ownPart = (urls) => urls.some((u) => /comments-own\.[0-9a-f]{8}\.js$/.test(u));
  const author = await newPage();
  const fetched = [];
  author.on('request', (r) => fetched.push(r.url()));
  await author.goto(server.url + '/own.html');
  await h.waitLive(author);
  const other = await newPage();
  const otherFetched = [];
  other.on('request', (r) => otherFetched.push(r.url()));
  await other.goto(server.url + '/own.html');
  await h.waitLive(other);
  assert.equal(ownPart(fetched), false);

  await h.postViaForm(author, '原来写错的评论');
  await other.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-comment').length === 1);
  // 编辑 / 删除 appear on the author's comment only.
  await author.waitForSelector('#w .cm-comment[data-id] .cm-own-edit');
  assert.ok(ownPart(fetched));
  assert.equal(await other.locator('#w .cm-own-edit').count(), 0);
  assert.equal(ownPart(otherFetched), false);

  await author.click('#w .cm-own-edit');
  const box = author.locator('#w .cm-own-form textarea');
  assert.equal(await box.inputValue(), '原来写错的评论');
  await box.fill('改正后的评论');
  await author.click('#w .cm-own-save');
  await other.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelector('.cm-body').textContent === '改正后的评论');
  assert.equal(await other.locator('#w .cm-comment .cm-edited').innerText(), '已编辑');
  await author.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelector('.cm-body').textContent === '改正后的评论');
  assert.equal(await author.locator('#w .cm-own-form').count(), 0);
  await author.locator('#w').screenshot({ path: h.saveArtifact('own-edited.png') });

  // The buttons survive the widget redrawing the item; then delete, confirmed first.
  await author.waitForSelector('#w .cm-comment[data-id] .cm-own-delete');
  await author.click('#w .cm-own-delete');
  assert.equal(await author.locator('#w .cm-own-form p').first().innerText(), '确定删除这条评论？');
  await author.click('#w .cm-own-confirm');
  await other.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-comment').length === 0);
  await author.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-comment').length === 0);
  // Forgotten: after a reload nothing of it is asked for or shown.
  await author.reload();
  await h.waitLive(author);
  assert.equal(await author.evaluate(() => localStorage.getItem('comments.own')), '[]');
  assert.deepEqual(author.problems, []);
  assert.deepEqual(other.problems, []);
});

test('an edit the filter holds leaves the other tab and waits for review for its author', async () => {
  const server = await startServer({ 'own.html': h.widgetPage({ attrs: { thread: 'own-hold' } }) });
  const author = await newPage();
  await author.goto(server.url + '/own.html');
  await h.waitLive(author);
  await h.moderate(author, server.url, [{ type: 'filters', suspect: ['加微信'] }]);
  const other = await newPage();
  await other.goto(server.url + '/own.html');
  await h.waitLive(other);
  await h.postViaForm(author, '一条正常评论');
  await other.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-comment').length === 1);
  await author.waitForSelector('#w .cm-own-edit');
  await author.click('#w .cm-own-edit');
  await author.fill('#w .cm-own-form textarea', '详情请加微信');
  await author.click('#w .cm-own-save');
  await other.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-comment').length === 0);
  await author.waitForSelector('#w .cm-own-list .cm-pending');
  assert.equal(await author.locator('#w .cm-own-list .cm-state').innerText(), '等待审核（仅你可见）');
  assert.equal(await author.locator('#w .cm-own-list .cm-body').innerText(), '详情请加微信');
  const [queue] = await h.moderate(author, server.url, [{ type: 'queue', status: 'pending' }]);
  assert.equal(queue.items[0].body, '详情请加微信');
  assert.equal(queue.items[0].context.held.word, '加微信');
});

test('a held post survives a reload as 等待审核（仅你可见）; rejected, its author is told once', async () => {
  const server = await startServer({
    'own.html': h.widgetPage({ attrs: { thread: 'own-held' } }),
    'own-en.html': h.widgetPage({ lang: 'en', attrs: { thread: 'own-held-en' } }),
  });
  const author = await newPage();
  await author.goto(server.url + '/own.html');
  await h.waitLive(author);
  await h.moderate(author, server.url, [{ type: 'filters', suspect: ['待审'] }]);
  await h.postViaForm(author, '这条需要待审');
  await author.waitForSelector('#w .cm-comment.cm-pending');

  // Reloads and reconnects: still there, to its author only.
  for (let i = 0; i < 2; ++i) {
    await author.reload();
    await h.waitLive(author);
    await author.waitForSelector('#w .cm-own-list .cm-pending');
    assert.equal(await author.locator('#w .cm-pending .cm-state').innerText(), '等待审核（仅你可见）');
    assert.deepEqual(await h.shownBodies(author), ['这条需要待审']);
  }
  const stranger = await newPage();
  await stranger.goto(server.url + '/own.html');
  await h.waitLive(stranger);
  assert.deepEqual(await h.shownBodies(stranger), []);
  await author.locator('#w').screenshot({ path: h.saveArtifact('own-held-after-reload.png') });

  // A moderator rejects it: the open page says so, once, and it is gone.
  const [queue] = await h.moderate(author, server.url, [{ type: 'queue', status: 'pending' }]);
  await h.moderate(author, server.url, [{ type: 'moderate', id: queue.items[0].id, action: 'reject' }]);
  await author.waitForSelector('#w .cm-own-notice');
  assert.match(await author.locator('#w .cm-own-notice').innerText(), /未通过审核.*这条需要待审/);
  assert.equal(await author.locator('#w .cm-pending').count(), 0);
  // Told once: the secret is forgotten, so a reload has nothing of it to ask for or show.
  assert.equal(await author.evaluate(() => localStorage.getItem('comments.own')), '[]');
  await author.reload();
  await h.waitLive(author);
  assert.equal(await author.locator('#w .cm-own-notice').count(), 0);
  assert.equal(await author.locator('#w .cm-pending').count(), 0);

  // Rejected while the author was away: told once on the next visit.
  const en = await newPage();
  await en.goto(server.url + '/own-en.html');
  await h.waitLive(en);
  await h.moderate(en, server.url, [{ type: 'filters', suspect: ['待审'] }]);
  await h.postViaForm(en, 'please 待审 this');
  await en.waitForSelector('#w .cm-comment.cm-pending');
  await en.goto('about:blank');
  const [queueEn] = await h.moderate(author, server.url, [{ type: 'queue', status: 'pending' }]);
  await h.moderate(author, server.url, [{ type: 'moderate', id: queueEn.items[0].id, action: 'reject' }]);
  await en.goto(server.url + '/own-en.html');
  await h.waitLive(en);
  await en.waitForSelector('#w .cm-own-notice');
  assert.match(await en.locator('#w .cm-own-notice').innerText(), /not approved.*please 待审 this/);
  assert.equal(await en.evaluate(() => localStorage.getItem('comments.own')), '[]');
  await en.reload();
  await h.waitLive(en);
  assert.equal(await en.locator('#w .cm-own-notice').count(), 0);
  assert.deepEqual(author.problems, []);
  assert.deepEqual(en.problems, []);
});

test('an edited comment is marked 已编辑 in a fresh no-JS block (English: edited); the widget shows the mark', async () => {
  const server = await startServer({});
  const client = await newPage();
  await client.goto(server.url + '/favicon.ico');
  const post = (body) => ({ type: 'post', thread: 'nojs-edit', author: '网友', body, parent: null });
  const [ack] = await h.wsExchange(client, server.url, [post('原来的文字'), post('没改过的')]);
  const fragment = (lang) => fetch(`${server.url}/embed/latest?thread=nojs-edit&limit=10&lang=${lang}`).then((r) => r.text());
  assert.doesNotMatch(await fragment('zh-CN'), /cm-edited/);  // asked once before the edit (cached)

  const [edited] = await h.wsExchange(client, server.url, [{ type: 'edit', id: ack.comment.id, secret: ack.secret, body: '改过的文字' }]);
  assert.equal(edited.type, 'ok');
  const zh = await fragment('zh-CN');
  // The widget's markup: the mark before the time, once, on the edited comment only.
  assert.match(zh, /<li class="cm-comment" id="cm-c-\d+" data-id="\d+"><span class="cm-author">网友<\/span> <span class="cm-edited">已编辑<\/span> <time /);
  assert.equal(zh.match(/cm-edited/g).length, 1);
  assert.match(await fragment('en'), /<span class="cm-edited">edited<\/span> <time /);

  fs.writeFileSync(path.join(server.web, 'nojs.html'), `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>
<body><div id="w" data-comments data-thread="nojs-edit">${zh}</div><script async src="embed.js"></script></body></html>`);
  const noScript = await newPage({ javaScriptEnabled: false });
  await noScript.goto(server.url + '/nojs.html');
  const marked = noScript.locator('section.cm-thread li.cm-comment', { has: noScript.locator('.cm-edited') });
  assert.equal(await marked.count(), 1);
  assert.equal(await marked.locator('.cm-edited').innerText(), '已编辑');
  assert.equal(await marked.locator('.cm-body').innerText(), '改过的文字');

  // With JavaScript the widget takes the block over and, live, marks the same comment.
  const page = await newPage();
  await page.goto(server.url + '/nojs.html');
  await h.waitLive(page);
  // (Its shadow root: the block itself stays in the container's light DOM.)
  await page.waitForFunction(() => [...document.querySelector('#w').shadowRoot.querySelectorAll('li.cm-comment')]
    .filter((li) => li.querySelector('.cm-edited'))
    .map((li) => li.querySelector('.cm-edited').textContent + ' ' + li.querySelector('.cm-body').textContent)
    .join() === '已编辑 改过的文字');
  assert.deepEqual(page.problems, []);
});
