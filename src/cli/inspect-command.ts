import { Command } from 'commander';
import { CgroupManager } from '../runtime/cgroups/manager.js';
import { detectCgroupMode } from '../runtime/cgroups/detect.js';
import { RuntimePaths } from '../runtime/paths.js';
import { Runc } from '../runtime/runc.js';
import { renderReport } from '../inspect/render.js';
import { inspectPod } from '../inspect/sharing-report.js';
import { dataDirOption, fail, jsonOption, printJson } from './output.js';

/**
 * `podlet inspect pod NAME`: what the pod's processes share and keep apart, read from this host's live system (no
 * daemon needed; the API serves the same report at /api/v1/namespaces/NS/pods/NAME/inspect).
 */
export function inspectCommand(): Command {
  const pod = new Command('pod')
    .description(
      "show what a pod's containers share (namespaces, volumes) and keep private (cgroups, root filesystems)",
    )
    .argument('<name>', 'the pod')
    .option('-n, --namespace <namespace>', "the pod's namespace", 'default')
    .addOption(dataDirOption())
    .addOption(jsonOption())
    .action(async (name: string, o: { namespace: string; dataDir: string; json?: boolean }) => {
      try {
        const paths = new RuntimePaths(o.dataDir);
        // Reading needs no cgroup parent: every record names its own cgroup path.
        const cgroups = new CgroupManager({ mode: await detectCgroupMode(), parent: 'podlet' });
        const report = await inspectPod(
          { paths, runc: new Runc(paths.runcRoot), cgroups },
          o.namespace,
          name,
        );
        if (!report)
          throw new Error(`pod ${o.namespace}/${name} has no sandbox on this node (data dir ${o.dataDir})`);
        if (o.json) return printJson(report);
        process.stdout.write(renderReport(report));
      } catch (e) {
        fail(e);
      }
    });
  return new Command('inspect').description('look inside the runtime').addCommand(pod);
}
