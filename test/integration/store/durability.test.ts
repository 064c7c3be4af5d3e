// kill -9 right after a write returned must lose nothing: a child process writes and prints each write's
// resourceVersion once the call has returned; the parent kills it mid-stream and reopens the database.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ObjectStore } from '../../../src/store/object-store.js';

// The compiled test (dist/) loads the compiled store; under tsx the TypeScript source.
const STORE_MODULE = pathToFileURL(
  fileURLToPath(
    new URL(
      `../../../src/store/object-store.${import.meta.url.endsWith('.js') ? 'js' : 'ts'}`,
      import.meta.url,
    ),
  ),
).href;

// Three kinds of write, each printed as `<op> <resourceVersion> <name>` after the call returned:
// c-N is created and never touched again, `u` is updated over and over, d-N is created then deleted.
const WRITER = `
import { writeSync } from 'node:fs';
const { ObjectStore } = await import(process.env.STORE_MODULE);
const store = ObjectStore.open(process.env.STORE_FILE);
const pad = 'x'.repeat(3000);
const say = (op, o) => writeSync(1, op + ' ' + o.metadata.resourceVersion + ' ' + o.metadata.name + '\\n');
say('create', store.create('configmaps', { metadata: { name: 'u', namespace: 'default' }, data: { i: '0' } }));
for (let i = 1; ; i++) {
  say('create', store.create('configmaps', { metadata: { name: 'c-' + i, namespace: 'default' }, data: { pad } }));
  say('update', store.update('configmaps', { metadata: { name: 'u', namespace: 'default' }, data: { i: String(i) } }));
  say('create', store.create('configmaps', { metadata: { name: 'd-' + i, namespace: 'default' }, data: { pad } }));
  say('delete', store.delete('configmaps', 'default', 'd-' + i));
}
`;

const LINES_BEFORE_KILL = 400;
const DEADLINE_MS = 60_000;

interface Printed {
  op: string;
  resourceVersion: number;
  name: string;
}

test('every write whose resourceVersion was printed survives kill -9 of the writer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podlet-store-durability-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'store.db');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER], {
    env: { ...process.env, STORE_FILE: file, STORE_MODULE },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const printed: Printed[] = [];
  const deadline = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      const [op = '', rv = '', name = ''] = line.split(' ');
      printed.push({ op, resourceVersion: Number(rv), name });
      if (printed.length === LINES_BEFORE_KILL) child.kill('SIGKILL');
    }
    await exited;
  } finally {
    clearTimeout(deadline);
  }
  assert.equal(child.signalCode, 'SIGKILL', `writer ended otherwise: ${stderr}`);
  assert.ok(
    printed.length >= LINES_BEFORE_KILL,
    `only ${printed.length} writes within the deadline: ${stderr}`,
  );

  const store = ObjectStore.open(file);
  try {
    const last = printed.at(-1)?.resourceVersion ?? 0;
    assert.ok(store.resourceVersion() >= last, `store at ${store.resourceVersion()}, printed ${last}`);
    for (const p of printed) {
      const stored = store.get('configmaps', 'default', p.name);
      if (p.name.startsWith('c-'))
        assert.equal(stored?.metadata.resourceVersion, String(p.resourceVersion), p.name);
      if (p.name === 'u')
        assert.ok(Number(stored?.metadata.resourceVersion) >= p.resourceVersion, 'u went back');
      if (p.op === 'delete') assert.equal(stored, undefined, `${p.name} came back`);
    }
    const lastUpdate = printed.filter((p) => p.op === 'update').at(-1);
    const u = store.get('configmaps', 'default', 'u');
    assert.ok(lastUpdate && Number(u?.metadata.resourceVersion) >= lastUpdate.resourceVersion);
  } finally {
    store.close();
  }
});
