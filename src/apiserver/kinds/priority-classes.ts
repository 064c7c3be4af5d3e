// scheduling.k8s.io/v1 PriorityClasses: the registry strategy (pkg/registry/scheduling/priorityclass), validation
// (pkg/apis/scheduling/validation), the Priority admission plugin's class checks
// (plugin/pkg/admission/priority/admission.go), and the two system classes kube-apiserver creates at start
// (pkg/registry/scheduling/rest/storage_scheduling.go, pkg/apis/scheduling/types.go).
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import { forbidden as fieldForbidden, notSupported, type FieldError } from '../../api/errors.js';
import type { KubeObject, StoredObject } from '../../api/object.js';
import type { ObjectStore } from '../../store/object-store.js';
import { fillCreateMeta } from '../object-meta.js';
import { forbidden } from '../status.js';
import { metaErrors } from './core.js';
import type { KindStrategy } from './types.js';

export const PRIORITY_CLASSES = 'priorityclasses.scheduling.k8s.io';
/** HighestUserDefinablePriority: above it only the system classes. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
const SYSTEM_PREFIX = 'system-';
const POLICIES = ['Never', 'PreemptLowerPriority'];

export const SYSTEM_PRIORITY_CLASSES: readonly PriorityClass[] = [
  {
    metadata: { name: 'system-node-critical' },
    value: 2_000_001_000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    metadata: { name: 'system-cluster-critical' },
    value: 2_000_000_000,
    description:
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

type Stored = PriorityClass & StoredObject;

export const priorityClassStrategy: KindStrategy = {
  kind: 'PriorityClass',
  prepareForCreate(object, ctx) {
    setDefaults(object);
    requireSingleDefault(object as unknown as PriorityClass, ctx.list?.(PRIORITY_CLASSES) ?? []);
  },
  validate: (object) => validatePriorityClass(object as unknown as PriorityClass),
  prepareForUpdate(object, _old, ctx) {
    setDefaults(object);
    requireSingleDefault(object as unknown as PriorityClass, ctx.list?.(PRIORITY_CLASSES) ?? []);
  },
  validateUpdate(object, old) {
    const pc = object as unknown as PriorityClass;
    const before = old as unknown as Stored;
    const errs = validatePriorityClass(pc);
    if ((pc.value ?? 0) !== (before.value ?? 0))
      errs.push(fieldForbidden('value', 'may not be changed in an update.'));
    if (pc.preemptionPolicy !== before.preemptionPolicy)
      errs.push(fieldForbidden('preemptionPolicy', 'field is immutable'));
    return errs;
  },
};

/** SetDefaults_PriorityClass, and a missing value reads as Go's zero. */
function setDefaults(object: KubeObject): void {
  object.value ??= 0;
  object.preemptionPolicy ??= 'PreemptLowerPriority';
}

/** ValidatePriorityClass: a `system-` name must be one of the system classes exactly; others stay below 1e9. */
export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs = metaErrors(pc.metadata, false);
  const name = pc.metadata?.name ?? '';
  const value = pc.value ?? 0;
  if (name.startsWith(SYSTEM_PREFIX)) {
    const problem = systemClassProblem(name, value, pc.globalDefault === true);
    if (problem)
      errs.push(
        fieldForbidden(
          'metadata.name',
          `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${problem}`,
        ),
      );
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(
      fieldForbidden(
        'value',
        `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`,
      ),
    );
  }
  if (pc.preemptionPolicy !== undefined && !POLICIES.includes(pc.preemptionPolicy))
    errs.push(notSupported('preemptionPolicy', pc.preemptionPolicy, ['Never', 'PreemptLowerPriority']));
  return errs;
}

/** IsKnownSystemPriorityClass's error, or undefined for an exact system class. */
function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.metadata?.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

/** getDefaultPriorityClass: with several defaults (a race upstream), the lowest value wins. */
export function defaultClass<T extends PriorityClass>(classes: readonly T[]): T | undefined {
  let found: T | undefined;
  for (const pc of classes) if (pc.globalDefault && (!found || found.value > pc.value)) found = pc;
  return found;
}

/** Admission's validatePriorityClass: a second default, or another class made default, is refused. */
function requireSingleDefault(pc: PriorityClass, stored: readonly StoredObject[]): void {
  if (pc.globalDefault !== true) return;
  const name = pc.metadata?.name ?? '';
  const existing = defaultClass(stored as Stored[]);
  if (!existing || existing.metadata.name === name) return;
  throw forbidden(
    PRIORITY_CLASSES,
    name,
    `PriorityClass ${existing.metadata.name} is already marked as default. Only one default can exist`,
  );
}

/** kube-apiserver's post-start hook: the system classes exist, created again if someone deleted one. */
export function ensureSystemPriorityClasses(store: ObjectStore, now = new Date()): void {
  for (const spc of SYSTEM_PRIORITY_CLASSES) {
    const name = spc.metadata?.name ?? '';
    if (store.get(PRIORITY_CLASSES, '', name)) continue;
    const object: PriorityClass & KubeObject = {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      ...structuredClone(spc),
      metadata: { name },
      preemptionPolicy: 'PreemptLowerPriority',
    };
    fillCreateMeta(object, now);
    store.create(PRIORITY_CLASSES, object);
  }
}
