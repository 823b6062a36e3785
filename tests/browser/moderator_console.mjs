// The moderators' console against the real comment-server (--premoderate):
// a wrong token is refused; held posts arrive live with a count on the tab; a
// post approved in the console appears live in a reader's page; bulk reject;
// the audit log records it all; moderator mode in the article widget; a ban
// stops the poster. Screenshots go to the screenshot dir given on the command line.
import path from 'node:path';
import { TOKEN, check, runTest, wsCall } from './moderator_helpers.mjs';

const THREAD = '2020-11-11-caowenze';  // the demo article's thread (web/index.html)
const TOKEN_KEY = 'comments.moderator.token';

await runTest('moderator_console', ['--premoderate'], async ({ server, browser, shotDir }) => {
  const shot = (page, name) => page.screenshot({ path: path.join(shotDir, `moderator_${name}.png`), fullPage: true });
  const post = (page, author, body) =>
    wsCall(page, server.url, [{ type: 'post', thread: THREAD, author, body, parent: null }]).then((r) => r[0]);

  // A poster (raw WebSocket client), a reader (the demo article) and a moderator.
  const posterPage = await (await browser.newContext()).newPage();
  await posterPage.goto(server.url + '/healthz');
  const reader = await (await browser.newContext()).newPage();
  reader.setDefaultTimeout(15000);
  await reader.goto(server.url + '/index.html');
  await reader.waitForSelector('#comments[data-state="live"][data-painted]');
  const mod = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
  mod.setDefaultTimeout(15000);
  await mod.goto(server.url + '/moderate.html');

  // ---- A wrong token is refused, and nothing is kept.
  await mod.fill('#mod-token', 'not-the-token');
  await mod.press('#mod-token', 'Enter');
  await mod.waitForFunction(() => /令牌不正确/.test(document.querySelector('#mod-signin-error').textContent));
  check(await mod.getAttribute('#moderator', 'data-signed-in') === 'false', 'wrong token: still signed out');
  check(await mod.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY) === null, 'wrong token: nothing in sessionStorage');
  await shot(mod, 'wrong_token');

  // ---- The right token signs in; it lives in sessionStorage, never in the URL.
  await mod.fill('#mod-token', TOKEN);
  await mod.click('.mod-signin button[type=submit]');
  await mod.waitForSelector('#moderator[data-signed-in="true"]');
  check(await mod.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY) === TOKEN, 'token kept in sessionStorage');
  check(!mod.url().includes(TOKEN), 'token not in the URL');

  // ---- Held posts arrive live; the pending tab counts them while another tab is open.
  await mod.click('[data-queue="published"]');
  const bodies = ['第一条待审评论：长三角一体化', 'Second held comment', '第三条：基层治理'];
  const acks = [];
  for (const [i, body] of bodies.entries()) {
    const ack = await post(posterPage, `读者${i + 1}`, body);
    check(ack.type === 'ack' && ack.comment.status === 'pending', `post ${i + 1} held (premoderation)`);
    acks.push(ack);
  }
  await mod.waitForFunction(() => document.querySelector('[data-queue="pending"] .mod-badge-count').textContent === '3');
  check(await mod.isVisible('[data-queue="pending"] .mod-badge-count'), 'pending tab shows 3 new');
  await mod.click('[data-queue="pending"]');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item').length === 3);
  check(!(await mod.isVisible('[data-queue="pending"] .mod-badge-count')), 'opening the tab clears its count');
  const firstId = await mod.getAttribute('#mod-list .mod-item.mod-current', 'data-id');
  check(firstId !== null, 'the newest comment is current');
  await shot(mod, 'pending_queue');

  // ---- The help overlay opens with ? and closes with Escape.
  await mod.keyboard.press('?');
  await mod.waitForSelector('[role=dialog]', { state: 'visible' });
  await shot(mod, 'help');
  await mod.keyboard.press('Escape');
  await mod.waitForSelector('[role=dialog]', { state: 'hidden' });

  // ---- Approve with "a": the reader's page shows it live, without a reload.
  await mod.keyboard.press('a');
  await reader.locator('#comments li.cm-comment', { hasText: bodies[2] }).waitFor();
  check(true, 'approved comment appeared live in the reader page');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item').length === 2);
  check(true, 'approved comment left the pending queue');

  // ---- A reader's flag arrives live: the flagged tab counts it.
  const flagged = await wsCall(posterPage, server.url, [{ type: 'flag', id: acks[2].comment.id, reason: '广告' }]);
  check(flagged[0].type === 'ok', 'a reader flags the approved comment');
  await mod.waitForFunction(() => document.querySelector('[data-queue="flagged"] .mod-badge-count').textContent === '1');
  check(true, 'flagged tab shows 1 new');

  // ---- Bulk reject: x, j, x, r.
  await mod.keyboard.press('x');
  await mod.keyboard.press('j');
  await mod.keyboard.press('x');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item.mod-selected').length === 2);
  await shot(mod, 'selection');
  await mod.keyboard.press('r');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item').length === 0);
  await mod.click('[data-queue="rejected"]');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item.mod-status-rejected').length === 2);
  check(true, 'bulk reject moved both comments to the rejected queue');
  const readerText = await reader.locator('#comments').innerText();
  check(!readerText.includes(bodies[0]) && !readerText.includes(bodies[1]), 'rejected comments never reached the reader');

  // ---- Filters by author on the "all" queue.
  await mod.click('[data-queue="all"]');
  await mod.fill('#mod-filter-author', '读者2');
  await mod.press('#mod-filter-author', 'Enter');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item').length === 1);
  check((await mod.innerText('#mod-list')).includes(bodies[1]), 'author filter finds the one comment');
  await mod.click('[data-command="filter-clear"]');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item').length === 3);

  // ---- Another moderator deletes a comment this console shows: it changes here too.
  const other = await wsCall(posterPage, server.url, [
    { type: 'auth', token: TOKEN }, { type: 'moderate', id: acks[0].comment.id, action: 'delete' }]);
  check(other[1].type === 'ok', 'a second moderator deletes comment ' + acks[0].comment.id);
  await mod.locator(`#mod-c-${acks[0].comment.id}.mod-status-deleted`).waitFor();
  check(true, 'the console shows the other moderator\'s change without a reload');

  // ---- The audit log: three actions by this session, newest first.
  await mod.click('[data-panel="audit"]');
  await mod.waitForFunction(() => document.querySelectorAll('.mod-audit-table tbody tr').length === 4);
  const actions = await mod.$$eval('.mod-audit-table tbody tr', (rows) => rows.map((r) => r.className));
  check(JSON.stringify(actions) === JSON.stringify(['mod-audit-delete', 'mod-audit-reject', 'mod-audit-reject', 'mod-audit-approve']),
        'audit log lists delete, reject, reject, approve');
  const sessions = await mod.$$eval('.mod-audit-table tbody tr .mod-moderator', (cells) => cells.map((c) => c.textContent));
  // One token is one moderator (the audit names moderators, not sessions):
  // the other console's delete is also "moderator", marked as this one's name.
  check(sessions.length === 4 && sessions.every((s) => s.includes('moderator') && s.includes('（你）')),
        'audit log names the moderator of every action');
  await shot(mod, 'audit');
  await mod.focus('[data-panel="audit"]');
  await mod.keyboard.press('ArrowLeft');
  check(await mod.getAttribute('[data-panel="filters"]', 'aria-selected') === 'true' &&
        await mod.evaluate(() => document.activeElement.dataset.panel) === 'filters',
        'arrow keys move between the panel tabs');

  // ---- Moderator mode in the article widget (same tab, so same sessionStorage).
  const heldBody = '审核模式下可见的待审评论';
  await post(posterPage, '读者4', heldBody);
  await mod.goto(server.url + '/index.html');
  await mod.waitForSelector('#comments[data-state="live"]');
  const held = mod.locator('#comments .cm-mod-held li', { hasText: heldBody });
  await held.waitFor();
  check(true, 'moderator mode shows the thread\'s held comment');
  await mod.locator('#comments li.cm-comment:not(.cm-pending) [data-action="mod-pin"]').first().waitFor();
  check(true, 'published comments carry moderator controls');
  check(await reader.locator('#comments [data-action^="mod-"]').count() === 0, 'readers get no moderator controls');
  await shot(mod, 'widget_moderator_mode');
  await held.locator('[data-action="mod-approve"]').click();
  await reader.locator('#comments li.cm-comment', { hasText: heldBody }).waitFor();
  check(true, 'approved from the widget: live in the reader page');
  await held.waitFor({ state: 'detached' });
  const pinTarget = mod.locator('#comments li.cm-comment', { hasText: bodies[2] });
  await pinTarget.locator('[data-action="mod-pin"]').click();
  await reader.locator('#comments li.cm-comment.cm-pinned', { hasText: bodies[2] }).waitFor();
  check(true, 'pinned from the widget: pinned in the reader page');

  // ---- Back in the console (signed in again from sessionStorage): ban stops the poster.
  await mod.goto(server.url + '/moderate.html?lang=en');
  await mod.waitForSelector('#moderator[data-signed-in="true"]');
  await mod.waitForFunction(() => document.documentElement.lang === 'en');
  const spam = 'Buy cheap watches now';
  await post(posterPage, 'spammer', spam);
  await mod.locator('#mod-list .mod-item', { hasText: spam }).waitFor();
  await mod.locator('#mod-list .mod-item', { hasText: spam }).click();
  await mod.keyboard.press('b');
  await mod.waitForFunction(() => /Press b again/.test(document.querySelector('.mod-toolbar-status').textContent));
  await shot(mod, 'ban_confirm');
  await mod.keyboard.press('b');
  await mod.locator('#mod-list .mod-item .mod-tag-banned').waitFor();
  const after = await post(posterPage, 'spammer', 'one more try');
  check(after.type === 'error' && after.code === 'banned', 'the banned poster is refused');
  await mod.click('[data-panel="audit"]');
  await mod.locator('.mod-audit-table tbody tr.mod-audit-ban').waitFor();
  check(true, 'the ban is in the audit log');
  await shot(mod, 'audit_en');
});
