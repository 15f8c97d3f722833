/**
 * Who am I: the caller behind the bearer token, with the names of the trader or ADR body it is
 * bound to, so the dashboard can shape its navigation and headings without reading reference
 * lists the role may not read. `demo` says whether the server runs in demo mode (role switcher).
 */
import { Controller, Get, Inject } from '@nestjs/common';
import { z } from 'zod';
import { CONFIG, STORE } from '../app.tokens.js';
import type { Config } from '../config/config.js';
import type { Store } from '../../../core/postgres/store.js';
import { ApiDoc } from '../openapi/route-docs.js';
import { errorResponses } from '../openapi/common-responses.js';
import { Access } from './access.decorator.js';
import { CurrentCaller } from './caller.decorator.js';
import { ROLES, type Caller } from './roles.js';

export const sessionBody = z
  .object({
    role: z.enum(ROLES),
    label: z.string(),
    traderId: z.string().nullable(),
    traderName: z.string().nullable().meta({ description: 'the bound trader’s name (role trader)' }),
    adrBodyId: z.string().nullable(),
    adrBodyName: z.string().nullable().meta({ description: 'the bound ADR body’s name (role adr_body)' }),
    source: z.string().nullable(),
    demo: z.boolean().meta({ description: 'the server runs in demo mode (GET /api/v1/demo/session lists one token per role)' }),
  })
  .meta({ id: 'Session' });

@Controller('api/v1/session')
export class SessionController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get()
  @Access('admin', 'regulator', 'trader', 'adr_body', 'ingest')
  @ApiDoc({
    summary: 'The caller behind the token: role and binding',
    tags: ['access'],
    responses: { 200: { description: 'the caller', schema: sessionBody }, ...errorResponses(401) },
  })
  async me(@CurrentCaller() caller: Caller): Promise<z.infer<typeof sessionBody>> {
    const db = this.store.db;
    const trader = caller.traderId
      ? await db.selectFrom('traders').select('name').where('id', '=', caller.traderId).executeTakeFirst()
      : undefined;
    const body = caller.adrBodyId
      ? await db.selectFrom('adr_bodies').select('name').where('id', '=', caller.adrBodyId).executeTakeFirst()
      : undefined;
    return {
      role: caller.role,
      label: caller.label,
      traderId: caller.traderId ?? null,
      traderName: trader?.name ?? null,
      adrBodyId: caller.adrBodyId ?? null,
      adrBodyName: body?.name ?? null,
      source: caller.source ?? null,
      demo: this.config.demo,
    };
  }
}
