// Probes of the security suite that need no podlet: a client certificate from a CA of our own, and a walk of a
// directory tree for what group or others can read.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../../src/util/exec.js';

/** A CA of our own (with podlet's CA name) and an admin-looking client certificate it signed. */
export async function foreignClient(dir: string): Promise<{ cert: string; key: string }> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-subj', '/CN=podlet-ca', '-days', '1']); // prettier-ignore
  await run('openssl', ['req', ...ec, '-keyout', join(dir, 'c.key'), '-out', join(dir, 'c.csr'), '-subj', '/O=system:masters/CN=kubernetes-admin']); // prettier-ignore
  await run('openssl', ['x509', '-req', '-in', join(dir, 'c.csr'), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, 'c.crt'), '-days', '1']); // prettier-ignore
  return {
    cert: await readFile(join(dir, 'c.crt'), 'utf8'),
    key: await readFile(join(dir, 'c.key'), 'utf8'),
  };
}

export interface Exposure {
  path: string;
  /** Who may read the file or list the directory: every directory above it lets them through. */
  to: 'group' | 'others';
}

/** Every path under root that group or others can read (a file) or list (a directory), honouring the path above. */
export async function exposedPaths(root: string, skip: readonly string[]): Promise<Exposure[]> {
  const found: Exposure[] = [];
  const walk = async (dir: string, reach: { group: boolean; others: boolean }): Promise<void> => {
    for (const entry of await readdir(dir)) {
      if (dir === root && skip.includes(entry)) continue;
      const path = join(dir, entry);
      const info = await lstat(path).catch(() => undefined);
      if (info === undefined || info.isSymbolicLink()) continue;
      const mode = info.mode;
      if (reach.group && mode & 0o040) found.push({ path, to: 'group' });
      if (reach.others && mode & 0o004) found.push({ path, to: 'others' });
      if (info.isDirectory()) {
        await walk(path, { group: reach.group && (mode & 0o010) !== 0, others: reach.others && (mode & 0o001) !== 0 }); // prettier-ignore
      }
    }
  };
  const top = (await lstat(root)).mode;
  await walk(root, { group: (top & 0o010) !== 0, others: (top & 0o001) !== 0 });
  return found;
}
