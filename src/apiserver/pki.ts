import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ensureDir, isNotFound, writeFileAtomic } from '../util/fs.js';
import { issueCa, issueLeaf, subjectAltNames, type KeyPair, type SubjectAltNames } from './pki/issue.js';

export interface PkiOptions {
  /** DNS names the server certificate must cover, besides localhost and this machine's host name. */
  hostNames: string[];
  /** IP addresses the server certificate must cover, besides 127.0.0.1 and ::1. */
  ipAddresses: string[];
  now?: Date;
}

/** PEM text of the cluster's certificates and keys, as written under `dir`. */
export interface Pki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  adminCert: string;
  adminKey: string;
}

export class PkiError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PkiError';
  }
}

export const CA_COMMON_NAME = 'podlet-ca';
// kubeadm's admin identity: system:masters is the group kube-apiserver always authorizes for everything.
export const ADMIN_SUBJECT = 'CN=kubernetes-admin, O=system:masters';
const SERVER_SUBJECT = 'CN=podlet-apiserver';

const FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  serverCert: 'server.crt',
  serverKey: 'server.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
} as const;

/**
 * Loads the PKI in `dir`, creating what is missing. The CA is made once and kept: replacing it would
 * invalidate every kubeconfig handed out. A leaf is reissued only when it no longer works with this CA
 * (missing, not signed by it, key mismatch, outside its validity at `now`) or, for the server certificate,
 * when its SANs no longer cover the names asked for.
 */
export async function ensurePki(dir: string, options: PkiOptions): Promise<Pki> {
  const now = options.now ?? new Date();
  const sans = wantedSans(options);
  await ensureDir(dir, 0o700);
  await chmod(dir, 0o700);
  const ca = await ensureCa(dir, now);
  const server = await ensureLeaf(
    dir,
    ca,
    now,
    'server',
    (pair) => covers(subjectAltNames(pair.cert), sans),
    {
      subject: SERVER_SUBJECT,
      usage: 'server',
      sans,
    },
  );
  const admin = await ensureLeaf(dir, ca, now, 'admin', () => true, {
    subject: ADMIN_SUBJECT,
    usage: 'client',
  });
  return {
    dir,
    ca: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    adminCert: admin.cert,
    adminKey: admin.key,
  };
}

function wantedSans(options: PkiOptions): SubjectAltNames {
  const names = [...options.hostNames, ...options.ipAddresses];
  const bad = options.ipAddresses.find((ip) => isIP(ip) === 0);
  if (bad !== undefined)
    throw new PkiError(`invalid IP address for the server certificate: ${JSON.stringify(bad)}`);
  const dnsNames = unique(
    ['localhost', hostname(), ...names.filter((n) => isIP(n) === 0)].map((n) => n.toLowerCase()),
  );
  const ipAddresses = unique(['127.0.0.1', '::1', ...names.filter((n) => isIP(n) !== 0)].map(canonicalIp));
  return { dnsNames, ipAddresses };
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

/** One spelling per address, so `::1` and `0:0:0:0:0:0:0:1` compare equal. */
function canonicalIp(ip: string): string {
  return isIP(ip) === 6 ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

function covers(have: SubjectAltNames, want: SubjectAltNames): boolean {
  const dns = new Set(have.dnsNames.map((n) => n.toLowerCase()));
  const ips = new Set(have.ipAddresses.map(canonicalIp));
  return want.dnsNames.every((n) => dns.has(n)) && want.ipAddresses.every((ip) => ips.has(ip));
}

async function readPair(dir: string, certFile: string, keyFile: string): Promise<Partial<KeyPair>> {
  const [cert, key] = await Promise.all([
    readIfExists(join(dir, certFile)),
    readIfExists(join(dir, keyFile)),
  ]);
  return { ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new PkiError(`cannot read ${path}`, { cause: e });
  }
}

/** Key first, certificate second: a crash in between leaves a key without a certificate, which is reissued. */
async function writePair(dir: string, certFile: string, keyFile: string, pair: KeyPair): Promise<void> {
  await writeFileAtomic(join(dir, keyFile), pair.key, 0o600);
  await chmod(join(dir, keyFile), 0o600);
  await writeFileAtomic(join(dir, certFile), pair.cert, 0o644);
  await chmod(join(dir, certFile), 0o644);
}

async function ensureCa(dir: string, now: Date): Promise<KeyPair> {
  const found = await readPair(dir, FILES.caCert, FILES.caKey);
  if (found.cert === undefined) {
    const ca = await issueCa(CA_COMMON_NAME, now);
    await writePair(dir, FILES.caCert, FILES.caKey, ca);
    return ca;
  }
  const caPath = join(dir, FILES.caCert);
  if (found.key === undefined) {
    throw new PkiError(
      `${caPath} exists but its key ${FILES.caKey} is missing; restore it, or remove ${dir} to start a new CA`,
    );
  }
  const pair = { cert: found.cert, key: found.key };
  let matches: boolean;
  try {
    matches = new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key));
  } catch (e) {
    throw new PkiError(`cannot parse the CA in ${dir}`, { cause: e });
  }
  if (!matches) throw new PkiError(`${caPath} does not match its key ${FILES.caKey}`);
  return pair;
}

type LeafName = 'server' | 'admin';

async function ensureLeaf(
  dir: string,
  ca: KeyPair,
  now: Date,
  name: LeafName,
  stillFits: (pair: KeyPair) => boolean,
  request: Parameters<typeof issueLeaf>[1],
): Promise<KeyPair> {
  const certFile = FILES[`${name}Cert`];
  const keyFile = FILES[`${name}Key`];
  const found = await readPair(dir, certFile, keyFile);
  if (found.cert !== undefined && found.key !== undefined) {
    const pair = { cert: found.cert, key: found.key };
    if (worksWithCa(pair, ca, now) && stillFits(pair)) return pair;
  }
  const pair = await issueLeaf(ca, request, now);
  await writePair(dir, certFile, keyFile, pair);
  return pair;
}

function worksWithCa(pair: KeyPair, ca: KeyPair, now: Date): boolean {
  try {
    const cert = new X509Certificate(pair.cert);
    const caCert = new X509Certificate(ca.cert);
    return (
      cert.checkIssued(caCert) &&
      cert.verify(caCert.publicKey) &&
      cert.checkPrivateKey(createPrivateKey(pair.key)) &&
      new Date(cert.validFrom) <= now &&
      now < new Date(cert.validTo)
    );
  } catch {
    // An unparsable certificate or key is replaced like a missing one: leaves carry no state worth keeping.
    return false;
  }
}
