// The pods/ephemeralcontainers subresource's update rules (pkg/apis/core/validation/validation.go
// ValidatePodEphemeralContainersUpdate): the pod must stay valid, static pods take no ephemeral containers, and
// the ones already there may be neither removed nor changed. The pod's other fields are the stored ones by then
// (the strategy dropped the body's changes to them), so only spec.ephemeralContainers can differ.
import type { EphemeralContainer, Pod } from 'kubernetes-types/core/v1.js';
import { type FieldError, forbidden, goQuote } from './errors.js';
import { CONFIG_MIRROR_ANNOTATION } from './pod-annotations.js';
import { validatePod } from './pod-validation.js';

const EPHEMERAL_PATH = 'spec.ephemeralContainers';

/** Every field error kube-apiserver reports for this update of a pod's ephemeral containers. */
export function validatePodEphemeralContainersUpdate(pod: Pod, old: Pod): FieldError[] {
  // validatePodMetadataAndSpec: the create-only rule that refuses ephemeral containers does not apply here.
  const errs = validatePod(pod).filter(
    (e) =>
      !(
        e.field === EPHEMERAL_PATH &&
        e.type === 'FieldValueForbidden' &&
        e.detail === 'cannot be set on create'
      ),
  );
  // Static pods run from files on the node, which has nowhere to add a container to (kubernetes#113935).
  if (old.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined) {
    return [forbidden('', 'static pods do not support ephemeral containers')];
  }
  // Patches need not keep the order, so each existing container is looked up by name.
  const byName = new Map((pod.spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
  for (const existing of old.spec?.ephemeralContainers ?? []) {
    const updated = byName.get(existing.name);
    const name = goQuote(existing.name);
    if (updated === undefined) {
      // Upstream's message ends in a newline; kubectl prints it as is.
      errs.push(forbidden(EPHEMERAL_PATH, `existing ephemeral containers ${name} may not be removed\n`));
    } else if (!sameEphemeralContainer(existing, updated)) {
      const diff = describeChanges(existing, updated);
      errs.push(
        forbidden(EPHEMERAL_PATH, `existing ephemeral containers ${name} may not be changed\n${diff}`),
      );
    }
  }
  return errs;
}

// The Go fields of EphemeralContainer in declaration order, with their JSON names. TargetContainerName is the
// only one outside the embedded EphemeralContainerCommon.
const goFields: readonly (readonly [keyof EphemeralContainer, string])[] = [
  ['name', 'Name'],
  ['image', 'Image'],
  ['command', 'Command'],
  ['args', 'Args'],
  ['workingDir', 'WorkingDir'],
  ['ports', 'Ports'],
  ['envFrom', 'EnvFrom'],
  ['env', 'Env'],
  ['resources', 'Resources'],
  ['resizePolicy', 'ResizePolicy'],
  ['restartPolicy', 'RestartPolicy'],
  ['volumeMounts', 'VolumeMounts'],
  ['volumeDevices', 'VolumeDevices'],
  ['livenessProbe', 'LivenessProbe'],
  ['readinessProbe', 'ReadinessProbe'],
  ['startupProbe', 'StartupProbe'],
  ['lifecycle', 'Lifecycle'],
  ['terminationMessagePath', 'TerminationMessagePath'],
  ['terminationMessagePolicy', 'TerminationMessagePolicy'],
  ['imagePullPolicy', 'ImagePullPolicy'],
  ['securityContext', 'SecurityContext'],
  ['stdin', 'Stdin'],
  ['stdinOnce', 'StdinOnce'],
  ['tty', 'TTY'],
  ['targetContainerName', 'TargetContainerName'],
];

/** apiequality.Semantic.DeepEqual on the two containers as the internal types hold them. */
export function sameEphemeralContainer(a: EphemeralContainer, b: EphemeralContainer): boolean {
  return stableJson(canonicalContainer(a)) === stableJson(canonicalContainer(b));
}

// In Go a non-pointer string or bool cannot be absent, so "" and false equal a missing field; a nil and an empty
// slice or map are equal too. restartPolicy is a pointer: "" there is a value.
function canonicalContainer(c: EphemeralContainer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) {
    const zeroScalar = (value === '' || value === false) && key !== 'restartPolicy';
    const v = key === 'resources' ? withoutEmptyMaps(value) : withoutEmptyLists(value);
    if (!zeroScalar && v !== undefined) out[key] = v;
  }
  return out;
}

function withoutEmptyLists(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value))
    return value.length === 0 ? undefined : value.map((v) => withoutEmptyLists(v) ?? null);
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = withoutEmptyLists(v);
    if (kept !== undefined) out[k] = kept;
  }
  return out;
}

// ResourceRequirements is a struct of maps and a list: empty members, and so an empty struct, are the zero value.
function withoutEmptyMaps(value: unknown): unknown {
  const kept = withoutEmptyLists(value);
  if (typeof kept !== 'object' || kept === null || Array.isArray(kept)) return kept;
  const out = Object.fromEntries(
    Object.entries(kept).filter(
      ([, v]) => !(typeof v === 'object' && v !== null && Object.keys(v).length === 0),
    ),
  );
  return Object.keys(out).length === 0 ? undefined : out;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

/**
 * The changed fields in the shape of go-cmp's cmp.Diff report that upstream appends. cmp.Diff's output is
 * deliberately unstable (it varies its whitespace), so only its layout is followed: Go field names, `-` for the
 * stored value and `+` for the requested one, values as JSON.
 */
export function describeChanges(old: EphemeralContainer, updated: EphemeralContainer): string {
  const [a, b] = [canonicalContainer(old), canonicalContainer(updated)];
  const lines = ['  core.EphemeralContainer{'];
  let identical = 0;
  const flushIdentical = (indent: string) => {
    if (identical > 0)
      lines.push(`  ${indent}... // ${identical} identical field${identical === 1 ? '' : 's'}`);
    identical = 0;
  };
  for (const [key, goName] of goFields) {
    const indent = key === 'targetContainerName' ? '\t' : '\t\t';
    if (key === 'name') lines.push('  \tEphemeralContainerCommon: core.EphemeralContainerCommon{');
    if (key === 'targetContainerName') {
      flushIdentical('\t\t');
      lines.push('  \t},');
    }
    if (stableJson(a[key]) === stableJson(b[key])) {
      identical++;
      continue;
    }
    flushIdentical(indent);
    if (a[key] !== undefined) lines.push(`- ${indent}${goName}: ${JSON.stringify(a[key])},`);
    if (b[key] !== undefined) lines.push(`+ ${indent}${goName}: ${JSON.stringify(b[key])},`);
  }
  flushIdentical('\t');
  lines.push('  }');
  return `${lines.join('\n')}\n`;
}
