// Scenario 7, the reader's widget: what it costs on the wire and when its
// comments reach the screen. bench/run.mjs calls measureWidget() and puts
// widgetTargets() and widgetSection() into RESULTS.md; run alone,
//   BUILD_DIR=build node bench/widget.mjs        (RUNS: first-paint loads, 10)
// it measures only this scenario and rewrites only its parts of
// bench/RESULTS.md (its rows of the Targets table and the "## Widget" section).
//
//   - built files: each served file's bytes and its precompressed variants
//     (.gz zopfli, .br brotli -q 11; what the server sends by Accept-Encoding),
//     and gzip -9 for comparison with earlier runs;
//   - bytes on the wire: tests/browser/download_size.test.js (Chromium's
//     Resource Timing transferSize of each widget file, first and repeat visit,
//     with br and with gzip only);
//   - first paint: tests/browser/measure_first_paint.js, RUNS loads each of the
//     demo page with the page include (SSI) and without it (async widget only).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(benchDir);
const BUDGET = 40 * 1024;
const FRAME_MS = 1000 / 60;
const ASYNC_SLACK_MS = 50;

function runNode(script, env, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn('node', [script], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

// The served folder: WEB_DIR, else the canonical build's, then the widget
// engineer's, then the newest build*/web holding the widget.
export function findWebDir() {
  if (process.env.WEB_DIR) return process.env.WEB_DIR;
  const holds = (web) => fs.existsSync(path.join(web, 'assets.json'));
  for (const d of ['build', 'build-widget']) {
    const web = path.join(repoDir, d, 'web');
    if (holds(web)) return web;
  }
  const candidates = fs.readdirSync(repoDir)
    .filter((d) => d.startsWith('build'))
    .map((d) => path.join(repoDir, d, 'web'))
    .filter(holds)
    .sort((a, b) => fs.statSync(path.join(b, 'assets.json')).mtimeMs - fs.statSync(path.join(a, 'assets.json')).mtimeMs);
  return candidates[0] ?? null;
}

// What a reader downloads (the stylesheet is inside embed.js).
const READER = ['comments-widget.wasm', 'comments-widget.js', 'embed.js'];

// { dir, files, transfer, first } of the built widget in `webDir`, measured
// against `serverBinary`. `log(line)` reports progress.
export async function measureWidget({ webDir, serverBinary, runs = 10, log = console.log }) {
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const widget = { dir: webDir, files: [], transfer: null, first: null, loadBefore: load(), loadAfter: null };
  if (!webDir) return widget;
  const table = JSON.parse(fs.readFileSync(path.join(webDir, 'assets.json'), 'utf8'));
  const served = (name) => table[name] ?? name;
  const names = [...new Set([...READER, ...Object.keys(table), 'comments-moderator.wasm', 'comments-moderator.js'])];
  for (const name of names) {
    const file = path.join(webDir, served(name));
    if (!fs.existsSync(file)) continue;
    const size = (f) => (fs.existsSync(f) ? fs.statSync(f).size : null);
    widget.files.push({
      name, served: served(name), reader: READER.includes(name), raw: size(file),
      gz: size(file + '.gz'), br: size(file + '.br'),
      gzip9: execFileSync('gzip', ['-9', '-n', '-c', file], { maxBuffer: 1 << 26 }).length,
    });
  }
  const env = { ...process.env, COMMENT_SERVER: serverBinary, COMMENTS_WEB: webDir,
                NODE_PATH: path.join(repoDir, 'node_modules'), CHROMIUM: process.env.CHROMIUM ?? '/usr/bin/chromium' };
  if (!fs.existsSync(path.join(repoDir, 'node_modules', 'playwright-core'))) {
    log('widget: no node_modules/playwright-core (npm ci): no browser measurements');
    return widget;
  }

  const transfer = await runNode(path.join(repoDir, 'tests', 'browser', 'download_size.test.js'), env, 300_000);
  // The test's own table, without the TAP lines.
  const text = transfer.out.split('\n').filter((l) => !/^(TAP|#|ok|not ok|\s+---|\s+\.\.\.|1\.\.)/.test(l) &&
                                                      !/^\s+(duration_ms|location|type|failureType|error|code|name|expected|actual|operator|stack):?/.test(l))
    .join('\n').trim();
  const totals = [...transfer.out.matchAll(/first visit: (\d+) B transferred[^;]*; repeat visit: (\d+) B/g)]
    .map((m) => ({ first: Number(m[1]), repeat: Number(m[2]) }));
  widget.transfer = { code: transfer.code, text, br: totals[0] ?? null, gzip: totals[1] ?? null };
  log(`widget on the wire: test exited ${transfer.code}; ` +
      (totals.length === 2 ? `first visit ${totals[0].first} B (br) / ${totals[1].first} B (gzip), repeat ${totals[0].repeat} B` : 'no totals'));

  const first = await runNode(path.join(repoDir, 'tests', 'browser', 'measure_first_paint.js'),
                              { ...env, RUNS: String(runs) }, 600_000);
  widget.first = { code: first.code, out: first.out.trim() || first.err.trim().split('\n').slice(-5).join('\n'), runs };
  widget.loadAfter = load();
  log(`first paint exited ${first.code}: ${widget.first.out.split('\n').filter((l) => /minus/.test(l)).join(' | ')}`);
  return widget;
}

// "label: median X ms over N loads (min A, max B)" of the first-paint output.
function medianOf(out, label) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}: median (-?[\\d.]+) ms over (\\d+) loads \\(min (-?[\\d.]+), max (-?[\\d.]+)\\)`).exec(out ?? '');
  return m ? { median: Number(m[1]), n: Number(m[2]), min: Number(m[3]), max: Number(m[4]) } : null;
}

// Rows of the Targets table: [target, measured, pass (true/false/null)].
export const WIDGET_TARGET_PREFIXES = ['widget download', 'widget wasm + loader', 'first paint ≤ 100 ms',
                                       'first comments with the page include', 'first comments, async widget',
                                       '… the same with the preload hint'];
export function widgetTargets(widget) {
  const rows = [];
  const t = widget.transfer;
  if (t && t.br && t.gzip) {
    rows.push([`widget download on the wire ≤ 40 KB (${BUDGET.toLocaleString('en-US')} B; Chromium transferSize, first visit)`,
      `${t.gzip.first.toLocaleString('en-US')} B with gzip (plain http), ${t.br.first.toLocaleString('en-US')} B with br; ` +
      `repeat visit ${t.gzip.repeat + t.br.repeat} B`,
      t.code === 0 && t.gzip.first <= BUDGET && t.br.first <= BUDGET]);
  } else {
    rows.push(['widget download on the wire ≤ 40 KB (Chromium transferSize, first visit)',
      widget.dir ? `tests/browser/download_size.test.js exited ${t ? t.code : 'not run'}; see below` : 'no built widget found', null]);
  }
  const out = widget.first?.out;
  const fp = medianOf(out, 'first comments painted');
  const floor = medianOf(out, 'page without comments, first contentful paint');
  rows.push(['first paint ≤ 100 ms (navigation → first comments painted)',
    fp ? `median ${fp.median} ms over ${fp.n} loads (min ${fp.min}, max ${fp.max}) in a fresh tab` +
      (floor ? ` (the same page without the comment system: ${floor.median} ms)` : '') : 'not measured; see below',
    fp ? fp.median <= 100 : null]);
  const ssi = medianOf(out, "page include (SSI): first comments painted minus the page's first contentful paint");
  rows.push([`first comments with the page include (SSI) in the page's first contentful paint: median difference ≤ one frame (${FRAME_MS.toFixed(1)} ms)`,
    ssi ? `${ssi.median.toFixed(1)} ms over ${ssi.n} loads (min ${ssi.min.toFixed(1)}, max ${ssi.max.toFixed(1)})` : 'not measured; see below',
    ssi ? ssi.median <= FRAME_MS : null]);
  const asyncOnly = medianOf(out, "async widget only: first comments painted minus the page's first contentful paint");
  rows.push([`first comments, async widget only (no include): ≤ the page's first contentful paint + ${ASYNC_SLACK_MS} ms (median)`,
    asyncOnly ? `+${asyncOnly.median.toFixed(1)} ms over ${asyncOnly.n} loads (min ${asyncOnly.min.toFixed(1)}, max ${asyncOnly.max.toFixed(1)})` : 'not measured; see below',
    asyncOnly ? asyncOnly.median <= ASYNC_SLACK_MS : null]);
  const hinted = medianOf(out, "async widget + preload hint: first comments painted minus the page's first contentful paint");
  rows.push([`… the same with the preload hint for the comments docs/embedding.md advises`,
    hinted ? `+${hinted.median.toFixed(1)} ms over ${hinted.n} loads (min ${hinted.min.toFixed(1)}, max ${hinted.max.toFixed(1)})` : 'not measured; see below',
    hinted ? hinted.median <= ASYNC_SLACK_MS : null]);
  return rows;
}

