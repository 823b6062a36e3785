// Shared helpers of the browser tests: start the real comment-server on a free
// port, build a folder of test pages around the built web files, drive the
// widget's shadow DOM, talk to the server over WebSocket from inside a page.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const SERVER_BINARY = process.env.COMMENT_SERVER;
const BUILT_WEB = process.env.COMMENTS_WEB;
const ARTIFACTS = process.env.COMMENTS_ARTIFACTS || path.join(os.tmpdir(), 'comments-browser-artifacts');
const MOD_TOKEN = 'browser-test-moderator';

function required(value, what) {
  if (!value) throw new Error(`set ${what}`);
  return value;
}

async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Temporary folders (databases, served pages) are removed when the run ends.
const tempDirs = [];
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

// The served name of a built file: the build gives the widget's files
// content-hashed names (comments-widget.wasm -> comments-widget.3f9a1c2e.wasm)
// and lists them in assets.json (wasm/tools/stage_assets.js).
function asset(name) {
  const table = JSON.parse(fs.readFileSync(path.join(required(BUILT_WEB, 'COMMENTS_WEB'), 'assets.json'), 'utf8'));
  if (!table[name]) throw new Error(`${name} is not in assets.json`);
  return table[name];
}

// A served folder: the built web files plus the given extra pages.
function makeWebDir(pages = {}) {
  const builtWeb = required(BUILT_WEB, 'COMMENTS_WEB (the built web folder)');
  const dir = tempDir('comments-web-');
  for (const name of fs.readdirSync(builtWeb)) {
    const from = path.join(builtWeb, name);
    if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(dir, name));
  }
  for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(dir, name), html);
  return dir;
}

// One widget page. `attrs`: data-* attributes of the container.
function widgetPage({ lang = 'zh-CN', attrs = {}, scriptSrc = 'embed.js', before = '', title = 'test' } = {}) {
  const attrText = Object.entries(attrs)
    .map(([k, v]) => ` data-${k}="${String(v).replace(/"/g, '&quot;')}"`).join('');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head>
<body>${before}<div id="w" data-comments${attrText}></div>
<script async src="${scriptSrc}"></script></body></html>`;
}

// The real comment-server as a child process. `output` keeps what it printed
// (its log), for a failing test to show.
class Server {
  constructor({ db, web, port = 0, args = [], binary = SERVER_BINARY, token = MOD_TOKEN }) {
    this.db = db;
    this.web = web;
    this.port = port;
    this.args = args;
    this.binary = required(binary, 'COMMENT_SERVER (the comment-server binary)');
    this.token = token;
    this.process = null;
    this.url = null;
    this.output = '';
  }

  start() {
    return new Promise((resolve, reject) => {
      const args = ['--port', String(this.port), '--db', this.db, '--web', this.web, ...this.args];
      const child = spawn(this.binary, args, {
        env: { ...process.env, COMMENTS_MOD_TOKEN: this.token },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.process = child;
      let output = '';
      const onData = (chunk) => {
        output += chunk.toString();
        this.output += chunk.toString();
        const match = output.match(/listening on (http:\/\/[^\s]+)/);
        if (match && !this.url) {
          this.url = match[1].replace(/\/$/, '');
          this.port = Number(new URL(this.url).port);
          resolve(this);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => {
        if (!this.url) reject(new Error(`comment-server exited with ${code} before listening:\n${output}`));
      });
    });
  }

  stop(signal = 'SIGTERM') {
    const child = this.process;
    this.process = null;
    this.url = null;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.on('exit', () => resolve());
      child.kill(signal);
    });
  }
}

// One browser per test file, and a place to register cleanups: servers,
// contexts and sites started through it are stopped after the file's tests.
// `hooks`: node:test's before/after.
function browserSuite({ before, after }) {
  const cleanups = [];
  const suite = {
    browser: null,
    onCleanup: (cleanup) => cleanups.push(cleanup),
    // The real server on a free port, serving the built web files + `pages`.
    // Only the post limit is lifted: the widget and the console run under the
    // shipped limits per client (connections, messages per second,
    // /embed/latest), which a real reader never reaches.
    async startServer(pages, args = ['--rate', '0']) {
      const server = new Server({ db: path.join(tempDir('comments-db-'), 'test.db'),
                                  web: makeWebDir(pages), args });
      await server.start();
      cleanups.push(() => server.stop());
      return server;
    },
    // A page in a fresh context; uncaught page errors collect in page.problems.
    async newPage(options) {
      const context = await suite.browser.newContext(options);
      cleanups.push(() => context.close());
      const page = await context.newPage();
      page.problems = [];
      page.on('pageerror', (e) => page.problems.push(e.message));
      // Content-Security-Policy violations, as the console reports them
      // ("Refused to load ... because it violates ..."): the pages we ship
      // carry a CSP, and nothing of ours may trip it.
      page.cspViolations = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
          page.cspViolations.push(msg.text());
        }
      });
      return page;
    },
  };
  before(async () => {
    suite.browser = await launchBrowser();
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    if (suite.browser) await suite.browser.close();
  });
  return suite;
}

// A tiny static file server for pages of another origin.
function staticServer(host, files) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const body = files[new URL(req.url, 'http://x').pathname];
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    });
    server.listen(0, host, () => resolve(server));
  });
}

// Sends messages over a fresh WebSocket opened from the page (so the Origin is
// the page's) and returns the direct replies, in order.
async function wsExchange(page, serverUrl, messages) {
  return page.evaluate(async ({ url, messages }) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws');
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error('websocket failed'));
    });
    const replies = [];
    let n = 0;
    for (const message of messages) {
      const req = 't' + (++n);
      const reply = new Promise((resolve) => {
        ws.addEventListener('message', function onMessage(e) {
          const data = JSON.parse(e.data);
          if (data.req === req) {
            ws.removeEventListener('message', onMessage);
            resolve(data);
          }
        });
      });
      ws.send(JSON.stringify({ ...message, req }));
      replies.push(await reply);
    }
    ws.close();
    return replies;
  }, { url: serverUrl, messages });
}

async function moderate(page, serverUrl, messages) {
  const replies = await wsExchange(page, serverUrl, [{ type: 'auth', token: MOD_TOKEN }, ...messages]);
  if (replies[0].type !== 'ok') throw new Error('moderator auth failed: ' + JSON.stringify(replies[0]));
  return replies.slice(1);
}

// Texts of the comments a widget shows, top to bottom (its shadow root only:
// a server-rendered block in the container's light DOM is not shown).
function shownBodies(page, sel = '#w') {
  return page.evaluate((s) => [...document.querySelector(s).shadowRoot
    .querySelectorAll('.cm-comment .cm-body')].map((e) => e.textContent), sel);
}

async function waitLive(page, sel = '#w') {
  await page.waitForSelector(`${sel}[data-state="live"][data-painted]`, { state: 'attached' });
}

async function postViaForm(page, text, { name, sel = '#w' } = {}) {
  if (name !== undefined) await page.fill(`${sel} #cm-name`, name);
  await page.fill(`${sel} #cm-text`, text);
  await page.click(`${sel} .cm-submit`);
}

function saveArtifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

module.exports = {
  asset, launchBrowser, browserSuite, makeWebDir, widgetPage, Server, staticServer, wsExchange, moderate, shownBodies,
  waitLive, postViaForm, saveArtifact, tempDir, MOD_TOKEN,
};
