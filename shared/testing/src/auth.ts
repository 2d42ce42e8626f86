import { randomUUID } from 'node:crypto';
import { type Role, signAccessToken } from '@flowdose/shared/auth/tokens';

/** An Authorization header for a fresh user of `role`, signed as the APIs' login would. */
export const bearerFor = async (jwtSecret: string, role: Role, seconds = 600) => ({
  Authorization: `Bearer ${await signAccessToken(jwtSecret, { userId: randomUUID(), role, sessionId: randomUUID() }, seconds)}`,
});
