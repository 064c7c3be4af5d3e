// The nft program: podlet's only way to change nftables, always as one `nft -f` transaction.
import { run, runUnchecked } from '../util/exec.js';
import { removalScript } from './nft-ruleset.js';

export class NftApplyError extends Error {
  override name = 'NftApplyError';
  constructor(
    readonly table: string,
    options: { cause: unknown },
  ) {
    super(`nft could not update table ip ${table}`, options);
  }
}

const NFT = 'nft';
const NFT_TIMEOUT_MS = 30_000;

/** Runs a script as one transaction: either all of it applies or none of it does. */
export async function applyNftScript(table: string, script: string): Promise<void> {
  try {
    await run(NFT, ['-f', '-'], { input: script, timeoutMs: NFT_TIMEOUT_MS });
  } catch (e) {
    throw new NftApplyError(table, { cause: e });
  }
}

/** Removes the table and everything in it; absent already is fine. */
export function deleteNftTable(table: string): Promise<void> {
  return applyNftScript(table, `${removalScript(table).join('\n')}\n`);
}

export async function nftTableExists(table: string): Promise<boolean> {
  const result = await runUnchecked(NFT, ['list', 'table', 'ip', table], { timeoutMs: NFT_TIMEOUT_MS });
  return result.exitCode === 0;
}
