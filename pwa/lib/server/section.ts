import { cookies } from 'next/headers';
import { notFound } from 'next/navigation';
import { maySee, type Section } from '../admin/roles';
import { readStaffSession, whoIs } from './staff-session';

/**
 * A back-office section's pages answer 404 to a role that may not see them, as if they did
 * not exist. Without a session nothing is decided here: the page's gate sends to sign-in.
 */
export async function guardSection(section: Section) {
  const session = readStaffSession(await cookies());
  if (!session) return;
  const who = whoIs(session);
  if (!who || !maySee(who.role, section)) notFound();
}

/** The layout of a section's folder: its pages, guarded. */
export const sectionLayout = (section: Section) =>
  async function SectionLayout({ children }: { children: React.ReactNode }) {
    await guardSection(section);
    return children;
  };
