/**
 * Awaits every task, then throws the first failure. Unlike Promise.all, nothing is still running when the caller's
 * clean-up starts, so a tear-down never races a half-done step (a namespace being made, a process being started).
 */
export async function allOrFirstError(tasks: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
