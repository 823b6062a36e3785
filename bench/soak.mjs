#!/usr/bin/env node
// Soak run (bench/README.md "Soak"): starts comment-server, keeps a pool of
// WebSocket clients churning for --duration seconds (connect, join, post,
// leave, close or vanish; some never read their socket), and samples the
// server's RSS and open file descriptors from /proc every --sample seconds.
// Prints a Markdown table of the samples and a verdict: flat when, after the
// warm-up (--warm-up seconds, default a third of the run: the time SQLite's
// page cache needs to fill up to its cap, see below), neither the RSS nor the
// descriptors grew by more than 10 % from the first to the last third of
// what follows.
//
//   node bench/soak.mjs --server build/server/comment-server [--duration 600]
//        [--clients 2000] [--sample 10] [--threads 100] [--json FILE]
//        [--posters 0.15] [--silent 0.1]   (fractions of the clients)
//        [--warm-up SECONDS]
//        [--server-arg ARG]...   (or SOAK_SERVER_ARGS="ARG ARG")
//
// Exit status 0 when the run completed (the server stayed up, answered to
// the end and exited cleanly on SIGTERM), whatever the verdict; with
// --strict a non-flat verdict fails too. The ctest smoke (label bench) runs
// 20 s and checks only completion. No dependencies: the client is a minimal
// RFC 6455 client on node:net (masked frames out, bytes in counted), so one
// Node process holds thousands of connections cheaply.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = { duration: 600, clients: 2000, sample: 10, threads: 100, posters: 0.15, silent: 0.1, serverArgs: [],
  strict: false, warmUp: null };
for (let i = 0; i < args.length; ++i) {
  const a = args[i];
  const next = () => {
    if (i + 1 >= args.length) throw new Error(`${a} needs a value`);
    return args[++i];
  };
  if (a === '--server') opt.server = next();
  else if (a === '--duration') opt.duration = Number(next());
  else if (a === '--clients') opt.clients = Number(next());
  else if (a === '--sample') opt.sample = Number(next());
  else if (a === '--threads') opt.threads = Number(next());
  else if (a === '--json') opt.json = next();
  else if (a === '--posters') opt.posters = Number(next());
  else if (a === '--silent') opt.silent = Number(next());
  else if (a === '--server-arg') opt.serverArgs.push(next());
  else if (a === '--strict') opt.strict = true;
  else if (a === '--warm-up') opt.warmUp = Number(next());
  else throw new Error(`unknown argument ${a}`);
}
if (!opt.server) throw new Error('--server PATH is required');
if (process.env.SOAK_SERVER_ARGS) opt.serverArgs.push(...process.env.SOAK_SERVER_ARGS.split(/\s+/).filter(Boolean));

const rand = (lo, hi) => lo + Math.random() * (hi - lo);
const pick = (n) => Math.floor(Math.random() * n);

// ---- the server ---------------------------------------------------------------
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comments-soak-'));
// --rate 0: posting is part of the churn, not something to be refused.
// --metrics-listen: each sample also reads how much of the RSS is SQLite's
// own heap (its page cache, capped by --sqlite-cache-mib, 32 MiB by default).
const serverArgs = ['--port', '0', '--db', path.join(dir, 'soak.db'), '--rate', '0',
  '--metrics-listen', '127.0.0.1:0', ...opt.serverArgs];
const server = spawn(opt.server, serverArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stderr.on('data', (d) => {
  serverLog = (serverLog + d.toString()).slice(-20000);
});
let exited = null;
const exitPromise = new Promise((resolve) => server.on('exit', (code, signal) => {
  exited = { code, signal };
  resolve(exited);
}));
let metricsPort = 0;
const port = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  const timer = setTimeout(() => reject(new Error('no "listening on" line within 15 s')), 15000);
  lines.on('line', (line) => {
    const metrics = line.match(/metrics on http:\/\/[^ ]+:(\d+)\/metrics/);
    if (metrics) metricsPort = Number(metrics[1]);
    const m = line.match(/listening on http:\/\/[^ ]+:(\d+)/);
    if (m) {
      clearTimeout(timer);
      resolve(Number(m[1]));
    }
  });
  server.on('exit', () => reject(new Error(`server exited before listening:\n${serverLog}`)));
});

// ---- the clients ----------------------------------------------------------------
const stats = { connects: 0, upgraded: 0, refused: 0, errors: 0, posts: 0, joins: 0, leaves: 0,
  closes: 0, vanished: 0, silent: 0, bytesIn: 0 };
let open = 0;
let pending = 0;
let stopping = false;
const live = new Set();

function frame(text) {
  const payload = Buffer.from(text);
  const len = payload.length;
  const head = len < 126 ? 2 : 4;
  const buf = Buffer.alloc(head + 4 + len);
  buf[0] = 0x81;  // FIN + text
  if (len < 126) buf[1] = 0x80 | len;
  else {
    buf[1] = 0x80 | 126;
    buf.writeUInt16BE(len, 2);
  }
  const mask = crypto.randomBytes(4);
  mask.copy(buf, head);
  for (let i = 0; i < len; ++i) buf[head + 4 + i] = payload[i] ^ mask[i & 3];
  return buf;
}
const closeFrame = () => {
  const buf = Buffer.alloc(8);
  buf[0] = 0x88;
  buf[1] = 0x82;
  crypto.randomBytes(4).copy(buf, 2);
  buf[6] = 0x03 ^ buf[2];  // 1000
  buf[7] = 0xe8 ^ buf[3];
  return buf;
};

