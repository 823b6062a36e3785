#!/usr/bin/env node
// The peer a site would otherwise deploy next to its articles: Node.js + `ws`
// + `better-sqlite3`, written the way a competent Node developer would write
// it. It speaks the join / post / broadcast subset of the comments wire
// contract (shared/protocol.md; the shared part is ../common/contract.js) so
// the same load generator can drive it and our server side by side.
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

const { parseArgs } = require('node:util');
const { WebSocketServer } = require('ws');
const { openDatabase } = require('./db');
const {
  MAX_PINNED, limitOf, parentNotFound, reply, Rooms, serve, threadKey, validatePost, parsePort,
} = require('../common/contract');

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
const port = parsePort(args.port);

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

// ---- sessions ----------------------------------------------------------------------

const rooms = new Rooms();

function join(ws, msg) {
  const thread = threadKey(msg);
  const limit = limitOf(msg);
  rooms.add(ws, thread);
  return {
    type: 'snapshot',
    thread,
    total: sql.total.get(thread).n,
    comments: sql.newest.all(thread, limit).map(toComment),
    pinned: sql.pinned.all(thread, MAX_PINNED).map(toComment),
  };
}

function checkedPost(msg) {
  const p = validatePost(msg);
  if (p.parent !== null) {
    const row = sql.threadOf.get(p.parent);
    if (!row || row.thread !== p.thread) throw parentNotFound();
  }
  return p;
}

// Stores one validated post (inside the caller's transaction).
function insert(p) {
  const { lastInsertRowid } = sql.insert.run(p.thread, p.parent, p.author, p.body, p.created);
  return { id: Number(lastInsertRowid), ...p, status: 'published', pinned: false, flags: 0 };
}

// After the commit: the comment goes to the thread's other readers.
function broadcast(ws, comment) {
  rooms.send(comment.thread, JSON.stringify({ type: 'comment', comment }), ws);
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
  const p = checkedPost(msg);
  if (pending.length === 0) setImmediate(flushPending);
  pending.push({ ws, req, post: p });
}

function postPerPost(ws, msg) {
  const comment = insert(checkedPost(msg));  // an implicit transaction of its own
  broadcast(ws, comment);
  return { type: 'ack', comment };
}

// ---- network ------------------------------------------------------------------------

serve({
  WebSocketServer,
  host: args.host,
  port,
  handlers: { join, post: args.commit === 'batched' ? postBatched : postPerPost },
  onClose: (ws) => rooms.leaveAll(ws),
  onShutdown: () => db.close(),
});
