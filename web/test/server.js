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

// buildAndSeed builds stocktake into dir and ingests the shared data into
// dir/db.
async function buildAndSeed(dir, patch) {
  const bin = path.join(dir, 'stocktake');
  const db = path.join(dir, 'db');
  const args = ['build', '-o', bin];
  if (patch) {
    const ov = overlay(dir);
    if (ov) args.push('-overlay', ov);
  }
  args.push('./cmd/stocktake');
  await run('go', args, {cwd: repoRoot, env, maxBuffer: 1 << 24});
  await run(bin, ['update', '--from', '../shared/data', '--db', db], {cwd: repoRoot, env, maxBuffer: 1 << 26});
  return {bin, db};
}

// seeded returns the binary and a database of the shared data for one test
// file in tmp. With STOCKTAKE_E2E_SEED naming a folder (scripts/test.sh sets
// it), the build and the ingest are done once for every test file: the first
// file to get the folder's lock (an atomic mkdir) builds and seeds there, the
// others wait for its "done" marker; each file then serves its own copy of
// the database, so no file sees another's writes. Without it, each file
// builds and seeds its own.
async function seeded(tmp) {
  const patch = process.env.STOCKTAKE_E2E_PATCH_SERVE === '1';
  const dir = process.env.STOCKTAKE_E2E_SEED;
  if (!dir || patch) return buildAndSeed(tmp, patch);
  await sharedSeed(dir);
  const db = path.join(tmp, 'db');
  for (const suffix of ['', '-wal', '-shm']) {
    const src = path.join(dir, 'db' + suffix);
    if (fs.existsSync(src)) fs.copyFileSync(src, db + suffix);
  }
  for (const name of fs.readdirSync(dir)) {
    // The station archive folder beside the database, if update made one.
    if (name !== 'db' && !name.startsWith('db-') && fs.statSync(path.join(dir, name)).isDirectory() && name !== 'lock') {
      fs.cpSync(path.join(dir, name), path.join(tmp, name), {recursive: true});
    }
  }
  return {bin: path.join(dir, 'stocktake'), db};
}

// sharedSeed builds stocktake and ingests the shared data in dir once for
// every test file: the first file to get the folder's lock (an atomic
// mkdir) builds and seeds there, the others wait for its "done" marker.
async function sharedSeed(dir) {
  fs.mkdirSync(dir, {recursive: true});
  const done = path.join(dir, 'done');
  let owner = false;
  try {
    fs.mkdirSync(path.join(dir, 'lock'));
    owner = true;
  } catch {
    // Another test file is seeding: wait for it below.
  }
  if (owner) {
    await buildAndSeed(dir, false);
    fs.writeFileSync(done, '');
  } else {
    const deadline = Date.now() + 600000;
    while (!fs.existsSync(done)) {
      if (Date.now() > deadline) throw new Error(`${dir}: no seeded database after 10 minutes (did the seeding test file fail?)`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

// binary returns the path of a stocktake binary built from the repository,
// for test files that ingest data of their own: the shared seed's binary
// when STOCKTAKE_E2E_SEED is set (seeding it first if no file has), so that
// the binary is linked once; otherwise a new build in tmp.
export async function binary(tmp) {
  const dir = process.env.STOCKTAKE_E2E_SEED;
  if (dir && process.env.STOCKTAKE_E2E_PATCH_SERVE !== '1') {
    await sharedSeed(dir);
    return path.join(dir, 'stocktake');
  }
  const bin = path.join(tmp, 'stocktake');
  await run('go', ['build', '-o', bin, './cmd/stocktake'], {cwd: repoRoot, env, maxBuffer: 1 << 24});
  return bin;
}

// start builds, ingests and serves; it returns {base, stop}.
export async function start() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stocktake-e2e-'));
  const {bin, db} = await seeded(tmp);
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