let sequence = 0;
function startClient() {
  ++pending;
  ++stats.connects;
  const id = ++sequence;
  // Spread over loopback addresses, as many readers behind many addresses.
  const localAddress = `127.0.${1 + (id % 4)}.${2 + (id % 250)}`;
  const socket = net.connect({ host: '127.0.0.1', port, localAddress });
  const silent = Math.random() < opt.silent;  // never reads its socket after the upgrade
  const poster = Math.random() < opt.posters;  // posts every 1-3 s
  const lifetime = rand(2000, 20000);
  const timers = [];
  let upgraded = false;
  let head = '';
  let ended = false;
  live.add(socket);
  const finish = () => {
    if (ended) return;
    ended = true;
    live.delete(socket);
    for (const t of timers) clearTimeout(t), clearInterval(t);
    if (upgraded) --open;
    else --pending;
    if (!stopping) setImmediate(startClient);
  };
  const send = (msg) => {
    if (!socket.destroyed && socket.writable) socket.write(frame(JSON.stringify(msg)));
  };
  socket.setTimeout(30000, () => socket.destroy());
  socket.on('error', () => ++stats.errors);
  socket.on('close', finish);
  socket.on('connect', () => {
    const key = crypto.randomBytes(16).toString('base64');
    socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
                 `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  });
  socket.on('data', (chunk) => {
    stats.bytesIn += chunk.length;
    if (upgraded) return;
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    if (!head.startsWith('HTTP/1.1 101')) {
      ++stats.refused;
      socket.destroy();
      return;
    }
    upgraded = true;
    --pending;
    ++open;
    ++stats.upgraded;
    socket.setTimeout(0);
    const joined = [];
    for (let j = 1 + pick(3); j > 0; --j) {
      const thread = `soak-${pick(opt.threads)}`;
      joined.push(thread);
      send({ type: 'join', thread, limit: 10 });
      ++stats.joins;
    }
    if (silent) {
      ++stats.silent;
      socket.pause();  // the kernel buffers fill, then the server's queue
    }
    if (poster) {
      const t = setInterval(() => {
        send({ type: 'post', thread: joined[pick(joined.length)], author: `soak${id % 1000}`,
          body: `soak post ${id} ${Date.now()} ` + 'x'.repeat(pick(400)) });
        ++stats.posts;
      }, rand(1000, 3000));
      timers.push(t);
    }
    timers.push(setTimeout(() => {
      send({ type: 'leave', thread: joined[0] });
      ++stats.leaves;
    }, lifetime / 2));
    timers.push(setTimeout(() => {
      if (Math.random() < 0.3 || silent) {
        ++stats.vanished;  // no close handshake: the TCP connection just goes
        socket.destroy();
      } else {
        ++stats.closes;
        socket.end(closeFrame());
        setTimeout(() => socket.destroy(), 2000);
      }
    }, lifetime));
  });
}

// Ramp up in steps, so the connect burst stays modest.
const rampPerTick = Math.max(1, Math.ceil(opt.clients / 50));
const ramp = setInterval(() => {
  for (let i = 0; i < rampPerTick && open + pending < opt.clients && !stopping; ++i) startClient();
  if (open + pending >= opt.clients) clearInterval(ramp);
}, 100);

// ---- sampling -------------------------------------------------------------------
function sampleServer() {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)[1]);
  const fds = fs.readdirSync(`/proc/${server.pid}/fd`).length;
  return { rssKb, fds };
}
// comments_sqlite_memory_bytes from /metrics (0 when the scrape fails).
const sqliteBytes = () => new Promise((resolve) => {
  if (!metricsPort) return resolve(0);
  const req = http.get({ host: '127.0.0.1', port: metricsPort, path: '/metrics', timeout: 5000 }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => {
      const m = body.match(/^comments_sqlite_memory_bytes (\S+)$/m);
      resolve(m ? Number(m[1]) : 0);
    });
  });
  req.on('error', () => resolve(0));
  req.on('timeout', () => (req.destroy(), resolve(0)));
});
const started = Date.now();
const samples = [];
const takeSample = async () => {
  if (exited) return;
  const s = sampleServer();
  const sqliteKb = (await sqliteBytes()) / 1024;
  samples.push({ t: Math.round((Date.now() - started) / 1000), ...s, sqliteKb, otherKb: s.rssKb - sqliteKb, open,
    connects: stats.connects, posts: stats.posts });
  process.stderr.write(`soak t=${samples.at(-1).t}s rss=${(s.rssKb / 1024).toFixed(1)}MiB ` +
                       `sqlite=${(sqliteKb / 1024).toFixed(1)}MiB fds=${s.fds} ` +
                       `clients=${open} connects=${stats.connects} posts=${stats.posts}\n`);
};
await takeSample();
const sampler = setInterval(takeSample, opt.sample * 1000);
await new Promise((resolve) => {
  const t = setTimeout(resolve, opt.duration * 1000);
  exitPromise.then(() => {
    clearTimeout(t);
    resolve();
  });
});
clearInterval(sampler);
if (Date.now() - started - samples.at(-1).t * 1000 >= 1000) await takeSample();

// ---- the end --------------------------------------------------------------------
stopping = true;
clearInterval(ramp);
const diedEarly = exited !== null;
// Still answering? One fresh connection must upgrade.
const answering = diedEarly ? false : await new Promise((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port });
  const timer = setTimeout(() => (s.destroy(), resolve(false)), 10000);
  s.on('connect', () => s.write(`GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
  s.on('data', (d) => {
    clearTimeout(timer);
    s.destroy();
    resolve(d.toString('latin1').startsWith('HTTP/1.1 101'));
  });
  s.on('error', () => (clearTimeout(timer), resolve(false)));
});
for (const s of live) s.destroy();
if (!diedEarly) server.kill('SIGTERM');
const exit = await Promise.race([exitPromise, new Promise((r) => setTimeout(() => r(null), 15000))]);
if (!exit) server.kill('SIGKILL');
fs.rmSync(dir, { recursive: true, force: true });

// Verdict: after the warm-up, the mean of the last third against the mean of
// the first third. The warm-up must cover the time SQLite's page cache takes
// to reach its cap (it grows with the database, then stays): with the default
// 32 MiB and this churn that is about 10 minutes, so a 10-minute run shows the
// server flat with a small cache (--server-arg --sqlite-cache-mib=8), and the
// column "RSS without SQLite" shows the rest flat with any cache.
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const warmUp = opt.warmUp ?? opt.duration / 3;
const warm = samples.filter((s) => s.t >= warmUp);
const third = Math.max(1, Math.floor(warm.length / 3));
const growth = (key) => {
  const first = mean(warm.slice(0, third).map((s) => s[key]));
  const last = mean(warm.slice(-third).map((s) => s[key]));
  return first > 0 ? (last - first) / first : 0;
};
const rssGrowth = growth('rssKb');
const otherGrowth = growth('otherKb');  // RSS without SQLite's heap
const fdGrowth = growth('fds');
const sqliteMaxMiB = Math.max(...samples.map((s) => s.sqliteKb)) / 1024;
const cacheArg = serverArgs.map((a, i) => (a.startsWith('--sqlite-cache-mib=') ? a.split('=')[1]
  : a === '--sqlite-cache-mib' ? serverArgs[i + 1] : null)).filter(Boolean).pop();
const cacheMiB = Number(cacheArg ?? 32);
// Flat: the whole RSS and the descriptors.
const flat = Math.abs(rssGrowth) <= 0.10 && Math.abs(fdGrowth) <= 0.10;
const completed = !diedEarly && answering && exit && exit.code === 0;

const mib = (kb) => (kb / 1024).toFixed(1);
const rows = ['| t (s) | RSS (MiB) | of it SQLite heap (MiB) | RSS without SQLite (MiB) | open fds | clients open | connects so far | posts so far |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...samples.map((s) => `| ${s.t} | ${mib(s.rssKb)} | ${mib(s.sqliteKb)} | ${mib(s.otherKb)} | ${s.fds} | ${s.open} | ` +
    `${s.connects} | ${s.posts} |`)];
