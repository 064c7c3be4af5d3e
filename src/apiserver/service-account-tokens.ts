// Bound service account tokens (pkg/serviceaccount/jwt.go and claims.go): ES256 JWTs signed with a key kept in
// the PKI folder, naming the service account and, for a pod's token, the pod and its node. A token authenticates
// only while what it is bound to still exists with the same uid.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { sign, verify, type KeyObject } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredObject } from '../api/object.js';
import type { ObjectStore } from '../store/object-store.js';
import { isNotFound, writeFileAtomic } from '../util/fs.js';
import { AUTHENTICATED_GROUP, CREDENTIAL_ID_KEY, type UserInfo } from './authn.js';

/** A name and uid, as the `kubernetes.io` claim records each bound object. */
export interface ObjectRef {
  name: string;
  uid: string;
}

/** The private claims of a bound token (claims.go privateClaims). */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  node?: ObjectRef;
  /** When the holder should have refreshed a token whose lifetime was extended (seconds since the epoch). */
  warnafter?: number;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaims;
}

export interface TokenIssue {
  namespace: string;
  serviceAccount: ObjectRef;
  /** Empty: the API server's own audience. */
  audiences: string[];
  expirationSeconds: number;
  pod?: ObjectRef;
  node?: ObjectRef;
}

export interface IssuedToken {
  token: string;
  claims: ServiceAccountClaims;
  /** What the TokenRequest reports: the requested lifetime, even when the token itself lives longer. */
  expirationTimestamp: Date;
}

export class TokenVerificationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenVerificationError';
  }
}

export const SERVICE_ACCOUNT_KEY_FILE = 'sa.key';
export const SERVICE_ACCOUNT_USER_PREFIX = 'system:serviceaccount:';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
// The lifetime the ServiceAccount admission asks for (plugin/pkg/admission/serviceaccount): a marker that lets
// kube-apiserver (--service-account-extend-token-expiration, on by default) give such pod tokens a year, so
// a kubelet that missed a refresh does not break old clients; `warnafter` records the real expiry.
export const WARN_ONLY_EXPIRATION_SECONDS = 3607;
const EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 60 * 60;
// go-jose's jwt.DefaultLeeway, which Validator.Validate uses for exp and nbf.
const LEEWAY_SECONDS = 60;

/** The issuer and default audience of a kubeadm cluster (`--service-account-issuer`, `--api-audiences`). */
export function defaultIssuer(clusterDomain: string): string {
  return `https://kubernetes.default.svc.${clusterDomain}`;
}

/** Loads the signing key from the PKI folder, creating it (0600) at first start, like kubeadm's sa.key. */
export async function ensureServiceAccountKey(pkiDir: string): Promise<KeyObject> {
  const path = join(pkiDir, SERVICE_ACCOUNT_KEY_FILE);
  try {
    return createPrivateKey(await readFile(path, 'utf8'));
  } catch (e) {
    if (!isNotFound(e)) throw new TokenVerificationError(`cannot load ${path}`, { cause: e });
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFileAtomic(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), 0o600);
  await chmod(path, 0o600);
  return privateKey;
}

/** Signs and checks tokens; `store` answers whether a token's service account and pod still exist. */
export class ServiceAccountTokens {
  private readonly publicKey: KeyObject;
  private readonly keyId: string;

  constructor(
    private readonly privateKey: KeyObject,
    readonly issuer: string,
    private readonly store: ObjectStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.publicKey = createPublicKey(privateKey);
    // jwt.go keyIDFromPublicKey: the unpadded base64url SHA-256 of the PKIX public key.
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha256').update(der).digest('base64url');
  }

  /** The audiences a token must name to authenticate to this API server. */
  get apiAudiences(): string[] {
    return [this.issuer];
  }

