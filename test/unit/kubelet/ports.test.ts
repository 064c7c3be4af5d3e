import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podPortMappings } from '../../../src/kubelet/ports.js';

test('hostPorts of init and regular containers become portmap entries; ports without hostPort do not', () => {
  const mappings = podPortMappings({
    spec: {
      initContainers: [{ name: 'i', ports: [{ containerPort: 53, hostPort: 5353, protocol: 'UDP' }] }],
      containers: [
        { name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 9090 }] },
        { name: 'b', ports: [{ containerPort: 443, hostPort: 8443, hostIP: '127.0.0.1' }] },
      ],
    },
  });
  assert.deepEqual(mappings, [
    { hostPort: 5353, containerPort: 53, protocol: 'udp' },
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostPort: 8443, containerPort: 443, protocol: 'tcp', hostIP: '127.0.0.1' },
  ]);
});
