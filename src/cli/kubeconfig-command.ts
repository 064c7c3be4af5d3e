import { Command } from 'commander';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { apiPki, readApiAddress } from './api-endpoint.js';
import { mergeKubeconfig, renderKubeconfig } from './kubeconfig.js';
import { dataDirOption, fail } from './output.js';

interface KubeconfigOptions {
  dataDir: string;
  merge?: boolean;
  server?: string;
}

/** `podlet kubeconfig`: a kubeconfig (context `podlet`) with the admin certificate, printed or merged. */
export function kubeconfigCommand(): Command {
  return new Command('kubeconfig')
    .description('print a kubeconfig for the API of `podlet serve` (or --merge it into ~/.kube/config)')
    .addOption(dataDirOption())
    .option('--merge', 'add the podlet cluster, user and context to $KUBECONFIG or ~/.kube/config')
    .option('--server <url>', 'the API URL to write (default: the address `podlet serve` listens on)')
    .action(async (o: KubeconfigOptions) => {
      try {
        const server = o.server ?? (await readApiAddress(o.dataDir));
        const host = new URL(server).hostname.replace(/^\[|\]$/g, '');
        const text = renderKubeconfig({ server, pki: await apiPki(o.dataDir, host) });
        if (!o.merge) {
          process.stdout.write(text);
          return;
        }
        const file = (process.env.KUBECONFIG ?? '').split(':')[0] || join(homedir(), '.kube', 'config');
        const existing = await readFile(file, 'utf8').catch(() => undefined);
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, mergeKubeconfig(existing, text), 0o600);
        process.stdout.write(`merged context "podlet" into ${file}\n`);
      } catch (e) {
        fail(e);
      }
    });
}