console.log(rows.join('\n'));
const verdict = `${flat ? 'FLAT' : 'NOT FLAT'}: after a ${warmUp.toFixed(0)} s warm-up, RSS ` +
  `${(rssGrowth * 100).toFixed(1)} %, fds ${(fdGrowth * 100).toFixed(1)} % (first third to last third); ` +
  `RSS without SQLite's heap ${(otherGrowth * 100).toFixed(1)} %, SQLite heap at most ${sqliteMaxMiB.toFixed(1)} MiB ` +
  `(cap ${cacheMiB} MiB); ${stats.connects} connections ` +
  `(${stats.silent} never reading, ${stats.vanished} vanished without a close), ${stats.joins} joins, ` +
  `${stats.posts} posts, ${stats.refused} upgrades refused; server ${completed ? 'answered to the end and exited 0' :
    `FAILED (died early: ${diedEarly}, answering: ${answering}, exit: ${JSON.stringify(exit)})`}`;
console.log(`\n${verdict}`);
if (opt.json) {
  fs.writeFileSync(opt.json, JSON.stringify({ options: { ...opt, server: undefined }, serverArgs, samples, stats,
    warmUp, cacheMiB, rssGrowth, otherGrowth, fdGrowth, sqliteMaxMiB, flat, completed }, null, 2));
}
if (!completed) {
  console.error(`soak: the run did not complete\n${serverLog.slice(-4000)}`);
  process.exit(1);
}
process.exit(opt.strict && !flat ? 1 : 0);
