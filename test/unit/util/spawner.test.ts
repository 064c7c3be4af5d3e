import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CommandError } from '../../../src/util/command.js';
import { Spawner } from '../../../src/util/spawner.js';

// Run from the sources (tsx) or from dist/ (the CI): the C source is the repo's either way.
const COMPILED = import.meta.dirname.includes('/dist/');
const REPO = join(import.meta.dirname, ...(COMPILED ? ['..', '..', '..', '..'] : ['..', '..', '..']));
const SOURCES = join(REPO, 'native', 'spawner');
const MiB = 1024 * 1024;

let dir: string;
let binary: string;
let spawner: Spawner;
const strays: number[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'podlet-spawner-'));
  binary = join(dir, 'spawner');
  const sources = readdirSync(SOURCES)
    .filter((f) => f.endsWith('.c'))
    .map((f) => join(SOURCES, f));
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', binary, ...sources], { stdio: 'inherit' });
  spawner = Spawner.start(binary);
});

after(() => {
  spawner.close();
  for (const pid of strays) signal(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Starts `sleep` that writes its PID to a file first, and waits for that PID. */
async function sleeperPid(pidFile: string): Promise<number> {
  await waitFor('the PID file', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n'));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  strays.push(pid);
  return pid;
}

function sleeperArgs(pidFile: string): string[] {
  return ['-c', 'echo $$ > "$1"; exec sleep 30', 'sh', pidFile];
}

/** Field 6 of /proc/<pid>/stat: the session ID (the fields after the command, which may contain spaces). */
function sessionOf(pid: number | 'self'): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const session = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3];
  assert.ok(session, `no session in /proc/${pid}/stat`);
  return session;
}

function uniqueFile(name: string): string {
  return join(dir, `${name}-${Math.random().toString(36).slice(2)}`);
}

describe('Spawner', () => {
  test('resolves with the exit code, stdout and stderr of a program', async () => {
    assert.deepEqual(await spawner.run('sh', ['-c', 'echo out; echo err >&2; exit 3']), {
      stdout: 'out\n',
      stderr: 'err\n',
      exitCode: 3,
    });
    assert.equal((await spawner.run('true', [])).exitCode, 0);
  });

  test('reports a program killed by a signal as 128 plus the signal number', async () => {
    assert.equal((await spawner.run('sh', ['-c', 'kill -USR1 $$'])).exitCode, 128 + 10);
    assert.equal((await spawner.run('sh', ['-c', 'kill -KILL $$'])).exitCode, 128 + 9);
  });

  test('collects more than a MiB on stdout and stderr written in turns without deadlock', async () => {
    const script =
      'for i in $(seq 40); do head -c 65536 /dev/zero | tr "\\0" a; head -c 65536 /dev/zero | tr "\\0" b >&2; done';
    const result = await spawner.run('sh', ['-c', script]);
    assert.equal(result.stdout, 'a'.repeat(40 * 65536));
    assert.equal(result.stderr, 'b'.repeat(40 * 65536));
  });

  test('feeds more than a MiB of input while the program echoes it', async () => {
    const input = Buffer.alloc(3 * MiB, 'x0123456789\n');
    const result = await spawner.run('cat', [], { input });
    assert.equal(result.stdout.length, input.length);
    assert.equal(result.stdout, input.toString());
  });

  test('tolerates a program that exits without reading its input', async () => {
    assert.equal((await spawner.run('true', [], { input: Buffer.alloc(2 * MiB) })).exitCode, 0);
  });

  test('passes exactly the environment it was given', async () => {
    const result = await spawner.run('env', [], { env: { ONLY: 'this one', EMPTY: '', GONE: undefined } });
    assert.deepEqual(result.stdout.split('\n').filter(Boolean).sort(), ['EMPTY=', 'ONLY=this one']);
  });

  test('looks the program up in the PATH of the environment it was given', async () => {
    const bin = join(dir, `bin-${Math.random().toString(36).slice(2)}`);
    execFileSync('mkdir', [bin]);
    writeFileSync(join(bin, 'podlet-tool'), '#!/bin/sh\necho found "$@"\n');
    chmodSync(join(bin, 'podlet-tool'), 0o755);
    const result = await spawner.run('podlet-tool', ['x'], { env: { PATH: `/nonexistent:${bin}` } });
    assert.equal(result.stdout, 'found x\n');
  });

  test('runs the program in the working directory it was given', async () => {
    assert.equal((await spawner.run('pwd', [], { cwd: dir })).stdout, `${dir}\n`);
  });

  test('rejects a program that does not exist as Node spawn does', async () => {
    await assert.rejects(spawner.run('/usr/bin/podlet-nope', ['a']), (e: unknown) => {
      assert.ok(e instanceof CommandError);
      assert.equal(e.exitCode, null);
      assert.equal(e.stderr, 'spawn /usr/bin/podlet-nope ENOENT');
      assert.equal((e.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
    await assert.rejects(spawner.run('podlet-nope', []), /spawn podlet-nope ENOENT/);
  });

  test('rejects a file that is not executable with EACCES', async () => {
    const file = uniqueFile('plain');
    writeFileSync(file, 'not a program');
    await assert.rejects(spawner.run(file, []), /EACCES/);
  });

  test('kills a program that outlives its time-out and rejects', async () => {
    const pidFile = uniqueFile('timeout');
    const call = spawner.run('sh', sleeperArgs(pidFile), { timeoutMs: 300 });
    const pid = await sleeperPid(pidFile);
    await assert.rejects(
      call,
      (e: unknown) => e instanceof CommandError && /timed out after 300 ms/.test(e.message),
    );
    assert.equal(signal(pid, 0), false, 'the timed-out program is gone');
  });

  test('kills a program when its AbortSignal fires and rejects at once', async () => {
    const pidFile = uniqueFile('abort');
    const controller = new AbortController();
    const call = spawner.run('sh', sleeperArgs(pidFile), { signal: controller.signal });
    const pid = await sleeperPid(pidFile);
    controller.abort();
    await assert.rejects(
      call,
      (e: unknown) => e instanceof CommandError && (e.cause as Error).name === 'AbortError',
    );
    await waitFor('the aborted program to die', () => !signal(pid, 0));
  });

  test('answers 200 concurrent calls each with its own result', async () => {
    const calls = Array.from({ length: 200 }, (_, i) =>
      spawner.run('sh', ['-c', 'echo "$1"; echo "e$1" >&2; exit $(($1 % 7))', 'sh', String(i)]),
    );
    const results = await Promise.all(calls);
    results.forEach((r, i) => assert.deepEqual(r, { stdout: `${i}\n`, stderr: `e${i}\n`, exitCode: i % 7 }));
  });

  test('waits for a grandchild that holds stdout open, as Node does', async () => {
    const marker = uniqueFile('grandchild');
    const result = await spawner.run('sh', [
      '-c',
      '(sleep 0.3; echo late; touch "$1") & echo early',
      'sh',
      marker,
    ]);
    assert.equal(result.stdout, 'early\nlate\n');
    assert.ok(existsSync(marker));
  });

  test("with stdio 'null' it answers at the program's exit, though a process it left holds what it inherited", async () => {
    const pidFile = uniqueFile('left-behind');
    const result = await spawner.run('sh', ['-c', 'sleep 30 & echo $! > "$1"; exit 3', 'sh', pidFile], {
      stdio: 'null',
    });
    assert.deepEqual(result, { stdout: '', stderr: '', exitCode: 3 });
    const pid = await sleeperPid(pidFile);
    assert.ok(signal(pid, 0), 'the process left behind still runs');
    const fd1 = readlinkSync(`/proc/${pid}/fd/1`);
    assert.equal(fd1, '/dev/null');
  });

  test('rejects pending calls when the spawner dies, and starts a new one for the next call', async () => {
    const pidFile = uniqueFile('orphan');
    const call = spawner.run('sh', sleeperArgs(pidFile));
    await sleeperPid(pidFile);
    const first = spawner.pid;
    assert.ok(first);
    process.kill(first, 'SIGKILL');
    await assert.rejects(
      call,
      (e: unknown) => e instanceof CommandError && /spawner .* exited \(SIGKILL\)/.test(e.message),
    );
    assert.equal((await spawner.run('echo', ['again'])).stdout, 'again\n');
    assert.notEqual(spawner.pid, first);
  });

  test('does not keep a Node process alive once its calls are answered', async () => {
    const module = new URL(`../../../src/util/spawner.${COMPILED ? 'js' : 'ts'}`, import.meta.url).href;
    const script = [
      `import { Spawner } from ${JSON.stringify(module)};`,
      `const result = await Spawner.start(${JSON.stringify(binary)}).run('echo', ['done']);`,
      'process.stdout.write(result.stdout);',
    ].join('\n');
    const node = ['--import', 'tsx', '--input-type=module', '-e', script];
    const { stdout } = await promisify(execFile)(process.execPath, node, { cwd: REPO, timeout: 20_000 });
    assert.equal(stdout, 'done\n');
  });

  test('exits when closed, leaving its running children alone', async () => {
    const pidFile = uniqueFile('closed');
    const call = spawner.run('sh', sleeperArgs(pidFile));
    const child = await sleeperPid(pidFile);
    const pid = spawner.pid;
    assert.ok(pid);
    spawner.close();
    await assert.rejects(call, /spawner closed/);
    await waitFor('the spawner to exit', () => !signal(pid, 0));
    assert.ok(signal(child, 0), 'the child still runs');
    assert.equal((await spawner.run('echo', ['reopened'])).stdout, 'reopened\n');
  });

  test('startDaemonized answers with the line written on fd 3 while the process holding the pipe still runs', async () => {
    const childFile = uniqueFile('daemonizing');
    const holderFile = uniqueFile('holder');
    const script = 'echo $$ > "$1"; sleep 30 & echo $! > "$2"; echo \'{"data": 42}\' >&3; sleep 0.2';
    const line = await spawner.startDaemonized('sh', ['-c', script, 'sh', childFile, holderFile]);
    assert.equal(line, '{"data": 42}');
    const holder = await sleeperPid(holderFile);
    assert.ok(signal(holder, 0), 'the holder still runs');
    assert.match(readlinkSync(`/proc/${holder}/fd/3`), /^pipe:/);
    assert.equal(readlinkSync(`/proc/${holder}/fd/1`), '/dev/null');
    assert.notEqual(sessionOf(holder), sessionOf('self'), 'the program runs in a session of its own');
    // The direct child exits after the answer and is reaped (a zombie would still take signal 0) without a second
    // answer confusing later calls.
    const child = await sleeperPid(childFile);
    await waitFor('the daemonizing program to be reaped', () => !signal(child, 0));
    assert.equal((await spawner.run('echo', ['after'])).stdout, 'after\n');
  });

  test('startDaemonized answers with what came before end-of-file when no newline is written', async () => {
    assert.equal(await spawner.startDaemonized('sh', ['-c', 'exec 3>&-; sleep 0.1']), '');
    assert.equal(await spawner.startDaemonized('sh', ['-c', 'printf partial >&3']), 'partial');
  });

  test('startDaemonized appends stderr to a file it creates with mode 0600', async () => {
    const file = uniqueFile('stderr');
    await spawner.startDaemonized('sh', ['-c', 'echo one >&2; echo ok >&3'], { stderrFile: file });
    await spawner.startDaemonized('sh', ['-c', 'echo two >&2'], { stderrFile: file });
    assert.equal(readFileSync(file, 'utf8'), 'one\ntwo\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('startDaemonized rejects a stderr file that cannot be opened as a spawn error', async () => {
    const file = join(dir, 'nonexistent', 'conmon.log');
    await assert.rejects(spawner.startDaemonized('true', [], { stderrFile: file }), (e: unknown) => {
      assert.ok(e instanceof CommandError);
      assert.equal(e.exitCode, null);
      assert.equal(e.stderr, `ENOENT: no such file or directory, open '${file}'`);
      assert.equal((e.cause as NodeJS.ErrnoException).code, 'ENOENT');
      return true;
    });
    await assert.rejects(
      spawner.startDaemonized('/usr/bin/podlet-nope', []),
      /spawn \/usr\/bin\/podlet-nope ENOENT/,
    );
  });

  test('startDaemonized kills a program that gives no line in time, though another process holds the pipe', async () => {
    const childFile = uniqueFile('sync-child');
    const holderFile = uniqueFile('sync-holder');
    const script = 'sleep 30 & echo $! > "$2"; echo $$ > "$1"; exec sleep 30';
    const call = spawner.startDaemonized('sh', ['-c', script, 'sh', childFile, holderFile], {
      timeoutMs: 300,
    });
    const child = await sleeperPid(childFile);
    await sleeperPid(holderFile);
    await assert.rejects(
      call,
      (e: unknown) => e instanceof CommandError && /timed out after 300 ms/.test(e.message),
    );
    await waitFor('the timed-out program to die', () => !signal(child, 0));
  });
});
