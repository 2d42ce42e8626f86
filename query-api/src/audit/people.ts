import { Id } from '@flowdose/domain/ids';
import type { Pool } from '@flowdose/shared/db';
import type { AuditItem } from './items.ts';

/**
 * Puts each actor's email beside their id, looked up at read time from the accounts: the
 * log records only ids, so an email changed or erased later is shown (or not) as it is now,
 * and no event ever has to be rewritten for it. One query for a whole page.
 */
export async function withEmails(pool: Pool, items: AuditItem[]): Promise<AuditItem[]> {
  const ids = (kind: string) => [
    ...new Set(items.filter((i) => i.actor.kind === kind && Id.safeParse(i.actor.id).success).map((i) => i.actor.id!)),
  ];
  const staff = ids('staff');
  const customers = ids('customer');
  if (staff.length === 0 && customers.length === 0)
    return items.map((i) => ({ ...i, actor: { ...i.actor, email: null } }));
  const { rows } = await pool.query<{ kind: string; id: string; email: string }>(
    `select 'staff' as kind, user_id::text as id, email from staff_users where user_id = any($1::uuid[])
     union all
     select 'customer', customer_id::text, email from customer_credentials where customer_id = any($2::uuid[])`,
    [staff, customers],
  );
  const emails = new Map(rows.map((r) => [`${r.kind}:${r.id}`, r.email]));
  return items.map((i) => ({
    ...i,
    actor: { ...i.actor, email: emails.get(`${i.actor.kind}:${i.actor.id}`) ?? null },
  }));
}
