import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cpuSeconds, statFields } from '../../../bench/proc-stat.js';

test('stat fields start after the last parenthesis, whatever the program is called', () => {
  const fields = statFields('42 (a) b (c)) S 7 42 42 0 -1 4194560 1 0 0 0 150 25 3 4 20 0');
  assert.equal(fields[0], 'S');
  assert.equal(fields[1], '7');
  assert.deepEqual(fields.slice(11, 15), ['150', '25', '3', '4']);
});

test('this process has used some CPU and no more than it has been alive for', async () => {
  const cpu = await cpuSeconds(process.pid);
  assert.ok(cpu.self >= 0 && cpu.self <= process.uptime() * 2);
  assert.ok(cpu.children >= 0);
});
