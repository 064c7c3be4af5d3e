import { createHash } from 'node:crypto';

/** The only algorithm the store keeps content under; OCI images in the wild use nothing else. */
export const SHA256 = 'sha256';

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isSha256Digest(value: unknown): value is string {
  return typeof value === 'string' && SHA256_DIGEST.test(value);
}

/** The hex part of a sha256 digest: the name of its blob file and of its layer directory. */
export function digestHex(digest: string): string {
  if (!isSha256Digest(digest)) throw new TypeError(`not a sha256 digest: ${digest}`);
  return digest.slice(SHA256.length + 1);
}

/** The sha256 digests named by a directory's entries (blob files, layer directories); other names are ignored. */
export function digestsNamed(hexNames: readonly string[]): string[] {
  return hexNames.map((name) => `${SHA256}:${name}`).filter(isSha256Digest);
}

export function sha256Digest(data: string | Uint8Array): string {
  return `${SHA256}:${createHash(SHA256).update(data).digest('hex')}`;
}

/**
 * Chain IDs name a stack of layers, so a layer shared by two images is unpacked once
 * (OCI image-spec config.md "Layer ChainID"): chainID(L0) = diffID(L0), chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)).
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const result: string[] = [];
  for (const diffId of diffIds) {
    const parent = result.at(-1);
    result.push(parent === undefined ? diffId : sha256Digest(`${parent} ${diffId}`));
  }
  return result;
}
