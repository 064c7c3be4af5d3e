// The sleep lifecycle action (pkg/kubelet/lifecycle/handlers.go runSleepHandler): hooks only, never probes.

/** Resolves true after `seconds`, or false as soon as the signal aborts (the grace period ran out). */
export function sleepHandler(seconds: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      },
      Math.max(0, seconds) * 1000,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
