import { Controller, Get } from '@nestjs/common';
import { caseDetail } from '../complaints/case-view.js';
import { complaintIdParams } from '../complaints/complaints.dto.js';
import { ComplaintsService } from '../complaints/complaints.service.js';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZParams } from '../openapi/route-docs.js';

@Controller('api/v1/complaints')
export class RegistryController {
  constructor(private readonly complaints: ComplaintsService) {}

  @Get(':id')
  @ApiDoc({ summary: 'One case with its event timeline, derived status, durations and deadlines', tags: ['registry'], responses: { 200: { description: 'the case', schema: caseDetail }, ...errorResponses(400, 404) } })
  async detail(@ZParams(complaintIdParams) p: { id: string }) {
    return this.complaints.detail(p.id);
  }
}
