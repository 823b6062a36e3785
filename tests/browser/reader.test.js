// Real-browser tests of the reader items of issue #15 (headless Debian
// Chromium, the real comment-server): older comments ("查看更多评论"), replies
// that quote their parent, times in the server-rendered block, dark mode that
// follows the page, reports with a reason, the page's title in `join`, and the
// demo's files (favicon, sample comments).
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { test, before, after } = require('node:test');
const h = require('./harness');

const { startServer, newPage } = h.browserSuite({ before, after });

const post = (thread, author, body, parent = null) => ({ type: 'post', thread, author, body, parent });
const shadow = (sel) => `document.querySelector('${sel}').shadowRoot`;

// The JSON messages the page sends over its WebSockets, as they leave.
function sentFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => ws.on('framesent', (f) => {
    try { frames.push(JSON.parse(f.payload)); } catch (e) { /* not JSON */ }
  }));
  return frames;
}

async function seed(server, messages) {
  const page = await newPage();
  await page.goto(server.url + '/favicon.ico');
  return h.wsExchange(page, server.url, messages);
}

test('older comments: the latest N, then "查看更多评论" pages back with `more`; data-more="off" has none', async () => {
  const server = await startServer({
    'more.html': h.widgetPage({ attrs: { thread: 'older', limit: 3 } }),
    'off.html': h.widgetPage({ attrs: { thread: 'older', limit: 3, more: 'off' } }),
    'en.html': h.widgetPage({ lang: 'en', attrs: { thread: 'older', limit: 3 } }),
  });
  const acks = await seed(server, [1, 2, 3, 4, 5, 6, 7, 8].map((i) => post('older', '网友', `第${i}条`)));
  assert.ok(acks.every((r) => r.type === 'ack'));

  const page = await newPage();
  const frames = sentFrames(page);
  await page.goto(server.url + '/more.html');
  await h.waitLive(page);
  assert.deepEqual(await h.shownBodies(page), ['第8条', '第7条', '第6条']);
  assert.equal(await page.locator('#w .cm-more-note').innerText(), '只显示最新3条');
  const more = page.locator('#w .cm-more');
  assert.equal(await more.innerText(), '查看更多评论');
  await more.click();
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-body').length === 6);
  assert.deepEqual(await h.shownBodies(page), ['第8条', '第7条', '第6条', '第5条', '第4条', '第3条']);
  const asked = frames.find((f) => f.type === 'more');
  assert.equal(asked.before, acks[5].comment.id);  // before the oldest shown (第6条)
  assert.equal(await page.locator('#w .cm-more-note').innerText(), '只显示最新6条');
  await more.click();
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-body').length === 8);
  // All are shown: no note, no control.
  assert.equal(await more.isVisible(), false);
  assert.equal(await page.locator('#w .cm-more-note').isVisible(), false);
  // A new comment keeps the older ones shown.
  await seed(server, [post('older', '网友', '第9条')]);
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelectorAll('.cm-body').length === 9);

  const off = await newPage();
  await off.goto(server.url + '/off.html');
  await h.waitLive(off);
  assert.equal(await off.locator('#w .cm-more-note').innerText(), '只显示最新3条');
  assert.equal(await off.locator('#w .cm-more').isVisible(), false);

  const en = await newPage();
  await en.goto(server.url + '/en.html');
  await h.waitLive(en);
  assert.equal(await en.locator('#w .cm-more').innerText(), 'Show more comments');
  assert.deepEqual(page.problems, []);
});

