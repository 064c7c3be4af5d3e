// Bodies in and out: size limit, content types (JSON, YAML, the protobuf envelope), Table negotiation, Warning
// headers, Status replies.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { MAX_YAML_DEPTH, yamlDepthBound } from '../api/yaml-depth.js';
import type { KubeObject } from '../api/object.js';
import { decodeKubernetesProtobuf, KUBERNETES_PROTOBUF, ProtobufDecodeError } from './protobuf.js';
import { badRequest, requestTooLarge, statusOf, unsupportedMediaType } from './status.js';

/** kube-apiserver's default request body limit (MaxRequestBodyBytes, 3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

const JSON_TYPES = [
  'application/json',
  'application/yaml',
  KUBERNETES_PROTOBUF,
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** What a create or update body may be (NegotiateInputSerializer); the patch types are for PATCH alone. */
export const OBJECT_TYPES = ['application/json', 'application/yaml', KUBERNETES_PROTOBUF];

/** kube-apiserver refuses a body it cannot decode (415) before it reads it, so even a huge one gets a 415. */
export function checkMediaType(
  contentType: string | undefined,
  accepted: readonly string[] = OBJECT_TYPES,
): void {
  const type = mediaType(contentType);
  if (!accepted.includes(type)) throw unsupportedMediaType(type, accepted);
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw requestTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw requestTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function mediaType(header: string | undefined): string {
  return (header ?? 'application/json').split(';')[0]?.trim().toLowerCase() || 'application/json';
}

/** The request body as an object; a body that does not parse is a 400 with the parser's message. */
export function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === KUBERNETES_PROTOBUF) {
    try {
      return decodeKubernetesProtobuf(body) as KubeObject;
    } catch (e) {
      if (e instanceof ProtobufDecodeError)
        throw unsupportedMediaType(type, ['application/json', 'application/yaml']);
      throw e;
    }
  }
  if (!JSON_TYPES.includes(type)) throw unsupportedMediaType(type, JSON_TYPES);
  const text = body.toString('utf8');
  const yaml = type === 'application/yaml' || type === 'application/apply-patch+yaml';
  if (yaml && yamlDepthBound(text) > MAX_YAML_DEPTH)
    throw badRequest(`error decoding body: yaml: exceeded max depth of ${MAX_YAML_DEPTH}`);
  let value: unknown;
  try {
    value = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw badRequest(`error decoding body: ${why}`);
  }
  if (nestingDepth(value) > MAX_NESTING_DEPTH)
    throw badRequest('error decoding body: invalid character exceeded max depth');
  return value;
}

/**
 * Deeper documents are refused (400). encoding/json's maxNestingDepth is 10000, but V8's structuredClone and
 * podlet's recursive patch and field-set code overflow the stack near that depth; no Kubernetes object nests
 * more than a few dozen levels, so podlet draws the line at 1000.
 */
export const MAX_NESTING_DEPTH = 1000;

/** How deeply arrays and objects nest in a parsed value, found without recursion (the value may be hostile). */
export function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_NESTING_DEPTH) return deepest;
    for (const child of Object.values(node as object)) pending.push([child, depth + 1]);
  }
  return deepest;
}

export type ResponseForm = 'table' | 'json';

/** `application/json;as=Table;v=v1;g=meta.k8s.io` (or v1beta1) first in Accept means a Table reply. */
export function responseForm(accept: string | undefined): ResponseForm {
  for (const part of (accept ?? '').split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (params.includes('as=Table') && params.includes('g=meta.k8s.io')) return 'table';
    if (params[0] === 'application/json' || params[0] === '*/*') return 'json';
  }
  return 'json';
}

/** kube's Warning header form: `299 - "text"` (one header per warning). */
export function setWarnings(res: ServerResponse, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  res.setHeader(
    'Warning',
    warnings.map((w) => `299 - ${JSON.stringify(w.replace(/[\r\n]+/g, ' '))}`),
  );
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const status = statusOf(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status.code, status);
}
