import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cartToken } from '@flowdose/shared/http/cart-token';

/**
 * The passwords the test suite signs up and signs in with (auth tests, the browser tests'
 * staff, the fault tests): none may reach a log line. A new test password belongs here.
 */
export const TEST_PASSWORDS = ['correct horse battery', 'not the password', 'staff password for the'];

// A JWT (an access token): three base64url parts, the first a JSON header (`{"` is `eyJ`).
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
// A field named for a credential whose value is written out rather than `[Redacted]`.
const CREDENTIAL_FIELD =
  /"([A-Za-z_-]*(?:password|token|secret|authorization|cookie|signature|cardnumber)[A-Za-z_-]*)":"(?!\[Redacted\])[^"]/i;
// 13-19 digits, or four groups of four (4242 4242 …), not part of a longer word, number or id
// (a UUID's groups of digits are not a card's).
const DIGIT_RUN =
  /(?<![0-9A-Za-z])[2-6][0-9]{12,18}(?![0-9A-Za-z])|(?<![0-9A-Za-z-])[2-6][0-9]{3}(?:[ -][0-9]{4}){3}(?![0-9A-Za-z-])/g;
// A cart token is the HMAC of a cart id (shared/src/http/cart-token.ts): 43 base64url characters.
const TOKEN_SHAPED = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;
const CART_ID = /\/carts\/([A-Za-z0-9_-]{1,64})/g;

/** A card number: its digits pass the Luhn check card numbers carry. */
export const isCardNumber = (digits: string) => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
};

/** What in one log line looks like a secret (card numbers, passwords, JWTs, credential fields). */
export function secretsIn(line: string): string[] {
  const found: string[] = [];
  for (const password of TEST_PASSWORDS) if (line.includes(password)) found.push(`a test password (${password}…)`);
  const jwt = JWT.exec(line);
  if (jwt) found.push(`an access token (${jwt[0].slice(0, 16)}…)`);
  const field = CREDENTIAL_FIELD.exec(line);
  if (field) found.push(`the credential field "${field[1]}"`);
  for (const [run] of line.matchAll(DIGIT_RUN)) {
    const digits = run.replace(/[ -]/g, '');
    if (digits.length >= 13 && isCardNumber(digits)) found.push(`a card number (${digits.slice(0, 4)}…)`);
  }
  return found;
}

export type LogFinding = { file: string; line: number; what: string };

/**
 * Every secret in the log files of `dir`: what `secretsIn` finds line by line, and the cart
 * token of any cart the logs name (computed with the tests' CART_TOKEN_SECRET), wherever it
 * appears.
 */
export async function scanLogs(
  dir: string,
  cartTokenSecret: string,
): Promise<{ lines: number; findings: LogFinding[] }> {
  const findings: LogFinding[] = [];
  const cartIds = new Set<string>();
  const tokenShaped = new Map<string, { file: string; line: number }>();
  let lines = 0;
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.log'));
  for (const name of files) {
    const file = join(dir, name);
    let n = 0;
    for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
      n++;
      for (const what of secretsIn(text)) findings.push({ file, line: n, what });
      for (const [, id] of text.matchAll(CART_ID)) cartIds.add(id!);
      for (const [candidate] of text.matchAll(TOKEN_SHAPED))
        if (!tokenShaped.has(candidate)) tokenShaped.set(candidate, { file, line: n });
    }
    lines += n;
  }
  for (const id of cartIds) {
    const at = tokenShaped.get(cartToken(cartTokenSecret, id));
    if (at) findings.push({ ...at, what: `the cart token of cart ${id}` });
  }
  return { lines, findings };
}
