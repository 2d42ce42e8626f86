import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { Health, NoBody, PathParams, Problem, Readiness } from './common.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** Who may call a route: alternatives, any one of which lets the request through. */
type Credential = 'bearer' | 'cartToken' | 'webhookSignature';

export type Answer = { description: string; schema?: z.ZodType };

/** One route as its clients see it; the route's own file validates with the same schemas. */
export type RouteContract = {
  method: Method;
  /** As express writes it: `/carts/:cartId/items`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  credentials?: readonly Credential[];
  /** Staff roles (with the bearer credential). */
  roles?: readonly string[];
  /** Takes an `Idempotency-Key`. */
  idempotent?: boolean;
  /** Takes an `X-Min-Position` (query API). */
  minPosition?: boolean;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success answers by status; every refusal is a Problem. */
  answers: Record<number, Answer>;
};

export type ApiContract = { title: string; description: string; routes: RouteContract[] };

/** Served by every API: this document and its reference page. */
/** GET /health and GET /ready, as every service answers them; `ready` says what readiness checks. */
export const probeRoutes = (ready: string): RouteContract[] => [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness: the process serves',
    tag: 'operations',
    answers: { 200: { description: 'Up.', schema: Health } },
  },
  {
    method: 'get',
    path: '/ready',
    summary: `Readiness: ${ready}`,
    tag: 'operations',
    answers: {
      200: { description: 'Ready.', schema: Readiness },
      503: { description: 'Not ready; each dependency says why.', schema: Readiness },
    },
  },
];

export const documentationRoutes: RouteContract[] = [
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'reference',
    answers: { 200: { description: 'The OpenAPI document.', schema: z.looseObject({ openapi: z.string() }) } },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'A readable reference of this API (an HTML page)',
    tag: 'reference',
    answers: { 200: { description: 'An HTML page that renders /openapi.json (with Redoc).' } },
  },
  {
    method: 'get',
    path: '/docs/redoc.standalone.js',
    summary: "The reference page's renderer (Redoc's standalone bundle)",
    tag: 'reference',
    answers: { 200: { description: 'JavaScript.' } },
  },
];

const RequestHeaders = {
  idempotencyKey: z
    .string()
    .max(200)
    .meta({ description: 'The same key and body answer the stored response and append nothing.' }),
  minPosition: z
    .string()
    .regex(/^\d+\.\d+$/)
    .meta({ description: 'A position a command answered: the read waits until its read model has passed it.' }),
};

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function pathParams(path: string) {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (names.length === 0) return undefined;
  const shape: Record<string, z.ZodType> = {};
  for (const name of names) {
    const schema = PathParams[name as keyof typeof PathParams];
    if (!schema) throw new Error(`path parameter :${name} of ${path} has no schema in PathParams`);
    shape[name] = schema;
  }
  return z.object(shape);
}

function headers(route: RouteContract) {
  const shape: Record<string, z.ZodType> = {};
  if (route.idempotent) shape['Idempotency-Key'] = RequestHeaders.idempotencyKey.optional();
  if (route.minPosition) shape['X-Min-Position'] = RequestHeaders.minPosition.optional();
  return Object.keys(shape).length > 0 ? z.object(shape) : undefined;
}

function responses(route: RouteContract): Record<string, ResponseConfig> {
  const out: Record<string, ResponseConfig> = {};
  for (const [status, answer] of Object.entries(route.answers))
    out[status] = {
      description: answer.description,
      ...(answer.schema ? { content: { 'application/json': { schema: answer.schema } } } : {}),
    };
  out.default = {
    description: 'A refusal or failure (400 bad input, 401, 403, 404, 409 a domain rule, 413, 422, 429, 503, 500).',
    content: { 'application/problem+json': { schema: Problem } },
  };
  return out;
}

function describe(route: RouteContract): string | undefined {
  const who = route.roles ? `Staff with the role ${route.roles.join(' or ')}.` : undefined;
  const text = [route.description, who].filter(Boolean).join('\n\n');
  return text || undefined;
}

/** The OpenAPI 3.1 document of an API, generated from its route contracts (documentation routes included). */
export function openApiDocument(api: ApiContract) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from POST /auth/login, /auth/register or /admin/auth/login.',
  });
  registry.registerComponent('securitySchemes', 'cartToken', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Cart-Token',
    description: "A guest cart's token, as POST /carts answered it.",
  });
  registry.registerComponent('securitySchemes', 'webhookSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'Flowdose-Signature',
    description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body"> under PAYMENT_WEBHOOK_SECRET.',
  });
  for (const route of [...api.routes, ...documentationRoutes]) {
    const params = pathParams(route.path);
    const header = headers(route);
    const description = describe(route);
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      summary: route.summary,
      ...(description ? { description } : {}),
      tags: [route.tag],
      ...(route.credentials ? { security: route.credentials.map((c) => ({ [c]: [] })) } : {}),
      request: {
        ...(params ? { params } : {}),
        ...(route.query ? { query: route.query } : {}),
        ...(header ? { headers: header } : {}),
        ...(route.body
          ? { body: { required: route.body !== NoBody, content: { 'application/json': { schema: route.body } } } }
          : {}),
      },
      responses: responses(route),
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: api.title, version: '1', description: api.description },
  });
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
