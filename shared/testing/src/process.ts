import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { keepTestLog } from './logs.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Runs one of our TypeScript entry points as a real child process (one process: SIGKILL hits
 * it); `input`, if given, is what it reads on stdin.
 */
export function spawnTs(script: string, args: string[], env: Record<string, string>, input?: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      CART_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0000',
      AUTH_JWT_SECRET: 'test-jwt-secret-test-jwt-secret-test-0000',
      PAYMENT_WEBHOOK_SECRET: 'test-webhook-secret-test-webhook-secret-00',
      // A free port each: test services never take the fixed 9101-9104 from each other.
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Nothing given reads as an empty stdin, as /dev/null would; a child gone before reading
  // it makes the write fail, which is the exit's news, not this one's.
  child.stdin.on('error', () => {});
  child.stdin.end(input ?? '');
  let output = '';
  // Kept with the run's logs too, so the scan after the run reads what the child wrote.
  child.stdout.on('data', (d) => {
    output += d;
    keepTestLog(`child-${child.pid}-stdout`, String(d));
  });
  child.stderr.on('data', (d) => {
    output += d;
    keepTestLog(`child-${child.pid}-stderr`, String(d));
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      // A child that dies on its own (not killed by the test) says why in the test output.
      if (code !== 0 && !signal) console.error(`${script} exited with ${code}:\n${output}`);
      resolve(code);
    }),
  );
  return { child, exited, output: () => output };
}

/** Asks `check` every `everyMs` until it says yes; past `timeoutMs` it throws, naming `what`. */
export const until = async (check: () => Promise<boolean>, timeoutMs = 30_000, what = 'condition', everyMs = 20) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};

/** Whether `url` answers 2xx now; a refused connection is a no, not an error (for `until`). */
export const answersOk = (url: string) =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  );

/** A loopback port nobody listens on right now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
