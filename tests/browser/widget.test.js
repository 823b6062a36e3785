// Real-browser tests of the reader's widget: headless Debian Chromium driven by
// playwright-core against the real comment-server started on a free port.
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const { test, before, after } = require('node:test');
const h = require('./harness');

const { startServer, newPage, onCleanup } = h.browserSuite({ before, after });

const post = (thread, author, body) => ({ type: 'post', thread, author, body, parent: null });

// A fresh page on `pageName` of `server`, its widget (`selector`) live, after
// `messages` went through its own connection: { seeder, replies }. The page
// seeds a thread and then posts or moderates beside the page a test watches.
async function seeded(server, pageName, messages, selector) {
  const seeder = await newPage();
  await seeder.goto(server.url + '/' + pageName);
  await h.waitLive(seeder, selector);
  const replies = await h.wsExchange(seeder, server.url, messages);
  return { seeder, replies };
}

test('demo page: two readers on one article see each other\'s posts live', async () => {
  const server = await startServer({});
  const a = await newPage();
  const b = await newPage();
  await a.goto(server.url + '/index.html');
  await b.goto(server.url + '/index.html');
  await h.waitLive(a, '#comments');
  await h.waitLive(b, '#comments');
  // (The demo page also holds the server-rendered block, no longer shown:
  // the widget's own elements are addressed through its header.)
  assert.equal(await a.locator('#comments .cm-head .cm-title').innerText(), '网友评论（共0条）');

  await h.postViaForm(a, '说得好！\n第二行', { name: '张三', sel: '#comments' });
  // The author sees it at once and then as published; the other reader live.
  await a.waitForSelector('#comments .cm-comment[data-id]:not(.cm-sending)');
  await b.waitForSelector('#comments .cm-comment[data-id]');
  assert.deepEqual(await h.shownBodies(b, '#comments'), ['说得好！\n第二行']);
  assert.equal(await b.locator('#comments .cm-author').first().innerText(), '张三');
  assert.match(await b.locator('#comments .cm-head .cm-count').innerText(), /1/);
  // Announced politely to screen readers, and the name is remembered.
  assert.match(await b.locator('#comments [aria-live="polite"]').textContent(), /张三/);
  await a.reload();
  await h.waitLive(a, '#comments');
  assert.equal(await a.inputValue('#comments #cm-name'), '张三');
  // The widget marks its first paint for performance measurements.
  assert.equal(await a.evaluate(() => performance.getEntriesByName('comments:first-paint').length), 1);

  // Screenshots of the demo page as artifacts (light and dark).
  await h.postViaForm(b, '链接 https://example.com/report 很有参考价值。', { name: 'Reader', sel: '#comments' });
  await a.waitForFunction(() => document.querySelector('#comments').shadowRoot
    .querySelectorAll('.cm-comment').length === 2);
  await a.screenshot({ path: h.saveArtifact('demo-zh-light.png'), fullPage: true });
  const dark = await newPage({ colorScheme: 'dark' });
  await dark.goto(server.url + '/index.html');
  await h.waitLive(dark, '#comments');
  await dark.locator('#comments').screenshot({ path: h.saveArtifact('demo-zh-dark-widget.png') });
  assert.deepEqual(a.problems, []);
  // All of it under the demo page's Content-Security-Policy (scripts from the
  // server's origin only, WebAssembly allowed, the WebSocket to the same
  // origin), with nothing refused.
  const res = await a.request.get(server.url + '/index.html');
  assert.match(res.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(res.headers()['content-security-policy'], /connect-src 'self'/);
  for (const p of [a, b, dark]) assert.deepEqual(p.cspViolations, []);
});

test('console: refuses to render in a frame (frame-ancestors \'none\'); the demo page may be framed by its own site', async () => {
  const framing = (src) => `<!doctype html><html><head><meta charset="utf-8"><title>frame</title></head>
<body><iframe id="f" src="${src}" width="600" height="400"></iframe></body></html>`;
  const server = await startServer({ 'frame-console.html': framing('/moderate.html'),
                                     'frame-demo.html': framing('/index.html') });
  // The console is refused even by a page of its own origin (and so from anywhere).
  const evil = await newPage();
  await evil.goto(server.url + '/frame-console.html');
  // Give the frame its load: the refusal is reported as a CSP violation.
  await evil.waitForFunction(() => document.readyState === 'complete');
  await evil.waitForFunction(() => document.getElementById('f').contentDocument === null ||
                                   document.getElementById('f').contentDocument.readyState === 'complete');
  await evil.waitForTimeout(300);
  assert.equal(await evil.evaluate(() => {
    const doc = document.getElementById('f').contentDocument;
    return !!(doc && doc.querySelector('#moderator'));
  }), false, 'the console rendered inside a frame');
  assert.ok(evil.cspViolations.some((t) => /frame-ancestors/.test(t)), evil.cspViolations.join('\n'));
  // The same page framing the demo article (frame-ancestors 'self'): rendered.
  const own = await newPage();
  await own.goto(server.url + '/frame-demo.html');
  await own.waitForFunction(() => {
    const doc = document.getElementById('f').contentDocument;
    return doc && doc.querySelector('#comments');
  });
  assert.deepEqual(own.cspViolations, []);
  // The console itself, opened directly, renders under its policy.
  const mod = await newPage();
  await mod.goto(server.url + '/moderate.html?lang=en');
  await mod.waitForSelector('#mod-token');
  assert.deepEqual(mod.problems, []);
  assert.deepEqual(mod.cspViolations, []);
  const res = await mod.request.get(server.url + '/moderate.html');
  assert.match(res.headers()['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(res.headers()['x-frame-options'], 'DENY');
  assert.equal(res.headers()['referrer-policy'], 'no-referrer');
  assert.equal(res.headers()['x-content-type-options'], 'nosniff');
});

test('more than N posts keep N shown, newest first; a removal refills from older ones', async () => {
  const server = await startServer({ 'three.html': h.widgetPage({ attrs: { thread: 'limit-3', limit: 3 } }) });
  const page = await newPage();
  await page.goto(server.url + '/three.html');
  await h.waitLive(page);
  const replies = await h.wsExchange(page, server.url,
    [1, 2, 3, 4, 5].map((i) => post('limit-3', 'n', `第${i}条`)));
  assert.ok(replies.every((r) => r.type === 'ack'));
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelector('.cm-body')?.textContent === '第5条');
  assert.deepEqual(await h.shownBodies(page), ['第5条', '第4条', '第3条']);
  assert.match(await page.locator('#w .cm-count').innerText(), /5/);

  // A moderator deletes the newest: the list still shows 3, the oldest refilled.
  const [deleted] = await h.moderate(page, server.url,
    [{ type: 'moderate', id: replies[4].comment.id, action: 'delete' }]);
  assert.equal(deleted.type, 'ok');
  await page.waitForFunction(() => [...document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-body')].map((e) => e.textContent).join() === '第4条,第3条,第2条');
  assert.match(await page.locator('#w .cm-count').innerText(), /4/);

  // Pinned ones go on top, marked.
  await h.moderate(page, server.url, [{ type: 'moderate', id: replies[0].comment.id, action: 'pin' }]);
  await page.waitForSelector('#w .cm-comment.cm-pinned');
  assert.equal(await page.locator('#w .cm-comment').first().locator('.cm-body').innerText(), '第1条');
  assert.equal(await page.locator('#w .cm-pinned .cm-badge').innerText(), '置顶');
  await page.locator('#w').screenshot({ path: h.saveArtifact('widget-pinned.png') });
});

test('the server-rendered block is shown without JavaScript and taken over in place with it', async () => {
  const server = await startServer({ 'seed.html': h.widgetPage({ attrs: { thread: 'frag' } }) });
  const { seeder } = await seeded(server, 'seed.html', [post('frag', '甲', '第一条\n两行'), post('frag', '乙', '第二条')]);
  const fragment = await (await fetch(server.url + '/embed/latest?thread=frag&limit=5&lang=zh-CN')).text();
  assert.match(fragment, /<section class="cm-thread"/);
  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>
<div id="w" data-comments data-limit="5">${fragment}</div><script async src="embed.js"></script></body></html>`;
  require('node:fs').writeFileSync(path.join(server.web, 'frag.html'), page);

  const noScript = await newPage({ javaScriptEnabled: false });
  await noScript.goto(server.url + '/frag.html');
  assert.equal(await noScript.locator('section.cm-thread li.cm-comment').count(), 2);
  assert.ok(await noScript.locator('section.cm-thread').isVisible());

  const live = await newPage();
  await live.goto(server.url + '/frag.html');
  await h.waitLive(live);
  // The widget (thread key taken from the block) replaced the block in place.
  assert.deepEqual(await h.shownBodies(live), ['第二条', '第一条\n两行']);
  assert.equal(await live.locator('#w > section.cm-thread').isVisible(), false);
  await h.postViaForm(seeder, '第三条');
  await live.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-comment').length === 3);
});

test('several widgets on one page; page styles and widget styles stay apart; replies', async () => {
  const twoWidgets = `<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
    p { text-indent: 3em; color: rgb(255, 0, 0); } button { font-size: 30px; } li { list-style: square; }
  </style></head><body>
  <p class="cm-alert cm-body" id="outside">page text with widget class names</p>
  <div id="w1" data-comments data-thread="one" data-lang="zh-CN"></div>
  <div id="w2" data-comments data-thread="two" data-theme="dark"></div>
  <script async src="embed.js"></script><script async src="embed.js"></script></body></html>`;
  const server = await startServer({ 'two.html': twoWidgets });
  const page = await newPage();
  await page.goto(server.url + '/two.html');
  await h.waitLive(page, '#w1');
  await h.waitLive(page, '#w2');
  assert.match(await page.locator('#w1 .cm-title').innerText(), /^网友评论/);
  assert.match(await page.locator('#w2 .cm-title').innerText(), /^Comments/);
  await h.postViaForm(page, '只在一号', { sel: '#w1' });
  await page.waitForSelector('#w1 .cm-comment[data-id]');
  await h.postViaForm(page, 'only in two', { sel: '#w2' });
  await page.waitForSelector('#w2 .cm-comment[data-id]');
  assert.deepEqual(await h.shownBodies(page, '#w1'), ['只在一号']);
  assert.deepEqual(await h.shownBodies(page, '#w2'), ['only in two']);

  const styles = await page.evaluate(() => {
    const root = document.querySelector('#w1').shadowRoot;
    const css = (el) => getComputedStyle(el);
    return {
      button: css(root.querySelector('.cm-submit')).fontSize,
      indent: css(root.querySelector('.cm-disclaimer')).textIndent,
      bodyColor: css(root.querySelector('.cm-body')).color,
      outsideColor: css(document.querySelector('#outside')).color,
      outsideBorder: css(document.querySelector('#outside')).borderLeftStyle,
      darkBackground: css(document.querySelector('#w2')).backgroundColor,
    };
  });
  assert.notEqual(styles.button, '30px');
  assert.equal(styles.indent, '0px');
  assert.notEqual(styles.bodyColor, 'rgb(255, 0, 0)');
  assert.equal(styles.outsideColor, 'rgb(255, 0, 0)');
  assert.equal(styles.outsideBorder, 'none');
  assert.equal(styles.darkBackground, 'rgb(22, 24, 28)');

  // Reply: keyboard-reachable button, "replying to" banner, the reply names its parent.
  await page.focus('#w1 [data-action="reply"]');
  await page.keyboard.press('Enter');
  assert.match(await page.locator('#w1 .cm-replying').innerText(), /回复 网友/);
  await page.fill('#w1 #cm-text', '这是回复');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('#w1').shadowRoot
    .querySelectorAll('.cm-comment[data-id]').length === 2);
  // The reply quotes its parent (引用 + the start of its text).
  assert.equal(await page.locator('#w1 .cm-quote cite').innerText(), '引用 网友');
  assert.equal(await page.locator('#w1 .cm-quote .cm-quote-text').innerText(), '只在一号');
  assert.equal(await page.locator('#w1 .cm-replying').isVisible(), false);
});

test('XSS payloads in author and body are shown as text: no script runs, no element is injected', async () => {
  const server = await startServer({ 'xss.html': h.widgetPage({ attrs: { thread: 'xss', limit: 20 } }) });
  const page = await newPage();
  await page.goto(server.url + '/xss.html');
  await h.waitLive(page);
  const payloads = [
    '<script>window.__xss=1</script>',
    '<img src=x onerror="window.__xss=1">',
    '<svg onload=window.__xss=1>',
    '"><iframe src="javascript:window.__xss=1"></iframe>',
    'javascript:window.__xss=1',
    'see http://example.com/"onmouseover="window.__xss=1" ok',
    '<a href="javascript:window.__xss=1">click</a>',
    '&lt;b&gt;entity&lt;/b&gt; &amp; &#60;i&#62;',
    '{{constructor.constructor("window.__xss=1")()}}',
    '<style>*{display:none!important}</style>',
    '\u202egnp.exe <b onmouseover=window.__xss=1>x</b>',
    '<template><script>window.__xss=1</script></template><math><mi xlink:href="javascript:1">',
  ];
  const authors = ['<img src=x onerror=window.__xss=1>', '<script>1</script>', '"><b>'];
  const messages = payloads.map((body, i) => post('xss', authors[i % authors.length], body));
  const replies = await h.wsExchange(page, server.url, messages);
  assert.ok(replies.every((r) => r.type === 'ack'), JSON.stringify(replies));
  await page.waitForFunction((n) => document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-comment').length === n, payloads.length);

  const result = await page.evaluate(() => {
    const root = document.querySelector('#w').shadowRoot;
    const allowed = new Set(['LI', 'DIV', 'SPAN', 'TIME', 'P', 'A', 'BUTTON']);
    const tags = [...root.querySelectorAll('.cm-list *')].map((e) => e.tagName);
    return {
      xss: window.__xss,
      unexpected: tags.filter((t) => !allowed.has(t)),
      bodies: [...root.querySelectorAll('.cm-body')].map((e) => e.textContent),
      authors: [...root.querySelectorAll('.cm-author')].map((e) => e.textContent),
      hrefs: [...root.querySelectorAll('.cm-list a')].map((a) => a.getAttribute('href')),
      handlers: [...root.querySelectorAll('.cm-list *')].flatMap((e) =>
        [...e.attributes].map((a) => a.name).filter((n) => n.startsWith('on'))),
      bodyElements: document.body.querySelectorAll('img, svg, iframe, script:not([src])').length,
    };
  });
  assert.equal(result.xss, undefined);
  assert.deepEqual(result.unexpected, []);
  assert.deepEqual(result.handlers, []);
  assert.equal(result.bodyElements, 0);
  assert.deepEqual([...result.bodies].reverse(), payloads.map((p) => p.trim()));
  assert.deepEqual([...result.authors].reverse(), payloads.map((_, i) => authors[i % authors.length]));
  // The only link is the http one, cut at the quote; never a javascript: URL.
  assert.deepEqual(result.hrefs, ['http://example.com/']);
  const rel = await page.locator('#w .cm-list a').getAttribute('rel');
  assert.equal(rel, 'nofollow ugc noopener');
});

test('errors are shown in the reader\'s language and nothing typed is lost', async () => {
  const server = await startServer({ 'errors.html': h.widgetPage({ attrs: { thread: 'errors' } }) },
                                   ['--rate', '3']);
  const page = await newPage();
  const other = await newPage();
  await page.goto(server.url + '/errors.html');
  await other.goto(server.url + '/errors.html');
  await h.waitLive(page);
  await h.waitLive(other);
  await h.moderate(page, server.url, [{ type: 'filters', banned: ['禁词'], suspect: ['待审'] }]);
  const message = page.locator('#w .cm-form-error');

  // Client-side checks: empty text, over-long text (the counter shows it).
  await page.click('#w .cm-submit');
  assert.equal(await message.innerText(), '请先写点内容。');
  await page.fill('#w #cm-text', '长'.repeat(2001));
  assert.match(await page.locator('#w .cm-counter').innerText(), /2001\/2000/);
  await page.click('#w .cm-submit');
  assert.match(await message.innerText(), /最多 2000 字/);
  assert.equal((await page.inputValue('#w #cm-text')).length, 2001);

  // Post 1: published.
  await h.postViaForm(page, '正常的评论');
  await page.waitForSelector('#w .cm-comment[data-id]');
  // Post 2: blocked by the server's filter; the text comes back into the box.
  await h.postViaForm(page, '这里有禁 词');
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelector('.cm-form-error').textContent.includes('不允许'));
  assert.equal(await page.inputValue('#w #cm-text'), '这里有禁 词');
  // Post 3: held for review, shown to its author only.
  await h.postViaForm(page, '这条需要待审');
  await page.waitForSelector('#w .cm-comment.cm-pending');
  assert.match(await page.locator('#w .cm-pending .cm-state').innerText(), /等待审核/);
  // Post 4: over the rate limit of 3 a minute -> a countdown, text kept.
  await h.postViaForm(page, '第四条');
  await page.waitForFunction(() => /\d+ 秒后再试/.test(document.querySelector('#w').shadowRoot
    .querySelector('.cm-form-error').textContent));
  assert.equal(await page.inputValue('#w #cm-text'), '第四条');
  assert.equal(await page.locator('#w .cm-submit').isDisabled(), true);
  await page.locator('#w').screenshot({ path: h.saveArtifact('widget-pending-and-rate-limit.png') });

  // The held post is invisible to the other reader until a moderator approves it.
  assert.deepEqual(await h.shownBodies(other), ['正常的评论']);
  const [queue] = await h.moderate(page, server.url, [{ type: 'queue', status: 'pending' }]);
  await h.moderate(page, server.url, [{ type: 'moderate', id: queue.items[0].id, action: 'approve' }]);
  await other.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-comment').length === 2);
  await page.waitForFunction(() => !document.querySelector('#w').shadowRoot.querySelector('.cm-pending'));
  assert.deepEqual(await h.shownBodies(page), ['这条需要待审', '正常的评论']);

  // Flagging (a reason first: reader.test.js has the details): the button turns into "已举报".
  await other.click('#w .cm-comment >> nth=0 >> [data-action="flag"]');
  await other.locator('#w .cm-report label', { hasText: '垃圾广告' }).click();
  await other.click('#w .cm-report-send');
  await other.waitForSelector('#w [data-action="flag"][disabled]');
  assert.equal(await other.locator('#w [data-action="flag"][disabled]').innerText(), '已举报');
});

test('zh-CN and en texts, muted words, and a server that cannot be reached', async () => {
  const server = await startServer({
    'en.html': h.widgetPage({ lang: 'en', attrs: { thread: 'langs' } }),
    'zh.html': h.widgetPage({ lang: 'zh-CN', attrs: { thread: 'langs' } }),
    'custom.html': h.widgetPage({ lang: 'en', attrs: { thread: 'langs', lang: 'zh-CN', disclaimer: '本站不负责' } }),
    'dead.html': h.widgetPage({ attrs: { thread: 'langs', server: 'http://127.0.0.1:9' } }),
  });
  const en = await newPage();
  await en.goto(server.url + '/en.html');
  await h.waitLive(en);
  assert.equal(await en.locator('#w .cm-title').innerText(), 'Comments(0)');
  assert.equal(await en.locator('#w .cm-post-heading').innerText(), 'Post a comment');
  assert.match(await en.locator('#w .cm-disclaimer').innerText(), /views of their authors/);
  assert.match(await en.locator('#w .cm-empty').innerText(), /No comments yet/);
  await h.postViaForm(en, 'Hello from an English page', { name: 'Ann' });
  await en.waitForSelector('#w .cm-comment[data-id] .cm-time');
  assert.equal(await en.locator('#w .cm-time').innerText(), 'just now');
  await en.screenshot({ path: h.saveArtifact('widget-en.png'), fullPage: true });

  const zh = await newPage();
  await zh.goto(server.url + '/zh.html');
  await h.waitLive(zh);
  assert.equal(await zh.locator('#w .cm-title').innerText(), '网友评论（共1条）');
  assert.equal(await zh.locator('#w .cm-disclaimer').innerText(), '评论内容只代表网友观点,与本站立场无关!');
  assert.equal(await zh.locator('#w .cm-time').innerText(), '刚刚');
  assert.equal(await zh.locator('#w .cm-submit').innerText(), '发表');

  const custom = await newPage();
  await custom.goto(server.url + '/custom.html');
  await h.waitLive(custom);
  assert.match(await custom.locator('#w .cm-title').innerText(), /^网友评论/);
  assert.equal(await custom.locator('#w .cm-disclaimer').innerText(), '本站不负责');

  // Muted words hide matching comments for this reader only (folded like the server's filter).
  await zh.click('#w .cm-muted summary');
  // A word that can hide nothing is refused, in the reader's language.
  await zh.fill('#w #cm-muted-words', '!!!');
  await zh.click('#w [data-action="save-muted"]');
  await zh.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelector('.cm-muted-status').textContent.includes('屏蔽词“!!!”只有空白、标点或符号'));
  assert.equal(await zh.evaluate(() => localStorage.getItem('comments.muted')), null);
  await zh.fill('#w #cm-muted-words', 'ＥＮＧＬＩＳＨ');
  await zh.click('#w [data-action="save-muted"]');
  await zh.waitForSelector('#w .cm-hidden-note:not([hidden])');
  assert.equal(await zh.locator('#w .cm-comment').count(), 0);
  await zh.reload();
  await h.waitLive(zh);
  assert.equal(await zh.locator('#w .cm-comment').count(), 0);
  assert.match(await zh.locator('#w .cm-hidden-note').innerText(), /1 条评论因你的屏蔽词而隐藏/);

  // No WebAssembly in the browser, or the Wasm cannot be fetched: a clear message.
  const noWasm = await newPage();
  await noWasm.addInitScript(() => { delete window.WebAssembly; });
  await noWasm.goto(server.url + '/zh.html');
  await noWasm.waitForSelector('#w .cm-boot-error');
  assert.match(await noWasm.locator('#w .cm-boot-error').innerText(), /不支持 WebAssembly/);
  const blocked = await newPage();
  await blocked.route('**/' + h.asset('comments-widget.wasm'), (route) => route.abort());
  await blocked.goto(server.url + '/en.html');
  await blocked.waitForSelector('#w[data-state="unreachable"] .cm-boot-error', { state: 'attached' });
  assert.match(await blocked.locator('#w .cm-boot-error').innerText(), /comment server cannot be reached/);

  // A widget whose server is down says so and keeps trying.
  const dead = await newPage();
  await dead.goto(server.url + '/dead.html');
  await dead.waitForSelector('#w[data-state="offline"]', { state: 'attached' });
  assert.match(await dead.locator('#w .cm-status').innerText(), /连接已断开/);
});

test('the widget recovers after the server restarts, without duplicates or gaps', async () => {
  const server = await startServer({ 'r.html': h.widgetPage({ attrs: { thread: 'restart' } }) });
  const page = await newPage();
  await page.goto(server.url + '/r.html');
  await h.waitLive(page);
  await h.postViaForm(page, '重启之前');
  await page.waitForSelector('#w .cm-comment[data-id]');

  const port = server.port;
  await server.stop('SIGKILL');
  await page.waitForSelector('#w[data-state="offline"]', { state: 'attached' });
  assert.match(await page.locator('#w .cm-status').innerText(), /连接已断开/);
  // Typed while offline: kept, with a clear message.
  await h.postViaForm(page, '断线时写的');
  assert.match(await page.locator('#w .cm-form-error').innerText(), /未连接到评论服务器/);
  assert.equal(await page.inputValue('#w #cm-text'), '断线时写的');

  server.port = port;
  await server.start();
  // Another reader posts right after the restart; the first catches up.
  const other = await newPage();
  await other.goto(server.url + '/r.html');
  await h.waitLive(other);
  await h.wsExchange(other, server.url, [post('restart', 'x', '重启之后')]);
  await page.waitForSelector('#w[data-state="live"]', { state: 'attached', timeout: 30000 });
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-comment').length === 2);
  await h.postViaForm(page, '断线时写的');
  await other.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-comment').length === 3);
  assert.deepEqual(await h.shownBodies(page), ['断线时写的', '重启之后', '重启之前']);
  const ids = await page.locator('#w .cm-comment').evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.equal(new Set(ids).size, 3);
});

// The loader paints the server's latest comments (/embed/latest) while the Wasm
// module loads. The .wasm answer is held back until the early paint has been
// checked, so the order is certain, not a race.
async function holdWasm(page) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await page.route('**/' + h.asset('comments-widget.wasm'), async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

// Installed before the page's scripts: counts the comments in #w's shadow root
// in every frame, to catch a frame without them (a flicker at the hand-over)
// and any frame that showed the given muted text.
function watchFrames(page, mutedText = null) {
  return page.addInitScript((muted) => {
    window.__frames = { painted: 0, emptyAfterPaint: 0, mutedShown: 0 };
    const sample = () => {
      const root = document.querySelector('#w')?.shadowRoot;
      const bodies = root ? [...root.querySelectorAll('.cm-comment .cm-body')] : [];
      if (bodies.length > 0) ++window.__frames.painted;
      else if (window.__frames.painted > 0) ++window.__frames.emptyAfterPaint;
      if (muted && bodies.some((b) => b.textContent.includes(muted))) ++window.__frames.mutedShown;
      requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  }, mutedText);
}

test('the latest comments are painted before the widget takes over, then live without duplicates', async () => {
  const server = await startServer({ 'early.html': h.widgetPage({ attrs: { thread: 'early', limit: 5 } }) });
  const xssAuthor = '<img src=x onerror="window.__xss=1">';
  const { seeder, replies } = await seeded(server, 'early.html', [
    post('early', '甲', '第一条\n两行'), post('early', xssAuthor, '<script>window.__xss=1</script>'),
    post('early', '丙', '置顶的')]);
  assert.ok(replies.every((r) => r.type === 'ack'), JSON.stringify(replies));
  await h.moderate(seeder, server.url, [{ type: 'moderate', id: replies[2].comment.id, action: 'pin' }]);

  const page = await newPage();
  await watchFrames(page);
  const releaseWasm = await holdWasm(page);
  await page.goto(server.url + '/early.html');
  await page.waitForSelector('#w[data-painted]', { state: 'attached' });
  // Painted by the loader: the comments, as text, and no widget yet (no form).
  const early = await page.evaluate(() => {
    const root = document.querySelector('#w').shadowRoot;
    return {
      bodies: [...root.querySelectorAll('.cm-comment .cm-body')].map((e) => e.textContent),
      authors: [...root.querySelectorAll('.cm-comment .cm-author')].map((e) => e.textContent),
      pinned: [...root.querySelectorAll('.cm-comment.cm-pinned .cm-body')].map((e) => e.textContent),
      form: root.querySelectorAll('form').length,
      injected: root.querySelectorAll('img, script').length,
      marks: performance.getEntriesByName('comments:first-paint').length,
      handedOver: performance.getEntriesByName('comments:handover').length,
      state: document.querySelector('#w').getAttribute('data-state'),
    };
  });
  assert.deepEqual(early.bodies, ['置顶的', '<script>window.__xss=1</script>', '第一条\n两行']);
  assert.deepEqual(early.authors, ['丙', xssAuthor, '甲']);
  assert.deepEqual(early.pinned, ['置顶的']);
  assert.equal(early.form, 0);
  assert.equal(early.injected, 0);
  assert.equal(early.marks, 1);
  assert.equal(early.handedOver, 0);
  assert.equal(early.state, null);
  assert.ok(await page.locator('#w .cm-comment').first().isVisible());

  releaseWasm();
  await h.waitLive(page);
  await page.waitForSelector('#w .cm-form');
  assert.deepEqual(await h.shownBodies(page), ['置顶的', '<script>window.__xss=1</script>', '第一条\n两行']);
  // A comment posted after the hand-over appears once; nothing is doubled.
  await h.wsExchange(seeder, server.url, [post('early', '丁', '交接之后')]);
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-comment').length === 4);
  assert.deepEqual(await h.shownBodies(page),
    ['置顶的', '交接之后', '<script>window.__xss=1</script>', '第一条\n两行']);
  const ids = await page.locator('#w .cm-comment').evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.equal(new Set(ids).size, 4);
  const after = await page.evaluate(() => ({
    xss: window.__xss,
    frames: window.__frames,
    firstPaint: performance.getEntriesByName('comments:first-paint').map((e) => e.startTime),
    handover: performance.getEntriesByName('comments:handover').map((e) => e.startTime),
  }));
  assert.equal(after.xss, undefined);
  // Comments in every frame from the early paint on: no empty frame at the hand-over.
  assert.ok(after.frames.painted > 0);
  assert.equal(after.frames.emptyAfterPaint, 0);
  // One first-paint mark (the loader's), before the hand-over.
  assert.equal(after.firstPaint.length, 1);
  assert.equal(after.handover.length, 1);
  assert.ok(after.firstPaint[0] <= after.handover[0]);
  assert.deepEqual(page.problems, []);
});

test('a reader with muted words gets no early paint: a muted comment never shows', async () => {
  const server = await startServer({ 'muted.html': h.widgetPage({ attrs: { thread: 'muted-early' } }) });
  await seeded(server, 'muted.html', [post('muted-early', '甲', '广告 内容'), post('muted-early', '乙', '正常评论')]);

  const page = await newPage();
  await page.addInitScript(() => localStorage.setItem('comments.muted', '广告'));
  await watchFrames(page, '广告');
  const fragmentRequests = [];
  page.on('request', (request) => {
    if (request.url().includes('/embed/latest')) fragmentRequests.push(request.url());
  });
  await page.goto(server.url + '/muted.html');
  await h.waitLive(page);
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelectorAll('.cm-comment').length === 1);
  assert.deepEqual(await h.shownBodies(page), ['正常评论']);
  assert.deepEqual(fragmentRequests, []);
  assert.equal(await page.evaluate(() => window.__frames.mutedShown), 0);
  assert.equal(await page.evaluate(() => performance.getEntriesByName('comments:first-paint').length), 1);
});

// Core's filter is a module of its own (comments-filter), fetched only for a
// reader who has muted words; without it, muted words cannot hide anything,
// so the widget shows the comments unfiltered and says so.
test('the filter module: fetched only for readers with muted words; when it cannot load, comments show and the reader is told', async () => {
  const server = await startServer({ 'f.html': h.widgetPage({ attrs: { thread: 'filter-module' } }) });
  const filterRequests = (page) => {
    const seen = [];
    page.on('request', (request) => {
      if (request.url().includes('/comments-filter.')) seen.push(new URL(request.url()).pathname);
    });
    return seen;
  };
  const countShown = (n) => `document.querySelector('#w').shadowRoot.querySelectorAll('.cm-comment').length === ${n}`;

  const reader = await newPage();
  const readerFetched = filterRequests(reader);
  await reader.goto(server.url + '/f.html');
  await h.waitLive(reader);
  await h.wsExchange(reader, server.url, [post('filter-module', '甲', '广告 内容'), post('filter-module', '乙', '正常评论')]);
  await reader.waitForFunction(countShown(2));
  assert.deepEqual(readerFetched, []);

  const muting = await newPage();
  await muting.addInitScript(() => localStorage.setItem('comments.muted', '广告'));
  const mutingFetched = filterRequests(muting);
  await muting.goto(server.url + '/f.html');
  await h.waitLive(muting);
  await muting.waitForFunction(countShown(1));
  assert.deepEqual(mutingFetched.sort(), ['/' + h.asset('comments-filter.js'), '/' + h.asset('comments-filter.wasm')].sort());
  assert.match(await muting.locator('#w .cm-hidden-note').innerText(), /1 条评论因你的屏蔽词而隐藏/);

  const broken = await newPage();
  await broken.addInitScript(() => localStorage.setItem('comments.muted', '广告'));
  await broken.route('**/' + h.asset('comments-filter.wasm'), (route) => route.abort());
  await broken.goto(server.url + '/f.html');
  await h.waitLive(broken);
  await broken.waitForFunction(countShown(2));
  assert.match(await broken.locator('#w .cm-hidden-note').innerText(), /屏蔽词功能暂时无法加载/);
  assert.match(await broken.locator('#w .cm-muted-status').textContent(), /屏蔽词功能暂时无法加载/);
  for (const page of [reader, muting, broken]) assert.deepEqual(page.problems, []);
});

test('a server that never answers /embed/latest only costs the head start: the widget shows the comments', async () => {
  const server = await startServer({ 'stall.html': h.widgetPage({ attrs: { thread: 'stall' } }) });
  await seeded(server, 'stall.html', [post('stall', '甲', '照样显示')]);

  const page = await newPage();
  let stalled = 0;
  // Held forever: neither answered nor failed.
  await page.route('**/embed/latest*', () => { stalled += 1; });
  await page.goto(server.url + '/stall.html');
  await h.waitLive(page);
  await page.waitForSelector('#w .cm-form');
  assert.equal(stalled, 1);
  assert.deepEqual(await h.shownBodies(page), ['照样显示']);
  assert.equal(await page.evaluate(() => performance.getEntriesByName('comments:first-paint').length), 1);
});

test('the demo page arrives with its latest comments (server include): shown without JavaScript, painted with the page', async () => {
  const thread = '2020-11-11-caowenze';  // web/index.html's include and container
  const server = await startServer({});
  const { seeder, replies } = await seeded(server, 'index.html',
    Array.from({ length: 11 }, (_, i) => post(thread, `网友${i}`, `第${i}条`)), '#comments');
  assert.ok(replies.every((r) => r.type === 'ack'), JSON.stringify(replies));
  const newestTen = Array.from({ length: 10 }, (_, i) => `第${10 - i}条`);

  // The page's HTML holds the comments: no directive left, and without
  // JavaScript the block is what the reader sees.
  const html = await (await fetch(server.url + '/index.html')).text();
  assert.doesNotMatch(html, /<!--#/);
  const noScript = await newPage({ javaScriptEnabled: false });
  await noScript.goto(server.url + '/index.html');
  const block = noScript.locator('#comments > section.cm-thread');
  assert.ok(await block.isVisible());
  assert.deepEqual(await block.locator('li.cm-comment .cm-body').allInnerTexts(), newestTen);

  // With JavaScript: one first-paint mark, at the page's first contentful
  // paint, no later than the widget's hand-over; the block is taken over.
  const page = await newPage();
  await page.goto(server.url + '/index.html');
  await h.waitLive(page, '#comments');
  await page.waitForFunction(() => performance.getEntriesByName('comments:handover').length === 1);
  const marks = await page.evaluate(() => ({
    firstPaint: performance.getEntriesByName('comments:first-paint', 'mark').map((e) => e.startTime),
    handover: performance.getEntriesByName('comments:handover', 'mark').map((e) => e.startTime),
    contentful: performance.getEntriesByName('first-contentful-paint', 'paint').map((e) => e.startTime),
    painted: document.querySelector('#comments').hasAttribute('data-painted'),
  }));
  assert.equal(marks.firstPaint.length, 1);
  assert.equal(marks.handover.length, 1);
  assert.deepEqual(marks.firstPaint, marks.contentful);
  assert.ok(marks.firstPaint[0] <= marks.handover[0]);
  assert.ok(marks.painted);
  assert.deepEqual(await h.shownBodies(page, '#comments'), newestTen);
  assert.equal(await page.locator('#comments > section.cm-thread').isVisible(), false);

  // A live post after the hand-over shows once; nothing is doubled.
  await h.wsExchange(seeder, server.url, [post(thread, '新网友', '交接之后')]);
  await page.waitForFunction(() => document.querySelector('#comments').shadowRoot
    .querySelector('.cm-comment .cm-body')?.textContent === '交接之后');
  assert.deepEqual(await h.shownBodies(page, '#comments'), ['交接之后', ...newestTen.slice(0, 9)]);
  // What the reader sees is the shadow root (the block is no longer slotted).
  const ids = await page.evaluate(() => [...document.querySelector('#comments').shadowRoot
    .querySelectorAll('.cm-comment')].map((e) => e.dataset.id));
  assert.equal(ids.length, 10);
  assert.equal(new Set(ids).size, 10);
  assert.equal(await page.locator('#comments > section.cm-thread').isVisible(), false);
  assert.equal(await page.evaluate(() => performance.getEntriesByName('comments:first-paint').length), 1);
  assert.deepEqual(page.problems, []);
});

test('a hidden or empty server-rendered block claims no paint: the widget marks its own', async () => {
  const include = (thread) => `<!--#include virtual="/embed/latest?thread=${thread}&limit=5" -->`;
  const page = (thread, style) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>
<body><p>文章正文</p><div id="w" data-comments${style}>${include(thread)}</div>
<script async src="embed.js"></script></body></html>`;
  const server = await startServer({
    'hidden.html': page('hidden-block', ' style="display:none"'),
    'empty.html': page('empty-block', ''),
    'seed.html': h.widgetPage({ attrs: { thread: 'hidden-block' } }),
  });
  await seeded(server, 'seed.html', [post('hidden-block', '甲', '看不见的评论')]);

  for (const name of ['hidden.html', 'empty.html']) {
    const reader = await newPage();
    await reader.goto(server.url + '/' + name);
    await h.waitLive(reader);
    await reader.waitForFunction(() => performance.getEntriesByName('comments:handover').length === 1);
    const marks = await reader.evaluate(() => ({
      firstPaint: performance.getEntriesByName('comments:first-paint', 'mark').map((e) => e.startTime),
      handover: performance.getEntriesByName('comments:handover', 'mark').map((e) => e.startTime),
      contentful: performance.getEntriesByName('first-contentful-paint', 'paint').map((e) => e.startTime),
    }));
    // One mark, the widget's own (made as it took over), not the page's paint.
    assert.equal(marks.firstPaint.length, 1, name);
    assert.equal(marks.contentful.length, 1, name);
    assert.notEqual(marks.firstPaint[0], marks.contentful[0], name);
    assert.ok(marks.firstPaint[0] <= marks.handover[0], name);
    assert.deepEqual(reader.problems, [], name);
  }
});
