import { Controller, Get, Inject, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { STORE } from '../app.tokens.js';
import type { Store } from '../../../core/postgres/store.js';
import { ApiDoc, ZBody, ZParams, ZQuery } from '../openapi/route-docs.js';
import { errorResponses } from '../openapi/common-responses.js';
import {
  adrBody,
  adrBodyIdParams,
  adrBodyInput,
  adrBodyPage,
  listQuery,
  trader,
  traderIdParams,
  traderInput,
  traderPage,
  type AdrBodyIdParams,
  type AdrBodyInput,
  type ListQuery,
  type TraderIdParams,
  type TraderInput,
} from './reference.dto.js';
import { ReferenceRepository } from './reference.repository.js';
import { Access } from '../access/access.decorator.js';
import { Audited } from '../audit/audit.decorator.js';

function page<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
}

@Controller('api/v1')
export class ReferenceController {
  private readonly repo: ReferenceRepository;
  constructor(@Inject(STORE) store: Store) {
    this.repo = new ReferenceRepository(store.db);
  }

  @Put('traders/:traderId')
  @Access('admin')
  @Audited('traders.put')
  @ApiDoc({
    summary: 'Create or update a trader',
    tags: ['reference data'],
    responses: {
      200: { description: 'updated', schema: trader },
      201: { description: 'created', schema: trader },
      ...errorResponses(400, 415, 422),
    },
  })
  async putTrader(
    @ZParams(traderIdParams) p: TraderIdParams,
    @ZBody(traderInput) body: TraderInput,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, trader } = await this.repo.upsertTrader(p.traderId, body);
    res.status(created ? 201 : 200);
    return trader;
  }

  @Get('traders')
  @Access('admin', 'regulator')
  @ApiDoc({
    summary: 'List traders (name search, country, keyset paging by id)',
    tags: ['reference data'],
    responses: { 200: { description: 'a page of traders', schema: traderPage }, ...errorResponses(400) },
  })
  async listTraders(@ZQuery(listQuery) q: ListQuery) {
    return page(await this.repo.listTraders(q), q.limit);
  }

  @Put('adr-bodies/:adrBodyId')
  @Access('admin')
  @Audited('adr-bodies.put')
  @ApiDoc({
    summary: 'Create or update an ADR body',
    tags: ['reference data'],
    responses: {
      200: { description: 'updated', schema: adrBody },
      201: { description: 'created', schema: adrBody },
      ...errorResponses(400, 415, 422),
    },
  })
  async putAdrBody(
    @ZParams(adrBodyIdParams) p: AdrBodyIdParams,
    @ZBody(adrBodyInput) body: AdrBodyInput,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, adrBody } = await this.repo.upsertAdrBody(p.adrBodyId, body);
    res.status(created ? 201 : 200);
    return adrBody;
  }

  @Get('adr-bodies')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @ApiDoc({
    summary: 'List ADR bodies',
    tags: ['reference data'],
    responses: { 200: { description: 'a page of ADR bodies', schema: adrBodyPage }, ...errorResponses(400) },
  })
  async listAdrBodies(@ZQuery(listQuery) q: ListQuery) {
    return page(await this.repo.listAdrBodies(q), q.limit);
  }
}
