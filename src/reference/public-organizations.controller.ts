import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { DomainError, ErrorCode } from '../common/domain-error';
import { OrganizationDirectoryService } from './organization-directory.service';

/** Browsers keep the list 5 minutes, then revalidate with the ETag (an unchanged list costs a 304 with no body). */
const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=60';

@ApiTags('reference')
@Controller('api/v1/public/territories')
export class PublicOrganizationsController {
  constructor(private readonly directory: OrganizationDirectoryService) {}

  @Public()
  @Get(':id/organizations')
  @ApiOperation({
    summary: "A territory's registry organizations for the questionnaire's picker: {territoryId, organizations: [{id, name}]}",
  })
  @ApiResponse({ status: 200, description: 'Sorted by name; ETag and Cache-Control set; If-None-Match → 304' })
  @ApiResponse({ status: 404, description: 'Unknown or inactive territory' })
  async organizations(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const directory = await this.directory.territory(id);
    if (!directory) throw new DomainError(ErrorCode.NotFound, 'Территория не найдена');
    void reply.header('cache-control', CACHE_CONTROL).header('etag', directory.etag);
    if (req.headers['if-none-match'] === directory.etag) return reply.status(304).send();
    return reply.type('application/json; charset=utf-8').send(directory.json);
  }
}
