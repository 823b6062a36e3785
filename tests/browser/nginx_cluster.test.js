// Two comment-server instances on one PostgreSQL database and one Redis, behind
// a throw-away nginx (Debian's /usr/sbin/nginx, on a free port, everything it
// writes in a temporary folder), in headless Chromium: the demo page loaded
// through nginx in two tabs, each tab routed to its own instance, and a post
// from one tab appears live in the other.
//
// nginx proxies with the location block of the shipped deploy/nginx.conf (read
// from that file, so the test breaks when the shipped proxy settings would
// break WebSocket or the page); only the upstream is chosen per request, by the
// cookie `comments_instance` (a or b), so the two tabs land on different
// instances for certain. nginx names the instance it used in a response header,
// and each instance's /metrics shows whose WebSocket and whose post it served.
//
// The database is a fresh schema on the throw-away cluster of the ctest fixture
// "postgres" (COMMENTS_TEST_PG_DIR), Redis the fixture "redis_server"'s
// (COMMENTS_TEST_REDIS_URL). Without them the test fails (run it through ctest).
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { test, before, after } = require('node:test');
const h = require('./harness');

const { newPage, onCleanup } = h.browserSuite({ before, after });

const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const SHIPPED_CONF = path.join(__dirname, '..', '..', 'deploy', 'nginx.conf');
const THREAD = '2020-11-11-caowenze';  // web/index.html's container

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this test through ctest (fixtures postgres, redis_server)`);
  return value;
}

// psql of the newest PostgreSQL, like tests/services/postgres.sh picks its binaries.
function psqlBinary() {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  for (const v of versions.reverse()) {
    const candidate = path.join(root, v, 'bin', 'psql');
    if (fs.existsSync(candidate)) return candidate;
  }
  return 'psql';
}

function psql(uri, sql) {
  return execFileSync(psqlBinary(), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', uri, '-c', sql],
                      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

// A fresh empty schema that the servers see as their database (the URI selects
// it with options=-csearch_path=…); dropped at the end.
function pgSchema() {
  const admin = fs.readFileSync(path.join(required('COMMENTS_TEST_PG_DIR'), 'uri'), 'utf8').trim();
  const name = `browser_nginx_${process.pid}`;
  psql(admin, `DROP SCHEMA IF EXISTS ${name} CASCADE; CREATE SCHEMA ${name}`);
  onCleanup(() => {
    try {
      psql(admin, `DROP SCHEMA IF EXISTS ${name} CASCADE`);
    } catch (e) {
      console.error('dropping the schema failed:', e.message);
    }
  });
  return admin + (admin.includes('?') ? '&' : '?') + `options=-csearch_path%3D${name}`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// The shipped block `name … { … }` of deploy/nginx.conf (its first line starts
// with `name`), as it is.
function shippedBlock(conf, name) {
  const start = conf.indexOf('\n' + name);
  if (start < 0) throw new Error(`no "${name}" in ${SHIPPED_CONF}`);
  const indent = conf.slice(start + 1).match(/^\s*/)[0];
  const end = conf.indexOf('\n' + indent + '}', start + 1);
  if (end < 0) throw new Error(`"${name}" in ${SHIPPED_CONF} has no end`);
  return conf.slice(start + 1, end + indent.length + 2);
}

// nginx's configuration: both instances as upstreams, the shipped WebSocket map
// and location block, the upstream picked by the cookie.
function nginxConf(dir, port, instances) {
  const shipped = fs.readFileSync(SHIPPED_CONF, 'utf8');
  let location = shippedBlock(shipped, '    location / {');
  const shippedPass = 'proxy_pass http://comment_servers;';
  assert.ok(location.includes(shippedPass), `the shipped location block has no "${shippedPass}"`);
  location = location.replace(shippedPass, 'proxy_pass http://$comments_upstream;\n' +
    '        # Which instance served the request (the test asserts it).\n' +
    '        add_header X-Comments-Upstream $upstream_addr always;');
  const file = (name) => path.join(dir, name);
  const upstreams = Object.entries(instances).map(([name, server]) =>
    `  upstream comments_${name} { server 127.0.0.1:${server.port}; keepalive 8; }`).join('\n');
  const routes = Object.keys(instances).map((name) => `    ${name} comments_${name};`).join('\n');
  return `# Written by tests/browser/nginx_cluster.test.js; removed after the test.
