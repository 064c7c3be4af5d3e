import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readHostDevices, splitDeviceNumber } from '../../../src/runtime/oci/host-devices.js';

describe('host devices for privileged containers', () => {
  test('device numbers split as the kernel encodes them', () => {
    assert.deepEqual(splitDeviceNumber(0x0103), { major: 1, minor: 3 }); // /dev/null
    assert.deepEqual(splitDeviceNumber((259 << 8) | 0 | (0x12 << 20)), { major: 259, minor: 0x12 << 8 });
  });

  test('/dev/null is among the host devices, and the terminal and shm trees are not', async () => {
    const devices = await readHostDevices();
    assert.deepEqual(
      devices.find((d) => d.path === '/dev/null'),
      { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
    );
    assert.ok(!devices.some((d) => d.path.startsWith('/dev/pts/') || d.path === '/dev/console'));
  });
});
