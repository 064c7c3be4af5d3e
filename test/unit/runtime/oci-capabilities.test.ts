import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CAPABILITY_NAMES,
  capabilityNamesFromMask,
  containerCapabilities,
} from '../../../src/runtime/oci/capabilities.js';
import { DEFAULT_CAPABILITIES } from '../../../src/runtime/oci/defaults.js';
import { parseEffectiveCapabilities } from '../../../src/runtime/oci/host-capabilities.js';

const HOST = ['CAP_CHOWN', 'CAP_KILL', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN'];
const bounding = (...args: Parameters<typeof containerCapabilities>) =>
  containerCapabilities(...args).bounding;

describe('containerCapabilities', () => {
  test('gives the 14 containerd defaults when nothing is requested', () => {
    assert.equal(DEFAULT_CAPABILITIES.length, 14);
    assert.deepEqual(bounding(undefined, false, HOST), DEFAULT_CAPABILITIES);
    assert.deepEqual(bounding({}, false, HOST), DEFAULT_CAPABILITIES);
  });

  test('appends added capabilities, prefixed and upper-cased, once', () => {
    const caps = bounding({ add: ['net_admin', 'SYS_TIME', 'CHOWN'] }, false, HOST) ?? [];
    assert.deepEqual(caps.slice(-2), ['CAP_NET_ADMIN', 'CAP_SYS_TIME']);
    assert.equal(caps.filter((c) => c === 'CAP_CHOWN').length, 1);
  });

  test('removes dropped capabilities', () => {
    const caps = bounding({ drop: ['NET_RAW', 'MKNOD'] }, false, HOST) ?? [];
    assert.ok(!caps.includes('CAP_NET_RAW') && !caps.includes('CAP_MKNOD'));
    assert.equal(caps.length, 12);
  });

  test('ends with a capability dropped when it is both added and dropped', () => {
    const caps = bounding({ add: ['NET_ADMIN', 'KILL'], drop: ['NET_ADMIN', 'KILL'] }, false, HOST) ?? [];
    assert.ok(!caps.includes('CAP_NET_ADMIN') && !caps.includes('CAP_KILL'));
  });

  test('drops everything but the added ones with drop ALL', () => {
    assert.deepEqual(bounding({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, false, HOST), [
      'CAP_NET_BIND_SERVICE',
    ]);
    assert.deepEqual(bounding({ drop: ['all'] }, false, HOST), []);
  });

  test('grants the host capabilities with add ALL, minus the dropped ones', () => {
    assert.deepEqual(bounding({ add: ['ALL'], drop: ['KILL'] }, false, HOST), [
      'CAP_CHOWN',
      'CAP_NET_ADMIN',
      'CAP_SYS_ADMIN',
    ]);
  });

  test('applies add ALL before drop ALL, so both together leave only named additions', () => {
    assert.deepEqual(bounding({ add: ['ALL', 'CHOWN'], drop: ['ALL'] }, false, HOST), ['CAP_CHOWN']);
  });

  test('gives a privileged container every host capability whatever it drops', () => {
    assert.deepEqual(bounding({ drop: ['ALL'] }, true, HOST), HOST);
  });

  test('uses one list for bounding, effective and permitted and leaves inheritable and ambient empty', () => {
    const caps = containerCapabilities({ add: ['SYS_TIME'] }, false, HOST);
    assert.deepEqual(caps.effective, caps.bounding);
    assert.deepEqual(caps.permitted, caps.bounding);
    assert.notEqual(caps.effective, caps.bounding);
    assert.equal(caps.inheritable, undefined);
    assert.equal(caps.ambient, undefined);
  });
});

describe('host capabilities', () => {
  test('names the bits of a capability mask in number order', () => {
    assert.deepEqual(capabilityNamesFromMask(0b1000000000000000000000001n), [
      'CAP_CHOWN',
      'CAP_SYS_RESOURCE',
    ]);
    assert.equal(CAPABILITY_NAMES[24], 'CAP_SYS_RESOURCE');
    assert.equal(CAPABILITY_NAMES[40], 'CAP_CHECKPOINT_RESTORE');
  });

  test('reads CapEff from a status file and ignores bits runc does not know', () => {
    const status =
      'Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t000001fffeffffff\nCapBnd:\t000001ffffffffff\n';
    const caps = parseEffectiveCapabilities(status);
    assert.equal(caps.length, 40);
    assert.ok(!caps.includes('CAP_SYS_RESOURCE'));
    assert.deepEqual(parseEffectiveCapabilities('CapEff:\tffffffffffffffff\n'), CAPABILITY_NAMES);
  });

  test('fails when there is no CapEff line', () => {
    assert.throws(() => parseEffectiveCapabilities('Name:\tnode\n'), /no CapEff line/);
  });
});