// The "## Widget (scenario 7)" section, as lines.
export function widgetSection(widget, serverBinary) {
  const lines = ['## Widget (scenario 7)', ''];
  if (!widget.dir) {
    lines.push('No built widget found (no `build*/web/assets.json`); build with COMMENTS_BUILD_WASM=ON and rerun.', '');
    return lines;
  }
  const n = (v) => (v == null ? '–' : v.toLocaleString('en-US'));
  lines.push(`Built files in \`${path.relative(repoDir, widget.dir)}\`, as stored: the file, its precompressed variants ` +
    '(`.gz` zopfli, `.br` brotli -q 11; the server sends one by Accept-Encoding) and, for comparison with earlier ' +
    'runs, `gzip -9` of the file. The reader downloads the files in bold on a first visit (the stylesheet is inside ' +
    '`embed.js`), nothing of them on a repeat visit.', '',
    '| file | served as | bytes | .gz | .br | gzip -9 |', '|---|---|---|---|---|---|');
  let sum = { raw: 0, gz: 0, br: 0, gzip9: 0 };
  for (const f of widget.files) {
    const name = f.reader ? `**${f.name}**` : f.name;
    lines.push(`| ${name} | ${f.served} | ${n(f.raw)} | ${n(f.gz)} | ${n(f.br)} | ${n(f.gzip9)} |`);
    if (f.reader) sum = { raw: sum.raw + f.raw, gz: sum.gz + (f.gz ?? f.raw), br: sum.br + (f.br ?? f.raw), gzip9: sum.gzip9 + f.gzip9 };
  }
  lines.push(`| **what a reader downloads** | | ${n(sum.raw)} | ${n(sum.gz)} | ${n(sum.br)} | ${n(sum.gzip9)} |`, '');
  if (widget.transfer) {
    lines.push('Bytes on the wire (`tests/browser/download_size.test.js`, also `ctest -R widget_download_size`): ' +
      'Chromium\'s Resource Timing `transferSize` per file, a first visit of the demo page in a fresh context and a ' +
      'repeat visit in the same context. `transferSize` is the encoded body plus 300 B for the response headers ' +
      '(Chromium counts the fixed 300 B the Resource Timing spec prescribes, not the real headers, ~260 B here); ' +
      '0 is a file taken from the cache without a request.', '', '```', widget.transfer.text, '```', '');
  }
  if (widget.first) {
    lines.push(`\`tests/browser/measure_first_paint.js\`, ${widget.first.runs} loads of each (server: ` +
      `${path.relative(repoDir, serverBinary)}; "minus": per load, that load's comments:first-paint mark minus its ` +
      `first contentful paint; load average before ${widget.loadBefore}, after ${widget.loadAfter}):`,
      '', '```', widget.first.out, '```', '');
  }
  return lines;
}

