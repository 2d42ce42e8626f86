import type { Config } from '@flowdose/shared/config';

/**
 * Crash tests only: when FAILPOINT names this point, the process kills itself with SIGKILL
 * right here, as a power cut would, so a test can prove what a restart finishes or undoes.
 * Never set in production (config refuses it under NODE_ENV=production).
 */
export function failpoint(config: Pick<Config, 'FAILPOINT'>, name: string) {
  if (config.FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
