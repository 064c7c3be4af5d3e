import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inheritedRlimits, parseLimits, readHostRlimits } from '../../../src/runtime/oci/host-rlimits.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max file size             unlimited            unlimited            bytes     
Max data size             unlimited            unlimited            bytes     
Max stack size            8388608              unlimited            bytes     
Max core file size        0                    unlimited            bytes     
Max resident set          unlimited            unlimited            bytes     
Max processes             96365                96365                processes 
Max open files            20000                20000                files     
Max locked memory         8388608              8388608              bytes     
Max address space         unlimited            unlimited            bytes     
Max file locks            unlimited            unlimited            locks     
Max pending signals       96365                96365                signals   
Max msgqueue size         819200               819200               bytes     
Max nice priority         0                    0                    
Max realtime priority     0                    0                    
Max realtime timeout      unlimited            unlimited            us        
`;

describe('parseLimits', () => {
  test('reads all sixteen limits, unlimited as Infinity', () => {
    const limits = parseLimits(LIMITS);
    assert.equal(limits.length, 16);
    assert.deepEqual(limits[3], { type: 'RLIMIT_STACK', soft: 8388608, hard: Infinity });
    assert.deepEqual(
      limits.find((l) => l.type === 'RLIMIT_NOFILE'),
      { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
    );
    assert.deepEqual(
      limits.find((l) => l.type === 'RLIMIT_NICE'),
      { type: 'RLIMIT_NICE', soft: 0, hard: 0 },
    );
  });

  test('fails on text that is not a limits file', () => {
    assert.throws(() => parseLimits('hello\n'), /no resource limits/);
    assert.throws(
      () => parseLimits('Max open files            many                 20000'),
      /unreadable limit/,
    );
  });

  test('reads this process limits', async () => {
    const limits = await readHostRlimits();
    const nofile = limits.find((l) => l.type === 'RLIMIT_NOFILE');
    assert.ok(nofile && nofile.soft <= nofile.hard);
  });
});

describe('inheritedRlimits', () => {
  test('keeps only limits with exact values, so JSON never carries an unlimited one', () => {
    const kept = inheritedRlimits(parseLimits(LIMITS));
    assert.deepEqual(
      kept.map((r) => r.type),
      [
        'RLIMIT_NPROC',
        'RLIMIT_NOFILE',
        'RLIMIT_MEMLOCK',
        'RLIMIT_SIGPENDING',
        'RLIMIT_MSGQUEUE',
        'RLIMIT_NICE',
        'RLIMIT_RTPRIO',
      ],
    );
    assert.ok(!JSON.stringify(kept).includes('null'));
  });

  test('leaves out a finite limit beyond 2^53, which a number cannot hold exactly', () => {
    assert.deepEqual(inheritedRlimits([{ type: 'RLIMIT_AS', soft: 2 ** 60, hard: 2 ** 60 }]), []);
  });
});
