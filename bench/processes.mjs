// Child processes for the bench runners (run.mjs, scaleout.mjs): a server
// started until it says where it listens, stopped with SIGTERM, and the JSON
// result line a measuring tool prints last.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';

export function lastJson(out, code, what) {
  const last = out.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    return { ok: false, problems: [`${what} exited ${code} without a result`] };
  }
}

// Starts a server that prints "listening on http://HOST:PORT"; its stderr goes
// straight into the log file (a pipe read here could block its log writes).
export function startListening(label, cmd, args, logFile) {
  if (logFile) fs.appendFileSync(logFile, `  ${label} log follows (${cmd} ${args.join(' ')}):\n`);
  const logFd = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', logFd] });
  if (logFile) fs.closeSync(logFd);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not print its listening line within 30 s`));
    }, 30_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const m = /^listening on http:\/\/(.+):(\d+)$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid, port: Number(m[2]) });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}) before listening`));
    });
  });
}

// SIGTERM, then SIGKILL after 15 s; resolves once the child is gone.
export function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
