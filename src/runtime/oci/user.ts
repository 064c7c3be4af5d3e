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

export interface NonRootInput {
  runAsNonRoot: boolean;
  /** The effective runAsUser. */
  runAsUser?: number | undefined;
  imageUser?: string | undefined;
  /** The kubelet's format.Pod: `name_namespace(uid)`. */
  pod: string;
  container: string;
}

/** The image user as containerd reports it to the kubelet (ImageStatus uid or username). */
type ImageUser = { uid: bigint } | { username: string };

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
 * kubelet verifyRunAsNonRoot (kuberuntime/security_context_others.go), with its messages. Non-root can be verified
 * only for a numeric user: the kubelet never looks inside the image's /etc/passwd. It runs in the kubelet before the
 * runtime is asked, so the container waits as CreateContainerConfigError.
 */
export function verifyRunAsNonRoot(input: NonRootInput): void {
  const violation = nonRootViolation(input);
  if (violation === undefined) return;
  const where = `(pod: ${JSON.stringify(input.pod)}, container: ${input.container})`;
  throw new ContainerConfigError(`${violation} ${where}`, { reason: 'CreateContainerConfigError' });
}

function nonRootViolation(input: NonRootInput): string | undefined {
  if (!input.runAsNonRoot) return undefined;
  if (input.runAsUser !== undefined) {
    return input.runAsUser === 0 ? "container's runAsUser breaks non-root policy" : undefined;
  }
  const user = reportedImageUser(input.imageUser);
  if ('username' in user) {
    return `container has runAsNonRoot and image has non-numeric user (${user.username}), cannot verify user is non-root`;
  }
  if (user.uid === 0n) return 'container has runAsNonRoot and image will run as root';
  if (user.uid < 0n || user.uid > BigInt(MAX_ID)) {
    return (
      `container has runAsNonRoot and image has an invalid user id (${user.uid}). (Must be 1-(${MAX_ID})): ` +
      `must be between 0 and ${MAX_ID}, inclusive`
    );
  }
  return undefined;
}

/**
 * containerd getUserFromImage (strconv.ParseInt of the part before `:`, else a user name) and the kubelet's
 * getImageUser, which takes neither uid nor name (no USER, or an empty user part) as root.
 */
function reportedImageUser(imageUser: string | undefined): ImageUser {
  const part = (imageUser ?? '').split(':')[0] ?? '';
  if (/^[+-]?[0-9]+$/.test(part)) {
    const uid = BigInt(part);
    if (uid >= -(2n ** 63n) && uid < 2n ** 63n) return { uid };
  }
  return part === '' ? { uid: 0n } : { username: part };
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
