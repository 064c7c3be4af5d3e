// Which checks a level and policy version run, in which order (pod-security-admission policy/registry.go
// populate and EvaluatePod), and how their results read (policy/checks.go AggregateCheckResult), as of v1.33.
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import type { CheckFn, Violation } from './check-helpers.js';
import * as baseline from './checks-baseline.js';
import * as restricted from './checks-restricted.js';
import { parseVersion, type Level, type PolicyVersion } from './policy.js';

export interface CheckViolation extends Violation {
  id: string;
}

interface VersionedCheck {
  /** The first policy version (minor of v1.N) this revision applies to. */
  minor: number;
  check: CheckFn;
  /** Baseline checks this restricted revision replaces. */
  overrides?: readonly string[];
}

interface CheckDefinition {
  id: string;
  level: 'baseline' | 'restricted';
  /** Strictly increasing minimum versions. */
  versions: readonly VersionedCheck[];
}

const windows = restricted.exceptOnWindows;

const checks: readonly CheckDefinition[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    versions: [
      { minor: 8, check: restricted.allowPrivilegeEscalation1_8 },
      { minor: 25, check: windows(restricted.allowPrivilegeEscalation1_8) },
    ],
  },
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minor: 0, check: baseline.appArmorProfile }] },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    versions: [{ minor: 0, check: baseline.capabilitiesBaseline }],
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { minor: 22, check: restricted.capabilitiesRestricted1_22, overrides: ['capabilities_baseline'] },
      {
        minor: 25,
        check: windows(restricted.capabilitiesRestricted1_22),
        overrides: ['capabilities_baseline'],
      },
    ],
  },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minor: 0, check: baseline.hostNamespaces }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minor: 0, check: baseline.hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minor: 0, check: baseline.hostPorts }] },
  { id: 'privileged', level: 'baseline', versions: [{ minor: 0, check: baseline.privileged }] },
  { id: 'procMount', level: 'baseline', versions: [{ minor: 0, check: baseline.procMount }] },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    versions: [{ minor: 0, check: restricted.restrictedVolumes, overrides: ['hostPathVolumes'] }],
  },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ minor: 0, check: restricted.runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ minor: 23, check: restricted.runAsUser1_23 }] },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    versions: [
      { minor: 0, check: baseline.seLinuxOptions1_0 },
      { minor: 31, check: baseline.seLinuxOptions1_31 },
    ],
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    versions: [
      { minor: 0, check: baseline.seccompProfileBaseline1_0 },
      { minor: 19, check: baseline.seccompProfileBaseline1_19 },
    ],
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    versions: [
      { minor: 19, check: restricted.seccompProfileRestricted1_19, overrides: ['seccompProfile_baseline'] },
      {
        minor: 25,
        check: windows(restricted.seccompProfileRestricted1_19),
        overrides: ['seccompProfile_baseline'],
      },
    ],
  },
  {
    id: 'sysctls',
    level: 'baseline',
    versions: [
      { minor: 0, check: baseline.sysctls1_0 },
      { minor: 27, check: baseline.sysctls1_27 },
      { minor: 29, check: baseline.sysctls1_29 },
      { minor: 32, check: baseline.sysctls1_32 },
    ],
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    versions: [{ minor: 0, check: baseline.windowsHostProcess }],
  },
];

// Messages list baseline checks by ID, then restricted checks by ID (Go's byte order, as JS sorts ASCII).
const orderedChecks = [
  ...checks.filter((c) => c.level === 'baseline').sort(byId),
  ...checks.filter((c) => c.level === 'restricted').sort(byId),
];

function byId(a: CheckDefinition, b: CheckDefinition): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The revision of a check in force at a policy version; `latest` and future versions get the newest. */
function revisionAt(check: CheckDefinition, version: PolicyVersion): VersionedCheck | undefined {
  const eligible = check.versions.filter((v) => version === 'latest' || v.minor <= version);
  return eligible[eligible.length - 1];
}

/** EvaluatePod: the violations of every check the level runs at that version, in message order. */
export function evaluatePodSpec(meta: Pod['metadata'], spec: PodSpec, level: Level, version: PolicyVersion) {
  if (level === 'privileged') return [];
  const active = orderedChecks
    .filter((c) => c.level === 'baseline' || level === 'restricted')
    .flatMap((c) => {
      const revision = revisionAt(c, version);
      return revision === undefined ? [] : [{ id: c.id, revision }];
    });
  const overridden = new Set(active.flatMap((a) => a.revision.overrides ?? []));
  const violations: CheckViolation[] = [];
  for (const { id, revision } of active) {
    if (overridden.has(id)) continue;
    const violation = revision.check(meta ?? {}, spec);
    if (violation !== undefined) violations.push({ id, ...violation });
  }
  return violations;
}

/** The checks a pod fails at a level and policy version (`latest` or `v1.N`; anything else means latest). */
export function checkPod(pod: Pod, level: Level, version: string): CheckViolation[] {
  return evaluatePodSpec(pod.metadata, pod.spec ?? { containers: [] }, level, parseVersion(version).version);
}

/** ForbiddenDetail: `reason (detail), reason, ...` (policy/checks.go). */
export function forbiddenDetail(violations: readonly Violation[]): string {
  return violations
    .map((v) =>
      v.forbiddenDetail === '' ? v.forbiddenReason : `${v.forbiddenReason} (${v.forbiddenDetail})`,
    )
    .join(', ');
}
