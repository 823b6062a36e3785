// Runs the issue #6 scenarios against our comment-server and the Node peer in
// the same run, several times each (interleaved, so background noise hits both
// alike), and writes bench/RESULTS.md. Started by bench/run.sh, which raises
// the open-file limit and builds everything first; see bench/README.md.
//
// Environment: BUILD_DIR (required), RUNS (default 3), QUICK=1 (tiny sizes:
// checks the pipeline in a minute, numbers meaningless), WEB_DIR (built widget
// files; default: the newest build*/web holding a .wasm), OUT_DIR.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findWebDir, measureWidget, widgetSection, widgetTargets } from './widget.mjs';
import { lastJson, startListening, stopChild } from './processes.mjs';
import { cell, fmt, pick, stats } from './stats.mjs';
import { floorSection, measureFloor, measureScaleout, scaleoutPeerSection, scaleoutSection, scaleoutTargets }
  from './scaleout.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(benchDir);
const buildDir = process.env.BUILD_DIR;
if (!buildDir) {
  console.error('run.mjs: set BUILD_DIR (bench/run.sh does)');
  process.exit(2);
}
const RUNS = Number(process.env.RUNS ?? 3);
const QUICK = process.env.QUICK === '1';
const outDir = process.env.OUT_DIR ?? path.join(benchDir, 'out');
fs.mkdirSync(outDir, { recursive: true });
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comments-bench-'));
const logFile = path.join(outDir, 'run.log');
fs.writeFileSync(logFile, '');

const bin = {
  server: path.join(buildDir, 'server', 'comment-server'),
  loadgen: path.join(buildDir, 'bench', 'loadgen'),
  prefill: path.join(buildDir, 'bench', 'prefill_store'),
  filterBench: path.join(buildDir, 'bench', 'filter', 'filter_bench'),
  floor: path.join(buildDir, 'bench', 'floor_sender'),
};
const peerDir = path.join(benchDir, 'peers', 'node-ws');

function log(line) {
  const stamped = `[${new Date().toISOString().slice(11, 19)}] ${line}`;
  console.log(stamped);
  fs.appendFileSync(logFile, stamped + '\n');
}

// ---- processes -----------------------------------------------------------------

const UNLIMITED = ['--max-connections-per-address', '0', '--max-connections', '0',
                   '--max-messages-per-second', '0', '--embed-rate', '0'];

const servers = {
  ours: {
    label: 'ours (comment-server)',
    // Every limit per client lifted: the load generator opens thousands of
    // connections from 127.0.0.1 and sends as fast as it can.
    command: (db) => [bin.server, ['--port', '0', '--db', db, '--rate', '0', ...UNLIMITED]],
    prefill: (db, thread, count) => [bin.prefill, ['--db', db, '--thread', thread, '--count', String(count)]],
  },
  peer: {
    label: 'peer (Node ws + better-sqlite3)',
    command: (db) => ['node', [path.join(peerDir, 'server.js'), '--port', '0', '--db', db, '--commit', 'batched']],
    prefill: (db, thread, count) =>
      ['node', [path.join(peerDir, 'prefill.js'), '--db', db, '--thread', thread, '--count', String(count)]],
  },
};

let dbCounter = 0;
const freshDb = (kind) => path.join(workDir, `${kind}-${++dbCounter}.db`);

function startServer(kind, db, confine = false) {
  const [cmd, args] = onCpu(0, confine, servers[kind].command(db));
  // The server's log (ours writes a line per post) goes straight into the log
  // file: through a pipe to this process, a slow read here would block the
  // server's writes and throttle the very server being measured.
  return startListening(`${kind} server`, cmd, args, logFile);
}

const stopServer = (server) => stopChild(server.child);

