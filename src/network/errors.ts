/** A network setting podlet was given (pod CIDR, bridge name, netns name) that cannot work. */
export class NetworkConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkConfigError';
  }
}

/** The pod CIDR is already used on this host by something other than podlet's bridge. */
export class PodCidrConflictError extends Error {
  constructor(
    readonly podCidr: string,
    readonly conflicts: string[],
  ) {
    super(
      `pod CIDR ${podCidr} overlaps ${conflicts.join('; ')} on this host: pods would shadow or be shadowed by it`,
    );
    this.name = 'PodCidrConflictError';
  }
}

/** The error object a CNI plugin prints on stdout when it fails (CNI spec, "Error"). */
export interface CniErrorJson {
  code?: number;
  msg?: string;
  details?: string;
}

/** One CNI plugin call that failed: which plugin, which command, what the plugin said and what it printed on stderr. */
export class CniPluginError extends Error {
  constructor(
    readonly plugin: string,
    readonly command: 'ADD' | 'DEL',
    readonly containerId: string,
    readonly cniError: CniErrorJson | undefined,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(cniPluginMessage(plugin, command, containerId, cniError, stderr, options?.cause), options);
    this.name = 'CniPluginError';
  }
}

function cniPluginMessage(
  plugin: string,
  command: string,
  containerId: string,
  cniError: CniErrorJson | undefined,
  stderr: string,
  cause: unknown,
): string {
  const parts = [`CNI plugin ${plugin} ${command} failed for ${containerId}`];
  if (cniError) {
    const code = cniError.code === undefined ? '' : `code ${cniError.code}: `;
    parts.push(`${code}${cniError.msg ?? ''}${cniError.details ? ` (${cniError.details})` : ''}`);
  } else if (cause instanceof Error) {
    parts.push(cause.message);
  }
  const err = stderr.trim().split('\n').slice(-3).join(' | ');
  if (err) parts.push(`stderr: ${err}`);
  return parts.join(': ');
}

/** Tear-down tried every plugin; these are the ones that failed. */
export class NetworkTeardownError extends Error {
  constructor(
    readonly containerId: string,
    readonly errors: Error[],
  ) {
    super(`tearing down the network of ${containerId}: ${errors.map((e) => e.message).join('; ')}`, {
      cause: errors[0],
    });
    this.name = 'NetworkTeardownError';
  }
}
