// The rule preview agrees with the server: comments are posted with empty
// filter lists, the console previews new lists over them (core's
// ModerationFilter compiled to Wasm), the lists are saved, and the very same
// texts are posted again: the server's decision for each must be the
// preview's. Also: a word that folds to nothing is refused before saving.
import path from 'node:path';
import { TOKEN, check, decisionOf, runTest, wsCall } from './moderator_helpers.mjs';

const THREAD = 'preview-thread';
// author, body, and what the lists below must decide.
const SAMPLES = [
  ['读者甲', '这是一条正常的评论，谈长三角一体化。', 'publish'],
  ['读者乙', '里面有敏 感-词，应该被拒绝', 'block'],
  ['Reader', 'ＳＰＡＭ offer, click now', 'block'],
  ['读者丙', '请看 http://a.example.cn 和 https://www.b.example.cn 还有 www.c.example.cn', 'hold'],
  ['可疑的人', 'hello there', 'hold'],
  ['读者丁', '这句带有可\u200b疑内容', 'hold'],
  ['spam-bot', 'the author carries the banned word', 'block'],
  ['Reader', 'two links are fine: http://a.cn http://b.cn', 'publish'],
];
const BANNED = ['敏感词', 'spam'];
const SUSPECT = ['可疑'];

await runTest('moderator_preview', [], async ({ server, browser, shotDir }) => {
  const poster = await (await browser.newContext()).newPage();
  await poster.goto(server.url + '/healthz');
  const posts = SAMPLES.map(([author, body]) => ({ type: 'post', thread: THREAD, author, body, parent: null }));

  // With no filter lists only the body with 3 links is held.
  const first = await wsCall(poster, server.url, posts);
  check(JSON.stringify(first.map(decisionOf)) === JSON.stringify(SAMPLES.map((s, i) => (i === 3 ? 'hold' : 'publish'))),
        'with empty lists only the 3-link sample is held');
  const idToSample = new Map(first.map((r, i) => [String(r.comment.id), i]));

  const mod = await (await browser.newContext({ viewport: { width: 1100, height: 1000 } })).newPage();
  mod.setDefaultTimeout(15000);
  await mod.goto(server.url + '/moderate.html?lang=en');
  await mod.fill('#mod-token', TOKEN);
  await mod.press('#mod-token', 'Enter');
  await mod.waitForSelector('#moderator[data-signed-in="true"]');
  await mod.click('[data-panel="filters"]');
  await mod.waitForFunction((n) => /Of (\d+) loaded/.exec(document.querySelector('.mod-preview-summary').textContent)?.[1] >= n,
                           SAMPLES.length);

  // A word that folds to nothing cannot be saved.
  await mod.fill('#mod-banned-words', '--- \n敏感词');
  await mod.waitForFunction(() => document.querySelector('.mod-filters-status').classList.contains('mod-error'));
  await mod.click('[data-command="filters-save"]');
  const stored = await wsCall(poster, server.url, [{ type: 'auth', token: TOKEN }, { type: 'filters' }]);
  check(stored[1].banned.length === 0, 'an invalid list is refused in the browser and nothing is saved');

  // The preview of the new lists.
  await mod.fill('#mod-banned-words', BANNED.join('\n'));
  await mod.fill('#mod-suspect-words', SUSPECT.join('\n'));
  await mod.waitForFunction(() => document.querySelectorAll('.mod-preview-table tbody tr').length > 0);
  const rows = await mod.$$eval('.mod-preview-table tbody tr', (trs) =>
    trs.map((tr) => [tr.dataset.id, tr.dataset.verdict, tr.querySelector('.mod-reason').textContent]));
  const previewed = SAMPLES.map(() => 'publish');
  for (const [id, verdict, reason] of rows) {
    if (!idToSample.has(id)) continue;
    previewed[idToSample.get(id)] = verdict;
    check(reason.length > 0, `preview row #${id} (${verdict}) gives a reason: ${reason}`);
  }
  check(JSON.stringify(previewed) === JSON.stringify(SAMPLES.map((s) => s[2])),
        'the preview decides as expected: ' + previewed.join(', '));
  await mod.locator('.mod-preview').screenshot({ path: path.join(shotDir, 'moderator_preview.png') });

  // Save, then post the same texts: the server decides exactly as previewed.
  await mod.click('[data-command="filters-save"]');
  await mod.waitForFunction(() => /Saved/.test(document.querySelector('.mod-filters-status').textContent));
  const second = await wsCall(poster, server.url, posts);
  const decided = second.map(decisionOf);
  for (let i = 0; i < SAMPLES.length; ++i) {
    check(decided[i] === previewed[i], `server decided "${decided[i]}" for sample ${i + 1}, as previewed`);
  }

  // The save is in the audit log.
  await mod.click('[data-panel="audit"]');
  await mod.locator('.mod-audit-table tbody tr.mod-audit-filters').waitFor();
  check(true, 'the filter change is in the audit log');
  await mod.screenshot({ path: path.join(shotDir, 'moderator_filters_audit.png'), fullPage: true });
});
