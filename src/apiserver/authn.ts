import type { SelfSubjectReview } from 'kubernetes-types/authentication/v1.js';
import type {
  NonResourceRule,
  ResourceAttributes,
  SelfSubjectAccessReview,
  SelfSubjectAccessReviewSpec,
  SelfSubjectRulesReview,
  SubjectAccessReviewStatus,
  SubjectRulesReviewStatus,
} from 'kubernetes-types/authorization/v1.js';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { invalid, type FieldError } from '../api/errors.js';

/** Who made a request, as kube-apiserver's user.Info carries it. */
export interface UserInfo {
  username: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** authorization/v1 ResourceRule: kubernetes-types 1.30 lacks its `verbs` and `resources` fields. */
export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export type SelfSubjectRulesReviewReply = Omit<SelfSubjectRulesReview, 'status'> & {
  status: Omit<SubjectRulesReviewStatus, 'resourceRules'> & { resourceRules: ResourceRule[] };
};

/** The versions of authentication.k8s.io that serve SelfSubjectReview (kubectl 1.27 asks for v1beta1). */
export type SelfSubjectReviewVersion = 'authentication.k8s.io/v1' | 'authentication.k8s.io/v1beta1';

export const MASTERS_GROUP = 'system:masters';
export const AUTHENTICATED_GROUP = 'system:authenticated';
// Recent kube-apiserver x509 authenticators name the certificate that authenticated a request; whoami prints it.
export const CREDENTIAL_ID_KEY = 'authentication.kubernetes.io/credential-id';
const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';
const ANY_USAGE_OID = '2.5.29.37.0';
const DENY_REASON = `podlet authorizes only members of the group "${MASTERS_GROUP}"`;

/** What a user may do: a grant to one of its groups, the way RBAC ClusterRoleBindings grant it. */
interface Grant {
  group: string;
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
}

// The default bindings of kube-apiserver's RBAC bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): system:masters is bound to cluster-admin;
// every authenticated user to system:basic-user (the self reviews), system:discovery and
// system:public-info-viewer (discovery, version and health paths).
const GRANTS: readonly Grant[] = [
  {
    group: MASTERS_GROUP,
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
  },
  {
    group: AUTHENTICATED_GROUP,
    resourceRules: [
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ],
    nonResourceRules: [
      {
        verbs: ['get'],
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/openapi',
          '/openapi/*',
          '/readyz',
          '/version',
          '/version/',
        ],
      },
    ],
  },
];

/**
 * The user a verified client certificate names: CN is the user name, each O a group
 * (k8s.io/apiserver/pkg/authentication/request/x509/x509.go, CommonNameUserConversion), plus
 * system:authenticated (authentication/group/authenticated_group_adder.go). Undefined when the socket
 * carries no certificate, one the CA did not sign, one not meant for client auth, or one without a CN:
 * the caller answers 401 Unauthorized. Needs a server with `requestCert: true, rejectUnauthorized: false`.
 */
export function authenticate(socket: TLSSocket): UserInfo | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (cert === null || cert.raw === undefined || !allowsClientAuth(cert)) return undefined;
  const username = values(cert.subject?.CN)[0];
  if (username === undefined || username === '') return undefined;
  const groups = values(cert.subject.O);
  if (!groups.includes(AUTHENTICATED_GROUP)) groups.push(AUTHENTICATED_GROUP);
  const fingerprint = createHash('sha256').update(cert.raw).digest('hex');
  return { username, groups, extra: { [CREDENTIAL_ID_KEY]: [`X509SHA256=${fingerprint}`] } };
}

/** Checks a bearer token: the user it names, or undefined for a token that names nobody (a 401). */
export type TokenAuthenticator = (token: string) => UserInfo | undefined;

/**
 * kube-apiserver's union of authenticators, in its order: a verified client certificate, else an
 * `Authorization: Bearer` token (k8s.io/apiserver/pkg/authentication/request/bearertoken/bearertoken.go:
 * the scheme is case-insensitive and an empty token is no token).
 */
export function authenticateRequest(
  req: IncomingMessage,
  tokens: TokenAuthenticator | undefined,
): UserInfo | undefined {
  const user = authenticate(req.socket as TLSSocket);
  if (user !== undefined) return user;
  const match = /^bearer\s+(.+)$/i.exec((req.headers.authorization ?? '').trim());
  const token = match?.[1]?.trim();
  return token === undefined || token === '' || tokens === undefined ? undefined : tokens(token);
}

/** Go's x509 verification with KeyUsages=[ClientAuth]: a certificate without the extension may be used for anything. */
function allowsClientAuth(cert: PeerCertificate): boolean {
  const usages = cert.ext_key_usage;
  return usages === undefined || usages.includes(CLIENT_AUTH_OID) || usages.includes(ANY_USAGE_OID);
}

/** Node gives a subject attribute as a string, or as an array when the certificate repeats it. */
function values(attribute: string | string[] | undefined): string[] {
  if (attribute === undefined) return [];
  return Array.isArray(attribute) ? [...attribute] : [attribute];
}

