/**
 * What the browser's code knows of the environment: only what Next writes into every bundle
 * when it builds (NODE_ENV, NEXT_PUBLIC_*), never read at run time. Server settings are in
 * env.ts, which the browser never gets.
 */

/** A production build (`next build`): the service worker registers only there. */
export const PRODUCTION_BUILD = process.env.NODE_ENV === 'production';

/** `next dev` (never used to serve the shop), which evaluates its modules and error stacks with eval. */
export const DEVELOPMENT_BUILD = process.env.NODE_ENV === 'development';
