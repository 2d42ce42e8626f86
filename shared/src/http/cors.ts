import cors from 'cors';
import type { Config } from '../config.ts';

/** Browsers may call only from the configured origins; other clients are unaffected by CORS. */
export const corsPolicy = (config: Config) =>
  cors({
    origin: config.CORS_ORIGINS,
    allowedHeaders: [
      'Content-Type',
      'Authorization',
      'Idempotency-Key',
      'X-Cart-Token',
      'X-Min-Position',
      'X-Correlation-Id',
    ],
    exposedHeaders: ['X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'ETag'],
    maxAge: 600,
  });
