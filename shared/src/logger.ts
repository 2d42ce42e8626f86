import { pino } from 'pino';

export type Logger = pino.Logger;

export const createLogger = (service: string, level: string): Logger =>
  pino({ level, base: { service }, redact: ['req.headers.authorization', 'req.headers["x-cart-token"]'] });
