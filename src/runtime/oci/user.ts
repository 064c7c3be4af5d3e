// The container's uid, gid and supplementary groups, as the kubelet asks for them and containerd resolves them:
// kubelet kuberuntime_container.go getImageUser + security_context.go determineEffectiveSecurityContext,
// containerd internal/cri/server/images (getUserFromImage), internal/cri/util GenerateUserString,
// pkg/oci/spec_opts.go WithUser/WithUserID/WithUsername/WithAdditionalGIDs, internal/cri/opts WithSupplementalGroups.
import { ContainerConfigError } from './errors.js';
import type { User } from './types.js';

export interface UserInput {
  /** The effective runAsUser / runAsGroup: the container's value, else the pod's. */
  runAsUser?: number | undefined;
  runAsGroup?: number | undefined;
  /** The image config's `User`. */
  imageUser?: string | undefined;
  /** Contents of the image's /etc/passwd and /etc/group; undefined when the file does not exist. */
  etcPasswd?: string | undefined;
  etcGroup?: string | undefined;
  /** fsGroup and supplementalGroups, as the kubelet sends them. */
  supplementalGroups: readonly number[];
  /** supplementalGroupsPolicy Merge (the default) adds the image's /etc/group memberships; Strict does not. */
  mergeImageGroups: boolean;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

interface UserFiles {
  etcPasswd?: string | undefined;
  etcGroup?: string | undefined;
}

/** runc requires ids to fit an int32 (containerd WithUser: minUserID..maxUserID). */
const MAX_ID = 2 ** 31 - 1;

/**
 * The process user of a container. Note that Kubernetes keeps only the user part of the image's `USER uid:gid`: the
 * kubelet turns it into RunAsUser/RunAsUsername, so the gid comes from runAsGroup or from /etc/passwd, never from the
 * image's group.
 */
export function resolveContainerUser(input: UserInput): User {
  const userPart = input.runAsUser !== undefined ? String(input.runAsUser) : imageUserPart(input.imageUser);
  const userString = input.runAsGroup === undefined ? userPart : `${userPart}:${input.runAsGroup}`;
  const { uid, gid } = resolveUserString(userString, input);
  const imageGroups = input.mergeImageGroups ? memberGroups(userPart, input) : [];
  return { uid, gid, additionalGids: sortedUnique([gid, ...imageGroups, ...input.supplementalGroups]) };
}

/**
 * What the kubelet makes of the image user (getImageUser over containerd's getUserFromImage): the part before `:`,
 * a uid when numeric, else a user name; none at all means root.
 */
function imageUserPart(imageUser: string | undefined): string {
  const part = (imageUser ?? '').split(':')[0] ?? '';
  return part === '' ? '0' : part;
}

/** containerd WithUser: `uid`, `name`, `uid:gid`, `name:gid`, `uid:group`, `name:group`. */
export function resolveUserString(userString: string, files: UserFiles): { uid: number; gid: number } {
  const parts = userString.split(':');
  if (parts.length === 1) {
    const uid = parseId(userString, userString, 'uid');
    if (uid === undefined) {
      const entry = findUser(files, (u) => u.name === userString);
      return { uid: entry.uid, gid: entry.gid };
    }
    // WithUserID: a uid missing from /etc/passwd (or no /etc/passwd) still runs, with gid 0.
    const entry = passwdEntries(files.etcPasswd).find((u) => u.uid === uid);
    return { uid, gid: entry?.gid ?? 0 };
  }
  if (parts.length !== 2) throw new ContainerConfigError(`invalid USER value ${userString}`);
  const [userPart = '', groupPart = ''] = parts;
  // Both ids are range-checked before any name is looked up.
  const numericUid = parseId(userPart, userString, 'uid');
  const numericGid = parseId(groupPart, userString, 'gid');
  return {
    uid: numericUid ?? findUser(files, (u) => u.name === userPart).uid,
    gid: numericGid ?? findGroup(files, groupPart).gid,
  };
}

/**
 * Go's strconv.Atoi as containerd applies it: a decimal integer is an id (and must be in range), anything else is a
 * name (undefined here).
 */
function parseId(text: string, userString: string, what: 'uid' | 'gid'): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = BigInt(text);
  if (value < 0n || value > BigInt(MAX_ID)) {
    throw new ContainerConfigError(`invalid USER value "${userString}": ${what} out of range`);
  }
  return Number(value);
}

/** WithAdditionalGIDs: the groups of /etc/group that list the user as a member, other than its own-named group. */
function memberGroups(userPart: string, files: UserFiles): number[] {
  let name = userPart;
  if (/^[+-]?[0-9]+$/.test(userPart)) {
    const uid = Number(userPart);
    const entry = passwdEntries(files.etcPasswd).find((u) => u.uid === uid);
    if (!entry) return [];
    name = entry.name;
  }
  return groupEntries(files.etcGroup)
    .filter((g) => g.name !== name && g.members.includes(name))
    .map((g) => g.gid);
}

function findUser(files: UserFiles, match: (u: PasswdEntry) => boolean): PasswdEntry {
  if (files.etcPasswd === undefined)
    throw new ContainerConfigError('open etc/passwd: no such file or directory');
  const entry = passwdEntries(files.etcPasswd).find(match);
  if (!entry) throw new ContainerConfigError('no users found');
  return entry;
}

function findGroup(files: UserFiles, name: string): GroupEntry {
  if (files.etcGroup === undefined)
    throw new ContainerConfigError('open etc/group: no such file or directory');
  const entry = groupEntries(files.etcGroup).find((g) => g.name === name);
  if (!entry) throw new ContainerConfigError('no groups found');
  return entry;
}

/** moby/sys/user ParsePasswd: `name:password:uid:gid:...`; a field that is not a number reads as 0. */
export function passwdEntries(text: string | undefined): PasswdEntry[] {
  return fileLines(text).map((fields) => ({
    name: fields[0] ?? '',
    uid: atoiOrZero(fields[2]),
    gid: atoiOrZero(fields[3]),
  }));
}

/** moby/sys/user ParseGroup: `name:password:gid:member,member`. */
export function groupEntries(text: string | undefined): GroupEntry[] {
  return fileLines(text).map((fields) => ({
    name: fields[0] ?? '',
    gid: atoiOrZero(fields[2]),
    members: fields[3] ? fields[3].split(',') : [],
  }));
}

function fileLines(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split(':'));
}

function atoiOrZero(field: string | undefined): number {
  return field !== undefined && /^[+-]?[0-9]+$/.test(field) ? Number(field) : 0;
}

/** containerd mergeGids: a sorted set. */
export function sortedUnique(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}
