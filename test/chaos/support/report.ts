// The chaos suite's figures: each scenario records what it injected and what it found, and `npm run test:chaos`
// renders them into docs/reliability.md. In CI (no PODLET_CHAOS_REPORT) the figures are only asserted, not kept.
import { appendFile } from 'node:fs/promises';

export type Figure = number | string | boolean;

export interface ScenarioResult {
  /** Stable key, e.g. "crash-consistency"; one row per key in the report (the last run wins). */
  scenario: string;
  /** One line: what was done to podlet. */
  description: string;
  /** Named figures, e.g. { rounds: 20, faults: 20, acknowledged: 812, found: 812, orphans: 0 }. */
  figures: Record<string, Figure>;
}

/** The full run (`npm run test:chaos`) scales every scenario up; CI runs the fast subset. */
export const FULL = process.env.PODLET_CHAOS === 'full';

/** Picks the fast or the full size of a scenario. */
export function scale(fast: number, full: number): number {
  return FULL ? full : fast;
}

export async function recordScenario(result: ScenarioResult): Promise<void> {
  const file = process.env.PODLET_CHAOS_REPORT;
  if (file === undefined || file === '') return;
  await appendFile(file, JSON.stringify({ ...result, at: new Date().toISOString(), full: FULL }) + '\n');
}
