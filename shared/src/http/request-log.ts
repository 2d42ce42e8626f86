import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.ts';
import { requestId } from './context.ts';

type Answered = IncomingMessage & { originalUrl?: string };

// The query string is left out: a link may carry a token in it (and it makes the line long).
const pathOf = (req: Answered) => (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';

/**
 * One short line per request — method, path, status, ms and the request id the problem body
 * repeats — and, at debug level only, the request's and the answer's headers, with their
 * credentials redacted by the logger (logger.ts's SECRET_HEADERS). Nothing else of the request
 * is written: bodies hold passwords and card numbers.
 */
export const requestLog = (logger: Logger) => {
  const withHeaders = logger.isLevelEnabled('debug');
  const line = (req: Answered, res: ServerResponse, ms: number) => ({
    method: req.method,
    path: pathOf(req),
    status: res.statusCode,
    ms,
    ...(withHeaders ? { requestHeaders: req.headers, responseHeaders: res.getHeaders() } : {}),
  });
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage) => requestId(req.headers['x-request-id']),
    // req.log and res.log carry the request id alone, not the whole request.
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    wrapSerializers: false,
    customSuccessObject: (req, res, { responseTime }) => line(req, res, responseTime),
    // The error itself is logged once, with its stack, by the problem handler.
    customErrorObject: (req, res, _error, { responseTime }) => line(req, res, responseTime),
    customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req)} ${res.statusCode} ${ms}ms`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req)} ${res.statusCode}`,
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
};
