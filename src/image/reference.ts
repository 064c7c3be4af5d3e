// Image references as docker, containerd's CRI plugin and the kubelet parse them: the grammar of
// distribution/reference (regexp.go, reference.go `Parse`, normalize.go `ParseNormalizedNamed`, `splitDockerDomain`)
// and the digest checks of opencontainers/go-digest (`Digest.Validate`). Error messages are theirs, word for word,
// because the kubelet puts them in container statuses.
import { InvalidImageNameError } from './errors.js';

export interface ImageReference {
  /** Registry host with optional port, e.g. `docker.io`, `localhost:5000`, `[::1]:5000`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  digest?: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const LOCALHOST = 'localhost';
export const DEFAULT_TAG = 'latest';
/** distribution/reference RepositoryNameTotalLengthMax, checked against the path only. */
const REPOSITORY_NAME_TOTAL_LENGTH_MAX = 255;

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6address})(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePattern = `(?:${domainAndPort}/)?${remoteName}`;

const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const anchoredNameRegexp = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;
const anchoredDigestRegexp = new RegExp(`^${digestPattern}$`);

/** go-digest's registered algorithms and the length of their hex encoding. */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Parses and normalises a reference as `ParseNormalizedNamed` does: `busybox` -> domain `docker.io`, path `library/busybox`.
 * A missing tag stays missing (see withDefaultTag). Throws InvalidImageNameError.
 */
export function parseImageReference(input: string): ImageReference {
  if (anchoredIdentifierRegexp.test(input)) {
    throw new InvalidImageNameError(
      input,
      `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
    );
  }
  const { domain, remainder } = splitDockerDomain(input);
  const tagSeparator = remainder.indexOf(':');
  const remote = tagSeparator > -1 ? remainder.slice(0, tagSeparator) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw new InvalidImageNameError(
      input,
      `invalid reference format: repository name (${remote}) must be lowercase`,
    );
  }
  return parseQualified(input, `${domain}/${remainder}`);
}

/** `TagNameOnly`: a reference with neither tag nor digest gets the tag `latest`. */
export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** The normalised string form with the default tag, e.g. `docker.io/library/busybox:latest`. */
export function normalizeImageReference(input: string): string {
  return formatImageReference(withDefaultTag(parseImageReference(input)));
}

export function formatImageReference(ref: ImageReference): string {
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${repositoryOf(ref)}${tag}${digest}`;
}

/** `domain/path`, the repository a tag or digest belongs to. */
export function repositoryOf(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  let domain = DEFAULT_DOMAIN;
  let remainder = name;
  if (slash > -1) {
    const maybeDomain = name.slice(0, slash);
    const isDomain =
      maybeDomain === LOCALHOST ||
      maybeDomain === LEGACY_DEFAULT_DOMAIN ||
      /[.:]/.test(maybeDomain) ||
      maybeDomain.toLowerCase() !== maybeDomain;
    if (isDomain) {
      domain = maybeDomain === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : maybeDomain;
      remainder = name.slice(slash + 1);
    }
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/** reference.go `Parse`, for a string that already starts with a domain. */
function parseQualified(input: string, qualified: string): ImageReference {
  const matches = referenceRegexp.exec(qualified);
  if (matches === null) {
    const lower = qualified.toLowerCase();
    if (lower !== qualified && referenceRegexp.test(lower)) {
      throw new InvalidImageNameError(input, 'repository name must be lowercase');
    }
    throw new InvalidImageNameError(input, 'invalid reference format');
  }
  const [, name = '', tag, digest] = matches;
  const nameMatch = anchoredNameRegexp.exec(name);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch?.[2] ?? name;
  if (path.length > REPOSITORY_NAME_TOTAL_LENGTH_MAX) {
    throw new InvalidImageNameError(
      input,
      `repository name must not be more than ${REPOSITORY_NAME_TOTAL_LENGTH_MAX} characters`,
    );
  }
  if (digest !== undefined) validateDigest(input, digest);
  const ref: ImageReference = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** go-digest `Digest.Validate`. */
function validateDigest(input: string, digest: string): void {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon + 1 === digest.length)
    throw new InvalidImageNameError(input, 'invalid checksum digest format');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const hexLength = DIGEST_HEX_LENGTH[algorithm];
  if (hexLength === undefined) {
    const message = anchoredDigestRegexp.test(digest)
      ? 'unsupported digest algorithm'
      : 'invalid checksum digest format';
    throw new InvalidImageNameError(input, message);
  }
  if (encoded.length !== hexLength) throw new InvalidImageNameError(input, 'invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(encoded)) throw new InvalidImageNameError(input, 'invalid checksum digest format');
}
