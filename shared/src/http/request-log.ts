import type { IncomingMessage } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.ts';
import { requestId } from './context.ts';

/** One log line per request, each carrying the request id that the problem body repeats. */
export const requestLog = (logger: Logger) =>
  pinoHttp({
    logger,
    genReqId: (req: IncomingMessage) => requestId(req.headers['x-request-id']),
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
