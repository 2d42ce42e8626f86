import type { ApiContract } from '@flowdose/contract/routes';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Sessions } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { authenticate } from './auth.ts';
import { withClientErrorProblems } from './client-error.ts';
import { attachContext } from './context.ts';
import { corsPolicy } from './cors.ts';
import { documentationRoutes } from './docs.ts';
import { jsonBodyOptions } from './json-body.ts';
import { openApiDocument } from './openapi.ts';
import { notFoundRoute, problemHandler } from './problem.ts';
import { requestLog } from './request-log.ts';
import { refuseNulInUrl } from './url-guard.ts';

export type HttpAppOptions = {
  config: Config;
  logger: Logger;
  sessions: Pick<Sessions, 'isRevoked'>;
  /** Every route the API serves, with its request and answer schemas: served as /openapi.json and /docs. */
  contract: ApiContract;
  /** /health and /ready: answered before authentication, so a probe needs no token. */
  health: RequestHandler;
  /** Routes that read their body's raw bytes (a signed webhook): mounted before any JSON parsing. */
  rawBodyRoutes?: RequestHandler[];
  /** Parse JSON request bodies (BODY_LIMIT, the shape checks of json-body.ts): only an API that takes bodies. */
  jsonBodies: boolean;
  /** The API's own middlewares and routes, in order, after authentication. */
  routes: RequestHandler[];
};

/**
 * The HTTP app both APIs are: what every request goes through before and after the API's own
 * routes. No listening socket, so tests drive it with real dependencies; whoever calls
 * `listen` gets a server whose parser refusals answer as problems too.
 */
export function createHttpApp(options: HttpAppOptions): express.Express {
  const { config, logger } = options;
  const app = withClientErrorProblems(express(), logger);
  // Express's own error page (reached only if an error got past problemHandler) shows the
  // stack outside production; never here.
  app.set('env', 'production');
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(requestLog(logger));
  app.use(attachContext);
  app.use(helmet());
  app.use(corsPolicy(config));
  app.use(refuseNulInUrl);
  // A signature over the raw bytes is checked before anything parses them.
  for (const route of options.rawBodyRoutes ?? []) app.use(route);
  // Duplicate keys and deep nesting are refused here, before anything hashes or validates a body.
  if (options.jsonBodies) app.use(express.json(jsonBodyOptions(config.BODY_LIMIT)));
  // No /metrics here: the figures have a port of their own (metrics/serve.ts).
  app.use(options.health);
  app.use(documentationRoutes(openApiDocument(options.contract)));
  app.use(authenticate(config.AUTH_JWT_SECRET, options.sessions));
  for (const route of options.routes) app.use(route);
  app.use(notFoundRoute);
  // Last: every error, including a path parameter's bad %-escape, ends here as a problem.
  app.use(problemHandler(logger));
  return app;
}
