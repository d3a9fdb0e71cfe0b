// Builds stocktake, ingests ../shared/data into a temporary database and
// starts `stocktake serve` on a free loopback port, for the browser tests.
//
// STOCKTAKE_E2E_PATCH_SERVE=1 builds with a `go build -overlay` that mounts
// the dashboard (api.Options{UI: web.Handler()}) and registers the serve
// command when cmd/stocktake does not do it yet. It exists for developing
// the dashboard before that wiring lands; without it a server that does not
// answer the page fails the tests with an explanation.

import {spawn, execFile} from 'node:child_process';
import {promisify} from 'node:util';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const run = promisify(execFile);

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const outputDir = path.join(repoRoot, 'test-output');

const env = {...process.env, PATH: `/usr/local/go/bin:${process.env.PATH}`};

// freePort asks the kernel for an unused loopback port.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// overlay writes the files of a `go build -overlay` that wires the
// dashboard into serve (see the file comment) and returns its path, or ''
// when cmd/stocktake already does it.
function overlay(tmp) {
  const serveGo = path.join(repoRoot, 'cmd/stocktake/serve.go');
  const rootGo = path.join(repoRoot, 'cmd/stocktake/root.go');
  const replace = {};
  let serve = fs.readFileSync(serveGo, 'utf8');
  if (!serve.includes('web.Handler()')) {
    serve = serve.replace('api.Options{', 'api.Options{UI: web.Handler(), ')
      .replace('"github.com/stocktake/stocktake/internal/api"',
        '"github.com/stocktake/stocktake/internal/api"\n\t"github.com/stocktake/stocktake/internal/web"');
    fs.writeFileSync(path.join(tmp, 'serve.go'), serve);
    replace[serveGo] = path.join(tmp, 'serve.go');
  }
  const root = fs.readFileSync(rootGo, 'utf8');
  const registered = fs.readdirSync(path.dirname(rootGo)).some((f) => f.endsWith('.go') && !f.endsWith('_test.go') &&
    /AddCommand\([^)]*newServeCmd\(\)/.test(fs.readFileSync(path.join(path.dirname(rootGo), f), 'utf8')));
  if (!registered) {
    fs.writeFileSync(path.join(tmp, 'root.go'), root.replace('\treturn root\n}', '\troot.AddCommand(newServeCmd())\n\treturn root\n}'));
    replace[rootGo] = path.join(tmp, 'root.go');
  }
  if (!Object.keys(replace).length) return '';
  const file = path.join(tmp, 'overlay.json');
  fs.writeFileSync(file, JSON.stringify({Replace: replace}));
  return file;
}

// start builds, ingests and serves; it returns {base, stop}.
export async function start() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stocktake-e2e-'));
  const bin = path.join(tmp, 'stocktake');
  const db = path.join(tmp, 'db');
  const args = ['build', '-o', bin];
  if (process.env.STOCKTAKE_E2E_PATCH_SERVE === '1') {
    const ov = overlay(tmp);
    if (ov) args.push('-overlay', ov);
  }
  args.push('./cmd/stocktake');
  await run('go', args, {cwd: repoRoot, env, maxBuffer: 1 << 24});
  await run(bin, ['update', '--from', '../shared/data', '--db', db], {cwd: repoRoot, env, maxBuffer: 1 << 26});
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(tmp, 'serve.log'), 'w');
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--db', db], {cwd: repoRoot, env, stdio: ['ignore', log, log]});
  let exited = null;
  proc.on('exit', (code) => { exited = code; });
  const deadline = Date.now() + 30000;
  for (;;) {
    if (exited !== null) {
      throw new Error(`stocktake serve exited with ${exited}: ${fs.readFileSync(path.join(tmp, 'serve.log'), 'utf8')}`);
    }
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error('stocktake serve did not answer /healthz within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (exited === null) {
      proc.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => { proc.kill('SIGKILL'); r(); }, 5000);
        proc.on('exit', () => { clearTimeout(t); r(); });
      });
    }
    fs.rmSync(tmp, {recursive: true, force: true});
  };
  return {base, stop, tmp};
}
