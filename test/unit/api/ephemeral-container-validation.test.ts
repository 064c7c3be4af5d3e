import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EphemeralContainer, Pod } from 'kubernetes-types/core/v1.js';
import {
  describeChanges,
  sameEphemeralContainer,
  validatePodEphemeralContainersUpdate,
} from '../../../src/api/ephemeral-container-validation.js';
import { fieldErrorMessage } from '../../../src/api/errors.js';
import { CONFIG_MIRROR_ANNOTATION } from '../../../src/api/pod-annotations.js';
import { defaultPod } from '../../../src/api/pod-defaults.js';
import { podWith } from './pod-fixtures.js';

const debugger1: EphemeralContainer = {
  name: 'dbg',
  image: 'busybox',
  command: ['sh'],
  targetContainerName: 'c',
};

/** The stored pod (defaulted, as the API server keeps it) with these ephemeral containers. */
function stored(...ephemeralContainers: EphemeralContainer[]): Pod {
  const pod = defaultPod(podWith());
  if (ephemeralContainers.length > 0) pod.spec = { ...pod.spec!, ephemeralContainers };
  return defaultPod(pod);
}

function errorsOf(pod: Pod, old: Pod): string[] {
  return validatePodEphemeralContainersUpdate(pod, old).map(fieldErrorMessage);
}

describe('adding an ephemeral container', () => {
  test('is accepted when it is valid and names an existing target', () => {
    assert.deepEqual(errorsOf(stored(debugger1), stored()), []);
  });

  test('is refused for each field an ephemeral container may not set', () => {
    const withForbidden: EphemeralContainer = {
      ...debugger1,
      ports: [{ containerPort: 80 }],
      resources: { limits: { cpu: '1' } },
      readinessProbe: { exec: { command: ['true'] } },
      lifecycle: { preStop: { exec: { command: ['true'] } } },
    };
    assert.deepEqual(errorsOf(stored(withForbidden), stored()), [
      'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container',
    ]);
  });

  test('is refused when its name is taken by another container of the pod', () => {
    assert.deepEqual(errorsOf(stored({ ...debugger1, name: 'c' }), stored()), [
      'spec.ephemeralContainers[0].name: Duplicate value: "c"',
    ]);
  });

  test('is refused when its target container does not exist', () => {
    assert.deepEqual(errorsOf(stored({ ...debugger1, targetContainerName: 'nope' }), stored()), [
      'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
    ]);
  });

  test('is refused without an image', () => {
    const { image: _image, ...noImage } = debugger1;
    assert.deepEqual(errorsOf(stored(noImage as EphemeralContainer), stored()), [
      'spec.ephemeralContainers[0].image: Required value',
    ]);
  });

  test('is refused on a static pod, with that single error', () => {
    const old = stored();
    old.metadata = { ...old.metadata, annotations: { [CONFIG_MIRROR_ANNOTATION]: 'abc' } };
    const pod = stored({ ...debugger1, ports: [{ containerPort: 1 }] });
    pod.metadata = old.metadata;
    assert.deepEqual(errorsOf(pod, old), [': Forbidden: static pods do not support ephemeral containers']);
  });
});

describe('existing ephemeral containers', () => {
  const second: EphemeralContainer = { name: 'dbg2', image: 'busybox' };

  test('may stay as they are while another is added, in any order', () => {
    assert.deepEqual(errorsOf(stored(second, debugger1), stored(debugger1)), []);
  });

  test('may not be removed', () => {
    assert.deepEqual(errorsOf(stored(second), stored(debugger1, second)), [
      'spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed\n',
    ]);
  });

  test('may not be changed, and the message shows what changed', () => {
    const errors = errorsOf(stored({ ...debugger1, image: 'alpine' }), stored(debugger1));
    assert.equal(errors.length, 1);
    const [message = ''] = errors;
    assert.ok(
      message.startsWith(
        'spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be changed\n',
      ),
      message,
    );
    assert.match(message, /^- \t\tImage: "busybox",$/m);
    assert.match(message, /^\+ \t\tImage: "alpine",$/m);
  });
});

describe('ephemeral container equality', () => {
  test('treats Go zero values and empty lists as absent', () => {
    const plain: EphemeralContainer = { name: 'd', image: 'busybox' };
    const zeros: EphemeralContainer = {
      ...plain,
      stdin: false,
      tty: false,
      workingDir: '',
      env: [],
      resources: { limits: {} },
      securityContext: { capabilities: { add: [] } },
    };
    const { securityContext: _set, ...zerosWithoutPointer } = zeros;
    assert.ok(sameEphemeralContainer(plain, zerosWithoutPointer));
    assert.ok(sameEphemeralContainer(zeros, { ...zeros, securityContext: { capabilities: {} } }));
    assert.ok(!sameEphemeralContainer(plain, zeros), 'a set pointer (securityContext) is not its absence');
    assert.ok(!sameEphemeralContainer(plain, { ...plain, stdin: true }));
    assert.ok(!sameEphemeralContainer(plain, { ...plain, command: ['sh'] }));
  });

  test('is blind to key order in nested objects', () => {
    const a: EphemeralContainer = { name: 'd', image: 'i', env: [{ name: 'A', value: '1' }] };
    const b: EphemeralContainer = { env: [{ value: '1', name: 'A' }], image: 'i', name: 'd' };
    assert.ok(sameEphemeralContainer(a, b));
  });

  test('describes a change in a field outside the common part at the outer level', () => {
    const text = describeChanges(debugger1, { ...debugger1, targetContainerName: 'other' });
    assert.match(text, /^- \tTargetContainerName: "c",$/m);
    assert.match(text, /^\+ \tTargetContainerName: "other",$/m);
    assert.match(text, /^ {2}\t\t\.\.\. \/\/ 24 identical fields$/m);
  });
});
