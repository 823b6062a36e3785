#!/usr/bin/env node
// The scale-out peer: what a competent Node team deploys when one process is
// not enough. Node.js + `ws` + `pg` + `ioredis`, one worker process per core
// (node:cluster shares the listening port between them), every worker on the
// same PostgreSQL database and the same Redis. It speaks the join / post /
// broadcast subset of the wire contract (../common/contract.js), like our
// server, so the same load generator drives both.
//
// - Durability: a post is acknowledged after the transaction holding it has
//   committed (PostgreSQL's default synchronous_commit=on).
// - Group commit: every post that arrived while the previous batch was being
//   committed goes into the next transaction (one multi-row INSERT ...
//   RETURNING); at most one batch in flight per worker.
// - Fan-out: after the commit a worker publishes each comment on the thread's
//   Redis channel, delivers it to its own readers at once, and ignores its own
//   echo; a worker subscribes to a thread's channel while it has readers of it.
//
//   node server.js --port P --db postgresql://... --redis redis://HOST:PORT
//                  [--host H] [--workers N]    (N defaults to the number of cores)
//   prints "listening on http://HOST:PORT" once every worker accepts connections.
'use strict';

const cluster = require('node:cluster');
const os = require('node:os');
const { parseArgs } = require('node:util');

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '8091' },
    host: { type: 'string', default: '127.0.0.1' },
    db: { type: 'string' },
    redis: { type: 'string' },
    workers: { type: 'string' },
  },
});
if (!args.db || !args.redis) {
  console.error('usage: node server.js --port P --db postgresql://... --redis redis://HOST:PORT [--host H] [--workers N]');
  process.exit(2);
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS comments (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread  TEXT    NOT NULL,
    parent  BIGINT,
    author  TEXT    NOT NULL,
    body    TEXT    NOT NULL,
    created BIGINT  NOT NULL,
    status  TEXT    NOT NULL DEFAULT 'published',
    pinned  BOOLEAN NOT NULL DEFAULT false,
    flags   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS comments_by_thread ON comments (thread, id) WHERE status = 'published';
  CREATE INDEX IF NOT EXISTS comments_pinned ON comments (thread, id) WHERE status = 'published' AND pinned;
`;

if (cluster.isPrimary) {
  primary();
} else {
  worker();
}

// The primary creates the schema once, then forks the workers; it prints the
// address when all of them listen, and passes SIGINT/SIGTERM on.
async function primary() {
  const { parsePort } = require('../common/contract');
  parsePort(args.port);
  const { Client } = require('pg');
  const client = new Client({ connectionString: args.db });
  await client.connect();
  await client.query(SCHEMA);
  await client.end();

  const count = Number(args.workers ?? os.availableParallelism());
  let listening = 0;
  cluster.setupPrimary({ silent: false });
  for (let i = 0; i < count; i++) {
    const w = cluster.fork();
    w.on('message', (m) => {
      if (m?.listening && ++listening === count) console.log(`listening on ${m.listening}`);
    });
  }
  // The workers share one listening socket, held by the primary (node:cluster's
  // default on Linux: the primary accepts and hands each connection to a
  // worker in turn); with --port 0 they all get the same free port.
  let alive = count;
  cluster.on('exit', () => {
    if (--alive === 0) process.exit(0);
  });
  const stop = () => {
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function worker() {
  const { Pool } = require('pg');
  const Redis = require('ioredis');
  const { WebSocketServer } = require('ws');
  const {
    MAX_PINNED, limitOf, parentNotFound, reply, Rooms, serve, threadKey, validatePost, parsePort,
  } = require('../common/contract');

  const me = `${process.pid}`;
  const pool = new Pool({ connectionString: args.db, max: 4 });
  const pub = new Redis(args.redis);
  const sub = new Redis(args.redis);
  const channel = (thread) => `comments:${thread}`;
  const rooms = new Rooms();

  const toComment = (row) => ({
    id: Number(row.id),
    thread: row.thread,
    parent: row.parent === null ? null : Number(row.parent),
    author: row.author,
    body: row.body,
    created: Number(row.created),
    status: row.status,
    pinned: row.pinned,
    flags: row.flags,
  });

  sub.on('messageBuffer', (_channel, message) => {
    const event = JSON.parse(message);
    if (event.origin === me) return;  // delivered locally at commit time
    rooms.send(event.comment.thread, JSON.stringify({ type: 'comment', comment: event.comment }));
  });

  async function join(ws, msg) {
    const thread = threadKey(msg);
    const limit = limitOf(msg);
    if (rooms.add(ws, thread)) await sub.subscribe(channel(thread));
    const [newest, pinned, total] = await Promise.all([
      pool.query({ name: 'newest', text: "SELECT * FROM comments WHERE thread = $1 AND status = 'published' ORDER BY id DESC LIMIT $2", values: [thread, limit] }),
      pool.query({ name: 'pinned', text: "SELECT * FROM comments WHERE thread = $1 AND status = 'published' AND pinned ORDER BY id DESC LIMIT $2", values: [thread, MAX_PINNED] }),
      pool.query({ name: 'total', text: "SELECT count(*) AS n FROM comments WHERE thread = $1 AND status = 'published'", values: [thread] }),
    ]);
    return {
      type: 'snapshot',
      thread,
      total: Number(total.rows[0].n),
      comments: newest.rows.map(toComment),
      pinned: pinned.rows.map(toComment),
    };
  }

  // Posts waiting for the next commit; at most one batch is being committed.
  let pending = [];
  let committing = false;

  async function commit(batch) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Parents must be comments of the same thread (checked in the transaction).
      const parents = [...new Set(batch.filter((b) => b.post.parent !== null).map((b) => b.post.parent))];
      const threadOf = new Map();
      if (parents.length) {
        const { rows } = await client.query({ name: 'parents', text: 'SELECT id, thread FROM comments WHERE id = ANY($1::bigint[])', values: [parents] });
        for (const r of rows) threadOf.set(Number(r.id), r.thread);
      }
      const stored = [];
      const refused = [];
      for (const item of batch) {
        const { parent, thread } = item.post;
        (parent === null || threadOf.get(parent) === thread ? stored : refused).push(item);
      }
      let rows = [];
      if (stored.length) {
        const columns = ['thread', 'parent', 'author', 'body', 'created'];
        const values = columns.map((c) => stored.map((item) => item.post[c]));
        ({ rows } = await client.query({
          name: 'insert',
          text: 'INSERT INTO comments (thread, parent, author, body, created) ' +
                'SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[]) RETURNING *',
          values,
        }));
      }
      await client.query('COMMIT');
      return { stored, refused, comments: rows.map(toComment) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async function flush() {
    committing = true;
    while (pending.length) {
      const batch = pending;
      pending = [];
      try {
        const { stored, refused, comments } = await commit(batch);
        const published = pub.pipeline();
        stored.forEach(({ ws, req }, i) => {
          const comment = comments[i];
          published.publish(channel(comment.thread), JSON.stringify({ origin: me, comment }));
          rooms.send(comment.thread, JSON.stringify({ type: 'comment', comment }), ws);
          reply(ws, req, { type: 'ack', comment });
        });
        published.exec().catch((err) => console.error('redis publish failed', err.message));
        for (const { ws, req } of refused) {
          const err = parentNotFound();
          reply(ws, req, { type: 'error', code: err.code, message: err.message });
        }
      } catch (err) {
        console.error(err);
        for (const { ws, req } of batch) {
          reply(ws, req, { type: 'error', code: 'internal', message: 'The server failed; nothing was stored.' });
        }
      }
    }
    committing = false;
  }

  function post(ws, msg, req) {
    pending.push({ ws, req, post: validatePost(msg) });
    if (!committing) setImmediate(flush);
    committing = true;
  }

  const workerServe = () => serve({
    WebSocketServer,
    host: args.host,
    port: parsePort(args.port),
    handlers: { join, post },
    onClose: (ws) => rooms.leaveAll(ws, (thread) => sub.unsubscribe(channel(thread)).catch(() => {})),
    onShutdown: async () => {
      await pool.end();
      pub.disconnect();
      sub.disconnect();
    },
  });
  // serve() prints "listening on ..."; the primary prints it once for all.
  const log = console.log;
  console.log = (line, ...rest) => {
    if (typeof line === 'string' && line.startsWith('listening on ')) {
      process.send({ listening: line.slice('listening on '.length) });
      console.log = log;
      return;
    }
    log(line, ...rest);
  };
  workerServe();
}
