/**
 * The OpenAPI 3.1 document, generated from the controllers' routes and the zod schemas their
 * decorators validate with (route-docs.ts). Served at /api/openapi.json.
 */
import { RequestMethod, type Type } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { z } from 'zod';
import { routeDoc, routeInputs } from './route-docs.js';
import { accessRule } from '../access/access.decorator.js';
import { errorResponses } from './common-responses.js';

type JsonSchema = Record<string, unknown>;

/**
 * zod puts named schemas (`.meta({ id })`) in a `$defs` inside each schema, referenced as
 * `#/$defs/X`; in an OpenAPI document `#` is the document, so they move to components.schemas
 * (one shared definition per name) and the refs follow.
 */
function hoistDefs(node: unknown, components: Record<string, JsonSchema>): unknown {
  if (Array.isArray(node)) return node.map((n) => hoistDefs(n, components));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(node as JsonSchema)) {
    if (k === '$defs') {
      for (const [name, def] of Object.entries(v as JsonSchema)) {
        const hoisted = hoistDefs(def, components) as JsonSchema;
        if (components[name] && JSON.stringify(components[name]) !== JSON.stringify(hoisted))
          throw new Error(`two different schemas named ${name} in the OpenAPI document`);
        components[name] = hoisted;
      }
    } else if (k === '$ref' && typeof v === 'string') {
      out[k] = v.replace(/^#\/\$defs\//, '#/components/schemas/');
    } else {
      out[k] = hoistDefs(v, components);
    }
  }
  return out;
}

let components: Record<string, JsonSchema> = {};

const toSchema = (s: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return hoistDefs(rest, components) as JsonSchema;
};

function joinPath(...parts: string[]): string {
  const p =
    '/' +
    parts
      .map((s) => s.replace(/^\/|\/$/g, ''))
      .filter(Boolean)
      .join('/');
  return p.replace(/:(\w+)/g, '{$1}');
}

export function buildOpenApi(controllers: Type[], version: string): JsonSchema {
  components = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const ctrl of controllers) {
    const prefix = String(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
    for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
      const handler = (ctrl.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const doc = routeDoc(handler);
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (!doc || method === undefined) continue;
      const path = joinPath(prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? ''));
      const inputs = routeInputs(handler);
      const parameters: unknown[] = [];
      for (const [where, schema] of [
        ['query', inputs.query],
        ['path', inputs.params],
      ] as const) {
        if (!schema) continue;
        const shape = schema.shape as Record<string, z.ZodType>;
        for (const [key, s] of Object.entries(shape)) {
          const js = toSchema(s, 'input');
          parameters.push({
            name: key,
            in: where,
            required: where === 'path' || !s.safeParse(undefined).success,
            schema: js,
            ...(js.description ? { description: js.description } : {}),
          });
        }
      }
      for (const m of path.matchAll(/\{(\w+)\}/g)) {
        if (!parameters.some((p) => (p as { name: string }).name === m[1]))
          parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
      }
      const requestBody = inputs.body
        ? { required: true, content: { 'application/json': { schema: toSchema(inputs.body, 'input') } } }
        : doc.requestContent
          ? {
              required: true,
              content: Object.fromEntries(
                Object.entries(doc.requestContent).map(([type, c]) => [
                  type,
                  { schema: { type: 'string', format: 'binary', description: c.description } },
                ]),
              ),
            }
          : undefined;
      // Access (contract "Access"): the roles that may call it, as declared by @Access/@Public;
      // a route with neither has no `x-roles` (and the guard refuses it), which the access test catches.
      const rule = accessRule(handler);
      const guarded = rule !== undefined && !rule.public;
      const documented = guarded ? { ...errorResponses(401, 403, 429), ...doc.responses } : doc.responses;
      const responses = Object.fromEntries(
        Object.entries(documented).map(([status, r]) => [
          status,
          {
            description: r.description,
            ...(r.schema
              ? { content: { [r.content ?? 'application/json']: { schema: toSchema(r.schema, 'output') } } }
              : r.content
                ? { content: { [r.content]: {} } }
                : {}),
          },
        ]),
      );
      paths[path] ??= {};
      paths[path][RequestMethod[method].toLowerCase()] = {
        operationId: `${ctrl.name.replace(/Controller$/, '')}.${name}`,
        summary: doc.summary,
        ...(doc.description ? { description: doc.description } : {}),
        tags: doc.tags,
        ...(parameters.length ? { parameters } : {}),
        ...(requestBody ? { requestBody } : {}),
        responses,
        ...(rule ? { security: guarded ? [{ bearer: [] }] : [], 'x-roles': rule.public ? ['public'] : [...rule.roles] } : {}),
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ODR Observatory API',
      version,
      description: 'Complaints and their lifecycle in, case registry and analytics out. Errors: { statusCode, error, message, details? }.',
    },
    servers: [{ url: '/' }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from POST /api/v1/tokens, or ADMIN_TOKEN' } },
    },
  };
}
