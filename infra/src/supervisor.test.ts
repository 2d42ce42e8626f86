import { type ChildProcess, spawn } from 'node:child_process';
import { until } from '@flowdose/testing/process';
import { describe, expect, it } from 'vitest';
import { type Backoff, nextDelay, supervise } from './supervisor.ts';

/** A real node process running `code`; each start and exit is timed. */
function node(code: string) {
  const runs: { pid: number | undefined; startedAt: number; exitedAt?: number; child: ChildProcess }[] = [];
  const start = () => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const run: (typeof runs)[number] = { pid: child.pid, startedAt: Date.now(), child };
    child.once('exit', () => {
      run.exitedAt = Date.now();
    });
    runs.push(run);
    return child;
  };
  return { runs, start };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Prints once its SIGTERM handler (if any) is in place, so a test signals it only then.
const ready = (child: ChildProcess) => new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));

describe('nextDelay', () => {
  const backoff: Backoff = { firstMs: 500, maxMs: 30_000, resetAfterMs: 30_000 };
  it('doubles while the service keeps crashing soon after starting, up to the ceiling', () => {
    const delays: number[] = [];
    let delay: number | null = null;
    for (let i = 0; i < 9; i++) {
      delay = nextDelay(delay, 1_000, backoff);
      delays.push(delay);
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over at the first delay after a run that lasted long enough', () => {
    expect(nextDelay(30_000, 29_999, backoff)).toBe(30_000);
    expect(nextDelay(30_000, 30_000, backoff)).toBe(500);
  });
});

describe('supervise', () => {
  it('restarts a crashing process with growing delays, logging each restart, until stopped', async () => {
    const crasher = node('process.exit(3)');
    const log: string[] = [];
    const supervised = supervise({ name: 'crasher' }, crasher.start, {
      log: (line) => log.push(line),
      backoff: { firstMs: 100, maxMs: 400, resetAfterMs: 10_000 },
    });
    await until(async () => crasher.runs.length >= 5, 20_000, 'five starts');
    await supervised.stop();
    const starts = crasher.runs.length;

    // The wait between one run's exit and the next start: 0.1 s doubling, capped at 0.4 s.
    const waits = crasher.runs.slice(1, 5).map((run, i) => run.startedAt - crasher.runs[i]!.exitedAt!);
    expect(waits[0]).toBeGreaterThanOrEqual(95);
    expect(waits[1]).toBeGreaterThanOrEqual(195);
    expect(waits[2]).toBeGreaterThanOrEqual(395);
    expect(waits[3]).toBeGreaterThanOrEqual(395);
    expect(waits[1]! - waits[0]!).toBeGreaterThan(50);
    expect(waits[2]! - waits[1]!).toBeGreaterThan(100);
    expect(log[0]).toMatch(/^crasher exited with code 3 after [\d.]+ s; restarting in 0\.1 s \(restart 1\)$/);
    expect(log.slice(0, 4).map((line) => /restarting in ([\d.]+) s/.exec(line)?.[1])).toEqual([
      '0.1',
      '0.2',
      '0.4',
      '0.4',
    ]);

    // Stopped while waiting to restart: nothing starts again.
    await new Promise((r) => setTimeout(r, 800));
    expect(crasher.runs.length).toBe(starts);
    expect(crasher.runs.every((run) => run.exitedAt !== undefined)).toBe(true);
  });

  it('starts over at the first delay once a run lasted long enough', async () => {
    const shortLived = node('setTimeout(() => process.exit(1), 300)');
    const log: string[] = [];
    const supervised = supervise({ name: 'short-lived' }, shortLived.start, {
      log: (line) => log.push(line),
      backoff: { firstMs: 50, maxMs: 1_000, resetAfterMs: 200 },
    });
    await until(async () => log.length >= 3, 20_000, 'three restarts');
    await supervised.stop();
    expect(log.slice(0, 3).every((line) => line.includes('restarting in 0.05 s'))).toBe(true);
  });

  it('names the signal that killed the process', async () => {
    const sleeper = node('setInterval(() => {}, 1000); console.log("up")');
    const log: string[] = [];
    const supervised = supervise({ name: 'sleeper' }, sleeper.start, { log: (line) => log.push(line) });
    await ready(sleeper.runs[0]!.child);
    sleeper.runs[0]!.child.kill('SIGKILL');
    await until(async () => sleeper.runs.length === 2, 10_000, 'a restart');
    await supervised.stop();
    expect(log[0]).toMatch(/^sleeper was killed by SIGKILL after [\d.]+ s; restarting in 0\.5 s \(restart 1\)$/);
  });

  it('stops the running process with SIGTERM and does not restart it', async () => {
    const sleeper = node('setInterval(() => {}, 1000); console.log("up")');
    const supervised = supervise({ name: 'sleeper' }, sleeper.start, { log: () => {} });
    await ready(sleeper.runs[0]!.child);
    const pid = supervised.pid!;
    expect(alive(pid)).toBe(true);
    await supervised.stop();
    expect(sleeper.runs[0]!.child.signalCode).toBe('SIGTERM');
    expect(alive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 700));
    expect(sleeper.runs.length).toBe(1);
    expect(supervised.restarts).toBe(0);
  });

  it('kills a process that ignores SIGTERM once the stop timeout has passed', async () => {
    const stubborn = node('process.on("SIGTERM", () => {}); setInterval(() => {}, 1000); console.log("up")');
    const log: string[] = [];
    const supervised = supervise({ name: 'stubborn' }, stubborn.start, {
      log: (line) => log.push(line),
      stopTimeoutMs: 400,
    });
    await ready(stubborn.runs[0]!.child);
    const started = Date.now();
    await supervised.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(395);
    expect(stubborn.runs[0]!.child.signalCode).toBe('SIGKILL');
    expect(log).toEqual(['stubborn still running 0.4 s after SIGTERM; killing it']);
    expect(stubborn.runs.length).toBe(1);
  });

  it('retries a program that cannot be started at all', async () => {
    const log: string[] = [];
    const supervised = supervise(
      { name: 'missing' },
      () => spawn('/nonexistent/flowdose-binary', [], { stdio: 'ignore' }),
      { log: (line) => log.push(line), backoff: { firstMs: 20, maxMs: 40, resetAfterMs: 10_000 } },
    );
    await until(async () => log.length >= 2, 10_000, 'two retries');
    await supervised.stop();
    expect(log[0]).toMatch(/^missing failed to start \(spawn \/nonexistent\/flowdose-binary ENOENT\) after/);
  });
});
