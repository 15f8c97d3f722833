import { Controller, Get } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc } from '../openapi/route-docs.js';
import { Public } from '../access/access.decorator.js';
import { DemoTokens, demoToken } from './demo-tokens.js';

export const demoSessionBody = z
  .object({
    demo: z.boolean().meta({ description: 'whether the server runs in demo mode' }),
    tokens: z.array(demoToken).meta({ description: 'one per role in demo mode; empty otherwise' }),
  })
  .meta({ id: 'DemoSession' });

@Controller('api/v1/demo')
export class DemoController {
  constructor(private readonly demo: DemoTokens) {}

  // Public on purpose: in demo mode the dashboard signs itself in as the demo regulator and offers
  // a role switcher. Outside demo mode it says so with no tokens (an answer, not a 404, so a signed-out
  // dashboard asking does not log an error in every user's console).
  @Get('session')
  @Public()
  @ApiDoc({
    summary: 'Whether this is a demo server, and its demo tokens, one per role (none outside demo mode)',
    description:
      'Lets the dashboard open signed in as the demo regulator and switch roles. The same tokens are printed in the start-up log and kept across restarts of the same DATA_DIR.',
    tags: ['access'],
    responses: { 200: { description: 'demo mode and its tokens', schema: demoSessionBody } },
  })
  session(): z.infer<typeof demoSessionBody> {
    const tokens = this.demo.list();
    return tokens ? { demo: true, tokens } : { demo: false, tokens: [] };
  }
}
