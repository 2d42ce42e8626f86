import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { childEnvironment, loadConfig } from './config.ts';

const secrets = {
  CART_TOKEN_SECRET: 'test-secret-test-secret-test-secret-0000',
  AUTH_JWT_SECRET: 'test-jwt-secret-test-jwt-secret-test-0000',
  PAYMENT_WEBHOOK_SECRET: 'test-webhook-secret-test-webhook-secret-00',
};

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Source files under `dir` (relative to the repository), tests and test harnesses aside. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((file) => join(dir, file))
    .filter((file) => /\.(ts|tsx|mts|mjs)$/.test(file))
    .filter((file) => !/(^|\/)(node_modules|\.next|tests|testing)\//.test(file))
    .filter((file) => !/\.test\.ts$|test-support\.ts$/.test(file));
}

const readsEnvironment = (file: string) => /\bprocess\.env\b/.test(readFileSync(join(ROOT, file), 'utf8'));

describe('the configuration', () => {
  it('names every bad variable in one message', () => {
    expect(() => loadConfig({ ...secrets, COMMAND_API_PORT: 'x', SHOP_TIME_ZONE: 'Mars/Olympus' })).toThrow(
      /COMMAND_API_PORT[\s\S]*SHOP_TIME_ZONE|SHOP_TIME_ZONE[\s\S]*COMMAND_API_PORT/,
    );
    expect(loadConfig({ ...secrets }).STAFF_IDLE_MINUTES).toBe(30);
  });

  it('hands a child process this environment with its own settings over it', () => {
    const env = childEnvironment({ PGPASSWORD: 'secret' });
    expect(env.PGPASSWORD).toBe('secret');
    expect(env.PATH).toBe(process.env.PATH);
    expect(childEnvironment()).toEqual({ ...process.env });
  });

  // Tests and their harnesses (@flowdose/testing, pwa/tests, infra/bench) read settings of
  // their own (TEST_DB_PREFIX, a Meilisearch or S3 to test against, CHROMIUM_PATH).
  it('is read only by config.ts in the servers, and by its own two modules in the storefront', () => {
    const servers = ['shared/src', 'command-api/src', 'query-api/src', 'projections/src', 'infra/src'];
    expect(servers.flatMap(sources).filter(readsEnvironment)).toEqual(['shared/src/config.ts']);
    expect(sources('pwa').filter(readsEnvironment).sort()).toEqual([
      'pwa/lib/env.ts',
      'pwa/lib/public-env.ts',
      'pwa/server.mjs',
    ]);
  });
});