function run(cmd, args, { timeoutMs = 600_000, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => fs.appendFileSync(logFile, `  ${path.basename(cmd)}: ${d}`));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function loadgen(args, confine = false) {
  const { code, out } = await run(...onCpu(1, confine, [bin.loadgen, args]));
  const result = lastJson(out, code, 'loadgen');
  if (result.server_cpu_s > 0 && result.server_system_cpu_s != null) {
    result.server_kernel_percent = (100 * result.server_system_cpu_s) / result.server_cpu_s;
  }
  return result;
}

// ---- scenarios -------------------------------------------------------------------

const size = (full, quick) => (QUICK ? quick : full);
const K1 = size(1000, 100);
const K10 = size(10000, 500);
const trafficScenarios = [
  { id: 'fanout_1k_rate', title: `1. Fan-out, ${K1} readers, 50 posts/s`,
    args: ['fanout', '--readers', K1, '--rate', 50, '--duration', size(6, 2)] },
  { id: 'fanout_1k_full', title: `1. Fan-out, ${K1} readers, full speed`,
    args: ['fanout', '--readers', K1, '--window', 16, '--duration', size(5, 2)] },
  // 10,000 readers at 50 posts/s would be 500,000 deliveries/s: more than two
  // shared cores move over loopback TCP for either server (and the load
  // generator). 5 posts/s keeps the 50,000 deliveries/s of the 1,000-reader case.
  { id: 'fanout_10k_rate', title: `1. Fan-out, ${K10} readers, 5 posts/s`,
    args: ['fanout', '--readers', K10, '--rate', 5, '--duration', size(6, 2)] },
  { id: 'fanout_10k_full', title: `1. Fan-out, ${K10} readers, full speed`,
    args: ['fanout', '--readers', K10, '--window', 4, '--duration', size(5, 2)] },
  { id: 'threads', title: `2. ${K10} connections over ${size(1000, 50)} threads, 10 posters, full speed`,
    args: ['threads', '--readers', K10, '--threads', size(1000, 50), '--posters', 10, '--window', 8,
      '--duration', size(5, 2)] },
  { id: 'idle', title: `3. ${K10} idle joined connections`,
    args: ['idle', '--readers', K10, '--duration', 1] },
  { id: 'ingest', title: '4. Durable ingest, 100 posters, each waiting for its ack',
    args: ['ingest', '--posters', 100, '--threads', 100, '--window', 1, '--duration', size(5, 2)] },
  // Issue #13: the same with the server confined to CPU 0 and the load
  // generator to CPU 1, so neither server gets the second core for its
  // helper threads (ours: the store worker; the peer: libuv's pool).
  { id: 'ingest_one_core', title: '4b. Durable ingest, 100 posters, the server confined to one core (taskset -c 0, the load generator on CPU 1)',
    args: ['ingest', '--posters', 100, '--threads', 100, '--window', 1, '--duration', size(5, 2)], confine: true },
];
// ONLY=ingest runs scenarios 4 and 4b alone and rewrites only their rows of
// RESULTS.md (targets and side by side): the quick check of an ingest change.
const ONLY = process.env.ONLY ?? '';
const scenariosToRun = ONLY === 'ingest' ? trafficScenarios.filter((s) => s.id.startsWith('ingest')) : trafficScenarios;
// taskset wraps a command for the confined scenarios (it execs it: same pid).
const onCpu = (cpu, confine, [cmd, args]) => (confine ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args]);
const JOIN_COUNT = size(1_000_000, 20_000);
const JOIN_THREAD = '2020-11-11-caowenze';

async function runTraffic(kind, scenario) {
  const db = freshDb(kind);
  const server = await startServer(kind, db, scenario.confine);
  try {
    const args = [...scenario.args.map(String), '--drain-timeout', '15',
      '--port', String(server.port), '--server-pid', String(server.pid)];
    return await loadgen(args, scenario.confine);
  } finally {
    await stopServer(server);
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
  }
}

async function runJoin(kind, db) {
  const server = await startServer(kind, db);
  try {
    return await loadgen(['join', '--port', String(server.port), '--server-pid', String(server.pid),
      '--join-thread', JOIN_THREAD, '--joins', String(size(kind === 'peer' ? 300 : 1000, 50)),
      '--expect-total', String(JOIN_COUNT)]);
  } finally {
    await stopServer(server);
  }
}

// ---- the run ---------------------------------------------------------------------------

const results = {}; // results[scenarioId][kind] = [loadgen JSON per run]
const record = (id, kind, value) => {
  results[id] ??= { ours: [], peer: [] };
  results[id][kind].push(value);
};

function loadAverage() {
  return os.loadavg().map((x) => x.toFixed(2)).join(' ');
}

