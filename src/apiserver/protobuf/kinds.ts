// The kinds podlet reads as protobuf, by `apiVersion/kind`. Pod's and Service's tables are generated
// (core-schema.ts); the small kinds kubectl's `auth` and typed `create` subcommands send are written here from the
// generated.proto files of k8s.io/api (authorization/v1, authentication/v1, core/v1).
import { OBJECT_META, POD, SERVICE } from './core-schema.js';
import type { FieldSpec, Schema } from './schema.js';

function str(name: string): FieldSpec {
  return { name, type: 'string' };
}

function strings(name: string): FieldSpec {
  return { name, type: 'string', kind: 'repeated' };
}

function message(name: string, type: Schema): FieldSpec {
  return { name, type };
}

const METADATA = message('metadata', OBJECT_META);

const SELECTOR_ATTRIBUTES: Schema = {
  1: str('rawSelector'),
  2: {
    name: 'requirements',
    type: { 1: str('key'), 2: str('operator'), 3: strings('values') },
    kind: 'repeated',
  },
};

const RESOURCE_ATTRIBUTES: Schema = {
  1: str('namespace'),
  2: str('verb'),
  3: str('group'),
  4: str('version'),
  5: str('resource'),
  6: str('subresource'),
  7: str('name'),
  8: message('fieldSelector', SELECTOR_ATTRIBUTES),
  9: message('labelSelector', SELECTOR_ATTRIBUTES),
};

const SELF_SUBJECT_ACCESS_REVIEW: Schema = {
  1: METADATA,
  2: message('spec', {
    1: message('resourceAttributes', RESOURCE_ATTRIBUTES),
    2: message('nonResourceAttributes', { 1: str('path'), 2: str('verb') }),
  }),
  3: message('status', {
    1: { name: 'allowed', type: 'bool', keepZero: true },
    4: { name: 'denied', type: 'bool' },
    2: str('reason'),
    3: str('evaluationError'),
  }),
};

const SELF_SUBJECT_RULES_REVIEW: Schema = { 1: METADATA, 2: message('spec', { 1: str('namespace') }) };

const USER_INFO: Schema = {
  1: str('username'),
  2: str('uid'),
  3: strings('groups'),
  4: { name: 'extra', type: 'stringList', kind: 'map' },
};

const SELF_SUBJECT_REVIEW: Schema = {
  1: METADATA,
  2: message('status', { 1: message('userInfo', USER_INFO) }),
};

const NAMESPACE: Schema = { 1: METADATA, 2: message('spec', { 1: strings('finalizers') }) };

const CONFIG_MAP: Schema = {
  1: METADATA,
  2: { name: 'data', type: 'string', kind: 'map' },
  3: { name: 'binaryData', type: 'bytes', kind: 'map' },
  4: { name: 'immutable', type: 'bool', keepZero: true },
};

const SECRET: Schema = {
  1: METADATA,
  2: { name: 'data', type: 'bytes', kind: 'map' },
  3: str('type'),
  4: { name: 'stringData', type: 'string', kind: 'map' },
  5: { name: 'immutable', type: 'bool', keepZero: true },
};

const SERVICE_ACCOUNT: Schema = {
  1: METADATA,
  3: { name: 'imagePullSecrets', type: { 1: str('name') }, kind: 'repeated' },
  4: { name: 'automountServiceAccountToken', type: 'bool', keepZero: true },
};

// `kubectl create token` (authentication/v1); status is the server's to fill.
const TOKEN_REQUEST: Schema = {
  1: METADATA,
  2: message('spec', {
    1: strings('audiences'),
    4: { name: 'expirationSeconds', type: 'int', keepZero: true },
    3: message('boundObjectRef', { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') }),
  }),
};

// `kubectl create priorityclass` (scheduling/v1).
const PRIORITY_CLASS: Schema = {
  1: METADATA,
  2: { name: 'value', type: 'int', keepZero: true },
  3: { name: 'globalDefault', type: 'bool' },
  4: str('description'),
  5: str('preemptionPolicy'),
};

export const DECODERS: Readonly<Record<string, Schema>> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': SELF_SUBJECT_ACCESS_REVIEW,
  'authorization.k8s.io/v1/SelfSubjectRulesReview': SELF_SUBJECT_RULES_REVIEW,
  'authentication.k8s.io/v1/SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1beta1/SelfSubjectReview': SELF_SUBJECT_REVIEW,
  'authentication.k8s.io/v1/TokenRequest': TOKEN_REQUEST,
  'v1/Namespace': NAMESPACE,
  'v1/ConfigMap': CONFIG_MAP,
  'v1/Secret': SECRET,
  'v1/ServiceAccount': SERVICE_ACCOUNT,
  'v1/Pod': POD,
  'v1/Service': SERVICE,
  'scheduling.k8s.io/v1/PriorityClass': PRIORITY_CLASS,
};
