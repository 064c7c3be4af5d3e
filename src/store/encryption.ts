// Secrets encrypted at rest, as kube-apiserver does with an EncryptionConfiguration whose provider is aesgcm
// (k8s.io/apiserver/pkg/storage/value/encrypt/aes): AES-256-GCM with a fresh 12-byte nonce per write (prepended,
// the tag appended), the object's storage key as additional authenticated data so that a row copied onto another
// key does not decrypt, and a `k8s:enc:aesgcm:v1:<key name>:` prefix that tells encrypted rows from plain ones.
// Plain rows still read, so encryption can be turned on for an existing store; each is encrypted at its next write.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';

/** Where a row lives: authenticated with its ciphertext. */
export interface RowLocation {
  resource: string;
  namespace: string;
  name: string;
}

/** Turns an object's JSON into what SQLite keeps, and back. */
export interface StoredDataTransformer {
  toStorage(location: RowLocation, data: string): string;
  fromStorage(location: RowLocation, stored: string): string;
}

/** A 32-byte AES key and the name its rows carry (from its hash, so a wrong key is named as such). */
export interface EncryptionKey {
  name: string;
  bytes: Buffer;
}

export class EncryptionKeyError extends Error {
  override name = 'EncryptionKeyError';
}

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

/** The resources kube-apiserver's encryption configs name in practice; Secrets are the ones holding credentials. */
export const ENCRYPTED_RESOURCES: readonly string[] = ['secrets'];
const PREFIX = 'k8s:enc:aesgcm:v1:';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Reads `--encryption-key-file`: the base64 text of 32 random bytes (`head -c 32 /dev/urandom | base64`), in a file
 * only its owner may read. Anything else is refused with a one-line EncryptionKeyError.
 */
export async function readEncryptionKeyFile(path: string): Promise<EncryptionKey> {
  const where = `--encryption-key-file ${path}`;
  const info = await stat(path).catch((e: unknown) => {
    throw new EncryptionKeyError(`${where}: ${(e as Error).message}`, { cause: e });
  });
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new EncryptionKeyError(`${where}: mode ${mode} lets group or others read the key; chmod 600 it`);
  }
  const text = (await readFile(path, 'utf8')).trim();
  const bytes = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.length !== KEY_BYTES) {
    throw new EncryptionKeyError(
      `${where}: expected the base64 of ${KEY_BYTES} bytes (head -c ${KEY_BYTES} /dev/urandom | base64), found ${bytes.length} bytes`,
    );
  }
  return encryptionKey(bytes);
}

export function encryptionKey(bytes: Buffer): EncryptionKey {
  if (bytes.length !== KEY_BYTES) throw new EncryptionKeyError(`an AES-256 key has ${KEY_BYTES} bytes`);
  return { name: `key-${createHash('sha256').update(bytes).digest('hex').slice(0, 8)}`, bytes };
}

/**
 * The store's transformer: with a key, rows of ENCRYPTED_RESOURCES are written encrypted; without one, rows are
 * written plain and an encrypted row is refused with a message naming the flag, never read as garbage.
 */
export function storedDataTransformer(key: EncryptionKey | undefined): StoredDataTransformer {
  return {
    toStorage: (location, data) =>
      key !== undefined && ENCRYPTED_RESOURCES.includes(location.resource)
        ? encrypt(key, location, data)
        : data,
    fromStorage: (location, stored) => {
      if (!stored.startsWith(PREFIX)) return stored;
      if (key === undefined) {
        throw new DecryptionError(
          `${describe(location)} is encrypted (${keyNameOf(stored)}): start podlet with its --encryption-key-file`,
        );
      }
      return decrypt(key, location, stored);
    },
  };
}

function encrypt(key: EncryptionKey, location: RowLocation, data: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, nonce);
  cipher.setAAD(additionalData(location));
  const sealed = Buffer.concat([nonce, cipher.update(data, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${key.name}:${sealed.toString('base64')}`;
}

function decrypt(key: EncryptionKey, location: RowLocation, stored: string): string {
  const name = keyNameOf(stored);
  if (name !== key.name) {
    throw new DecryptionError(
      `${describe(location)} was encrypted with ${name}, but --encryption-key-file holds ${key.name}`,
    );
  }
  const sealed = Buffer.from(stored.slice(PREFIX.length + name.length + 1), 'base64');
  try {
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error('too short');
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, sealed.subarray(0, NONCE_BYTES));
    decipher.setAAD(additionalData(location));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch (e) {
    throw new DecryptionError(`${describe(location)} does not decrypt with ${key.name}: altered or moved`, {
      cause: e,
    });
  }
}

function keyNameOf(stored: string): string {
  return stored.slice(PREFIX.length).split(':', 1)[0] ?? '';
}

// kube-apiserver authenticates the etcd key (/registry/secrets/<ns>/<name>); this is the same triple.
function additionalData(location: RowLocation): Buffer {
  return Buffer.from(`/registry/${location.resource}/${location.namespace}/${location.name}`);
}

function describe(location: RowLocation): string {
  return `stored ${location.resource} ${location.namespace}/${location.name}`;
}