// Post -> delivery latency includes a durable commit: measure what one fsync
// costs on the disk the databases live on, in the same run.
function fsyncProbe(samples = 200) {
  const file = path.join(workDir, 'fsync-probe');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 'x');
  const ms = [];
  for (let i = 0; i < samples; i++) {
    fs.writeSync(fd, block);
    const t = process.hrtime.bigint();
    fs.fsyncSync(fd);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  fs.closeSync(fd);
  fs.rmSync(file);
  ms.sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: ms[ms.length - 1] };
}

const startedAt = new Date();
const fsyncBefore = fsyncProbe();
const loadBefore = loadAverage();
log(`bench: ${RUNS} runs per scenario${QUICK ? ' (QUICK sizes)' : ''}; work dir ${workDir}`);

for (const scenario of scenariosToRun) {
  for (let r = 1; r <= RUNS; r++) {
    for (const kind of ['ours', 'peer']) {
      let result;
      try {
        result = await runTraffic(kind, scenario);
      } catch (err) {
        result = { ok: false, problems: [String(err.message ?? err)] };
      }
      record(scenario.id, kind, result);
      log(`${scenario.id} run ${r} ${kind}: ok=${result.ok} ` +
        `deliveries/s=${fmt(result.deliveries_per_s)} per-cpu-s=${fmt(result.deliveries_per_server_cpu_s)} ` +
        `acks/s=${fmt(result.acks_per_s)} p99=${fmt(pick(result, 'latency.p99_ms'), 2)}ms ` +
        `rss/conn=${fmt(result.server_rss_bytes_per_connection)}B ${(result.problems ?? []).slice(0, 2).join('; ')}`);
    }
  }
}

// 5. Join on a thread holding JOIN_COUNT comments: prefilled once per server.
const prefillInfo = {};
for (const kind of ONLY ? [] : ['ours', 'peer']) {
  const db = freshDb(kind);
  const [cmd, args] = servers[kind].prefill(db, JOIN_THREAD, JOIN_COUNT);
  const started = Date.now();
  const { code, out } = await run(cmd, args);
  prefillInfo[kind] = { ok: code === 0, seconds: (Date.now() - started) / 1000, out: out.trim() };
  log(`join prefill ${kind}: ${out.trim() || `exit ${code}`}`);
  for (let r = 1; r <= RUNS && code === 0; r++) {
    let result;
    try {
      result = await runJoin(kind, db);
    } catch (err) {
      result = { ok: false, problems: [String(err.message ?? err)] };
    }
    record('join', kind, result);
    log(`join run ${r} ${kind}: ok=${result.ok} first=${fmt(result.first_join_ms, 2)}ms ` +
      `p50=${fmt(pick(result, 'latency.p50_ms'), 3)}ms p99=${fmt(pick(result, 'latency.p99_ms'), 3)}ms ` +
      `${(result.problems ?? []).join('; ')}`);
  }
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(db + suffix, { force: true });
}

// 6. Moderation filter (ours only: the peer has no filter).
let filter = { ok: false, text: 'filter_bench was not built' };
if (!ONLY && fs.existsSync(bin.filterBench)) {
  const { code, out } = await run(bin.filterBench, []);
  const m = /ModerationFilter::check\s+wall: median\s+([\d.]+) MB\/s \(min\s+([\d.]+), max\s+([\d.]+)\)\s+cpu: median\s+([\d.]+) MB\/s \(min\s+([\d.]+), max\s+([\d.]+)\)/.exec(out);
  const words = /(\d[\d,]*) banned words/.exec(out);
  filter = m
    ? { ok: code === 0, wall: { median: +m[1], min: +m[2], max: +m[3] }, cpu: { median: +m[4], min: +m[5], max: +m[6] },
        words: words ? Number(words[1].replace(/,/g, '')) : null, text: out.trim() }
    : { ok: false, text: `filter_bench exited ${code}; output not understood:\n${out.trim()}` };
  log(`filter: ${m ? `${m[1]} MB/s wall median, ${m[4]} MB/s CPU median` : 'not parsed'}`);
}

// 7. Widget: its files as served, its bytes on the wire and its first paint
// (bench/widget.mjs; `node bench/widget.mjs` runs this scenario alone).
const widget = ONLY ? null : await measureWidget({ webDir: findWebDir(), serverBinary: bin.server, runs: size(10, 3), log });