// Run alone: measure, then rewrite this scenario's parts of RESULTS.md.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const buildDir = process.env.BUILD_DIR ?? path.join(repoDir, 'build');
  const serverBinary = path.join(buildDir, 'server', 'comment-server');
  const webDir = findWebDir();
  const widget = await measureWidget({ webDir, serverBinary, runs: Number(process.env.RUNS ?? 10) });
  const resultsPath = path.join(benchDir, 'RESULTS.md');
  let text = fs.readFileSync(resultsPath, 'utf8');
  // The Targets table: this scenario's rows replaced where the first of them stood.
  const lines = text.split('\n');
  const isOurs = (l) => WIDGET_TARGET_PREFIXES.some((p) => l.startsWith('| ' + p));
  const at = lines.findIndex(isOurs);
  const mark = (c) => (c == null ? 'n/a' : c ? '**pass**' : '**FAIL**');
  const rows = widgetTargets(widget).map(([t, m, c]) => `| ${t} | ${m} | ${mark(c)} |`);
  const kept = lines.filter((l) => !isOurs(l));
  if (at >= 0) kept.splice(at, 0, ...rows);
  text = kept.join('\n');
  const section = widgetSection(widget, serverBinary).join('\n') + '\n';
  const sectionRe = /## Widget \(scenario 7\)\n[\s\S]*?(?=\n## )/;
  if (!sectionRe.test(text)) throw new Error('RESULTS.md has no "## Widget (scenario 7)" section');
  text = text.replace(sectionRe, section);
  fs.writeFileSync(resultsPath, text);
  console.log(`wrote the widget's parts of ${path.relative(process.cwd(), resultsPath)}`);
}