daemon off;
worker_processes 1;
pid ${file('nginx.pid')};
error_log ${file('error.log')} warn;
${process.getuid && process.getuid() === 0 ? '# As root: the workers stay root (the folders here are root\'s).\nuser root;' : ''}
events { worker_connections 256; }
http {
  access_log ${file('access.log')};
  client_body_temp_path ${file('client_body')};
  proxy_temp_path ${file('proxy')};
  fastcgi_temp_path ${file('fastcgi')};
  uwsgi_temp_path ${file('uwsgi')};
  scgi_temp_path ${file('scgi')};
${upstreams}
  map $cookie_comments_instance $comments_upstream {
    default comments_${Object.keys(instances)[0]};
${routes}
  }
${shippedBlock(shipped, 'map $http_upgrade')}
  server {
    listen 127.0.0.1:${port};
    gzip off;
${location}
  }
}
`;
}

// A throw-away nginx in front of `instances` ({ a: server, b: server }), on a
// free port; stopped after the test, also when it fails.
async function startNginx(instances) {
  const dir = h.tempDir('comments-nginx-');
  for (let attempt = 1; ; ++attempt) {
    const port = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, nginxConf(dir, port, instances));
    const errorLog = path.join(dir, 'error.log');
    fs.rmSync(errorLog, { force: true });
    const child = spawn(NGINX, ['-p', dir + '/', '-c', conf, '-e', errorLog], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // A backstop should this process end without the cleanups.
    const killOnExit = () => child.kill('SIGKILL');
    process.on('exit', killOnExit);
    const stop = async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');  // nginx: fast shutdown, the workers with it
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timer);
    };
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15000;
    let running = true;
    exited.then(() => { running = false; });
    while (running && Date.now() < deadline) {
      try {
        const res = await fetch(url + '/healthz');
        if (res.status === 200) {
          onCleanup(stop);
          return { url, dir, stop };
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stop();
    const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
    if (attempt < 5 && /Address already in use/.test(log + output)) continue;  // the free port was taken meanwhile
    throw new Error(`nginx did not start on ${url}:\n${output}\n${log}`);
  }
}

// One instance's /metrics, as { 'name{labels}': number }.
async function metrics(server) {
  const match = server.output.match(/metrics on (http:\/\/[^\s]+)/);
  if (!match) throw new Error('the instance printed no metrics address:\n' + server.output);
  const text = await (await fetch(match[1])).text();
  const values = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$/);
    if (m) values[m[1]] = Number(m[2]);
  }
  return values;
}

const ACCEPTED = 'comments_posts_total{outcome="accepted"}';

// A tab (a page in its own browser context) whose requests nginx routes to `instance`.
async function tabOn(nginx, instance) {
  const page = await newPage();
  await page.context().addCookies([{ name: 'comments_instance', value: instance, url: nginx.url }]);
  return page;
}

test('nginx in front of two instances: a post from a tab served by A is live in a tab served by B, and back', async () => {
  const db = pgSchema();
  const redis = required('COMMENTS_TEST_REDIS_URL');
  const web = h.makeWebDir();
  const instances = {};
  for (const name of ['a', 'b']) {
    const server = new h.Server({ db, web, args: ['--rate', '0', '--redis', redis, '--trust-proxy',
                                                  '--metrics-listen', '127.0.0.1:0'] });
    await server.start();
    onCleanup(() => server.stop());
    instances[name] = server;
  }
  const nginx = await startNginx(instances);

  // Each tab loads the demo page through nginx, from its own instance.
  const tabs = { a: await tabOn(nginx, 'a'), b: await tabOn(nginx, 'b') };
  for (const [name, tab] of Object.entries(tabs)) {
    const response = await tab.goto(nginx.url + '/index.html');
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['x-comments-upstream'], `127.0.0.1:${instances[name].port}`,
                 `tab ${name}'s page was not served by instance ${name}`);
    await h.waitLive(tab, '#comments');
  }
  // Each widget's WebSocket went through nginx to its tab's instance: one open
  // connection on each (the readers are the two tabs and nothing else).
  for (const name of ['a', 'b']) {
    assert.equal((await metrics(instances[name]))['comments_open_connections'], 1,
                 `instance ${name} does not hold exactly one WebSocket`);
  }

  // Tab A posts through the real widget; tab B sees it live.
  await h.postViaForm(tabs.a, '经由 nginx 从 A 发出', { name: '甲', sel: '#comments' });
  await tabs.a.waitForSelector('#comments .cm-comment[data-id]:not(.cm-sending)');
  await tabs.b.waitForSelector('#comments .cm-comment[data-id]');
  assert.deepEqual(await h.shownBodies(tabs.b, '#comments'), ['经由 nginx 从 A 发出']);
  assert.equal(await tabs.b.locator('#comments .cm-author').first().innerText(), '甲');
  // A took the post, B only delivered it.
  assert.equal((await metrics(instances.a))[ACCEPTED], 1);
  assert.equal((await metrics(instances.b))[ACCEPTED], 0);

  // And back: tab B posts, tab A sees it.
  await h.postViaForm(tabs.b, 'and back from B', { name: '乙', sel: '#comments' });
  await tabs.a.waitForFunction(() => document.querySelector('#comments').shadowRoot
    .querySelectorAll('.cm-comment').length === 2);
  assert.deepEqual(await h.shownBodies(tabs.a, '#comments'), ['and back from B', '经由 nginx 从 A 发出']);
  assert.equal((await metrics(instances.b))[ACCEPTED], 1);
  assert.equal((await metrics(instances.a))[ACCEPTED], 1);

  // Both are rows of the one PostgreSQL database, once each.
  assert.equal(psql(db, `SELECT string_agg(body, '|' ORDER BY id) FROM comments WHERE thread = '${THREAD}'`),
               '经由 nginx 从 A 发出|and back from B');
  await tabs.b.screenshot({ path: h.saveArtifact('nginx-cluster-tab-b.png'), fullPage: true });
  for (const tab of Object.values(tabs)) {
    assert.deepEqual(tab.problems, []);
    assert.deepEqual(tab.cspViolations, []);
  }
});
