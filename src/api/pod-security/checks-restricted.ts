// The restricted checks of the Pod Security Standards, one function per check version
// (pod-security-admission policy/check_*.go; the file of each is named in its comment).
import type { Volume } from 'kubernetes-types/core/v1.js';
import type { VolumeWithImage } from '../v1-additions.js';
import {
  badContainerNames,
  containersPhrase,
  isWindowsPod,
  joinQuote,
  pluralize,
  settersPhrase,
  sortedSet,
  type CheckFn,
} from './check-helpers.js';
import { explicitlyBadSeccomp, validSeccompType } from './checks-baseline.js';

/** From v1.25 the Linux-only checks pass Windows pods, whose API validation forbids those fields. */
export function exceptOnWindows(check: CheckFn): CheckFn {
  return (meta, spec) => (isWindowsPod(spec) ? undefined : check(meta, spec));
}

/** check_allowPrivilegeEscalation.go: it must be set to false explicitly. */
export const allowPrivilegeEscalation1_8: CheckFn = (_meta, spec) => {
  const bad = badContainerNames(spec, (c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'allowPrivilegeEscalation != false',
    forbiddenDetail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
};

/** check_capabilities_restricted.go: drop ALL, add back at most NET_BIND_SERVICE. */
export const capabilitiesRestricted1_22: CheckFn = (_meta, spec) => {
  const forbiddenCaps = new Set<string>();
  const missingDropAll = badContainerNames(
    spec,
    (c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'),
  );
  const addingForbidden = badContainerNames(spec, (c) => {
    const extra = (c.securityContext?.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    extra.forEach((cap) => forbiddenCaps.add(cap));
    return extra.length > 0;
  });
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(
      `${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCaps))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return undefined;
  return { forbiddenReason: 'unrestricted capabilities', forbiddenDetail: details.join('; ') };
};

// Volume types that only expose data the pod was given (check_restrictedVolumes.go). `image` joined in v1.33
// without a new policy version.
const allowedVolumeTypes = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

// The order in which upstream names the type of a forbidden volume; a volume with none of them is "unknown".
const restrictedVolumeTypes = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

function volumeField(volume: Volume, key: string): unknown {
  return (volume as VolumeWithImage & Record<string, unknown>)[key];
}

/** check_restrictedVolumes.go */
export const restrictedVolumes: CheckFn = (_meta, spec) => {
  const badTypes = new Set<string>();
  const bad = (spec.volumes ?? []).filter((v) => {
    if (allowedVolumeTypes.some((t) => volumeField(v, t) !== undefined)) return false;
    badTypes.add(restrictedVolumeTypes.find((t) => volumeField(v, t) !== undefined) ?? 'unknown');
    return true;
  });
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'restricted volume types',
    forbiddenDetail: [
      pluralize('volume', 'volumes', bad.length),
      joinQuote(bad.map((v) => v.name)),
      pluralize('uses', 'use', bad.length),
      pluralize('restricted volume type', 'restricted volume types', badTypes.size),
      joinQuote(sortedSet(badTypes)),
    ].join(' '),
  };
};

/**
 * check_runAsNonRoot.go: true at pod level or on every container. An explicit false (pod or container) is
 * reported instead of the containers that merely leave it unset.
 */
export const runAsNonRoot: CheckFn = (_meta, spec) => {
  const podValue = spec.securityContext?.runAsNonRoot;
  const explicit = badContainerNames(spec, (c) => c.securityContext?.runAsNonRoot === false);
  const setters = settersPhrase(podValue === false, explicit);
  if (setters.length > 0) {
    return {
      forbiddenReason: 'runAsNonRoot != true',
      forbiddenDetail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
    };
  }
  const implicit = badContainerNames(
    spec,
    (c) => c.securityContext?.runAsNonRoot === undefined && podValue !== true,
  );
  if (implicit.length === 0) return undefined;
  return {
    forbiddenReason: 'runAsNonRoot != true',
    forbiddenDetail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
  };
};

/** check_runAsUser.go */
export const runAsUser1_23: CheckFn = (_meta, spec) => {
  const bad = badContainerNames(spec, (c) => c.securityContext?.runAsUser === 0);
  const setters = settersPhrase(spec.securityContext?.runAsUser === 0, bad);
  if (setters.length === 0) return undefined;
  return {
    forbiddenReason: 'runAsUser=0',
    forbiddenDetail: `${setters.join(' and ')} must not set runAsUser=0`,
  };
};

/**
 * check_seccompProfile_restricted.go: RuntimeDefault or Localhost at pod level or on every container. An
 * explicitly bad value is reported instead of the containers that merely leave it unset.
 */
export const seccompProfileRestricted1_19: CheckFn = (_meta, spec) => {
  const explicit = explicitlyBadSeccomp(spec);
  if (explicit !== undefined) return explicit;
  const podSet = validSeccompType(spec.securityContext?.seccompProfile?.type);
  if (podSet) return undefined;
  const implicit = badContainerNames(spec, (c) => c.securityContext?.seccompProfile === undefined);
  if (implicit.length === 0) return undefined;
  return {
    forbiddenReason: 'seccompProfile',
    forbiddenDetail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
  };
};