  issue(request: TokenIssue): IssuedToken {
    const iat = Math.floor(this.now().getTime() / 1000);
    const extended = request.pod !== undefined && request.expirationSeconds === WARN_ONLY_EXPIRATION_SECONDS;
    const lifetime = extended ? EXTENDED_EXPIRATION_SECONDS : request.expirationSeconds;
    const claims: ServiceAccountClaims = {
      aud: request.audiences.length > 0 ? [...request.audiences] : this.apiAudiences,
      exp: iat + lifetime,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: request.namespace,
        ...(request.node ? { node: { ...request.node } } : {}),
        ...(request.pod ? { pod: { ...request.pod } } : {}),
        serviceaccount: { ...request.serviceAccount },
        ...(extended ? { warnafter: iat + request.expirationSeconds } : {}),
      },
      nbf: iat,
      sub: `${SERVICE_ACCOUNT_USER_PREFIX}${request.namespace}:${request.serviceAccount.name}`,
    };
    const header = { alg: 'ES256', kid: this.keyId };
    const signingInput = `${encodeJson(header)}.${encodeJson(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return {
      token: `${signingInput}.${signature.toString('base64url')}`,
      claims,
      expirationTimestamp: new Date((iat + request.expirationSeconds) * 1000),
    };
  }

  /** The claims of a token this server signed, for one of `audiences`, and valid now; else throws why not. */
  verify(token: string, audiences: readonly string[] = this.apiAudiences): ServiceAccountClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenVerificationError('not a compact JWS');
    const [headerText = '', payloadText = '', signatureText = ''] = parts;
    const header = decodeJson(headerText) as { alg?: unknown };
    if (header.alg !== 'ES256')
      throw new TokenVerificationError(`unexpected signing algorithm ${String(header.alg)}`);
    const valid = verify(
      'sha256',
      Buffer.from(`${headerText}.${payloadText}`),
      { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signatureText, 'base64url'),
    );
    if (!valid) throw new TokenVerificationError('invalid signature');
    const claims = decodeJson(payloadText) as ServiceAccountClaims;
    if (claims.iss !== this.issuer) throw new TokenVerificationError('token issued by another issuer');
    if (!Array.isArray(claims.aud) || !claims.aud.some((a) => audiences.includes(a)))
      throw new TokenVerificationError('token audiences do not match');
    const now = this.now().getTime() / 1000;
    if (typeof claims.exp !== 'number' || now > claims.exp + LEEWAY_SECONDS)
      throw new TokenVerificationError('service account token has expired');
    if (typeof claims.nbf !== 'number' || now < claims.nbf - LEEWAY_SECONDS)
      throw new TokenVerificationError('service account token is not valid yet');
    if (typeof claims['kubernetes.io'] !== 'object') throw new TokenVerificationError('not a bound token');
    return claims;
  }

  /**
   * The user a bearer token names (serviceaccount.UserInfo), or undefined for a token that is forged, expired,
   * for another audience, or whose service account or pod is gone or was recreated (claims.go Validate).
   */
  authenticate(token: string): UserInfo | undefined {
    let claims: ServiceAccountClaims;
    try {
      claims = this.verify(token);
      this.checkBoundObjects(claims['kubernetes.io']);
    } catch (e) {
      if (e instanceof TokenVerificationError) return undefined;
      throw e;
    }
    const k = claims['kubernetes.io'];
    const extra: Record<string, string[]> = { [CREDENTIAL_ID_KEY]: [`JTI=${claims.jti}`] };
    if (k.node) {
      extra['authentication.kubernetes.io/node-name'] = [k.node.name];
      extra['authentication.kubernetes.io/node-uid'] = [k.node.uid];
    }
    if (k.pod) {
      extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
      extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
    }
    return {
      username: claims.sub,
      uid: k.serviceaccount.uid,
      groups: [SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${k.namespace}`, AUTHENTICATED_GROUP],
      extra,
    };
  }

  private checkBoundObjects(k: KubernetesClaims): void {
    const sa = this.store.get('serviceaccounts', k.namespace, k.serviceaccount.name);
    checkSameObject(sa, 'serviceaccount', k.serviceaccount);
    if (k.pod) checkSameObject(this.store.get('pods', k.namespace, k.pod.name), 'pod', k.pod);
  }
}

function checkSameObject(object: StoredObject | undefined, kind: string, ref: ObjectRef): void {
  if (object === undefined) throw new TokenVerificationError(`${kind} "${ref.name}" not found`);
  if (object.metadata.uid !== ref.uid) {
    throw new TokenVerificationError(
      `${kind} UID (${object.metadata.uid ?? ''}) does not match claim (${ref.uid})`,
    );
  }
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) throw new Error('not a JSON object');
    return value;
  } catch (e) {
    throw new TokenVerificationError('malformed token', { cause: e });
  }
}
