/** Each readiness check has this long to answer, so /ready answers quickly while a dependency is away. */
export const PROBE_TIMEOUT_MS = 1000;

/**
 * Runs one readiness check: 'ok', or why not (what the check answered as wrong, its error's
 * message, or that it did not answer in time). A check resolves to a string only to report a
 * problem.
 */
export function probe(check: () => Promise<string | undefined>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  return Promise.race([check(), late])
    .then(
      (problem) => problem ?? 'ok',
      (e: Error) => e.message || String(e),
    )
    .finally(() => clearTimeout(timer));
}
