type Snake<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${Snake<Tail>}`
  : S;

/**
 * What a column may hold for an answer's field of type `V`: the field's own type, and where
 * the field is any string or any number, what `view` turns into one (a timestamp, a bigint).
 * A field of literal types (a status, a currency) takes exactly those.
 */
type Column<V> = V extends string
  ? V | (string extends V ? Date : never)
  : V extends number
    ? V | (number extends V ? bigint : never)
    : V;

/** The row a query selects for `Answer`: its fields as snake_case columns (see `view`). */
export type RowFor<Answer> = { [K in keyof Answer & string as Snake<K>]: Column<Answer[K]> };

/** `Row`, refused where it has a column `Shape` has not: that column would leak into the answer. */
type Only<Row, Shape> = Row & { [K in Exclude<keyof Row, keyof Shape>]: never };

/**
 * The one row → answer mapping of the read models' queries, typed by the contract's answer:
 * `viewOf<OrderView>()` takes rows with exactly its fields as columns (snake_case), so a
 * column that goes missing, changes type or is added without the answer fails to compile.
 * Timestamps become ISO strings and bigints numbers (counts, positions and minor units stay
 * far below 2^53). Top level only: a jsonb column is already in its answer's shape.
 */
export const viewOf =
  <Answer>() =>
  <Row extends RowFor<Answer>>(row: Only<Row, RowFor<Answer>>): Answer => {
    const entries = Object.entries(row).map(([column, value]) => [
      column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()),
      value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : value,
    ]);
    // The entries are Row's, which RowFor<Answer> ties to Answer field by field.
    return Object.fromEntries(entries) as Answer;
  };
