/**
 * Rows as one array per named column, in that order: the parameters of an
 * `unnest($1::uuid[], $2::text[], …)`, which sends a chunk's rows in one statement.
 */
export const columns = <T, K extends keyof T>(rows: readonly T[], keys: readonly K[]): T[K][][] =>
  keys.map((key) => rows.map((row) => row[key]));
