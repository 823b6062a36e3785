// Issue #15's moderator tools in the console against the real comment-server:
// a held post's row names the suspect word that held it (the matched text
// marked), shows the parent's text and the article's title and link; the
// queues show their totals; the flagged queue shows the reports' reasons with
// counts, and its author's edit live (the new text, marked 已编辑); select-all
// on the page; banning says what it keys on and takes a duration and a
// reason; the ban list shows the poster's last name, an excerpt of the post,
// when and by whom; unban lifts it.
import path from 'node:path';
import { TOKEN, check, runTest, wsCall } from './moderator_helpers.mjs';

const THREAD = 'news/2026-12-06-budget';
const TITLE = '预算报告发布';
const URL = 'https://news.example/2026/12/06/budget';

await runTest('moderator_tools', [], async ({ server, browser, shotDir }) => {
  const shot = (page, name) => page.screenshot({ path: path.join(shotDir, `moderator_${name}.png`), fullPage: true });
  const posterPage = await (await browser.newContext()).newPage();
  await posterPage.goto(server.url + '/healthz');
  const send = (messages) => wsCall(posterPage, server.url, messages);

  // The suspect word, set by a moderator over the wire.
  const [auth, lists] = await send([{ type: 'auth', token: TOKEN }, { type: 'filters', suspect: ['敏感词'] }]);
  check(auth.type === 'ok' && lists.type === 'filters', 'suspect word set');

  // A page names its article when it joins; a published parent, a held reply, a report.
  const [joined, parent] = await send([
    { type: 'join', thread: THREAD, title: TITLE, url: URL },
    { type: 'post', thread: THREAD, author: '老读者', body: '父评论：预算透明很重要', parent: null },
  ]);
  check(joined.type === 'snapshot' && parent.type === 'ack', 'joined with a title; parent published');
  const [held, flagged] = await send([
    { type: 'post', thread: THREAD, author: '新名字', body: '我觉得这里有 敏 感-词 的问题', parent: parent.comment.id },
    { type: 'flag', id: parent.comment.id, reason: 'spam' },
  ]);
  check(held.comment.status === 'pending', 'the reply is held by the suspect word');
  check(flagged.type === 'ok', 'the parent is reported as spam');

  const mod = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  mod.setDefaultTimeout(15000);
  await mod.goto(server.url + '/moderate.html');
  await mod.fill('#mod-token', TOKEN);
  await mod.press('#mod-token', 'Enter');
  await mod.waitForSelector('#moderator[data-signed-in="true"]');

  // ---- The pending queue: why, the marked text, the parent, the article, the totals.
  const row = mod.locator('#mod-list .mod-item', { hasText: '问题' });
  await row.waitFor();
  check(/敏感词/.test(await row.locator('.mod-why').textContent()), 'the held row names the word that held it');
  check(await row.locator('mark.mod-match').textContent() === '敏 感-词', 'the matched text is marked');
  check(/父评论：预算透明很重要/.test(await row.locator('.mod-parent-text').textContent()), "the parent's text is shown");
  check(await row.locator('a.mod-thread').textContent() === TITLE, "the article's title instead of the thread key");
  check(await row.locator('a.mod-thread').getAttribute('href') === URL, "the article's link");
  await mod.waitForFunction(() => document.querySelector('[data-queue="pending"] .mod-total')?.textContent === '1');
  check(await mod.textContent('[data-queue="flagged"] .mod-total') === '1', 'the flagged queue total');
  await shot(mod, 'tools_pending');

  // ---- The flagged queue: the reports' reasons with counts, translated.
  await mod.click('[data-queue="flagged"]');
  const flaggedRow = mod.locator('#mod-list .mod-item', { hasText: '父评论' });
  await flaggedRow.waitFor();
  check(/举报原因：垃圾广告 ×1/.test(await flaggedRow.locator('.mod-reasons').textContent()), 'report reasons with counts');

  // ---- Its author edits the reported comment: live, the row shows the new text, marked 已编辑
  // with when (the console's clock, as in the audit log).
  const [edited] = await send([{ type: 'edit', id: parent.comment.id, secret: parent.secret, body: '父评论（改过）：预算要透明' }]);
  check(edited.type === 'ok' && edited.comment.status === 'published', 'the author edits the reported comment');
  await flaggedRow.locator('.mod-body', { hasText: '父评论（改过）：预算要透明' }).waitFor();
  check(await mod.locator('#mod-list .mod-item', { hasText: '预算透明很重要' }).count() === 0, 'the old text is gone');
  const mark = flaggedRow.locator('.mod-tag-edited');
  check(await mark.textContent() === '已编辑', 'the row is marked 已编辑 live');
  const when = await mod.evaluate((ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60000)
    .toISOString().slice(0, 19).replace('T', ' '), edited.comment.edited);
  check(await mark.getAttribute('title') === '作者编辑于 ' + when, `the mark's title says when (${when})`);
  check(/举报原因：垃圾广告 ×1/.test(await flaggedRow.locator('.mod-reasons').textContent()), 'still with its report reasons');
  await shot(mod, 'tools_edited');

  // ---- Select all on the page.
  await mod.click('[data-queue="all"]');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item').length === 2);
  await mod.click('.mod-select-all input');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item.mod-selected').length === 2);
  check(/已选 2 条/.test(await mod.textContent('.mod-selected-count')), 'select-all selects the whole page');
  await mod.click('.mod-select-all input');
  await mod.waitForFunction(() => document.querySelectorAll('#mod-list .mod-item.mod-selected').length === 0);
  check(true, 'and clears it');

  // ---- Ban from the held comment: for 7 days, with a reason; the prompt says what it keys on.
  await mod.click('[data-queue="pending"]');
  await row.waitFor();
  await row.click();
  await mod.selectOption('#mod-ban-duration', '7d');
  await mod.fill('#mod-ban-reason', '反复发广告');
  await row.click();
  await mod.keyboard.press('b');
  await mod.waitForFunction(() => /封禁依据：发帖人地址的散列 [0-9a-f]{12}…/.test(document.querySelector('.mod-toolbar-status').textContent));
  const key = (await mod.textContent('.mod-toolbar-status')).match(/[0-9a-f]{12}/)[0];
  check(true, `the ban prompt shows the short address hash ${key}`);
  await shot(mod, 'tools_ban_confirm');
  await mod.keyboard.press('b');
  await row.locator('.mod-tag-banned').waitFor();
  const refused = (await send([{ type: 'post', thread: THREAD, author: 'x', body: 'again', parent: null }]))[0];
  check(refused.code === 'banned', 'the poster is banned');

  // ---- The ban list: last name used, the post, when, by whom, why, until, posts; unban.
  await mod.click('[data-panel="bans"]');
  const ban = mod.locator(`.mod-bans-table tr.mod-ban[data-poster="${key}"]`);
  await ban.waitFor();
  check(await ban.locator('.mod-ban-author').textContent() === '新名字', "the poster's last name used");
  check(/我觉得这里有 敏 感-词 的问题/.test(await ban.locator('.mod-ban-excerpt').textContent()), 'an excerpt of the post banned from');
  check(await ban.locator('.mod-moderator').textContent() === 'moderator', 'by whom');
  check(await ban.locator('.mod-ban-reason').textContent() === '反复发广告', 'why');
  check(await ban.locator('time').count() === 2, 'when, and until when (7 days: not permanent)');
  check(await ban.locator('.mod-ban-posts').textContent() === '2', "the poster's posts (the parent and the reply; the refused one is not stored)");
  await shot(mod, 'tools_bans');
  await ban.locator('button.mod-unban').click();
  await mod.waitForFunction(() => document.querySelectorAll('.mod-bans-table tr.mod-ban').length === 0);
  check(await mod.isVisible('.mod-bans .mod-empty'), 'the ban list is empty after unban');
  const back = (await send([{ type: 'post', thread: THREAD, author: 'x', body: '又可以发言了', parent: null }]))[0];
  check(back.type === 'ack', 'the poster can post again');

  // ---- The English console labels the reasons in English.
  await mod.goto(server.url + '/moderate.html?lang=en');
  await mod.waitForSelector('#moderator[data-signed-in="true"]');
  await mod.click('[data-queue="flagged"]');
  await mod.locator('#mod-list .mod-item .mod-reasons', { hasText: 'Reported as: spam ×1' }).waitFor();
  check(true, 'report reasons in English');
  check(await mod.locator('#mod-list .mod-item .mod-tag-edited').textContent() === 'edited', 'the edited mark in English');
  check(/^Edited by its author \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(await mod.getAttribute('#mod-list .mod-tag-edited', 'title')),
        "the mark's title in English");
  await shot(mod, 'tools_flagged_en');
});
