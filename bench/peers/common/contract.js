// What both Node peers share: the wire contract's subset they speak
// (shared/protocol.md: join / post / snapshot / comment / ack / error), its
// text rules, and the message loop. Storage and fan-out are each peer's own.
'use strict';

const ANONYMOUS = '网友';
const MAX_PINNED = 5;
const MAX_FRAME_BYTES = 65536;
const SLOW_READER_BYTES = 1 << 20;

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

// A post's fields checked against the text rules; `parent` is only checked
// for its type here (whether it is a comment of the thread is the store's).
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
    parent = msg.parent;
  }
  return { thread, parent, author, body, created: Date.now() };
}

const parentNotFound = () =>
  new RequestError('not_found', 'The comment you replied to is not in this thread.');

function reply(ws, req, body) {
  if (req !== undefined) body = { type: body.type, req, ...body };
  ws.send(JSON.stringify(body));
}

function replyFailure(ws, req, err) {
  if (err instanceof RequestError) {
    reply(ws, req, { type: 'error', code: err.code, message: err.message });
  } else {
    console.error(err);
    reply(ws, req, { type: 'error', code: 'internal', message: 'The server failed; nothing was stored.' });
  }
}

// One text frame in: parsed, dispatched to handlers[type](ws, msg, req). A
// handler returns the answer, or nothing when it answers later itself (a
// post waiting for its commit); a returned promise is awaited.
function onMessage(handlers, ws, data, isBinary) {
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
    if (answer && typeof answer.then === 'function') {
      answer.then((a) => a && reply(ws, req, a), (err) => replyFailure(ws, req, err));
    } else if (answer) {
      reply(ws, req, answer);
    }
  } catch (err) {
    replyFailure(ws, req, err);
  }
}

// Readers joined per thread key, in this process.
class Rooms {
  constructor() {
    this.rooms = new Map();  // thread key -> Set of sockets
  }
  // Returns true when this is the thread's first reader here.
  add(ws, thread) {
    let room = this.rooms.get(thread);
    const first = !room;
    if (first) {
      room = new Set();
      this.rooms.set(thread, room);
    }
    room.add(ws);
    ws.threads.add(thread);
    return first;
  }
  // Calls onEmpty(thread) for each thread that has no reader here any more.
  leaveAll(ws, onEmpty = () => {}) {
    for (const thread of ws.threads) {
      const room = this.rooms.get(thread);
      room.delete(ws);
      if (room.size === 0) {
        this.rooms.delete(thread);
        onEmpty(thread);
      }
    }
  }
  // Sends an encoded event to the thread's readers here, except `except`; a
  // reader that stopped reading must not hold the others back.
  send(thread, event, except) {
    for (const client of this.rooms.get(thread) ?? []) {
      if (client === except || client.readyState !== 1 /* OPEN */) continue;
      if (client.bufferedAmount > SLOW_READER_BYTES) {
        client.terminate();
        continue;
      }
      client.send(event);
    }
  }
}

// The HTTP side and the WebSocket endpoint /ws; `onClose(ws)` when a socket
// goes. Prints "listening on http://HOST:PORT" once it accepts connections.
// `WebSocketServer` is the peer's own `ws` (each peer has its node_modules).
function serve({ WebSocketServer, host, port, handlers, onClose, onShutdown }) {
  const http = require('node:http');
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
    ws.on('message', (data, isBinary) => onMessage(handlers, ws, data, isBinary));
    ws.on('close', () => onClose(ws));
    ws.on('error', () => {});  // a broken peer just goes away; 'close' follows
  });
  server.listen(port, host, () => {
    const { address, port: bound } = server.address();
    console.log(`listening on http://${address}:${bound}`);
  });
  const shutdown = () => {
    server.close();
    for (const ws of wss.clients) ws.close(1001, 'server shutting down');
    // Peers that do not answer the close handshake are cut off after 2 s.
    setTimeout(() => {
      for (const ws of wss.clients) ws.terminate();
    }, 2000).unref();
    wss.close(() => Promise.resolve(onShutdown()).finally(() => process.exit(0)));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

function parsePort(text) {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer 0-65535, got "${text}"`);
    process.exit(2);
  }
  return port;
}

module.exports = {
  MAX_PINNED, RequestError, threadKey, limitOf, validatePost, parentNotFound, reply, Rooms, serve,
  parsePort,
};
