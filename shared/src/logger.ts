import { type DestinationStream, pino } from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;
export type LogFormat = 'auto' | 'pretty' | 'json';
/** What chooses the output: config.LOG_FORMAT and, for `auto`, whether this is production. */
export type LogOutput = { LOG_FORMAT: LogFormat; NODE_ENV?: string | undefined };

/**
 * Headers that carry a credential or a capability: a bearer or refresh token, a cart token, a
 * session cookie, the payment provider's webhook signature, and the Idempotency-Key (a guest's
 * repeat of `POST /carts` with the same key is answered with the recorded cart token).
 */
export const SECRET_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-cart-token',
  'flowdose-signature',
  'idempotency-key',
];
const headerPaths = (object: string) => SECRET_HEADERS.map((name) => `${object}["${name}"]`);
const REDACT = [
  ...headerPaths('requestHeaders'),
  ...headerPaths('responseHeaders'),
  // pino's standard request and response serializers, should anything log a raw req or res.
  ...headerPaths('req.headers'),
  ...headerPaths('res.headers'),
];

const STATUS_COLOUR = (status: number) => (status >= 500 ? 'red' : status >= 400 ? 'yellow' : 'green');

// Info, the usual level, goes unnamed; the others say what they are.
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const clock = (time: unknown) => {
  const at = new Date(Number(time));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;
};

/**
 * One short line per request (`21:04:05.123 command-api POST /carts/c1/items 201 12ms req=…`),
 * other lines as `time service message`, their objects (an error's stack) below them.
 * In-process rather than a worker transport: nothing to wait for at shutdown or in tests.
 */
const prettyStream = (destination: DestinationStream | undefined) =>
  pretty({
    ...(destination ? { destination } : {}),
    // Written as they come, so the last lines before an exit are not lost.
    sync: true,
    ignore: 'time,pid,hostname,level,service,requestId,method,path,status,ms',
    customColors: 'message:reset',
    messageFormat: (log, messageKey, _levelKey, { colors }) => {
      const level = LEVELS[Number(log.level)];
      const head = `${colors.gray(clock(log.time))} ${colors.magenta(String(log.service))}${level ? ` ${colors.bold(level)}` : ''}`;
      const id = typeof log.requestId === 'string' ? ` ${colors.gray(`req=${log.requestId}`)}` : '';
      if (typeof log.status === 'number' && typeof log.method === 'string') {
        const status = colors[STATUS_COLOUR(log.status)](String(log.status));
        return `${head} ${log.method} ${String(log.path)} ${status} ${String(log.ms)}ms${id}`;
      }
      return `${head} ${String(log[messageKey] ?? '')}${id}`;
    },
  });

const wantsPretty = ({ LOG_FORMAT, NODE_ENV }: LogOutput) =>
  LOG_FORMAT === 'pretty' || (LOG_FORMAT === 'auto' && process.stdout.isTTY === true && NODE_ENV !== 'production');

/**
 * The service's logger: pretty in a terminal, JSON lines otherwise or in production (what a
 * log shipper reads). `destination` (tests) replaces standard output.
 */
export const createLogger = (
  service: string,
  level: string,
  output: LogOutput = { LOG_FORMAT: 'auto' },
  destination?: DestinationStream,
): Logger => {
  const options = { level, base: { service }, redact: { paths: REDACT } };
  if (wantsPretty(output)) return pino(options, prettyStream(destination));
  return destination ? pino(options, destination) : pino(options);
};