// Issue #13: post -> last delivery at 1,000 readers and 50 posts/s against the
// floor (bench/floor/floor_sender), alternately in this run. Issue #12: 1 and 2
// instances on PostgreSQL + Redis against the Node ws + pg + ioredis peer
// (bench/scaleout.mjs; `bench/run.sh scaleout` runs these two alone).
const floor = ONLY ? null : await measureFloor({ bin, runs: RUNS, quick: QUICK, log, logFile, workDir });
const scale = ONLY ? null : await measureScaleout({ bin, runs: RUNS, quick: QUICK, log, logFile, workDir });

// ---- RESULTS.md ------------------------------------------------------------------------

fs.writeFileSync(path.join(outDir, ONLY ? `results-${ONLY}.json` : 'results.json'),
  JSON.stringify({ results, prefillInfo, filter, widget }, null, 1));
if (!ONLY) fs.writeFileSync(path.join(outDir, 'scaleout.json'), JSON.stringify({ scale, floor }, null, 1));
const machine = describeMachine();
const loadAfter = loadAverage();
const fsyncAfter = fsyncProbe();
const summary = (id, kind, metric) => stats((results[id]?.[kind] ?? []).map((r) => pick(r, metric)));

const rows = [];
const targets = [];
function row(title, id, metric, unit, better, digits = 0) {
  const ours = summary(id, 'ours', metric);
  const peer = summary(id, 'peer', metric);
  let factor = null;
  if (better !== 'none' && ours && peer && ours.median > 0 && peer.median > 0) {
    factor = better === 'higher' ? ours.median / peer.median : peer.median / ours.median;
  }
  rows.push(`| ${title} | ${unit} | ${cell(ours, digits)} | ${cell(peer, digits)} | ${factor ? factor.toFixed(2) + '×' : 'n/a'} |`);
  return { ours, peer, factor };
}

const lines = [];
const okCount = (id, kind) => (results[id]?.[kind] ?? []).filter((r) => r.ok).length;
for (const s of scenariosToRun) {
  rows.push(`| **${s.title}** | | ok runs: ${okCount(s.id, 'ours')}/${RUNS} | ok runs: ${okCount(s.id, 'peer')}/${RUNS} | |`);
  if (s.id === 'idle') {
    row('server RSS per idle joined connection', s.id, 'server_rss_bytes_per_connection', 'bytes', 'lower');
    continue;
  }
  if (s.id === 'ingest' || s.id === 'ingest_one_core') {
    row('acked posts per second', s.id, 'acks_per_s', 'posts/s', 'higher');
    row('acked posts per server CPU-second', s.id, 'acks_per_server_cpu_s', 'posts/CPU-s', 'higher');
    row('server CPU per acked post', s.id, 'server_cpu_us_per_message', 'µs', 'lower', 1);
    row('post → ack latency p99', s.id, 'ack_latency.p99_ms', 'ms', 'lower', 2);
    continue;
  }
  row('deliveries per second', s.id, 'deliveries_per_s', 'msg/s', 'higher');
  row('deliveries per server CPU-second', s.id, 'deliveries_per_server_cpu_s', 'msg/CPU-s', 'higher');
  row('server CPU per delivery', s.id, 'server_cpu_us_per_message', 'µs', 'lower', 1);
  row('… of which in the kernel', s.id, 'server_kernel_percent', '%', 'none');
  row('post → delivery latency p50', s.id, 'latency.p50_ms', 'ms', 'lower', 2);
  row('post → delivery latency p99', s.id, 'latency.p99_ms', 'ms', 'lower', 2);
  row('post → delivery latency max', s.id, 'latency.max_ms', 'ms', 'lower', 2);
}
function ingestTargets() {
  for (const [id, where] of [['ingest', 'the server free on both cores'], ['ingest_one_core', 'the server confined to one core']]) {
    const ours = summary(id, 'ours', 'acks_per_server_cpu_s');
    const peer = summary(id, 'peer', 'acks_per_server_cpu_s');
    const f = ours && peer ? ours.median / peer.median : null;
    target(`durable ingest, acked posts per server CPU-second from 100 posters ≥ 3× the batched peer (${where})`,
      f ? `${f.toFixed(2)}× (${fmt(ours.median)} vs ${fmt(peer.median)})` : 'n/a', f == null ? null : f >= 3);
  }
}
rows.push(`| **5. Join on a thread of ${JOIN_COUNT.toLocaleString('en-US')} comments** | | ok runs: ${okCount('join', 'ours')}/${RUNS} | ok runs: ${okCount('join', 'peer')}/${RUNS} | |`);
row('first (cold) join', 'join', 'first_join_ms', 'ms', 'lower', 3);
row('join latency p50', 'join', 'latency.p50_ms', 'ms', 'lower', 3);
row('join latency p99', 'join', 'latency.p99_ms', 'ms', 'lower', 3);
row('join latency max', 'join', 'latency.max_ms', 'ms', 'lower', 3);

