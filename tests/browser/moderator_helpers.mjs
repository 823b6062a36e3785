// Shared by the moderator browser tests: start the real comment-server on a
// free port, launch Debian's chromium, and talk to the server over a raw
// WebSocket from a page of its origin (the way a third-party client would).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const TOKEN = 'moderator-test-token-7f3a';

// argv: <comment-server> <web dir> <screenshot dir>
export function parseArgs() {
  const [serverBin, webDir, shotDir] = process.argv.slice(2);
  if (!serverBin || !webDir || !shotDir) {
    console.error('usage: node <test>.mjs <comment-server> <web dir> <screenshot dir>');
    process.exit(2);
  }
  return { serverBin, webDir, shotDir };
}

export async function startServer({ serverBin, webDir, extraArgs = [] }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'moderator-test-'));
  const child = spawn(serverBin, ['--port', '0', '--db', path.join(dir, 'comments.db'), '--web', webDir,
                                  '--rate', '0', ...extraArgs], {
    env: { ...process.env, COMMENTS_MOD_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1].replace(/\/$/, ''));
    });
    child.on('exit', (code) => reject(new Error(`comment-server exited (${code}) before listening:\n${log}`)));
  });
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

// Sends each message in turn on one WebSocket opened from `page` (a page of
// the server's origin) and returns the direct replies.
export async function wsCall(page, serverUrl, messages) {
  return page.evaluate(async ({ serverUrl, messages }) => {
    const ws = new WebSocket(serverUrl.replace(/^http/, 'ws') + '/ws');
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error('WebSocket failed'));
    });
    const replies = [];
    for (let i = 0; i < messages.length; ++i) {
      const req = 'test' + i;
      replies.push(await new Promise((resolve) => {
        ws.onmessage = (event) => {
          const reply = JSON.parse(event.data);
          if (reply.req === req) resolve(reply);
        };
        ws.send(JSON.stringify({ ...messages[i], req }));
      }));
    }
    ws.close();
    return replies;
  }, { serverUrl, messages });
}

// What the server decided for a post reply: publish, hold or block.
export function decisionOf(reply) {
  if (reply.type === 'ack') return reply.comment.status === 'pending' ? 'hold' : 'publish';
  if (reply.type === 'error' && reply.code === 'blocked') return 'block';
  throw new Error('unexpected reply to a post: ' + JSON.stringify(reply));
}

export function check(condition, message) {
  if (!condition) throw new Error('FAILED: ' + message);
  console.log('ok -', message);
}

// Runs `body` with a started server and browser, always cleaning up; exits 1
// with the server's log on failure.
export async function runTest(name, extraArgs, body) {
  const args = parseArgs();
  const server = await startServer({ ...args, extraArgs });
  const browser = await launchBrowser();
  let failed = false;
  try {
    await body({ ...args, server, browser });
    console.log(`${name}: passed`);
  } catch (error) {
    failed = true;
    console.error(`${name}: ${error.stack || error}`);
    console.error('--- server log ---\n' + server.log());
  } finally {
    await browser.close();
    await server.stop();
  }
  process.exit(failed ? 1 : 0);
}