test('replies quote their parent (引用), the form opens under the comment, Esc cancels; 【发表评论】 lands in the form', async () => {
  const article = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>文章</title></head><body>
    <p class="tools">【<a id="post-link" href="#comments">发表评论</a>】</p><div style="height:2000px"></div>
    <div id="comments" data-comments data-thread="talk" data-limit="3"></div>
    <script async src="embed.js"></script></body></html>`;
  const server = await startServer({ 'talk.html': article });
  const long = '长三角一体化发展中的基层社会治理需要站在战略和全局高度，发挥好三省一市地域特色优势和区域合作机制优势，着力加强顶层设计，需要加快协调、引导、推动。';
  const [parent] = await seed(server, [post('talk', '甲', long)]);
  assert.equal(parent.type, 'ack');

  const page = await newPage();
  await page.goto(server.url + '/talk.html');
  await h.waitLive(page, '#comments');
  // The page's 【发表评论】 link: the form, focused.
  await page.click('#post-link');
  await page.waitForFunction(() => document.querySelector('#comments').shadowRoot.activeElement?.id === 'cm-text');

  // Reply: the form moves under the comment and takes the focus.
  await page.click('#comments [data-action="reply"]');
  assert.equal(await page.locator('#comments li.cm-comment .cm-form').count(), 1);
  assert.equal(await page.evaluate(() => document.querySelector('#comments').shadowRoot.activeElement?.id), 'cm-text');
  assert.match(await page.locator('#comments .cm-replying').innerText(), /回复 甲/);
  // Esc: back in its place, the focus on the comment's reply button.
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#comments li.cm-comment .cm-form').count(), 0);
  assert.equal(await page.locator('#comments .cm-replying').isVisible(), false);
  assert.equal(await page.evaluate(() => document.querySelector('#comments').shadowRoot.activeElement?.dataset.action),
               'reply');

  await page.keyboard.press('Enter');
  await page.keyboard.type('同意，顶层设计很重要');
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(() => document.querySelector('#comments').shadowRoot
    .querySelectorAll('.cm-comment[data-id]').length === 2);
  const quote = page.locator('#comments .cm-comment .cm-quote');
  assert.equal(await quote.locator('cite').innerText(), '引用 甲');
  const excerpt = await quote.locator('.cm-quote-text').innerText();
  assert.ok(excerpt.endsWith('…') && long.startsWith(excerpt.slice(0, -1)), excerpt);
  assert.equal([...excerpt].length, 61);
  assert.equal(await page.locator('#comments li.cm-comment .cm-form').count(), 0);  // back after posting
  assert.equal(await page.locator('#comments .cm-reply-to').count(), 0);  // no more "回复 #2："

  // A reply to a comment this reader never had loaded: said so, no id.
  const [old] = await seed(server, [post('talk', '乙', '很早的一条')]);
  await seed(server, [post('talk', '丙', '一'), post('talk', '丙', '二'), post('talk', '丙', '三')]);
  const fresh = await newPage();
  await fresh.goto(server.url + '/talk.html');
  await h.waitLive(fresh, '#comments');
  await seed(server, [post('talk', '丁', '回复很早的那条', old.comment.id)]);
  await fresh.waitForFunction(() => [...document.querySelector('#comments').shadowRoot.querySelectorAll('.cm-quote cite')]
    .some((e) => e.textContent === '回复一条较早的评论'));
  await page.locator('#comments').screenshot({ path: h.saveArtifact('widget-reply-quote.png') });

  // Arriving at the page with #comments: the form is focused once the widget runs.
  const landing = await newPage();
  await landing.goto(server.url + '/talk.html#comments');
  await landing.waitForFunction(() => document.querySelector('#comments').shadowRoot?.activeElement?.id === 'cm-text');
  assert.deepEqual(page.problems, []);
});

test('times: the server-rendered block never shows a UTC clock time; the widget takes it over with the same words', async () => {
  const server = await startServer({ 'seed.html': h.widgetPage({ attrs: { thread: 'times' } }) });
  await seed(server, [post('times', '甲', '现在')]);
  const fragment = await (await fetch(server.url + '/embed/latest?thread=times&limit=10&lang=zh-CN')).text();
  assert.match(fragment, /data-utc-offset="480"/);  // --time-zone, default Asia/Shanghai
  const shown = /<time class="cm-time" datetime="[^"]+">([^<]*)<\/time>/.exec(fragment)[1];
  assert.equal(shown, '刚刚');
  assert.doesNotMatch(fragment, />\d{4}-\d\d-\d\d \d\d:\d\d</);
  const en = await (await fetch(server.url + '/embed/latest?thread=times&limit=10&lang=en')).text();
  assert.match(en, />just now<\/time>/);

  const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>
<div id="w" data-comments data-thread="times">${fragment}</div><script async src="embed.js"></script></body></html>`;
  require('node:fs').writeFileSync(path.join(server.web, 'times.html'), page);
  const noScript = await newPage({ javaScriptEnabled: false });
  await noScript.goto(server.url + '/times.html');
  assert.equal(await noScript.locator('section.cm-thread .cm-time').innerText(), '刚刚');
  // The loader's early paint (no block in the page) and the widget: the same words.
  const live = await newPage({ timezoneId: 'Asia/Shanghai' });
  await live.goto(server.url + '/seed.html');
  await h.waitLive(live);
  const shownTime = (p) => p.evaluate(() => document.querySelector('#w').shadowRoot.querySelector('.cm-time').textContent);
  assert.equal(await shownTime(live), '刚刚');
  const withBlock = await newPage({ timezoneId: 'America/New_York' });
  await withBlock.goto(server.url + '/times.html');
  await h.waitLive(withBlock);
  assert.equal(await shownTime(withBlock), '刚刚');

  // Another zone for the site: the block says which.
  const utc = await startServer({}, ['--rate', '0', '--time-zone', 'UTC']);
  const utcFragment = await (await fetch(utc.url + '/embed/latest?thread=times&limit=10&lang=zh-CN')).text();
  assert.match(utcFragment, /data-utc-offset="0"/);
});