// Targets (issue #6).
const pass = (cond) => (typeof cond === 'string' ? cond : cond == null ? 'n/a' : cond ? '**pass**' : '**FAIL**');
function target(text, measured, cond) {
  targets.push(`| ${text} | ${measured} | ${pass(cond)} |`);
}
if (ONLY === 'ingest') {
  rewriteIngest();
  process.exit(0);
}
{
  const ours = summary('fanout_1k_full', 'ours', 'deliveries_per_server_cpu_s');
  const peer = summary('fanout_1k_full', 'peer', 'deliveries_per_server_cpu_s');
  const f = ours && peer ? ours.median / peer.median : null;
  target(`fan-out deliveries per server CPU-second at ${K1} readers ≥ 3× peer (full speed)`,
    f ? `${f.toFixed(2)}× (${fmt(ours.median)} vs ${fmt(peer.median)})` : 'n/a', f == null ? null : f >= 3);
  const oursRate = summary('fanout_1k_rate', 'ours', 'deliveries_per_server_cpu_s');
  const peerRate = summary('fanout_1k_rate', 'peer', 'deliveries_per_server_cpu_s');
  const fr = oursRate && peerRate ? oursRate.median / peerRate.median : null;
  target(`… the same at 50 posts/s`, fr ? `${fr.toFixed(2)}×` : 'n/a', fr == null ? null : fr >= 3);
}
{
  const p1 = summary('fanout_1k_rate', 'ours', 'latency.p99_ms');
  target(`post → delivery p99 ≤ 5 ms at ${K1} readers, 50 posts/s`, p1 ? `${fmt(p1.median, 2)} ms (worst run ${fmt(p1.max, 2)})` : 'n/a', p1 ? p1.median <= 5 : null);
  const p10 = summary('fanout_10k_rate', 'ours', 'latency.p99_ms');
  target(`post → delivery p99 ≤ 50 ms at ${K10} readers (5 posts/s)`, p10 ? `${fmt(p10.median, 2)} ms (worst run ${fmt(p10.max, 2)})` : 'n/a', p10 ? p10.median <= 50 : null);
}
{
  const rss = summary('idle', 'ours', 'server_rss_bytes_per_connection');
  target(`≤ 2 kB server RSS per idle joined connection (${K10})`, rss ? `${fmt(rss.median)} bytes` : 'n/a', rss ? rss.median <= 2048 : null);
}
ingestTargets();
for (const [text, measured, cond] of widgetTargets(widget)) target(text, measured, cond);
// Judged on MB per CPU-second (the code's own speed): on a shared 2-core machine
// wall time also counts the time the benchmark was descheduled. Both are shown.
target(`filter ≥ 200 MB/s with ${filter.words ? filter.words.toLocaleString('en-US') : '10,000'} words`,
  filter.cpu ? `${filter.cpu.median.toFixed(1)} MB per CPU-second (wall: ${filter.wall.median.toFixed(1)} MB/s median, ` +
    `${filter.wall.max.toFixed(1)} best)` : 'n/a',
  filter.cpu ? filter.cpu.median >= 200 : null);
{
  const j = summary('join', 'ours', 'latency.p99_ms');
  target(`join on ${JOIN_COUNT.toLocaleString('en-US')} comments p99 ≤ 1 ms`, j ? `${fmt(j.median, 3)} ms (worst run ${fmt(j.max, 3)})` : 'n/a', j ? j.median <= 1 : null);
}
for (const [text, measured, cond] of scaleoutTargets(scale, floor)) target(text, measured, cond);

