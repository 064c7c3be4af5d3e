// Image pulls as kubectl shows them: a missing image is ErrImagePull then ImagePullBackOff and recovers once
// pushed; a registry behind htpasswd needs the pod's imagePullSecret.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeTree } from '../../src/util/fs.js';
import { tempDir } from '../unit/image/tar-fixtures.js';
import { REPO, waitFor } from '../integration/support/podlet-process.js';
import { startRegistry, type TestRegistry } from '../integration/support/registry.js';
import { useCluster } from './support/cluster.js';

const LAYOUT = join(REPO, 'test', 'fixtures', 'images', 'out', 'busybox.layout');
const USER = { username: 'puller', password: 'open-sesame' };

const pod = (name: string, image: string, secret?: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  terminationGracePeriodSeconds: 1
  ${secret ? `imagePullSecrets: [{ name: ${secret} }]` : ''}
  containers:
    - { name: c, image: ${image}, command: ['sleep', '3600'] }
`;

describe('image pulls through kubectl', () => {
  let dir = '';
  let open: TestRegistry;
  let locked: TestRegistry;
  before(async () => {
    dir = await tempDir('e2e-pulls');
    open = await startRegistry(join(dir, 'open'));
    locked = await startRegistry(join(dir, 'locked'), USER);
    await locked.push(`${LAYOUT}:latest`, 'private/busybox:1');
  });
  const k = useCluster({
    serveArgs: async () => ['--insecure-registry', open.host, '--insecure-registry', locked.host],
  });
  after(async () => {
    await open?.stop();
    await locked?.stop();
    if (dir) await removeTree(dir);
  });

  const status = async (name: string) => (await k.ok(['get', 'pod', name, '--no-headers'])).split(/\s+/)[2];

  test('a missing image shows ErrImagePull, then ImagePullBackOff, and the pod runs once it is pushed', async () => {
    await k.ok(['apply', '-f', '-'], { input: pod('later', `${open.host}/later/busybox:1`) });
    await waitFor('ErrImagePull', async () => (await status('later')) === 'ErrImagePull');
    await waitFor('ImagePullBackOff', async () => (await status('later')) === 'ImagePullBackOff');
    const waiting = JSON.parse(
      await k.ok(['get', 'pod', 'later', '-o', 'jsonpath={.status.containerStatuses[0].state}']),
    );
    assert.match(waiting.waiting.message, /^Back-off pulling image ".*later\/busybox:1": ErrImagePull: /);
    const events = await k.ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=later',
      '-o',
      'jsonpath={.items[*].reason}',
    ]);
    for (const reason of ['Pulling', 'Failed', 'BackOff'])
      assert.match(events, new RegExp(`\\b${reason}\\b`));
    await open.push(`${LAYOUT}:latest`, 'later/busybox:1');
    await k.ok(['wait', '--for=condition=Ready', 'pod/later', '--timeout=60s']);
    assert.match(
      await k.ok(['describe', 'pod', 'later']),
      /Successfully pulled image ".*later\/busybox:1" in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\./,
    );
  });

  test('a registry behind htpasswd refuses the pull without the secret and serves it with imagePullSecrets', async () => {
    const image = `${locked.host}/private/busybox:1`;
    await k.ok(['apply', '-f', '-'], { input: pod('nosecret', image) });
    await waitFor('the refused pull', async () =>
      ['ErrImagePull', 'ImagePullBackOff'].includes((await status('nosecret')) ?? ''),
    );
    const message = await k.ok([
      'get',
      'pod',
      'nosecret',
      '-o',
      'jsonpath={.status.containerStatuses[0].state.waiting.message}',
    ]);
    assert.match(message, /401|authentication|credentials/i);
    await k.ok([
      'create',
      'secret',
      'docker-registry',
      'regcred',
      `--docker-server=${locked.host}`,
      `--docker-username=${USER.username}`,
      `--docker-password=${USER.password}`,
    ]);
    await k.ok(['apply', '-f', '-'], { input: pod('withsecret', image, 'regcred') });
    await k.ok(['wait', '--for=condition=Ready', 'pod/withsecret', '--timeout=60s']);
  });
});
