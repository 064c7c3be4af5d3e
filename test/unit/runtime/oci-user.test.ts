import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildContainerSpec, ContainerConfigError } from '../../../src/runtime/oci/container-spec.js';
import {
  groupEntries,
  passwdEntries,
  resolveContainerUser,
  resolveUserString,
  type UserInput,
} from '../../../src/runtime/oci/user.js';
import { containerInput } from './oci-fixtures.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  '  app:x:1000:1001:App:/home/app:/bin/sh  ',
  '',
  'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
].join('\n');
const GROUP = [
  'root:x:0:',
  'staff:x:50:app,daemon',
  'app:x:1001:app',
  'audio:x:29:root,app',
  'nogroup:x:65534:',
].join('\n');

function user(input: Partial<UserInput>) {
  return resolveContainerUser({
    etcPasswd: PASSWD,
    etcGroup: GROUP,
    supplementalGroups: [],
    mergeImageGroups: true,
    ...input,
  });
}

const configError = (message: string) => (e: unknown) =>
  e instanceof ContainerConfigError && e.message === message;

describe('resolveContainerUser', () => {
  test('runs as root with the groups root is a member of when nothing names a user', () => {
    assert.deepEqual(user({}), { uid: 0, gid: 0, additionalGids: [0, 29] });
  });

  test('resolves an image user name through /etc/passwd, with its member groups', () => {
    assert.deepEqual(user({ imageUser: 'app' }), { uid: 1000, gid: 1001, additionalGids: [29, 50, 1001] });
  });

  test('takes the gid of a numeric image user from /etc/passwd', () => {
    assert.deepEqual(user({ imageUser: '1000' }), { uid: 1000, gid: 1001, additionalGids: [29, 50, 1001] });
  });

  test('runs a uid missing from /etc/passwd with gid 0', () => {
    assert.deepEqual(user({ imageUser: '4242' }), { uid: 4242, gid: 0, additionalGids: [0] });
    assert.deepEqual(user({ imageUser: '4242', etcPasswd: undefined, etcGroup: undefined }), {
      uid: 4242,
      gid: 0,
      additionalGids: [0],
    });
  });

  test('ignores the group of an image USER uid:gid, as the kubelet passes only the user on', () => {
    assert.deepEqual(user({ imageUser: '4242:4242' }), { uid: 4242, gid: 0, additionalGids: [0] });
    assert.deepEqual(user({ imageUser: 'app:root' }).gid, 1001);
  });

  // The user's own-named group (app:x:1001:app) is not a supplementary group: only its primary gid brings it in.
  test('lets runAsUser replace the image user and runAsGroup set the gid', () => {
    assert.deepEqual(user({ imageUser: 'app', runAsUser: 2000 }), { uid: 2000, gid: 0, additionalGids: [0] });
    assert.deepEqual(user({ imageUser: 'app', runAsGroup: 3000 }), {
      uid: 1000,
      gid: 3000,
      additionalGids: [29, 50, 3000],
    });
    assert.deepEqual(user({ runAsUser: 1000, runAsGroup: 3000 }).additionalGids, [29, 50, 3000]);
  });

  test('adds fsGroup and supplementalGroups, sorted and without duplicates', () => {
    assert.deepEqual(user({ runAsUser: 2000, runAsGroup: 2000, supplementalGroups: [5555, 100, 2000] }), {
      uid: 2000,
      gid: 2000,
      additionalGids: [100, 2000, 5555],
    });
  });

  test('leaves the image group memberships out with supplementalGroupsPolicy Strict', () => {
    assert.deepEqual(user({ imageUser: 'app', mergeImageGroups: false, supplementalGroups: [7] }), {
      uid: 1000,
      gid: 1001,
      additionalGids: [7, 1001],
    });
  });

  test('fails like containerd for a user name the image does not have', () => {
    assert.throws(() => user({ imageUser: 'ghost' }), configError('no users found'));
    assert.throws(
      () => user({ imageUser: 'app', etcPasswd: undefined }),
      configError('open etc/passwd: no such file or directory'),
    );
  });
});

