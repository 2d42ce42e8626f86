import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { NoBody, PathParams, Problem } from '@flowdose/contract/common';
import { type ApiContract, documentationRoutes, type RouteContract } from '@flowdose/contract/routes';
import { z } from 'zod';

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
      ...(answer.schema
        ? {
            content: Object.fromEntries(
              (answer.mediaTypes ?? ['application/json']).map((type) => [type, { schema: answer.schema! }]),
            ),
          }
        : {}),
    };
  out.default = {
    description:
      'A refusal or failure (400 bad input, 401, 403, 404, 409 a domain rule, 413, 415, 416, 422, 429, 503, 500).',
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
          ? {
              body: {
                required: route.body !== NoBody,
                content: { [route.bodyMediaType ?? 'application/json']: { schema: route.body } },
              },
            }
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
