#!/usr/bin/env node
// Fills one thread of the peer's database with N published comments, in
// transactions of 10,000 rows, for the join benchmark (the same content our
// server's prefill_store writes).
//
//   node prefill.js --db PATH --thread KEY --count N
'use strict';

const { parseArgs } = require('node:util');
const { openDatabase } = require('./db');

const { values: args } = parseArgs({
  options: { db: { type: 'string' }, thread: { type: 'string' }, count: { type: 'string' } },
});
const count = Number(args.count);
if (!args.db || !args.thread || !Number.isInteger(count) || count < 1) {
  console.error('usage: node prefill.js --db PATH --thread KEY --count N');
  process.exit(2);
}

const started = process.hrtime.bigint();
const db = openDatabase(args.db);
db.pragma('synchronous = OFF'); // a prefill need not survive a crash; the server reopens with FULL
const insert = db.prepare(
  'INSERT INTO comments (thread, author, body, created) VALUES (?, ?, ?, ?)');
const insertBatch = db.transaction((from, to, nowMs) => {
  for (let n = from; n < to; n++) {
    const author = n % 3 === 0 ? '网友' : `reader${n % 997}`;
    const body = `第${n}条评论：推进长三角一体化发展中的基层社会治理 - comment ${n} on the article, ` +
      'prefilled for the join benchmark.';
    insert.run(args.thread, author, body, nowMs - (count - n));
  }
});
const nowMs = Date.now();
for (let from = 0; from < count; from += 10000) {
  insertBatch(from, Math.min(from + 10000, count), nowMs);
}
db.close();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`prefilled ${count} comments into thread ${args.thread} in ${seconds.toFixed(1)} s`);
