import type { IncomingMessage, ServerResponse } from 'node:http';
import { storable } from '@flowdose/contract/storable';
import { type JSONPath, visit } from 'jsonc-parser';
import { ValidationError } from '../errors.ts';

/**
 * How deep a request body may nest. No request of ours goes past 4; the bound is what keeps
 * every recursive walk after parsing (the Idempotency-Key's hash, zod) far from the stack's
 * end: 5,000 levels overflowed JSON.stringify.
 */
export const MAX_JSON_DEPTH = 64;

const pathOf = (path: JSONPath) => path.map(String).join('.') || '(body)';

const UNSTORABLE = 'holds a NUL character or a lone UTF-16 surrogate';

/**
 * The one check of every text a client sends, whatever carried it (a JSON string or key, a
 * multipart form's field): text PostgreSQL cannot store (a NUL, a lone surrogate) would fail
 * an append, or the saving of an Idempotency-Key's answer that echoes it, as a 500. Refused
 * as a 400 naming where it was.
 */
export function checkText(text: string, path: string, what: 'value' | 'key' = 'value'): void {
  if (!storable(text))
    throw new ValidationError([{ path, message: what === 'key' ? `a key ${UNSTORABLE}` : UNSTORABLE }]);
}

/**
 * Refuses what JSON.parse would quietly accept: a key twice in one object (the last one wins,
 * so what a proxy, a log or a signature saw is not what we act on), nesting past
 * MAX_JSON_DEPTH, and text PostgreSQL cannot store (checkText). Keys compare as JSON.parse decodes them ("a" and "\u0061" are one key).
 * Microsoft's jsonc-parser (VS Code's) does the tokenizing; its walk recurses, so the depth is
 * refused as soon as it is passed, before the walk can go deeper. Syntax errors are left to
 * JSON.parse, which runs next; a duplicate is refused even in a text it would refuse anyway.
 */
export function checkJsonShape(text: string, maxDepth = MAX_JSON_DEPTH): void {
  const objects: Set<string>[] = [];
  let depth = 0;
  let duplicate: string | undefined;
  const enter = () => {
    if (++depth > maxDepth)
      throw new ValidationError([{ path: '(body)', message: `nested deeper than ${maxDepth} levels` }]);
  };
  visit(
    text,
    {
      onObjectBegin: () => {
        enter();
        objects.push(new Set());
      },
      onObjectEnd: () => {
        depth--;
        objects.pop();
      },
      onArrayBegin: enter,
      onArrayEnd: () => {
        depth--;
      },
      onObjectProperty: (key, _offset, _length, _line, _column, path) => {
        checkText(key, pathOf(path()), 'key');
        const keys = objects.at(-1);
        if (!keys) return;
        if (keys.has(key)) duplicate ??= pathOf([...path(), key]);
        keys.add(key);
      },
      onLiteralValue: (value, _offset, _length, _line, _column, path) => {
        if (typeof value === 'string') checkText(value, pathOf(path()));
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  if (duplicate !== undefined)
    throw new ValidationError([{ path: duplicate, message: 'appears more than once; send each key once' }]);
}

const UTF8 = new Set(['utf-8', 'utf8']);

/**
 * express.json's `verify` hook: it sees the raw bytes after decompression and before parsing.
 * JSON between systems is UTF-8 (RFC 8259, 8.1); other charsets are refused rather than
 * decoded twice, by body-parser and by this check, with a chance of disagreeing.
 */
export function verifyJsonBody(_req: IncomingMessage, _res: ServerResponse, raw: Buffer, encoding: string): void {
  if (!UTF8.has(String(encoding || 'utf-8').toLowerCase()))
    throw Object.assign(new Error(`unsupported charset "${encoding}"`), { status: 415, type: 'charset.unsupported' });
  // Decoded as body-parser decodes it for JSON.parse: a leading BOM dropped, bad bytes as U+FFFD.
  checkJsonShape(new TextDecoder('utf-8').decode(raw));
}

/** The options of every JSON body parser in front of a route (express.json, body-parser). */
export const jsonBodyOptions = (limit: string) => ({ limit, strict: true, verify: verifyJsonBody });
