/**
 * What the contract tests of both APIs share (command-api/src/routes/openapi.test.ts,
 * query-api/src/routes/openapi.test.ts): the served document checked against the OpenAPI
 * 3.1 schema, its operations listed, and answers checked against the document's own
 * schemas (JSON Schema 2020-12, as OpenAPI 3.1 says). Used by tests only.
 */

import type { ServedRoute } from '@flowdose/shared/http/fuzz.test-support';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import type { TestResponse } from './http.ts';

type Document = { openapi: string; paths: Record<string, Record<string, unknown>> };

/** The document is valid OpenAPI 3.1 (the specification's JSON schema), or the test fails naming why. */
export async function expectValidOpenApi31(document: unknown): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(document as Record<string, unknown>);
  expect(result.errors ?? [], 'OpenAPI schema errors').toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** Every operation of the document, as express names it (`POST /carts/:cartId/items`). */
export const operationsOf = (document: Document): string[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );

export const routeNames = (routes: ServedRoute[]): string[] => routes.map((r) => `${r.method} ${r.path}`);

const pointer = (...segments: string[]) =>
  segments.map((s) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

/**
 * Checks an answer against what the document says that route answers with that status (or
 * its `default`): the media type, and the body against the schema, $refs and formats included.
 */
export function answerChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, 'openapi.json');
  return (method: string, expressPath: string, res: TestResponse<unknown>) => {
    const path = expressPath.replace(/:(\w+)/g, '{$1}');
    const operation = document.paths[path]?.[method.toLowerCase()] as
      | { responses: Record<string, { content?: Record<string, unknown> }> }
      | undefined;
    expect(operation, `${method} ${path} in the document`).toBeDefined();
    const status = String(res.status) in operation!.responses ? String(res.status) : 'default';
    const response = operation!.responses[status];
    expect(response, `${method} ${path} answers ${res.status} in the document`).toBeDefined();
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (!response!.content) {
      expect(res.text, `${method} ${path} ${res.status} has no body`).toBe('');
      return;
    }
    expect(Object.keys(response!.content), `${method} ${path} ${res.status} media type`).toContain(mediaType);
    const ref = `openapi.json#/${pointer('paths', path, method.toLowerCase(), 'responses', status, 'content', mediaType, 'schema')}`;
    const validate = ajv.compile({ $ref: ref });
    const valid = validate(res.body);
    expect(validate.errors ?? [], `${method} ${path} ${res.status}: ${res.text.slice(0, 300)}`).toEqual([]);
    expect(valid).toBe(true);
  };
}
