import { ORDER_STEP_ROLES, STOCK_ROLES } from '@flowdose/contract/command-api';
import { isStaffStep, type OrderAction, type StaffStep } from '@flowdose/domain/order/lifecycle';

export type StaffRole = 'admin' | 'ops' | 'analyst';
/** Who is signed in, as the session route says: the page never sees a token. */
export type StaffWho = { userId: string; email: string; role: StaffRole };

/**
 * The back office's sections and who sees each: admins everything; ops move orders up to
 * delivery, keep stock and run projections; analysts read, analytics included. A page
 * outside a role's sections answers 404 (proxy.ts). The APIs check every request again.
 */
export const SECTIONS = [
  { href: '/admin', label: 'Dashboard', roles: ['admin', 'ops', 'analyst'] },
  { href: '/admin/orders', label: 'Orders', roles: ['admin', 'ops', 'analyst'] },
  { href: '/admin/products', label: 'Catalog', roles: ['admin', 'analyst'] },
  { href: '/admin/inventory', label: 'Inventory', roles: ['admin', 'ops', 'analyst'] },
  { href: '/admin/discounts', label: 'Discounts', roles: ['admin', 'analyst'] },
  { href: '/admin/customers', label: 'Customers', roles: ['admin', 'analyst'] },
  { href: '/admin/analytics', label: 'Analytics', roles: ['admin', 'analyst'] },
  { href: '/admin/projections', label: 'Projections', roles: ['admin', 'ops'] },
  { href: '/admin/queues', label: 'Queues', roles: ['admin', 'ops'] },
] as const satisfies readonly { href: string; label: string; roles: readonly StaffRole[] }[];

export type Section = (typeof SECTIONS)[number]['label'];

/** The section an address of the back office belongs to: the longest section address it starts with. */
export const sectionOf = (pathname: string) =>
  SECTIONS.filter((s) => pathname === s.href || pathname.startsWith(`${s.href}/`)).at(-1);

/**
 * Sections whose pages are not the back office's own but an API's, forwarded as they come
 * (the queue dashboard, bull-board, served by the query API): no sign-in form or frame of
 * this app wraps them, so signed out they answer 404 like a section the role may not see,
 * and a link reaches them by a full page load.
 */
export const FORWARDED_SECTIONS: readonly Section[] = ['Queues'];

export const maySee = (role: StaffRole, section: Section) =>
  (SECTIONS.find((s) => s.label === section)?.roles as readonly StaffRole[] | undefined)?.includes(role) ?? false;

/** Changes to the catalog, discounts and stock levels: the command API lets only these roles. */
export const mayEdit = {
  catalog: (role: StaffRole) => role === 'admin',
  discounts: (role: StaffRole) => role === 'admin',
  inventory: (role: StaffRole) => (STOCK_ROLES as readonly string[]).includes(role),
  projections: (role: StaffRole) => role === 'admin' || role === 'ops',
};

export const mayTakeStep = (role: StaffRole, step: StaffStep) =>
  (ORDER_STEP_ROLES[step] as readonly StaffRole[]).includes(role);

/** Of what an order allows next (`nextSteps`), the steps this role may take: the back office offers these. */
export const stepsFor = (role: StaffRole, allowed: readonly OrderAction[]): StaffStep[] =>
  allowed.filter(isStaffStep).filter((step) => mayTakeStep(role, step));
