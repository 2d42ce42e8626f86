import { z } from 'zod';
import { Health, Readiness } from './common.ts';

// The routes as data: what each API takes and answers. Turning them into an OpenAPI document
// (zod-to-openapi) is the server's work, in shared/src/http/openapi.ts.

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** Who may call a route: alternatives, any one of which lets the request through. */
type Credential = 'bearer' | 'cartToken' | 'webhookSignature';

/** An answer's body: JSON in `schema` unless `mediaTypes` name others (images: a binary body). */
export type Answer = { description: string; schema?: z.ZodType; mediaTypes?: readonly string[] };

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
  /** The body's media type: JSON unless a form with a file (`multipart/form-data`). */
  bodyMediaType?: 'application/json' | 'multipart/form-data';
  /** The success answers by status; every refusal is a Problem. */
  answers: Record<number, Answer>;
};

export type ApiContract = { title: string; description: string; routes: RouteContract[] };

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

/** Served by every API: this document and its reference page. */
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
