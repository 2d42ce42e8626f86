import type { RequestHandler } from 'express';
import type { Sessions } from '../auth/sessions.ts';
import { type Principal, type Role, verifyAccessToken } from '../auth/tokens.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';

declare module 'express-serve-static-core' {
  interface Request {
    principal: Principal | null;
  }
}

/**
 * Reads a Bearer token when one is sent: a valid one sets req.principal and the actor of
 * every event this request appends; a bad, expired or revoked one is a 401 even on routes
 * that guests may use, so a client never silently acts as a guest by mistake.
 */
export const authenticate =
  (secret: string, sessions: Pick<Sessions, 'isRevoked'>): RequestHandler =>
  async (req, _res, next) => {
    req.principal = null;
    const header = req.get('Authorization');
    if (header === undefined) return next();
    const match = /^Bearer ([A-Za-z0-9._-]{1,4096})$/.exec(header);
    if (!match) throw new UnauthorizedError('Send the access token as "Authorization: Bearer <token>".');
    const principal = await verifyAccessToken(secret, match[1]!);
    if (await sessions.isRevoked(principal.sessionId)) throw new UnauthorizedError('This session was signed out.');
    req.principal = principal;
    req.context.actor = { userId: principal.userId, role: principal.role };
    next();
  };

export const requireRole =
  (...roles: Role[]): RequestHandler =>
  (req, _res, next) => {
    if (!req.principal) throw new UnauthorizedError('Sign in first.');
    if (!roles.includes(req.principal.role)) throw new ForbiddenError(`This needs the role ${roles.join(' or ')}.`);
    next();
  };

/**
 * The shopper's routes (a cart, its checkout): for a guest (by cart token) or a customer. A
 * staff token is refused rather than taken as a shopper: what it did would be recorded as
 * staff's (an analyst's CartOpened), and a staff account is not one to buy with. Staff read
 * shoppers' carts and orders through the back office's routes.
 */
export const refuseStaff: RequestHandler = (req, _res, next) => {
  if (req.principal && req.principal.role !== 'customer')
    throw new ForbiddenError('A staff account cannot use the shop; sign in as a customer, or send no token.');
  next();
};