// WCAG contrast of an element's text on the background it is drawn on.
async function contrasts(page, sel, selectors) {
  return page.evaluate(({ sel, selectors }) => {
    const root = document.querySelector(sel).shadowRoot;
    const parse = (c) => c.match(/[\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement || e.getRootNode().host) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length < 4 || c[3] > 0.5) return c;
      }
      return [255, 255, 255];
    };
    const out = {};
    for (const s of selectors) {
      const el = root.querySelector(s);
      const a = lum(parse(getComputedStyle(el).color));
      const b = lum(background(el));
      out[s] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }
    return out;
  }, { sel, selectors });
}

test('dark mode follows the page, not the OS; the dark palette meets WCAG AA', async () => {
  const page = (style, head = '') => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">${head}
    <style>${style}</style></head><body><div id="w" data-comments data-thread="dark" data-theme="auto"></div>
    <script async src="embed.js"></script></body></html>`;
  const server = await startServer({
    'white.html': page('body { background: #fff; color: #333; }'),
    'plain.html': page(''),
    'black.html': page('body { background: #121212; color: #ddd; }'),
    'follows.html': page('@media (prefers-color-scheme: dark) { body { background: #000; color: #eee; } }',
                         '<meta name="color-scheme" content="light dark">'),
    'only-dark.html': page(':root { color-scheme: dark; }'),
  });
  await seed(server, [post('dark', '甲', '深色模式')]);
  const scheme = async (name, colorScheme) => {
    const p = await newPage({ colorScheme });
    await p.goto(server.url + '/' + name);
    await h.waitLive(p);
    return { p, scheme: await p.getAttribute('#w', 'data-scheme'),
             bg: await p.evaluate(() => getComputedStyle(document.querySelector('#w')).backgroundColor) };
  };
  // A white article read on a dark OS: a light block.
  const white = await scheme('white.html', 'dark');
  assert.equal(white.scheme, 'light');
  assert.equal(white.bg, 'rgb(255, 255, 255)');
  assert.equal((await scheme('plain.html', 'dark')).scheme, 'light');
  // A dark article on a light OS: a dark block.
  const black = await scheme('black.html', 'light');
  assert.equal(black.scheme, 'dark');
  assert.equal(black.bg, 'rgb(22, 24, 28)');
  assert.equal((await scheme('only-dark.html', 'light')).scheme, 'dark');
  // A page that follows the OS: so does the block, also when the OS changes.
  assert.equal((await scheme('follows.html', 'light')).scheme, 'light');
  const follows = await scheme('follows.html', 'dark');
  assert.equal(follows.scheme, 'dark');
  await follows.p.emulateMedia({ colorScheme: 'light' });
  await follows.p.waitForFunction(() => document.querySelector('#w').getAttribute('data-scheme') === 'light');

  // AA (4.5:1) for the texts of the dark palette, the buttons included.
  await black.p.fill('#w #cm-text', 'x');
  const ratios = await contrasts(black.p, '#w', ['.cm-submit', '.cm-body', '.cm-time', '.cm-author', '.cm-counter',
                                                 '.cm-disclaimer', '[data-action="flag"]', '.cm-muted summary']);
  for (const [what, ratio] of Object.entries(ratios)) assert.ok(ratio >= 4.5, `${what}: ${ratio.toFixed(2)}`);
  await black.p.locator('#w').screenshot({ path: h.saveArtifact('widget-dark.png') });
  const light = await contrasts(white.p, '#w', ['.cm-submit', '.cm-body', '.cm-time']);
  for (const [what, ratio] of Object.entries(light)) assert.ok(ratio >= 4.5, `light ${what}: ${ratio.toFixed(2)}`);
});

test('report: a reason is asked first, sent as the flag\'s reason, confirmed, remembered after a reload', async () => {
  const server = await startServer({
    'report.html': h.widgetPage({ attrs: { thread: 'report' } }),
    'report-en.html': h.widgetPage({ lang: 'en', attrs: { thread: 'report' } }),
  });
  const [target] = await seed(server, [post('report', '甲', '买药加微信 xxx')]);
  const page = await newPage();
  const frames = sentFrames(page);
  await page.goto(server.url + '/report.html');
  await h.waitLive(page);
  await page.click('#w [data-action="flag"]');
  await page.waitForSelector('#w .cm-report');  // the form is fetched on the first press
  const reasons = page.locator('#w .cm-report label');
  assert.deepEqual(await reasons.allInnerTexts(), ['垃圾广告', '辱骂攻击', '违法信息', '其他']);
  assert.equal(frames.filter((f) => f.type === 'flag').length, 0);  // nothing sent yet
  await page.click('#w .cm-report-send');
  assert.equal(await page.locator('#w .cm-report [role="alert"]').innerText(), '请选择举报原因。');
  assert.equal(frames.filter((f) => f.type === 'flag').length, 0);
  await page.locator('#w .cm-report label', { hasText: '违法信息' }).click();
  await page.click('#w .cm-report-send');
  await page.waitForFunction(() => document.querySelector('#w').shadowRoot
    .querySelector('[data-action="flag"]').disabled);
  const flag = frames.find((f) => f.type === 'flag');
  assert.equal(flag.id, target.comment.id);
  assert.equal(flag.reason, 'illegal');
  assert.match(await page.locator('#w .cm-status').innerText(), /已举报/);
  assert.equal(await page.locator('#w [data-action="flag"]').innerText(), '已举报');
  assert.equal(await page.locator('#w .cm-report').count(), 0);
  const [queued] = await h.moderate(page, server.url, [{ type: 'queue', status: 'flagged' }]);
  assert.equal(queued.items[0].flags, 1);

  // Remembered: after a reload the comment is still reported.
  await page.reload();
  await h.waitLive(page);
  assert.equal(await page.locator('#w [data-action="flag"]').innerText(), '已举报');
  assert.equal(await page.locator('#w [data-action="flag"]').isDisabled(), true);

  const en = await newPage();
  const enFrames = sentFrames(en);
  await en.goto(server.url + '/report-en.html');
  await h.waitLive(en);
  await en.click('#w [data-action="flag"]');
  await en.waitForSelector('#w .cm-report');
  assert.deepEqual(await en.locator('#w .cm-report label').allInnerTexts(), ['Spam', 'Abuse', 'Illegal content', 'Other']);
  await en.locator('#w .cm-report label', { hasText: 'Spam' }).click();
  await en.click('#w .cm-report-send');
  await en.waitForFunction(() => document.querySelector('#w').shadowRoot.querySelector('[data-action="flag"]').disabled);
  assert.equal(enFrames.find((f) => f.type === 'flag').reason, 'spam');
  assert.deepEqual(page.problems, []);
});

test('join carries the page title (at most 200 characters) and its canonical URL; the server accepts them', async () => {
  const title = '长三角'.repeat(90);  // 270 characters
  const server = await startServer({
    'titled.html': `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>
      <link rel="canonical" href="/2020/11/11/caowenze.html"></head><body>
      <div id="w" data-comments data-thread="titled"></div><script async src="embed.js"></script></body></html>`,
  });
  const page = await newPage();
  const frames = sentFrames(page);
  await page.goto(server.url + '/titled.html?utm=x#top');
  await h.waitLive(page);
  const join = frames.find((f) => f.type === 'join');
  assert.equal([...join.title].length, 200);
  assert.ok(title.startsWith(join.title));
  assert.equal(join.url, server.url + '/2020/11/11/caowenze.html');
  assert.equal(join.thread, 'titled');
  // Accepted: the snapshot came (the widget is live) and posting works.
  await h.postViaForm(page, '标题随 join 发送');
  await page.waitForSelector('#w .cm-comment[data-id]');
});

test('demo: /favicon.ico is served; the sample comments go into an empty database only', async () => {
  const server = await startServer({});
  const icon = await fetch(server.url + '/favicon.ico');
  assert.equal(icon.status, 200);
  assert.equal(icon.headers.get('content-type'), 'image/x-icon');
  const seedScript = path.join(__dirname, '..', '..', 'scripts', 'demo', 'seed.js');
  const first = spawnSync(process.execPath, [seedScript, server.url], { encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /6 sample comments/);
  const fragment = await (await fetch(server.url + '/embed/latest?thread=2020-11-11-caowenze&limit=10&lang=zh-CN')).text();
  assert.match(fragment, /data-total="6"/);
  assert.match(fragment, /示例/);
  const again = spawnSync(process.execPath, [seedScript, server.url], { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /no sample comments added/);
  assert.match(await (await fetch(server.url + '/embed/latest?thread=2020-11-11-caowenze&limit=1&lang=zh-CN')).text(),
               /data-total="6"/);
  // The demo page: the samples are there, replies quote their parent.
  const page = await newPage();
  await page.goto(server.url + '/');
  await h.waitLive(page, '#comments');
  // (In the shadow root: the page's own server-rendered block is in the container too.)
  const count = (sel) => page.evaluate((s) => document.querySelector('#comments').shadowRoot.querySelectorAll(s).length, sel);
  assert.equal(await count('.cm-comment[data-id]'), 6);
  assert.equal(await count('.cm-quote'), 2);
  await page.screenshot({ path: h.saveArtifact('demo-page.png'), fullPage: true });
});
