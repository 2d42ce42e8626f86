import { CustomerLogin, Login, Refresh, Registration } from '@flowdose/contract/command-api';
import { customerDecider } from '@flowdose/domain/customer/decider';
import { customerStream } from '@flowdose/domain/customer/events';
import { DomainError } from '@flowdose/domain/errors';
import { randomIds } from '@flowdose/domain/ids';
import type { Role } from '@flowdose/shared/auth/tokens';
import { UnauthorizedError } from '@flowdose/shared/errors';
import { positionToken } from '@flowdose/shared/event-store/position';
import { requireRole } from '@flowdose/shared/http/auth';
import { validate } from '@flowdose/shared/http/validate';
import { type Request, Router } from 'express';
import { adoptGuestCart } from '../adopt-guest-cart.ts';
import type { Deps } from '../deps.ts';
import { handle } from '../handle-command.ts';

/**
 * Token-issuing routes take no Idempotency-Key: a stored answer would keep live tokens in
 * the database. A retried register answers 409 email-taken, and the client logs in.
 */
export function authRoutes(deps: Deps): Router {
  const { pool, store, sessions, hasher, limits } = deps;
  const router = Router();

  async function login(req: Request, table: 'customer_credentials' | 'staff_users') {
    const { email, password } = validate(table === 'staff_users' ? Login : CustomerLogin, req.body);
    const account = `${table}:${email}`;
    await limits.beforeLogin(account, req.ip ?? 'unknown');
    const { rows } = await pool.query<{ user_id: string; password_hash: string; role: Role }>(
      table === 'customer_credentials'
        ? `select customer_id as user_id, password_hash, 'customer' as role from customer_credentials where email = $1`
        : 'select user_id, password_hash, role from staff_users where email = $1',
      [email],
    );
    const user = rows[0];
    const ok = user ? await hasher.verify(user.password_hash, password) : await hasher.verifyNothing(password);
    if (!user || !ok) {
      const delay = await limits.failedLogin(account, req.ip ?? 'unknown');
      await new Promise((r) => setTimeout(r, delay));
      throw new UnauthorizedError('The email or password is wrong.');
    }
    await limits.succeededLogin(account);
    return { userId: user.user_id, tokens: await sessions.start(user.user_id, user.role) };
  }

  router.post('/auth/register', async (req, res) => {
    const { email, password, guestCartId } = validate(Registration, req.body);
    const customerId = randomIds.next();
    const claimed = await pool.query(
      `insert into customer_credentials (customer_id, email, password_hash) values ($1, $2, $3)
       on conflict (email) do nothing`,
      [customerId, email, await hasher.hash(password)],
    );
    if (claimed.rowCount === 0)
      throw new DomainError('email-taken', 'An account with this email exists; log in instead.');
    req.context.actor = { userId: customerId, role: 'customer' };
    try {
      const { position } = await handle(
        store,
        customerDecider,
        customerStream(customerId),
        { type: 'RegisterCustomer', data: { customerId, email } },
        req.context,
      );
      const tokens = await sessions.start(customerId, 'customer');
      // A shopper who fills a cart and then signs up keeps the cart, as at login.
      const adopted = guestCartId
        ? await adoptGuestCart(deps, req.context, customerId, guestCartId, req.get('X-Cart-Token')).catch(() => null)
        : null;
      res.status(201).json({
        customerId,
        ...tokens,
        cartId: adopted?.cartId ?? null,
        position: positionToken(adopted?.position ?? position),
      });
    } catch (error) {
      // Without its event the account must not exist either: free the email again.
      await pool.query('delete from customer_credentials where customer_id = $1', [customerId]);
      throw error;
    }
  });

  router.post('/auth/login', async (req, res) => {
    const { userId, tokens } = await login(req, 'customer_credentials');
    const { guestCartId } = req.body as { guestCartId?: string };
    const adopted = guestCartId
      ? await adoptGuestCart(deps, req.context, userId, guestCartId, req.get('X-Cart-Token'))
      : null;
    res.json({
      customerId: userId,
      ...tokens,
      cartId: adopted?.cartId ?? null,
      ...(adopted?.position ? { position: positionToken(adopted.position) } : {}),
    });
  });

  router.post('/admin/auth/login', async (req, res) => {
    const { userId, tokens } = await login(req, 'staff_users');
    res.json({ userId, ...tokens });
  });

  router.post('/auth/refresh', async (req, res) => {
    const { refreshToken } = validate(Refresh, req.body);
    const { accessToken, refreshToken: next } = await sessions.refresh(refreshToken);
    res.json({ accessToken, refreshToken: next });
  });

  router.post('/auth/logout', requireRole('customer', 'admin', 'ops', 'analyst'), async (req, res) => {
    await sessions.revoke(req.principal!.sessionId);
    res.status(204).end();
  });

  return router;
}