const resultsPath = path.join(benchDir, QUICK ? path.join('out', 'RESULTS.quick.md') : 'RESULTS.md');
const previous = fs.existsSync(resultsPath) ? fs.readFileSync(resultsPath, 'utf8') : '';
const kept = /<!-- analysis:begin -->[\s\S]*<!-- analysis:end -->/.exec(previous)?.[0] ??
  '<!-- analysis:begin -->\n<!-- analysis:end -->';

lines.push('# Benchmark results (issue #6)', '');
lines.push(`Generated by \`bench/run.sh\` on ${startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC` +
  ` (${((Date.now() - startedAt) / 60000).toFixed(1)} min), ${RUNS} runs per scenario, servers interleaved.` +
  ' Each cell: median (min–max) over the runs. "ours vs peer" is how many times better ours is' +
  ' (throughput: ours/peer; latency and memory: peer/ours).', '');
lines.push(`Load average before: ${loadBefore}; after: ${loadAfter}. Both servers and the load generator share` +
  ' the same 2 cores; other engineers may have been compiling meanwhile, so absolute numbers are noisy —' +
  ' the per-CPU-second figures and the interleaved ratios are the steadier ones.', '');
lines.push(`fsync of a 4 KiB write on the database disk (every acked post waits for one): p50 ` +
  `${fsyncBefore.p50.toFixed(2)} ms, p99 ${fsyncBefore.p99.toFixed(2)} ms, max ${fsyncBefore.max.toFixed(2)} ms before the run; ` +
  `p50 ${fsyncAfter.p50.toFixed(2)} ms, p99 ${fsyncAfter.p99.toFixed(2)} ms, max ${fsyncAfter.max.toFixed(2)} ms after.`, '');
lines.push('## Targets', '', '| target | measured (ours) | result |', '|---|---|---|', ...targets, '');
lines.push('## Side by side', '', '| scenario / metric | unit | ours | peer | ours vs peer |', '|---|---|---|---|---|', ...rows, '');
lines.push('## Moderation filter (scenario 6)', '', '```', filter.text, '```', '');
lines.push(...widgetSection(widget, bin.server));
lines.push(...scaleoutSection(scale, bin.server));
lines.push(...floorSection(floor, scale));
lines.push('## Join prefill', '');
for (const kind of ['ours', 'peer']) {
  if (prefillInfo[kind]) lines.push(`- ${servers[kind].label}: ${prefillInfo[kind].out || 'failed'}`);
}
lines.push('', '## Problems seen', '');
let anyProblem = false;
for (const [id, byKind] of Object.entries(results)) {
  for (const kind of ['ours', 'peer']) {
    byKind[kind].forEach((r, i) => {
      if (!r.ok) {
        anyProblem = true;
        lines.push(`- ${id}, ${kind}, run ${i + 1}: ${(r.problems ?? []).slice(0, 3).join('; ')}`);
      }
    });
  }
}
if (!anyProblem) lines.push('- none: every run delivered every post to every reader, with no refusal or disconnect.');
lines.push('', '## Analysis', '', kept, '');
lines.push('## The peer', '',
  'Node.js 20 + `ws` + `better-sqlite3` (`bench/peers/node-ws/server.js`), written as a competent Node team ' +
  'would ship it: one process per core, prepared statements, the indexes its queries need, WAL with ' +
  '`synchronous=FULL` like ours. It batches its commits: every post that arrived in one turn of the event ' +
  'loop goes into one `db.transaction(...)`, flushed with `setImmediate`, and each post is acknowledged and ' +
  'broadcast only after that commit (`--commit batched`; `--commit per-post`, one transaction and one fsync ' +
  'per post, is the naive variant, kept only for comparison). It implements the join / post / broadcast ' +
  'subset of the protocol, with the same validation rules, and no rate limit, moderation filter or origin ' +
  'check, so it does less work per post than ours.', '');
