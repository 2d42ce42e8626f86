import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';

export const RESULTS_DIR = fileURLToPath(new URL('./results', import.meta.url));

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A progress bar over a fixed duration, so a person sees how long a case has left. */
export async function timed<T>(label: string, seconds: number, work: (deadline: number) => Promise<T>): Promise<T> {
  const bar = new SingleBar({
    format: `${label.padEnd(34)} [{bar}] {value}/{total} s`,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  bar.start(seconds, 0);
  const started = Date.now();
  const tick = setInterval(() => bar.update(Math.min(seconds, Math.round((Date.now() - started) / 1000))), 250);
  try {
    return await work(started + seconds * 1000);
  } finally {
    clearInterval(tick);
    bar.update(seconds);
    bar.stop();
  }
}

export function machine() {
  const git = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  return {
    date: new Date().toISOString(),
    commit: git,
    node: process.version,
    cores: cpus().length,
    memoryMiB: mib(totalmem()),
  };
}

/** Writes the figures as JSON (for tools) and Markdown (for people) under infra/bench/results. */
export function writeResults(name: string, data: object, markdown: string) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}/${name}.json`, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(`${RESULTS_DIR}/${name}.md`, `${markdown}\n`);
  console.log(`\nwritten: infra/bench/results/${name}.json and .md`);
}
