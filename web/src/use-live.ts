import { useEffect, useState } from 'preact/hooks';
import { runUntilAborted } from './api.js';

export interface Live<T> {
  value: T | undefined;
  error: Error | undefined;
}

/**
 * A value kept current by a long-running task (a watch, a log follow, a poll) that runs while the component is
 * shown and stops when it goes; `deps` restart it.
 */
export function useLive<T>(
  task: (signal: AbortSignal, set: (value: T) => void) => Promise<void>,
  deps: readonly unknown[],
): Live<T> {
  const [state, setState] = useState<Live<T>>({ value: undefined, error: undefined });
  useEffect(() => {
    setState({ value: undefined, error: undefined });
    return runUntilAborted(
      (signal) => task(signal, (value) => setState({ value, error: undefined })),
      (error) => setState((s) => ({ ...s, error })),
    );
  }, deps);
  return state;
}