lines.push(...scaleoutPeerSection());
lines.push('## Machine', '', '```', machine, '```', '');
lines.push('## Commands', '', '```');
lines.push(`bench/run.sh   # RUNS=${RUNS}${QUICK ? ' QUICK=1' : ''}`);
lines.push(`ours: ${path.relative(repoDir, bin.server)} --port 0 --db DB --rate 0 ${UNLIMITED.join(' ')}`);
lines.push('peer: node bench/peers/node-ws/server.js --port 0 --db DB');
for (const s of trafficScenarios) lines.push(`${s.id}: loadgen ${s.args.join(' ')} --port P --server-pid PID`);
lines.push(`join: prefill_store | node prefill.js --thread ${JOIN_THREAD} --count ${JOIN_COUNT}; ` +
  `loadgen join --join-thread ${JOIN_THREAD} --joins N --expect-total ${JOIN_COUNT}`);
lines.push('filter: build-bench/bench/filter/filter_bench');
lines.push('scale-out and floor: see their sections (bench/scaleout.mjs; bench/run.sh scaleout runs them alone)', '```', '');
fs.writeFileSync(resultsPath, lines.join('\n'));
log(`wrote ${path.relative(repoDir, resultsPath)}`);
fs.rmSync(workDir, { recursive: true, force: true });

function describeMachine() {
  const sh = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8' }).trim();
    } catch {
      return `(${cmd} unavailable)`;
    }
  };
  const lscpu = sh('lscpu', []).split('\n')
    .filter((l) => /^(Architecture|CPU\(s\)|Model name|Thread\(s\) per core|Core\(s\) per socket|CPU max MHz|L2 cache|L3 cache|Hypervisor vendor)/.test(l))
    .join('\n');
  const mem = sh('free', ['-h']).split('\n').slice(0, 2).join('\n');
  return [
    `date: ${startedAt.toISOString()}`,
    `commit: ${sh('git', ['-C', repoDir, 'rev-parse', '--short', 'HEAD'])}`,
    `kernel: ${os.release()}`,
    lscpu, mem,
    `node ${process.version}; ${sh('g++', ['--version']).split('\n')[0]}`,
    `open files limit: ${sh('sh', ['-c', 'ulimit -n'])}`,
  ].join('\n');
}

// ONLY=ingest: the ingest targets and the side-by-side rows of scenarios 4 and
// 4b replace theirs in RESULTS.md (inserted where the full run puts them).
function rewriteIngest() {
  ingestTargets();
  const resultsPath = path.join(benchDir, QUICK ? path.join('out', 'RESULTS.quick.md') : 'RESULTS.md');
  if (QUICK && !fs.existsSync(resultsPath)) fs.copyFileSync(path.join(benchDir, 'RESULTS.md'), resultsPath);
  let lines = fs.readFileSync(resultsPath, 'utf8').split('\n');
  const when = `${startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  const note = `Scenarios 4 and 4b and their targets: re-measured alone (\`ONLY=ingest bench/run.sh\`) on ${when}, ` +
    `${RUNS} runs, load average before ${loadBefore}, after ${loadAverage()}.`;
  lines = lines.filter((l) => !l.startsWith('Scenarios 4 and 4b and their targets: re-measured alone'));
  const isIngestTarget = (l) => l.startsWith('| durable ingest');
  let at = lines.findIndex(isIngestTarget);
  lines = lines.filter((l) => !isIngestTarget(l));
  if (at < 0) at = lines.findIndex((l) => l.startsWith('| widget download'));
  lines.splice(at < 0 ? lines.length : at, 0, ...targets);
  // The side-by-side rows: from the scenario 4 heading row to the scenario 5 one.
  const start = lines.findIndex((l) => l.startsWith('| **4. Durable ingest'));
  const end = lines.findIndex((l) => l.startsWith('| **5. Join'));
  const ingestRows = rows.slice(0, rows.findIndex((l) => l.startsWith('| **5.')));
  if (start >= 0 && end > start) lines.splice(start, end - start, ...ingestRows);
  else if (end >= 0) lines.splice(end, 0, ...ingestRows);
  const generated = lines.findIndex((l) => l.startsWith('Generated by `bench/run.sh`'));
  lines.splice(generated + 2, 0, note, '');
  fs.writeFileSync(resultsPath, lines.join('\n'));
  log(`wrote the ingest parts of ${path.relative(repoDir, resultsPath)}`);
  fs.rmSync(workDir, { recursive: true, force: true });
}
