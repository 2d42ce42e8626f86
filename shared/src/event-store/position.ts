/**
 * A place in the global log. Both stores order their log by a pair: Postgres by
 * (transaction id, global position) for gap safety, KurrentDB by (commit, prepare).
 * On the wire it is the opaque token "<major>.<minor>".
 */
export type Position = { readonly major: bigint; readonly minor: bigint };

export const START: Position = { major: 0n, minor: 0n };

export const comparePositions = (a: Position, b: Position): number =>
  a.major === b.major ? (a.minor === b.minor ? 0 : a.minor < b.minor ? -1 : 1) : a.major < b.major ? -1 : 1;

export const positionToken = (p: Position): string => `${p.major}.${p.minor}`;

const TOKEN = /^(\d{1,19})\.(\d{1,19})$/;

export function parsePosition(token: string): Position | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  return { major: BigInt(match[1]!), minor: BigInt(match[2]!) };
}

export const maxPosition = (a: Position, b: Position): Position => (comparePositions(a, b) >= 0 ? a : b);
