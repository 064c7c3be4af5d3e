// The watch half of the fuzzer's invariants: one watch per kind, opened before the first case, must see every
// change the snapshots saw (each object version once, each deletion), in strictly increasing resourceVersions.
import { KINDS, type Kind } from './api-fuzz-objects.js';
import { WatchRecorder, type ApiClient } from './api-fuzz-client.js';

export interface WatchVerdict {
  events: number;
  skippedOrDuplicated: number;
  findings: string[];
}

export class WatchCheck {
  /** `kind ns/name` -> object versions seen in snapshots after the watches started. */
  private readonly versions = new Map<string, Set<number>>();
  private readonly deletions: { key: string; after: number }[] = [];
  private readonly watches = new Map<Kind, WatchRecorder>();

  constructor(
    client: ApiClient,
    private readonly startVersion: number,
  ) {
    for (const kind of KINDS)
      this.watches.set(
        kind,
        new WatchRecorder(client, `/api/v1/${kind}?watch=true&resourceVersion=${startVersion}`),
      );
  }

  /** An object `kind ns/name` was seen at `version`: the watch of its kind must carry that version once. */
  expectVersion(key: string, version: number): void {
    if (version <= this.startVersion) return;
    let set = this.versions.get(key);
    if (!set) this.versions.set(key, (set = new Set()));
    set.add(version);
  }

  /** An object last seen at `after` is gone: its watch must carry a DELETED after that. */
  expectDeletion(key: string, after: number): void {
    this.deletions.push({ key, after });
  }

  /** Waits (up to `waitMs`) for the watches to catch up, then judges them and closes them. */
  async finish(waitMs = 15_000): Promise<WatchVerdict> {
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline && this.missing().length > 0) await new Promise((r) => setTimeout(r, 100));
    const verdict: WatchVerdict = { events: 0, skippedOrDuplicated: 0, findings: [] };
    for (const [kind, watch] of this.watches) {
      verdict.events += watch.events.length;
      if (watch.ended) verdict.findings.push(`the ${kind} watch ended early`);
      let last = 0;
      for (const e of watch.events) {
        if (e.resourceVersion <= last) {
          verdict.skippedOrDuplicated += 1;
          verdict.findings.push(
            `${kind} watch: ${e.type} ${e.namespace}/${e.name} at ${e.resourceVersion} after ${last}`,
          );
        }
        last = Math.max(last, e.resourceVersion);
      }
      watch.close();
    }
    for (const miss of this.missing()) {
      verdict.skippedOrDuplicated += 1;
      verdict.findings.push(`no watch event for ${miss}`);
    }
    return verdict;
  }

  private missing(): string[] {
    const out: string[] = [];
    for (const [key, versions] of this.versions) {
      const events = this.eventsOf(key);
      for (const v of versions) {
        const n = events.filter((e) => e.type !== 'DELETED' && e.resourceVersion === v).length;
        if (n !== 1) out.push(`${key}@${v} (seen ${n} times)`);
      }
    }
    for (const d of this.deletions) {
      const found = this.eventsOf(d.key).some((e) => e.type === 'DELETED' && e.resourceVersion > d.after);
      if (!found) out.push(`${d.key} deleted after ${d.after}`);
    }
    return out;
  }

  private eventsOf(key: string) {
    const [kind = '', ...rest] = key.split(' ');
    const name = rest.join(' ');
    return (this.watches.get(kind as Kind)?.events ?? []).filter((e) => `${e.namespace}/${e.name}` === name);
  }
}