/** The reply to `POST /apis/authentication.k8s.io/v1/selfsubjectreviews` (kubectl auth whoami). */
export function selfSubjectReview(
  user: UserInfo,
  apiVersion: SelfSubjectReviewVersion = 'authentication.k8s.io/v1',
): Omit<SelfSubjectReview, 'apiVersion'> & { apiVersion: SelfSubjectReviewVersion } {
  return {
    kind: 'SelfSubjectReview',
    apiVersion,
    metadata: {},
    status: {
      userInfo: {
        username: user.username,
        ...(user.uid === undefined ? {} : { uid: user.uid }),
        groups: [...user.groups],
        ...(user.extra === undefined ? {} : { extra: user.extra }),
      },
    },
  };
}

/**
 * Validation of a SelfSubjectAccessReview, as pkg/apis/authorization/validation/validation.go does it.
 * A non-empty list is a 422 Invalid for kind SelfSubjectAccessReview with an empty name.
 */
export function validateSelfSubjectAccessReview(review: SelfSubjectAccessReview): FieldError[] {
  const errors: FieldError[] = [];
  const { resourceAttributes, nonResourceAttributes } = review.spec ?? {};
  if (resourceAttributes !== undefined && nonResourceAttributes !== undefined) {
    errors.push(
      invalid(
        'spec.nonResourceAttributes',
        nonResourceAttributes,
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  }
  if (resourceAttributes === undefined && nonResourceAttributes === undefined) {
    errors.push(
      invalid(
        'spec.resourceAttributes',
        nonResourceAttributes,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  }
  if (!isEmptyMetadata(review.metadata)) errors.push(invalid('metadata', review.metadata, 'must be empty'));
  return errors;
}

/** Go compares with an empty ObjectMeta: JSON `{"creationTimestamp": null}` from older clients is empty too. */
function isEmptyMetadata(metadata: object | undefined): boolean {
  return Object.values(metadata ?? {}).every(isZero);
}

function isZero(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

export interface AuthorizationDecision {
  allowed: boolean;
  /** Why not; empty when allowed (kube-apiserver gives no reason for a privileged group's Allow). */
  reason: string;
}

function grantsOf(user: UserInfo): Grant[] {
  return GRANTS.filter((g) => user.groups.includes(g.group));
}

/** RBAC's matching (pkg/apis/rbac/v1/evaluation_helpers.go): `*` matches all; a trailing `*` on a path is a prefix. */
function listAllows(list: readonly string[] | undefined, value: string): boolean {
  return (list ?? []).some((item) => item === '*' || item === value);
}

function pathAllowed(urls: readonly string[] | undefined, path: string): boolean {
  return (urls ?? []).some(
    (u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
  );
}

function resourceAllowed(rule: ResourceRule, attributes: ResourceAttributes): boolean {
  const resource = attributes.subresource
    ? `${attributes.resource ?? ''}/${attributes.subresource}`
    : attributes.resource;
  return (
    listAllows(rule.verbs, attributes.verb ?? '') &&
    listAllows(rule.apiGroups, attributes.group ?? '') &&
    listAllows(rule.resources, resource ?? '') &&
    (rule.resourceNames === undefined ||
      rule.resourceNames.length === 0 ||
      rule.resourceNames.includes(attributes.name ?? ''))
  );
}

/**
 * May this user do this? The one authorization rule of podlet, used for every request and by both
 * reviews so that `kubectl auth can-i` and `can-i --list` tell the truth. Pass exactly one of the attributes.
 */
export function authorize(user: UserInfo, spec: SelfSubjectAccessReviewSpec): AuthorizationDecision {
  const grants = grantsOf(user);
  const { resourceAttributes, nonResourceAttributes } = spec;
  const allowed =
    resourceAttributes !== undefined
      ? grants.some((g) => g.resourceRules.some((r) => resourceAllowed(r, resourceAttributes)))
      : grants.some((g) =>
          g.nonResourceRules.some(
            (r) =>
              listAllows(r.verbs, nonResourceAttributes?.verb ?? '') &&
              pathAllowed(r.nonResourceURLs, nonResourceAttributes?.path ?? ''),
          ),
        );
  return allowed ? { allowed: true, reason: '' } : { allowed: false, reason: DENY_REASON };
}

/**
 * The reply to `kubectl auth can-i`: the review with its status filled in, as the SelfSubjectAccessReview
 * REST storage fills it (pkg/registry/authorization/selfsubjectaccessreview/rest.go). kubectl prints the
 * reason after `no`. Call validateSelfSubjectAccessReview first.
 */
export function selfSubjectAccessReview(
  user: UserInfo,
  review: SelfSubjectAccessReview,
): SelfSubjectAccessReview {
  const decision = authorize(user, review.spec);
  const status: SubjectAccessReviewStatus = decision.allowed
    ? { allowed: true }
    : { allowed: false, reason: decision.reason };
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: review.metadata ?? {},
    spec: review.spec,
    status,
  };
}

/** The reply to `kubectl auth can-i --list`: the rules of every grant the user holds (namespace-independent). */
export function selfSubjectRulesReview(
  user: UserInfo,
  review: SelfSubjectRulesReview,
): SelfSubjectRulesReviewReply {
  const grants = grantsOf(user);
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: review.metadata ?? {},
    spec: review.spec,
    status: {
      resourceRules: grants.flatMap((g) => g.resourceRules),
      nonResourceRules: grants.flatMap((g) => g.nonResourceRules),
      incomplete: false,
    },
  };
}
