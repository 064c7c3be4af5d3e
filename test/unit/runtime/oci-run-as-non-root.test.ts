import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContainerSpec } from '../../../src/runtime/oci/container-spec.js';
import { ContainerConfigError } from '../../../src/runtime/oci/errors.js';
import { verifyRunAsNonRoot, type NonRootInput } from '../../../src/runtime/oci/user.js';
import { containerInput } from './oci-fixtures.js';

const POD = 'web_team(11111111-2222-3333-4444-555555555555)';

function refusal(input: Partial<NonRootInput>): string | undefined {
  try {
    verifyRunAsNonRoot({ runAsNonRoot: true, pod: POD, container: 'app', ...input });
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ContainerConfigError);
    assert.equal(e.reason, 'CreateContainerConfigError');
    return e.message;
  }
}

describe('verifyRunAsNonRoot', () => {
  test('refuses an image that runs as root, or has no USER, with the kubelet message', () => {
    const message = `container has runAsNonRoot and image will run as root (pod: "${POD}", container: app)`;
    assert.equal(refusal({ imageUser: '0' }), message);
    assert.equal(refusal({ imageUser: '' }), message);
    assert.equal(refusal({}), message);
    assert.equal(refusal({ imageUser: '0:1000' }), message);
    assert.equal(refusal({ imageUser: ':1000' }), message);
  });

  test('cannot verify a user name, even one that is not root in /etc/passwd', () => {
    assert.equal(
      refusal({ imageUser: 'nobody' }),
      `container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "${POD}", container: app)`,
    );
  });

  test('accepts a numeric non-root image user and any non-zero runAsUser', () => {
    assert.equal(refusal({ imageUser: '1000' }), undefined);
    assert.equal(refusal({ imageUser: '1000:0' }), undefined);
    assert.equal(refusal({ imageUser: 'root', runAsUser: 1000 }), undefined);
    assert.equal(refusal({ imageUser: '0', runAsNonRoot: false }), undefined);
  });

  test('refuses runAsUser 0 whatever the image says', () => {
    assert.equal(
      refusal({ imageUser: '1000', runAsUser: 0 }),
      `container's runAsUser breaks non-root policy (pod: "${POD}", container: app)`,
    );
  });

  test('refuses an image uid outside the valid range', () => {
    assert.equal(
      refusal({ imageUser: '-1' }),
      `container has runAsNonRoot and image has an invalid user id (-1). (Must be 1-(2147483647)): must be between 0 and 2147483647, inclusive (pod: "${POD}", container: app)`,
    );
  });
});

describe('buildContainerSpec runAsNonRoot', () => {
  test('applies the pod runAsNonRoot unless the container overrides it, before any runtime check', () => {
    const root = containerInput(
      { command: [] },
      { image: { config: {} } },
      { securityContext: { runAsNonRoot: true } },
    );
    assert.throws(() => buildContainerSpec(root), /image will run as root/);
    const allowed = containerInput(
      { securityContext: { runAsNonRoot: false } },
      {},
      { securityContext: { runAsNonRoot: true } },
    );
    assert.equal(buildContainerSpec(allowed).process.user.uid, 0);
    const nonRoot = containerInput({ securityContext: { runAsNonRoot: true, runAsUser: 65534 } });
    assert.equal(buildContainerSpec(nonRoot).process.user.uid, 65534);
  });
});
