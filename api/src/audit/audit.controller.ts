import { Controller, Get } from '@nestjs/common';
import { Access } from '../access/access.decorator.js';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZQuery } from '../openapi/route-docs.js';
import { auditPage, auditQuery, type AuditQuery } from './audit.dto.js';
import { AuditService } from './audit.service.js';

@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Access('admin')
  @ApiDoc({
    summary: 'The audit log: every write, token change, export and retention run, newest first, refused ones included',
    description:
      'Who (token id, role, actor), what (action, target), when, how many rows, how it ended (`outcome`: succeeded, denied for a 403, rejected for another 4xx; `status`: the HTTP status). Filter by action, outcome, actor, tokenId and time (`from` inclusive, `to` exclusive); pass `nextCursor` as `cursor` for the next page.',
    tags: ['access'],
    responses: { 200: { description: 'one page of entries', schema: auditPage }, ...errorResponses(400, 401, 403) },
  })
  async list(@ZQuery(auditQuery) q: AuditQuery) {
    return this.audit.list(q);
  }
}
