type Camel<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;
type Answer<V> = V extends Date ? string : V extends bigint ? number : V;

/** A row as the APIs answer it: see `view`. */
export type View<Row> = { [K in keyof Row & string as Camel<K>]: Answer<Row[K]> };

/**
 * The one row → answer mapping of the read models' queries: snake_case columns become
 * camelCase names, timestamps ISO strings and bigints numbers (counts, positions and minor
 * units stay far below 2^53). Top level only: a jsonb column is already in its answer's shape.
 */
export function view<Row extends object>(row: Row): View<Row> {
  const entries = Object.entries(row).map(([column, value]) => [
    column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()),
    value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : value,
  ]);
  return Object.fromEntries(entries) as View<Row>;
}
