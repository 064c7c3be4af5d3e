// Pod Security levels, policy versions and the namespace labels that choose them
// (staging/src/k8s.io/pod-security-admission/api/{constants,helpers}.go).
import { fieldErrorMessage, invalid, type FieldError } from '../errors.js';

export type Level = 'privileged' | 'baseline' | 'restricted';

/** A policy version: `latest`, or the minor number of `v1.N`. */
export type PolicyVersion = 'latest' | number;

export interface LevelVersion {
  level: Level;
  version: PolicyVersion;
}

export interface NamespacePolicy {
  enforce: LevelVersion;
  warn: LevelVersion;
  audit: LevelVersion;
}

export interface EvaluatedPolicy {
  /** Always usable, even when the labels were invalid (see policyToEvaluate). */
  policy: NamespacePolicy;
  /** One Invalid error per unparsable label, keyed like `metadata.labels[pod-security.kubernetes.io/enforce]`. */
  errors: FieldError[];
}

const labelPrefix = 'pod-security.kubernetes.io/';
type Mode = keyof NamespacePolicy;
const modes: readonly Mode[] = ['enforce', 'audit', 'warn'];
const validLevels: readonly Level[] = ['privileged', 'baseline', 'restricted'];
const versionPattern = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** The admission configuration's defaults, which a cluster without PodSecurity configuration uses. */
export const defaultLevelVersion: LevelVersion = { level: 'privileged', version: 'latest' };

/** `restricted:latest`, `baseline:v1.25` (LevelVersion.String). */
export function formatLevelVersion(lv: LevelVersion): string {
  return `${lv.level}:${lv.version === 'latest' ? 'latest' : `v1.${lv.version}`}`;
}

/** ParseVersion: `latest` or `v1.N` without leading zeros; anything else falls back to latest. */
export function parseVersion(value: string): { version: PolicyVersion; error?: string } {
  if (value === 'latest') return { version: 'latest' };
  const match = versionPattern.exec(value);
  if (match?.[1] === undefined) return { version: 'latest', error: 'must be "latest" or "v1.x"' };
  return { version: Number(match[1]) };
}

function parseLevel(value: string): { level: Level; error?: string } {
  const level = validLevels.find((l) => l === value);
  if (level !== undefined) return { level };
  // An unknown enforce level fails closed: restricted (api/helpers.go ParseLevel).
  return { level: 'restricted', error: `must be one of ${validLevels.join(', ')}` };
}

/**
 * PolicyToEvaluate: each mode from its labels, falling back to privileged:latest. An invalid enforce level
 * enforces restricted (fail closed); an invalid audit or warn level turns that mode off (fail open); an
 * invalid version means latest. Pods are still evaluated; only namespace writes are rejected for the errors.
 */
export function policyToEvaluate(labels: Readonly<Record<string, string>> | undefined): EvaluatedPolicy {
  const policy: NamespacePolicy = {
    enforce: { ...defaultLevelVersion },
    audit: { ...defaultLevelVersion },
    warn: { ...defaultLevelVersion },
  };
  const errors: FieldError[] = [];
  for (const mode of modes) {
    const levelKey = labelPrefix + mode;
    const levelValue = labels?.[levelKey];
    if (levelValue !== undefined) {
      const parsed = parseLevel(levelValue);
      policy[mode].level = parsed.error !== undefined && mode !== 'enforce' ? 'privileged' : parsed.level;
      if (parsed.error !== undefined) errors.push(labelError(levelKey, levelValue, parsed.error));
    }
    const versionKey = `${levelKey}-version`;
    const versionValue = labels?.[versionKey];
    if (versionValue !== undefined) {
      const parsed = parseVersion(versionValue);
      policy[mode].version = parsed.version;
      if (parsed.error !== undefined) errors.push(labelError(versionKey, versionValue, parsed.error));
    }
  }
  return { policy, errors };
}

/**
 * The namespace's policy, or the error kube-apiserver gives a namespace create/update whose labels do not
 * parse (`errors` for a Status' causes; `error` is the aggregate text after `Namespace "x" is invalid: `).
 */
export function namespacePolicy(
  labels: Readonly<Record<string, string>> | undefined,
): NamespacePolicy | { error: string; errors: FieldError[] } {
  const { policy, errors } = policyToEvaluate(labels);
  if (errors.length === 0) return policy;
  const messages = errors.map(fieldErrorMessage);
  // utilerrors.Aggregate: one message alone, several in brackets.
  return { error: messages.length === 1 ? (messages[0] ?? '') : `[${messages.join(', ')}]`, errors };
}

function labelError(key: string, value: string, detail: string): FieldError {
  return invalid(`metadata.labels[${key}]`, value, detail);
}
