import { Body, Controller, Get, Headers, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { requestIp } from '../common/request-ip';
import { QuestionnaireService } from './questionnaire.service';
import { SubmissionService } from './submission.service';
import { PublicCampaignDto, ReceiptDto } from './dto/discussion.response';
import { ApiErrors, ApiPublicErrors } from '../common/api-docs';

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
@ApiPublicErrors()
@Controller('api/v1/public/campaigns')
export class PublicCampaignsController {
  constructor(
    private readonly questionnaires: QuestionnaireService,
    private readonly submissions: SubmissionService,
  ) {}

  @Public()
  @Get(':slug')
  @ApiOperation({ summary: 'A campaign open to the public: documents and questionnaire' })
  @ApiOkResponse({ type: PublicCampaignDto })
  view(@Param('slug') slug: string) {
    return this.questionnaires.publicCampaign(slug);
  }

  @Public()
  @Post(':slug/responses')
  @ApiOperation({ summary: 'Submit a questionnaire (idempotent by Idempotency-Key)' })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: '1..100 characters, one per questionnaire filled' })
  @ApiBody({ schema: SUBMISSION_SCHEMA })
  @ApiResponse({ status: 201, type: ReceiptDto, description: 'Stored', example: { receipt: 'R-7K2M-9QXD' } })
  @ApiResponse({ status: 200, type: ReceiptDto, description: 'The same key and body again: the first receipt, nothing stored twice' })
  @ApiErrors(409, 413, 422, 429)
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
