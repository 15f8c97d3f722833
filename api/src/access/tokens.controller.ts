import { Controller, Delete, Get, Inject, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { STORE } from '../app.tokens.js';
import type { Store } from '../../../core/postgres/store.js';
import { ApiError } from '../common/errors.js';
import { ApiDoc, ZBody, ZParams } from '../openapi/route-docs.js';
import { errorResponses } from '../openapi/common-responses.js';
import { Access } from './access.decorator.js';
import { Audited } from '../audit/audit.decorator.js';
import { CurrentCaller } from './caller.decorator.js';
import { actorOf, type Caller } from './roles.js';
import { TokenService } from './token.service.js';
import {
  newTokenBody,
  tokenIdParams,
  tokenInfoBody,
  tokenInput,
  tokenListBody,
  type TokenIdParams,
  type TokenInput,
} from './tokens.dto.js';

@Controller('api/v1/tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokenService,
    @Inject(STORE) private readonly store: Store,
  ) {}

  @Post()
  @Access('admin')
  @Audited('tokens.create')
  @ApiDoc({
    summary: 'Issue a token (the secret is in this answer only)',
    tags: ['access'],
    responses: { 201: { description: 'issued', schema: newTokenBody }, ...errorResponses(400, 401, 403, 415, 422) },
  })
  async create(@ZBody(tokenInput) body: TokenInput, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) res: Response) {
    await this.checkBinding(body);
    const token = await this.tokens.create(body, actorOf(caller));
    res.status(201);
    return token;
  }

  @Get()
  @Access('admin')
  @ApiDoc({
    summary: 'List tokens (never their secrets)',
    tags: ['access'],
    responses: { 200: { description: 'every token, newest first', schema: tokenListBody }, ...errorResponses(401, 403) },
  })
  async list() {
    return { items: await this.tokens.list() };
  }

  @Delete(':tokenId')
  @Access('admin')
  @Audited('tokens.revoke')
  @ApiDoc({
    summary: 'Revoke a token (at once here, within 5 s on every instance)',
    tags: ['access'],
    responses: { 200: { description: 'revoked', schema: tokenInfoBody }, ...errorResponses(400, 401, 403, 404) },
  })
  async revoke(@ZParams(tokenIdParams) p: TokenIdParams) {
    const info = await this.tokens.revoke(p.tokenId);
    if (!info) throw new ApiError(404, `no token ${p.tokenId}`);
    return info;
  }

  /** A trader or ADR body token must name one that exists (422 otherwise, not a database error). */
  private async checkBinding(t: TokenInput): Promise<void> {
    if (t.traderId && !(await this.store.db.selectFrom('traders').select('id').where('id', '=', t.traderId).executeTakeFirst())) {
      throw new ApiError(422, 'the token names an unknown trader', [{ field: 'traderId', message: `no trader ${t.traderId}` }]);
    }
    if (t.adrBodyId && !(await this.store.db.selectFrom('adr_bodies').select('id').where('id', '=', t.adrBodyId).executeTakeFirst())) {
      throw new ApiError(422, 'the token names an unknown ADR body', [{ field: 'adrBodyId', message: `no ADR body ${t.adrBodyId}` }]);
    }
  }
}
