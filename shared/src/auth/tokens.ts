import { jwtVerify, SignJWT } from 'jose';
import { UnauthorizedError } from '../errors.ts';

export const ROLES = ['customer', 'admin', 'ops', 'analyst'] as const;
export type Role = (typeof ROLES)[number];
export const STAFF_ROLES = ['admin', 'ops', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export type Principal = { userId: string; role: Role; sessionId: string };

const ISSUER = 'flowdose';
const AUDIENCE = 'flowdose-api';
const key = (secret: string) => new TextEncoder().encode(secret);

export async function signAccessToken(secret: string, principal: Principal, ttlSeconds: number): Promise<string> {
  return new SignJWT({ role: principal.role, sid: principal.sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(principal.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

/** Only HS256 with our key, issuer and audience passes; anything else is a 401. */
export async function verifyAccessToken(secret: string, token: string): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const role = payload.role as Role;
    if (!payload.sub || typeof payload.sid !== 'string' || !ROLES.includes(role)) throw new Error('claims');
    return { userId: payload.sub, role, sessionId: payload.sid };
  } catch {
    throw new UnauthorizedError('The access token is invalid or expired.');
  }
}
