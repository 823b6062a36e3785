// Seeds the demo article with the sample comments of sample-comments.json
// (clearly marked sample data) by posting them over the server's WebSocket,
// as any client would. scripts/demo.sh runs it once, against a fresh demo
// database only, through a short-lived server instance without a post rate
// limit. No dependencies: a minimal WebSocket client over node:net.
//
//   node scripts/demo/seed.js http://127.0.0.1:PORT
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const sample = JSON.parse(fs.readFileSync(path.join(__dirname, 'sample-comments.json'), 'utf8'));
const server = new URL(process.argv[2] || 'http://127.0.0.1:8080');

function frame(text) {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  let header;
  if (payload.length < 126) {
    header = Buffer.from([0x81, 0x80 | payload.length]);
  } else {
    header = Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  }
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([header, mask, masked]);
}

function connect() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(server.port), server.hostname);
    const key = crypto.randomBytes(16).toString('base64');
    let buffer = Buffer.alloc(0);
    let open = false;
    const waiting = [];
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: ${server.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
                   `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!open) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!/^HTTP\/1\.1 101/.test(buffer.toString('latin1', 0, end))) {
          reject(new Error('WebSocket upgrade refused'));
          return;
        }
        open = true;
        buffer = buffer.subarray(end + 4);
        resolve({
          request(message) {
            return new Promise((done) => {
              waiting.push(done);
              socket.write(frame(JSON.stringify(message)));
            });
          },
          close() { socket.end(); },
        });
      }
      for (;;) {
        if (buffer.length < 2) return;
        let length = buffer[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        const text = buffer.toString('utf8', offset, offset + length);
        buffer = buffer.subarray(offset + length);
        const reply = JSON.parse(text);
        if (reply.req && waiting.length) waiting.shift()(reply);
      }
    });
  });
}

async function main() {
  const latest = await fetch(new URL(`/embed/latest?thread=${encodeURIComponent(sample.thread)}&limit=1&lang=zh-CN`,
                                     server));
  const total = /data-total="(\d+)"/.exec(await latest.text());
  if (!total || total[1] !== '0') {
    console.log('demo: the demo article has comments already; no sample comments added');
    return;
  }
  const ws = await connect();
  const ids = [];
  let n = 0;
  for (const c of sample.comments) {
    const parent = c.reply_to === undefined ? null : ids[c.reply_to];
    const reply = await ws.request({ type: 'post', req: `s${++n}`, thread: sample.thread, author: c.author,
                                     body: c.body, parent: parent ?? null });
    if (reply.type !== 'ack') throw new Error(`sample comment refused: ${JSON.stringify(reply)}`);
    ids.push(reply.comment.id);
  }
  ws.close();
  console.log(`demo: ${ids.length} sample comments (scripts/demo/sample-comments.json) added to the new demo database`);
}

main().catch((error) => {
  console.error('demo: could not add the sample comments:', error.message);
  process.exit(1);
});
