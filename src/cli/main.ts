import { Command } from 'commander';
import { dashboardCommand } from './dashboard-command.js';
import { doctorCommand } from './doctor.js';
import { imageCommand } from './image-command.js';
import { inspectCommand } from './inspect-command.js';
import { kubeconfigCommand } from './kubeconfig-command.js';
import { psCommand } from './ps-command.js';
import { serveCommand } from './serve-command.js';

const program = new Command('podlet')
  .description('a single-node Kubernetes Pod runtime on runc, conmon, catatonit and CNI')
  .version('0.1.0')
  .addCommand(serveCommand())
  .addCommand(psCommand())
  .addCommand(inspectCommand())
  .addCommand(imageCommand())
  .addCommand(kubeconfigCommand())
  .addCommand(dashboardCommand())
  .addCommand(doctorCommand());

await program.parseAsync(process.argv);
