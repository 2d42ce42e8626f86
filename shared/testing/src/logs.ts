import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '@flowdose/shared/config';
import { createLogger, type Logger } from '@flowdose/shared/logger';
import { type DestinationStream, pino } from 'pino';
import { TEST_DB_PREFIX } from './db.ts';

/**
 * Where a test run's logs go: a file per test process, each line as production writes it.
 * vitest.global-setup.ts empties the folder before the run and, after it, fails the run if any
 * line holds a password, a token or a card number (log-secrets.ts). Named after the run's
 * database prefix, so two runs side by side keep apart.
 */
export const TEST_LOG_DIR = join(tmpdir(), `flowdose-test-logs-${TEST_DB_PREFIX}`);

const testLogFile = () => join(TEST_LOG_DIR, `${process.pid}.log`);

// One file per process: every logger of a test process appends to the same stream.
let destination: DestinationStream | undefined;

/** The test process's log file. Synchronous writes: nothing is lost when a worker exits. */
export const testLogDestination = (): DestinationStream => {
  destination ??= pino.destination({ dest: testLogFile(), mkdir: true, sync: true, append: true });
  return destination;
};

/** A service's logger in a test: testConfig's level (debug: headers too), JSON, into the run's log files. */
export const testLogger = (service: string, config: Pick<Config, 'LOG_LEVEL'>): Logger =>
  createLogger(service, config.LOG_LEVEL, { LOG_FORMAT: 'json' }, testLogDestination());

/** Output of a process a test started (shared/testing/src/process.ts), kept with the run's logs in a file of its own. */
export const keepTestLog = (source: string, text: string) => {
  mkdirSync(TEST_LOG_DIR, { recursive: true });
  appendFileSync(join(TEST_LOG_DIR, `${process.pid}-${source}.log`), text);
};
