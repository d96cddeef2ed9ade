import { Body, Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { requestIp } from '../common/request-ip';
import { QuestionnaireService } from './questionnaire.service';
import { SubmissionService } from './submission.service';

const SUBMISSION_SCHEMA = {
  type: 'object',
  required: ['profile', 'answers'],
  additionalProperties: false,
  properties: {
    profile: {
      type: 'object',
      required: ['territoryId', 'organizationType', 'position'],
      additionalProperties: false,
      properties: {
        territoryId: { type: 'string', format: 'uuid' },
        organizationType: { type: 'string' },
        position: { type: 'string' },
        organizationId: { type: 'string', format: 'uuid' },
        organizationName: { type: 'string', maxLength: 300 },
      },
    },
    answers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['questionId'],
        additionalProperties: false,
        properties: {
          questionId: { type: 'string', format: 'uuid' },
          optionIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
          value: { type: 'integer' },
          text: { type: 'string' },
        },
      },
    },
  },
};

@ApiTags('public discussion')
@Controller('api/v1/public/campaigns')
export class PublicCampaignsController {
  constructor(
    private readonly questionnaires: QuestionnaireService,
    private readonly submissions: SubmissionService,
  ) {}

  @Public()
  @Get(':slug')
  @ApiOperation({ summary: 'A campaign open to the public: documents and questionnaire' })
  view(@Param('slug') slug: string) {
    return this.questionnaires.publicCampaign(slug);
  }

  @Public()
  @Post(':slug/responses')
  @ApiOperation({ summary: 'Submit a questionnaire (idempotent by Idempotency-Key)' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1..100 characters, one per questionnaire filled' })
  @ApiBody({ schema: SUBMISSION_SCHEMA })
  @ApiResponse({ status: 201, description: 'Stored: {receipt}' })
  @ApiResponse({ status: 200, description: 'The same key and body again: the first receipt, nothing stored twice' })
  @ApiResponse({ status: 400, description: 'Malformed or breaking a rule; each bad field named' })
  @ApiResponse({ status: 409, description: 'The campaign is not in its discussion stage' })
  @ApiResponse({ status: 413, description: 'Body larger than SUBMISSION_MAX_BYTES' })
  @ApiResponse({ status: 422, description: 'Same key with another body, or options not acceptable for their question' })
  @ApiResponse({ status: 429, description: 'Too many submissions from this client' })
  async submit(
    @Param('slug') slug: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ receipt: string }> {
    const result = await this.submissions.submit(slug, body, key, {
      ip: requestIp(req),
      userAgent: String(req.headers['user-agent'] ?? ''),
    });
    void reply.status(result.created ? 201 : 200);
    return { receipt: result.receipt };
  }
}