describe('resolveUserString', () => {
  const files = { etcPasswd: PASSWD, etcGroup: GROUP };
  const table: [string, { uid: number; gid: number }][] = [
    ['0', { uid: 0, gid: 0 }],
    ['nobody', { uid: 65534, gid: 65534 }],
    ['1000:50', { uid: 1000, gid: 50 }],
    ['4242:4242', { uid: 4242, gid: 4242 }],
    ['app:staff', { uid: 1000, gid: 50 }],
    ['app:7', { uid: 1000, gid: 7 }],
    ['4242:nogroup', { uid: 4242, gid: 65534 }],
    ['app', { uid: 1000, gid: 1001 }],
  ];
  for (const [userString, expected] of table) {
    test(`resolves ${userString}`, () => assert.deepEqual(resolveUserString(userString, files), expected));
  }

  test('rejects ids out of runc range, malformed values and unknown groups', () => {
    assert.throws(
      () => resolveUserString('2147483648', files),
      configError('invalid USER value "2147483648": uid out of range'),
    );
    assert.throws(
      () => resolveUserString('-1', files),
      configError('invalid USER value "-1": uid out of range'),
    );
    assert.throws(
      () => resolveUserString('1:-5', files),
      configError('invalid USER value "1:-5": gid out of range'),
    );
    assert.throws(() => resolveUserString('ghost:99999999999', files), /gid out of range/);
    assert.throws(() => resolveUserString('a:b:c', files), configError('invalid USER value a:b:c'));
    assert.throws(() => resolveUserString('0:ghosts', files), configError('no groups found'));
    assert.throws(
      () => resolveUserString('0:staff', { etcPasswd: PASSWD }),
      configError('open etc/group: no such file or directory'),
    );
  });
});

describe('passwd and group parsing', () => {
  test('reads the first fields, trims lines and skips blank ones', () => {
    assert.deepEqual(passwdEntries('a:x:1:2:g:/h:/s\n\n  b:x:oops:3\n'), [
      { name: 'a', uid: 1, gid: 2 },
      { name: 'b', uid: 0, gid: 3 },
    ]);
    assert.deepEqual(groupEntries('g:x:10:a,b\nh:x:11:\n'), [
      { name: 'g', gid: 10, members: ['a', 'b'] },
      { name: 'h', gid: 11, members: [] },
    ]);
  });
});

describe('buildContainerSpec: user', () => {
  test('uses the container runAsUser over the pod one and the pod runAsGroup', () => {
    const spec = buildContainerSpec(
      containerInput(
        { securityContext: { runAsUser: 1234 } },
        {},
        { securityContext: { runAsUser: 1, runAsGroup: 99 } },
      ),
    );
    assert.deepEqual(spec.process.user, { uid: 1234, gid: 99, additionalGids: [99] });
  });

  test('adds fsGroup and supplementalGroups of the pod', () => {
    const spec = buildContainerSpec(
      containerInput(
        {},
        {},
        { securityContext: { runAsUser: 5, fsGroup: 2000, supplementalGroups: [3000, 1000] } },
      ),
    );
    assert.deepEqual(spec.process.user, { uid: 5, gid: 0, additionalGids: [0, 1000, 2000, 3000] });
  });

  test('honours supplementalGroupsPolicy Strict', () => {
    const input = containerInput({}, { image: { config: { User: 'nobody', Cmd: ['sh'] } } });
    input.etcGroup = 'users:x:100:nobody\n';
    assert.deepEqual(buildContainerSpec(input).process.user.additionalGids, [100, 65534]);
    const strictSc = { supplementalGroupsPolicy: 'Strict' } as NonNullable<
      NonNullable<typeof input.pod.spec>['securityContext']
    >;
    input.pod = { ...input.pod, spec: { containers: [input.container], securityContext: strictSc } };
    assert.deepEqual(buildContainerSpec(input).process.user.additionalGids, [65534]);
  });
});
