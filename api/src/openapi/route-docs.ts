/**
 * One declaration per route parameter: `@Query(query(schema))`-style decorators validate the
 * request with a zod schema *and* record that schema for the OpenAPI document, so the document
 * is generated from exactly what validates.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { ApiError, type ErrorDetail } from '../common/errors.js';

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  /** Status → description and, for JSON answers, the schema of the body. */
  responses: Record<number, { description: string; schema?: z.ZodType; content?: string }>;
  /** Non-JSON request bodies (bulk upload). */
  requestContent?: Record<string, { description: string }>;
}

export interface RouteInputs {
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
}

const DOC = Symbol('odr:route-doc');
const INPUTS = Symbol('odr:route-inputs');

export function ApiDoc(doc: RouteDoc): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(DOC, doc, descriptor.value as object);
  };
}

export function routeDoc(handler: object): RouteDoc | undefined {
  return Reflect.getMetadata(DOC, handler) as RouteDoc | undefined;
}

export function routeInputs(handler: object): RouteInputs {
  return (Reflect.getMetadata(INPUTS, handler) as RouteInputs | undefined) ?? {};
}

function recordInput(kind: keyof RouteInputs, schema: z.ZodType): ParameterDecorator {
  return (target, key) => {
    if (key === undefined) return;
    const handler = (target as Record<string | symbol, object>)[key]!;
    Reflect.defineMetadata(INPUTS, { ...routeInputs(handler), [kind]: schema }, handler);
  };
}

const fieldPath = (path: readonly PropertyKey[]) =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');

/** Zod issues → the contract's `details`. */
export function zodDetails(error: z.ZodError, prefix = ''): ErrorDetail[] {
  return error.issues.map((i) => ({
    field: prefix + (fieldPath(i.code === 'unrecognized_keys' && i.keys.length === 1 ? [...i.path, i.keys[0]!] : i.path) || '(body)'),
    message:
      i.code === 'invalid_type' && (i as { input?: unknown }).input === undefined
        ? 'is required'
        : i.code === 'unrecognized_keys'
          ? `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}`
          : i.message,
  }));
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, status: 400 | 422, what: string): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) {
    const details = zodDetails(r.error);
    // A rule across parameters may sum itself up (a custom issue's params.summary) when it is the only problem.
    const [only, ...more] = r.error.issues;
    const summary = more.length === 0 && only?.code === 'custom' ? (only.params as { summary?: unknown } | undefined)?.summary : undefined;
    throw new ApiError(
      status,
      typeof summary === 'string'
        ? summary
        : `invalid ${what}: ${details
            .map((d) => `${d.field} ${d.message}`)
            .slice(0, 3)
            .join('; ')}`,
      details,
    );
  }
  return r.data;
}

// Schemas travel wrapped: Nest would take a bare zod schema (it has `.transform`) for a pipe.
type Wrapped = { zod: z.ZodType };
const queryParam = createParamDecorator(({ zod: schema }: Wrapped, ctx: ExecutionContext) =>
  parseOrThrow(schema, ctx.switchToHttp().getRequest<Request>().query, 400, 'query parameters'),
);
const pathParams = createParamDecorator(({ zod: schema }: Wrapped, ctx: ExecutionContext) =>
  parseOrThrow(schema, ctx.switchToHttp().getRequest<Request>().params, 400, 'path'),
);
const jsonBody = createParamDecorator(({ zod: schema }: Wrapped, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<Request>();
  if (!req.is('application/json')) throw new ApiError(415, 'send the body as application/json');
  return parseOrThrow(schema, req.body, 422, 'body');
});

const both =
  (a: ParameterDecorator, b: ParameterDecorator): ParameterDecorator =>
  (t, k, i) => {
    a(t, k, i);
    b(t, k, i);
  };

/** A query string's schema: an object of parameters, or one whose output a transform derives (documented by its parameters). */
export type QuerySchema = z.ZodObject | z.ZodPipe<z.ZodObject, z.ZodType>;

/** Validated query string. */
export const ZQuery = (schema: QuerySchema) =>
  both(queryParam({ zod: schema }), recordInput('query', schema instanceof z.ZodPipe ? schema.in : schema));
/** Validated path parameters. */
export const ZParams = (schema: z.ZodObject) => both(pathParams({ zod: schema }), recordInput('params', schema));
/** Validated JSON body (415 unless application/json, 422 when invalid). */
export const ZBody = (schema: z.ZodType) => both(jsonBody({ zod: schema }), recordInput('body', schema));
