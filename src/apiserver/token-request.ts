// The TokenRequest subresource, `POST .../serviceaccounts/<name>/token` (`kubectl create token`), and the same
// request made in-process for the kubelet's projected tokens (pkg/registry/core/serviceaccount/storage/token.go).
import type { BoundObjectReference, TokenRequest } from 'kubernetes-types/authentication/v1.js';
import { invalid as invalidField, type FieldError } from '../api/errors.js';
import { kubeTime } from '../api/time.js';
import type { ObjectStore } from '../store/object-store.js';
import { parseBody, readBody, sendJson } from './http-io.js';
import type { SubresourceHandler } from './resource-handler.js';
import type { IssuedToken, ServiceAccountTokens } from './service-account-tokens.js';
import { badRequest, conflict, invalid, methodNotSupported, notFound } from './status.js';

export interface ServiceAccountTokenRequest {
  namespace: string;
  serviceAccountName: string;
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef?: BoundObjectReference;
}

// SetDefaults_TokenRequestSpec, and ValidateTokenRequest's bounds (pkg/apis/authentication/validation).
export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

/** Issues a token for a service account, bound to a pod when asked; throws the API error upstream answers. */
export function requestServiceAccountToken(
  store: ObjectStore,
  tokens: ServiceAccountTokens,
  request: ServiceAccountTokenRequest,
): IssuedToken {
  const { namespace, serviceAccountName: name } = request;
  const errors = validateExpiration(request.expirationSeconds);
  if (errors.length > 0) throw invalid('TokenRequest', 'authentication.k8s.io', name, errors);
  const sa = store.get('serviceaccounts', namespace, name);
  if (sa === undefined) throw notFound('serviceaccounts', name);
  const bound = boundPod(store, name, namespace, request.boundObjectRef);
  return tokens.issue({
    namespace,
    serviceAccount: { name, uid: sa.metadata.uid ?? '' },
    audiences: request.audiences,
    expirationSeconds: request.expirationSeconds,
    ...bound,
  });
}

function validateExpiration(seconds: number): FieldError[] {
  if (seconds < MIN_EXPIRATION_SECONDS)
    return [
      invalidField('spec.expirationSeconds', seconds, 'may not specify a duration less than 10 minutes'),
    ];
  if (seconds > MAX_EXPIRATION_SECONDS)
    return [
      invalidField('spec.expirationSeconds', seconds, 'may not specify a duration larger than 2^32 seconds'),
    ];
  return [];
}

/** The pod (and its node) a token is bound to. podlet binds tokens to pods only, not to Secrets or Nodes. */
function boundPod(
  store: ObjectStore,
  serviceAccountName: string,
  namespace: string,
  ref: BoundObjectReference | undefined,
): { pod?: { name: string; uid: string }; node?: { name: string; uid: string } } {
  if (ref === undefined || (ref.kind ?? '') === '') return {};
  const group = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/')[0] : '';
  if (ref.kind !== 'Pod' || group !== '') {
    const version = (ref.apiVersion ?? '').split('/').pop() ?? '';
    throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
  }
  const name = ref.name ?? '';
  const pod = store.get('pods', namespace, name);
  if (pod === undefined) throw notFound('pods', name);
  const spec = pod.spec as { serviceAccountName?: string; nodeName?: string } | undefined;
  if (spec?.serviceAccountName !== serviceAccountName) {
    throw badRequest(
      `cannot bind token for serviceaccount "${serviceAccountName}" to pod running with different serviceaccount name.`,
    );
  }
  const uid = pod.metadata.uid ?? '';
  if (ref.uid && ref.uid !== uid) {
    throw conflict(
      'Pod',
      name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  const node = spec.nodeName ? store.get('nodes', '', spec.nodeName) : undefined;
  return {
    pod: { name, uid },
    ...(node ? { node: { name: node.metadata.name, uid: node.metadata.uid ?? '' } } : {}),
  };
}

/** `serviceaccounts/token`: answers 201 with the request, its audiences defaulted, and the token in status. */
export function tokenRequestHandler(tokens: ServiceAccountTokens): SubresourceHandler {
  return async (ctx, target, request, req, res) => {
    if (request.verb !== 'create') throw methodNotSupported('serviceaccounts/token', request.verb);
    const body = parseBody(await readBody(req), req.headers['content-type']) as TokenRequest;
    const spec = body.spec ?? {};
    const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const issued = requestServiceAccountToken(ctx.store, tokens, {
      namespace: target.namespace,
      serviceAccountName: target.name,
      audiences: spec.audiences ?? [],
      expirationSeconds,
      ...(spec.boundObjectRef ? { boundObjectRef: spec.boundObjectRef } : {}),
    });
    const reply: TokenRequest = {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { ...body.metadata, name: target.name, namespace: target.namespace },
      spec: {
        ...spec,
        audiences: issued.claims.aud,
        expirationSeconds,
        boundObjectRef: spec.boundObjectRef ?? (null as unknown as BoundObjectReference),
      },
      status: { token: issued.token, expirationTimestamp: kubeTime(issued.expirationTimestamp) },
    };
    sendJson(res, 201, reply);
  };
}
