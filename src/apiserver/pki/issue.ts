// tsyringe (under @peculiar/x509) needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';

/** A certificate and its private key, both PEM. The key is PKCS#8 ("PRIVATE KEY"), which Go and OpenSSL read. */
export interface KeyPair {
  cert: string;
  key: string;
}

export interface SubjectAltNames {
  dnsNames: string[];
  ipAddresses: string[];
}

export interface LeafRequest {
  /** Distinguished name, e.g. `CN=kubernetes-admin, O=system:masters`. */
  subject: string;
  usage: 'server' | 'client';
  sans?: SubjectAltNames;
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

// kubeadm's lifetimes (cmd/kubeadm/app/constants/constants.go: CACertificateValidityPeriod = 10 years,
// CertificateValidityPeriod = 1 year) and its backdating of NotBefore by CertificateBackdate = 5 minutes,
// so a client whose clock is slightly behind does not reject a fresh certificate.
export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 365;
const BACKDATE_MS = 5 * 60 * 1000;

const subtle = webcrypto.subtle;

function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return {
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
  };
}

/** A positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, non-negative). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']);
}

/** A self-signed CA that may sign leaf certificates only (path length 0). */
export async function issueCa(commonName: string, now: Date): Promise<KeyPair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(now, CA_VALIDITY_DAYS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

function sanExtension(sans: SubjectAltNames): x509.SubjectAlternativeNameExtension {
  return new x509.SubjectAlternativeNameExtension([
    ...sans.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...sans.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ]);
}

/** A leaf certificate signed by the CA: server (serverAuth + SANs) or client (clientAuth, identity in the subject). */
export async function issueLeaf(ca: KeyPair, request: LeafRequest, now: Date): Promise<KeyPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const keys = await generateKeys();
  const extendedUsage =
    request.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([extendedUsage]),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (request.sans) extensions.push(sanExtension(request.sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: request.subject,
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: await importSigningKey(ca.key),
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(now, LEAF_VALIDITY_DAYS),
    extensions,
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** The DNS names and IP addresses a certificate is valid for (empty when it has no SAN extension). */
export function subjectAltNames(certPem: string): SubjectAltNames {
  const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  return {
    dnsNames: items.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: items.filter((n) => n.type === 'ip').map((n) => n.value),
  };
}
