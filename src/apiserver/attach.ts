// pods/{name}/attach: the client joins the stdio of a running container through conmon's attach socket, over the
// transports of exec (WebSocket v5/v4 channels or SPDY/3.1). Going away leaves the container running.
import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream/promises';
import type { Duplex, Writable } from 'node:stream';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { ContainerAttachment } from '../runtime/attach-socket.js';
import type { TerminalSize } from '../runtime/tty-exec.js';
import { podContainer } from '../api/pod-containers.js';
import type { ObjectStore } from '../store/object-store.js';
import type { Logger } from '../util/log.js';
import {
  KubeletRefusal,
  RemoteCommandTransports,
  type ExecIo,
  type ExecRequest,
  type ExecRun,
  type ExecTarget,
} from './exec.js';
import { containerName, containerStatus } from './pod-containers.js';
import { failureStatus, successStatus } from './remote-command-messages.js';
import { badRequest, notFound } from './status.js';

/** Connects to the stdio of a running container. */
export type ContainerAttach = (containerId: string) => Promise<ContainerAttachment>;

export interface AttachTarget extends ExecTarget {
  /** The container closes its stdin when the first attached client's input ends (spec.stdinOnce). */
  stdinOnce: boolean;
}

export class AttachServer {
  private readonly transports: RemoteCommandTransports;

  constructor(
    private readonly store: ObjectStore,
    private readonly attach: ContainerAttach,
    private readonly logger: Logger,
  ) {
    this.transports = new RemoteCommandTransports('attach', logger);
  }

  /** Checks the request before the handshake, so that a refusal is an HTTP reply kubectl can print. */
  upgrade(request: ExecRequest, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = this.resolve(request);
    if (target instanceof KubeletRefusal) {
      return this.transports.refuse(
        req,
        socket,
        head,
        { ...flags(request.query), containerId: '', command: [] },
        target,
      );
    }
    this.transports.serve(req, socket, head, target, (io) =>
      runAttached(this.attach, target, io, this.logger),
    );
  }

  close(): void {
    this.transports.close();
  }

  /**
   * The apiserver's checks (pod, container name), then kubelet's: the container must be running, and the session
   * has a TTY when the container has one, whatever the query says (kubelet GetAttach).
   */
  private resolve(request: ExecRequest): AttachTarget | KubeletRefusal {
    const pod = this.store.get('pods', request.namespace, request.pod) as unknown as Pod | undefined;
    if (pod === undefined) throw notFound('pods', request.pod);
    const name = containerName(pod, request.query.get('container'));
    const asked = flags(request.query);
    if (!asked.stdin && !asked.stdout && !asked.stderr) {
      throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    }
    const status = containerStatus(pod, name);
    // kubelet looks for the container among the running ones (kubelet_pods.go GetAttach, findContainer).
    if (status?.state?.running === undefined || !status.containerID) {
      return new KubeletRefusal(`container not found ("${name}")`);
    }
    const spec = podContainer(pod, name);
    const tty = spec?.tty === true;
    return {
      containerId: status.containerID.replace(/^[a-z]+:\/\//, ''),
      command: [],
      stdin: asked.stdin,
      stdout: asked.stdout,
      stderr: asked.stderr && !tty,
      tty,
      stdinOnce: spec?.stdinOnce === true,
    };
  }
}

function flags(query: URLSearchParams): Pick<ExecTarget, 'stdin' | 'stdout' | 'stderr' | 'tty'> {
  const flag = (key: string) => query.get(key) === 'true';
  return { stdin: flag('stdin'), stdout: flag('stdout'), stderr: flag('stderr'), tty: flag('tty') };
}

/**
 * One attached client. Output ends when the container exits (conmon closes the socket): the session then ends with
 * Success, as kubelet's ServeAttach reports an attach that ran to its end. When the client's input ends, containerd's
 * rule applies (pkg/cri/io/container_io.go Attach): with stdinOnce and no TTY the container's stdin is closed and
 * output goes on until it exits; otherwise the client is detached.
 */
export function runAttached(
  attach: ContainerAttach,
  target: AttachTarget,
  io: ExecIo,
  logger: Logger,
): ExecRun {
  let connection: ContainerAttachment | undefined;
  let size: TerminalSize | undefined;
  let stopped = false;
  let detached!: () => void;
  const detach = new Promise<void>((resolve) => (detached = resolve));
  const session = async (c: ContainerAttachment): Promise<Status> => {
    connection = c;
    if (stopped) {
      c.detach();
      return successStatus();
    }
    if (size) await c.resize(size).catch((err) => logger.debug({ err }, 'attach: resize failed'));
    c.onOutput((stream, data) => (stream === 'stderr' && !target.tty ? io.stderr : io.stdout)?.write(data));
    io.stdin?.on('data', (data: Buffer) => c.writeStdin(data));
    io.stdin?.on('end', () => {
      if (target.stdinOnce && !target.tty) c.endStdin();
      else detached();
    });
    await Promise.race([c.ended, detach]);
    c.detach();
    await endOutputs(io);
    return successStatus();
  };
  const result = attach(target.containerId).then(session, (err: Error) => {
    logger.info({ err, containerId: target.containerId }, 'attach failed');
    return failureStatus(`error attaching to container: ${err.message}`);
  });
  return {
    result,
    stop: () => {
      stopped = true;
      connection?.detach();
      detached();
    },
    resize: (next) => {
      size = next;
      void connection?.resize(next).catch((err) => logger.debug({ err }, 'attach: resize failed'));
    },
  };
}

async function endOutputs(io: ExecIo): Promise<void> {
  const outputs = [io.stdout, io.stderr].filter((o): o is Writable => o !== undefined);
  for (const output of outputs) output.end();
  await Promise.all(outputs.map((o) => finished(o, { readable: false }).catch(() => undefined)));
}
