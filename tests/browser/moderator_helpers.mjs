// Shared by the moderator browser tests: start the real comment-server on a
// free port, launch Debian's chromium, and talk to the server over a raw
// WebSocket from a page of its origin (the way a third-party client would).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The server and browser plumbing is the widget tests' (harness.js).
const harness = createRequire(import.meta.url)('./harness.js');

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
  const server = new harness.Server({ binary: serverBin, token: TOKEN, db: path.join(dir, 'comments.db'),
                                      web: webDir, args: ['--rate', '0', ...extraArgs] });
  await server.start();
  return {
    url: server.url,
    log: () => server.output,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const launchBrowser = harness.launchBrowser;

// Sends each message in turn on one WebSocket opened from `page` (a page of
// the server's origin) and returns the direct replies.
export const wsCall = harness.wsExchange;

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
