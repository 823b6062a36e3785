#!/usr/bin/env node
// The peer a site would otherwise deploy next to its articles: Node.js + `ws`
// + `better-sqlite3`, written the way a competent Node developer would write
// it. It speaks the join / post / broadcast subset of the comments wire
// contract (shared/protocol.md) so the same load generator can drive it and
// our server side by side.
//
// Durability matches ours: WAL with synchronous=FULL, and the ack is sent
// only after the transaction holding the post has committed (so the post is
// on disk).
//
// Commits (--commit): `batched` (the default, what a competent Node team
// ships) puts every post that arrived in one turn of the event loop into one
// transaction, flushed with setImmediate, and acks each after that commit;
// `per-post` (the naive variant, kept for comparison) commits each post in a
// transaction of its own (one fsync per post).
//
//   node server.js --port P --db PATH [--host H] [--commit batched|per-post]
//   prints "listening on http://HOST:PORT" once it accepts connections.
'use strict';

const http = require('node:http');
const { parseArgs } = require('node:util');
const { WebSocketServer, WebSocket } = require('ws');
const { openDatabase } = require('./db');

const MAX_FRAME_BYTES = 65536;
const SLOW_READER_BYTES = 1 << 20;
const ANONYMOUS = '网友';
const MAX_PINNED = 5;

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8090' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string' },
    commit: { type: 'string', default: 'batched' },
  },
});
if (!args.db || !['batched', 'per-post'].includes(args.commit)) {
  console.error('usage: node server.js --port P --db PATH [--host H] [--commit batched|per-post]');
  process.exit(2);
}
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer 0-65535, got "${args.port}"`);
  process.exit(2);
}

// ---- storage -----------------------------------------------------------------

const db = openDatabase(args.db);
const sql = {
  newest: db.prepare(
    "SELECT * FROM comments WHERE thread = ? AND status = 'published' ORDER BY id DESC LIMIT ?"),
  pinned: db.prepare(
    "SELECT * FROM comments WHERE thread = ? AND status = 'published' AND pinned = 1 " +
    'ORDER BY id DESC LIMIT ?'),
  total: db.prepare(
    "SELECT COUNT(*) AS n FROM comments WHERE thread = ? AND status = 'published'"),
  threadOf: db.prepare('SELECT thread FROM comments WHERE id = ?'),
  insert: db.prepare(
    'INSERT INTO comments (thread, parent, author, body, created) VALUES (?, ?, ?, ?, ?)'),
};

function toComment(row) {
  return {
    id: row.id,
    thread: row.thread,
    parent: row.parent,
    author: row.author,
    body: row.body,
    created: row.created,
    status: row.status,
    pinned: row.pinned !== 0,
    flags: row.flags,
  };
}

// ---- validation (the contract's text rules) ------------------------------------

class RequestError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const trimWhiteSpace = (s) => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');
const codePoints = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

function threadKey(msg) {
  const k = msg.thread;
  if (typeof k !== 'string') throw new RequestError('bad_request', '"thread" must be a string.');
  const n = codePoints(k);
  if (n < 1 || n > 200 || CONTROL.test(k)) {
    throw new RequestError('invalid', 'A thread key is 1-200 characters with no control characters.');
  }
  return k;
}

function limitOf(msg) {
  if (msg.limit === undefined) return 10;
  if (!Number.isInteger(msg.limit)) throw new RequestError('bad_request', '"limit" must be an integer.');
  if (msg.limit < 1 || msg.limit > 50) throw new RequestError('invalid', '"limit" must be 1-50.');
  return msg.limit;
}

// ---- sessions ----------------------------------------------------------------------

const rooms = new Map(); // thread key -> Set of sockets joined to it

function join(ws, msg) {
  const thread = threadKey(msg);
  const limit = limitOf(msg);
  let room = rooms.get(thread);
  if (!room) {
    room = new Set();
    rooms.set(thread, room);
  }
  room.add(ws);
  ws.threads.add(thread);
  return {
    type: 'snapshot',
    thread,
    total: sql.total.get(thread).n,
    comments: sql.newest.all(thread, limit).map(toComment),
    pinned: sql.pinned.all(thread, MAX_PINNED).map(toComment),
  };
}

function validatePost(msg) {
  const thread = threadKey(msg);
  if (msg.author !== undefined && msg.author !== null && typeof msg.author !== 'string') {
    throw new RequestError('bad_request', '"author" must be a string.');
  }
  if (typeof msg.body !== 'string') throw new RequestError('bad_request', '"body" must be a string.');
  let author = trimWhiteSpace(msg.author ?? '');
  if (author === '') author = ANONYMOUS;
  if (codePoints(author) > 40 || CONTROL.test(author)) {
    throw new RequestError('invalid', 'An author name is at most 40 characters with no control characters.');
  }
  const body = trimWhiteSpace(msg.body);
  const bodyLength = codePoints(body);
  if (bodyLength < 1 || bodyLength > 2000) {
    throw new RequestError('invalid', 'A comment is 1-2000 characters.');
  }
  let parent = null;
  if (msg.parent !== undefined && msg.parent !== null) {
    if (!Number.isInteger(msg.parent)) throw new RequestError('bad_request', '"parent" must be an integer or null.');
    const row = sql.threadOf.get(msg.parent);
    if (!row || row.thread !== thread) {
      throw new RequestError('not_found', 'The comment you replied to is not in this thread.');
    }
    parent = msg.parent;
  }

  return { thread, parent, author, body, created: Date.now() };
}

// Stores one validated post (inside the caller's transaction).
function insert(p) {
  const { lastInsertRowid } = sql.insert.run(p.thread, p.parent, p.author, p.body, p.created);
  return { id: Number(lastInsertRowid), ...p, status: 'published', pinned: false, flags: 0 };
}

// After the commit: the comment goes to the thread's other readers.
function broadcast(ws, comment) {
  const event = JSON.stringify({ type: 'comment', comment });
  for (const client of rooms.get(comment.thread) ?? []) {
    if (client === ws || client.readyState !== WebSocket.OPEN) continue;
    if (client.bufferedAmount > SLOW_READER_BYTES) {
      client.terminate(); // a reader that stopped reading must not hold the others back
      continue;
    }
    client.send(event);
  }
}

// Posts validated in this turn of the event loop, committed together.
let pending = [];
const insertBatch = db.transaction((batch) => batch.map((item) => insert(item.post)));

function flushPending() {
  const batch = pending;
  pending = [];
  let comments;
  try {
    comments = insertBatch(batch);  // one transaction: one fsync for the batch
  } catch (err) {
    console.error(err);
    for (const { ws, req } of batch) {
      reply(ws, req, { type: 'error', code: 'internal', message: 'The server failed; nothing was stored.' });
    }
    return;
  }
  batch.forEach(({ ws, req }, i) => {
    broadcast(ws, comments[i]);
    reply(ws, req, { type: 'ack', comment: comments[i] });
  });
}

// The post handler answers later (after the commit): it returns nothing.
function postBatched(ws, msg, req) {
  const p = validatePost(msg);
  if (pending.length === 0) setImmediate(flushPending);
  pending.push({ ws, req, post: p });
}

function postPerPost(ws, msg) {
  const comment = insert(validatePost(msg));  // an implicit transaction of its own
  broadcast(ws, comment);
  return { type: 'ack', comment };
}

const handlers = { join, post: args.commit === 'batched' ? postBatched : postPerPost };

function reply(ws, req, body) {
  if (req !== undefined) body = { type: body.type, req, ...body };
  ws.send(JSON.stringify(body));
}

function onMessage(ws, data, isBinary) {
  if (isBinary) {
    reply(ws, undefined, { type: 'error', code: 'bad_request', message: 'Send JSON in text frames.' });
    return;
  }
  let msg;
  try {
    msg = JSON.parse(data.toString('utf8'));
  } catch {
    msg = undefined;
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    reply(ws, undefined, { type: 'error', code: 'bad_json', message: 'A message is one JSON object.' });
    return;
  }
  let req;
  if (msg.req !== undefined) {
    if (typeof msg.req !== 'string' || msg.req.length > 64) {
      reply(ws, undefined, { type: 'error', code: 'bad_request', message: '"req" is a string of at most 64 characters.' });
      return;
    }
    req = msg.req;
  }
  const handler = Object.hasOwn(handlers, msg.type) ? handlers[msg.type] : undefined;
  if (!handler) {
    reply(ws, req, { type: 'error', code: 'bad_request', message: `Unknown message type "${msg.type}".` });
    return;
  }
  try {
    const answer = handler(ws, msg, req);
    if (answer) reply(ws, req, answer);
  } catch (err) {
    if (err instanceof RequestError) {
      reply(ws, req, { type: 'error', code: err.code, message: err.message });
    } else {
      console.error(err);
      reply(ws, req, { type: 'error', code: 'internal', message: 'The server failed; nothing was stored.' });
    }
  }
}

// ---- network ------------------------------------------------------------------------

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }
});

const wss = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_FRAME_BYTES });
wss.on('connection', (ws) => {
  ws.threads = new Set();
  ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
  ws.on('close', () => {
    for (const thread of ws.threads) {
      const room = rooms.get(thread);
      room.delete(ws);
      if (room.size === 0) rooms.delete(thread);
    }
  });
  ws.on('error', () => {}); // a broken peer just goes away; 'close' follows
});

server.listen(port, args.host, () => {
  const { address, port: bound } = server.address();
  console.log(`listening on http://${address}:${bound}`);
});

function shutdown() {
  server.close();
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  // Peers that do not answer the close handshake are cut off after 2 s.
  setTimeout(() => {
    for (const ws of wss.clients) ws.terminate();
  }, 2000).unref();
  wss.close(() => {
    db.close();
    process.exit(0);
  });
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
