import { Router } from 'express';
import { probe } from '../probe.ts';

/** A readiness check: resolves to undefined when the dependency is fine, or to what is wrong. */
export type ReadinessCheck = () => Promise<string | undefined>;

/**
 * /health: the process is up and serving; no dependency is asked, so it never fails for theirs.
 * /ready: every check answers 'ok', each within PROBE_TIMEOUT_MS; 503 naming each one's state if not.
 */
export function healthRoutes(service: string, checks: Record<string, ReadinessCheck>): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', service });
  });
  router.get('/ready', async (_req, res) => {
    const names = Object.keys(checks);
    const states = await Promise.all(names.map((name) => probe(checks[name]!)));
    const ok = states.every((state) => state === 'ok');
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: ok ? 'ok' : 'unavailable',
        service,
        dependencies: Object.fromEntries(names.map((name, i) => [name, states[i]])),
      });
  });
  return router;
}
