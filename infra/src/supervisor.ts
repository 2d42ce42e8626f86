import type { ChildProcess } from 'node:child_process';

export type Backoff = { firstMs: number; maxMs: number; resetAfterMs: number };

/** 0.5 s, doubling up to 30 s; a run of 30 s counts as healthy, and the next crash waits 0.5 s again. */
export const DEFAULT_BACKOFF: Backoff = { firstMs: 500, maxMs: 30_000, resetAfterMs: 30_000 };

/**
 * Each service stops within 10 s of SIGTERM by itself (its main.ts); this leaves it a little
 * more before SIGKILL, for one whose event loop is stuck.
 */
export const STOP_TIMEOUT_MS = 12_000;

/** The wait before the next start: it doubles while the service keeps crashing soon after starting. */
export function nextDelay(previousMs: number | null, ranForMs: number, backoff: Backoff): number {
  if (previousMs === null || ranForMs >= backoff.resetAfterMs) return backoff.firstMs;
  return Math.min(previousMs * 2, backoff.maxMs);
}

export type Supervised = {
  /** SIGTERM, then SIGKILL if it is still running after stopTimeoutMs; no restart follows. */
  stop: () => Promise<void>;
  /** SIGKILL now, for a second Ctrl-C; no restart follows. */
  kill: () => void;
  readonly pid: number | undefined;
  readonly restarts: number;
};

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

const ending = (code: number | null, signal: NodeJS.Signals | null, error: Error | undefined) =>
  error ? `failed to start (${error.message})` : signal ? `was killed by ${signal}` : `exited with code ${code}`;

/**
 * Keeps one service running: whenever its process ends, for any reason, it is started again
 * after a delay (see nextDelay) and the crash is logged. Only stop() or kill() ends that.
 */
export function supervise<S extends { name: string }>(
  spec: S,
  spawn: (spec: S) => ChildProcess,
  {
    log = (line: string) => console.error(line),
    backoff = DEFAULT_BACKOFF,
    stopTimeoutMs = STOP_TIMEOUT_MS,
  }: { log?: (line: string) => void; backoff?: Backoff; stopTimeoutMs?: number } = {},
): Supervised {
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let delay: number | null = null;
  let restarts = 0;
  let pending: NodeJS.Timeout | undefined;
  let stopped = false;

  const start = () => {
    pending = undefined;
    const startedAt = Date.now();
    exited = new Promise<void>((resolve) => {
      let over = false;
      const ended = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
        if (over) return;
        over = true;
        child = null;
        resolve();
        if (stopped) return;
        const ranFor = Date.now() - startedAt;
        delay = nextDelay(delay, ranFor, backoff);
        restarts += 1;
        log(
          `${spec.name} ${ending(code, signal, error)} after ${seconds(ranFor)}; ` +
            `restarting in ${seconds(delay)} (restart ${restarts})`,
        );
        pending = setTimeout(start, delay);
      };
      try {
        const started = spawn(spec);
        child = started;
        started.once('exit', (code, signal) => ended(code, signal));
        // Without a pid the process never ran, and no 'exit' may follow; later errors (a
        // failed kill) leave it running.
        started.on('error', (error) => {
          if (started.pid === undefined) ended(null, null, error);
          else log(`${spec.name}: ${error.message}`);
        });
      } catch (error) {
        ended(null, null, error as Error);
      }
    });
  };
  start();

  return {
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    async stop() {
      stopped = true;
      clearTimeout(pending);
      const running = child;
      if (!running) return;
      running.kill('SIGTERM');
      const killer = setTimeout(() => {
        log(`${spec.name} still running ${seconds(stopTimeoutMs)} after SIGTERM; killing it`);
        running.kill('SIGKILL');
      }, stopTimeoutMs);
      await exited;
      clearTimeout(killer);
    },
    kill() {
      stopped = true;
      clearTimeout(pending);
      child?.kill('SIGKILL');
    },
  };
}
