// examples/deploy/ for real: nginx terminates TLS in front of the collector, both configured
// from the example files themselves (only paths and ports are changed), and the client IP, the
// batch route and the streamed export are checked through it over HTTPS.
//
// Needs nginx and openssl on PATH (toolchain/install) and the collector binary:
// OMNI_COLLECTOR=<path> (toolchain/test sets it), else build/native-asan's. Everything listens
// on loopback; the client connects from 127.0.5.9 so its address differs from the proxy's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const deployDir = path.join(root, 'examples/deploy');
const collectorBinary =
  process.env.OMNI_COLLECTOR || path.join(root, 'build/native-asan/server/omni-collector');
const serverName = 'collect.shop.example';
const clientAddress = '127.0.5.9';  // the "shopper": not a trusted proxy
const writeKey = 'wk_storefront_CHANGE-ME';
const adminToken = 'CHANGE-ME-to-a-long-random-token';

let dir;
let collector;
let nginx;
let httpsPort;
let httpPort;
let cert;

/// Replaces `from` (which must occur exactly once) so a changed example fails loudly here.
function replaceOnce(text, from, to) {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `the example must contain "${from}" once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}; nginx log:\n${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
}

function startCollector() {
  let config = fs.readFileSync(path.join(deployDir, 'collector.json'), 'utf8');
  config = replaceOnce(config, '"127.0.0.1:8080"', '"127.0.0.1:0"');
  config = replaceOnce(config, '"/var/lib/omni-collector/omni.db"', JSON.stringify(path.join(dir, 'omni.db')));
  const configPath = path.join(dir, 'collector.json');
  fs.writeFileSync(configPath, config);
  const child = spawn(collectorBinary, ['--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`collector exited ${code}: ${err}`)));
  });
}

function nginxConfig(collectorPort) {
  let conf = fs.readFileSync(path.join(deployDir, 'nginx.conf'), 'utf8');
  // As root the workers need a user that can read the temporary folder; otherwise nginx runs as
  // the current user and ignores `user`.
  conf = replaceOnce(conf, 'user www-data;', process.getuid() === 0 ? 'user root;' : '');
  conf = replaceOnce(conf, 'pid /run/nginx.pid;', `pid ${dir}/nginx.pid;`);
  conf = replaceOnce(conf, 'error_log /var/log/nginx/error.log warn;', `error_log ${dir}/error.log warn;`);
  conf = replaceOnce(conf, 'access_log /var/log/nginx/access.log;', `access_log ${dir}/access.log;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;`);
  conf = replaceOnce(conf, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
  conf = replaceOnce(conf, 'listen [::]:80;', '');
  conf = replaceOnce(conf, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  conf = replaceOnce(conf, 'listen [::]:443 ssl http2;', `listen [::1]:${httpsPort} ssl http2;`);
  conf = replaceOnce(conf, '/etc/ssl/omni-collector/fullchain.pem', `${dir}/cert.pem`);
  conf = replaceOnce(conf, '/etc/ssl/omni-collector/privkey.pem', `${dir}/key.pem`);
  conf = replaceOnce(conf, 'server 127.0.0.1:8080;', `server 127.0.0.1:${collectorPort};`);
  return conf;
}

/// One HTTPS request through nginx from clientAddress; resolves {status, headers, body}.
function request(method, target, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: httpsPort, method, path: target, servername: serverName, ca: cert,
      localAddress: clientAddress, headers: { Host: serverName, ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const basic = { Authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` };
const bearer = { Authorization: `Bearer ${adminToken}` };

function postBatch(events, headers = {}) {
  return request('POST', '/v1/batch', {
    body: JSON.stringify({ batch: events }),
    headers: { ...basic, 'Content-Type': 'application/json', ...headers },
  });
}

function track(name, n = 0) {
  return { type: 'track', event: name, anonymousId: 'anon-deploy', messageId: `deploy-${name}-${n}`,
    properties: { n } };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omni-deploy-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    '-subj', `/CN=${serverName}`, '-addext', `subjectAltName=DNS:${serverName}`], { stdio: 'ignore' });
  cert = fs.readFileSync(path.join(dir, 'cert.pem'));
  [httpsPort, httpPort] = [await freePort(), await freePort()];
  const started = await startCollector();
  collector = started.child;
  const confPath = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confPath, nginxConfig(started.port));
  const nginxArgs = ['-p', `${dir}/`, '-e', path.join(dir, 'error.log'), '-c', confPath];
  execFileSync('nginx', [...nginxArgs, '-t'], { stdio: 'pipe' });  // throws with nginx's reason
  nginx = spawn('nginx', [...nginxArgs, '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitForPort(httpsPort);
});

after(async () => {
  if (nginx) nginx.kill('SIGQUIT');
  if (collector) collector.kill('SIGTERM');
  await Promise.all([nginx, collector].filter(Boolean).map((c) =>
    new Promise((resolve) => { if (c.exitCode !== null) resolve(); else c.once('exit', resolve); })));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a batch over HTTPS through nginx stores the shopper\'s address, not the proxy\'s nor a claimed one', async () => {
  // What the client claims is replaced by nginx with the address it really sees.
  const posted = await postBatch([track('Through Proxy')],
    { 'X-Forwarded-For': '203.0.113.7', Forwarded: 'for=198.51.100.1' });
  assert.equal(posted.status, 200, posted.body);
  const listed = await request('GET', '/v1/admin/events?limit=1', { headers: bearer });
  assert.equal(listed.status, 200, listed.body);
  const [item] = JSON.parse(listed.body).events;
  assert.equal(item.messageId, 'deploy-Through Proxy-0');
  assert.equal(item.event.context.ip, '127.0.5.0');  // 127.0.5.9 truncated; the proxy is 127.0.0.1
});

test('nginx refuses a batch over the collector\'s body limit, and redirects plain HTTP', async () => {
  const big = await request('POST', '/v1/batch', {
    body: 'x'.repeat(600000), headers: { ...basic, 'Content-Type': 'application/json' } });
  assert.equal(big.status, 413);
  const redirected = await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: httpPort, path: '/v1/batch', headers: { Host: serverName } },
      (res) => { res.resume(); resolve(res); }).on('error', reject);
  });
  assert.equal(redirected.statusCode, 301);
  assert.equal(redirected.headers.location, `https://${serverName}/v1/batch`);
});

test('the export streams through nginx complete and in order', async () => {
  const ids = [];
  for (let b = 0; b < 6; b += 1) {
    const events = Array.from({ length: 500 }, (_, i) => track('Export', b * 500 + i));
    const posted = await postBatch(events);
    assert.equal(posted.status, 200, posted.body);
    ids.push(...events.map((e) => e.messageId));
  }
  const exported = await request('GET', '/v1/admin/export?after=1', { headers: bearer });
  assert.equal(exported.status, 200, exported.body.slice(0, 300));
  assert.equal(exported.headers['content-type'], 'application/x-ndjson');
  assert.equal(exported.headers['transfer-encoding'], 'chunked');
  assert.equal(exported.headers['content-length'], undefined);
  assert.ok(exported.body.endsWith('\n'));
  const lines = exported.body.trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((l) => l.messageId), ids);
});

test('the example Caddyfile is a valid Caddy config', () => {
  // Throws with Caddy's reason when the file does not adapt or validate.
  execFileSync('caddy', ['validate', '--adapter', 'caddyfile', '--config', path.join(deployDir, 'Caddyfile')],
    { stdio: 'pipe', env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
});
