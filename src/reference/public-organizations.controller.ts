import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/current-user';
import { ApiErrors } from '../common/api-docs';
import { DomainError, ErrorCode } from '../common/domain-error';
import { TerritoryOrganizationsDto } from './dto/reference.response';
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
  @ApiOkResponse({ type: TerritoryOrganizationsDto, description: 'Sorted by name; ETag and Cache-Control set' })
  @ApiResponse({ status: 304, description: 'If-None-Match equals the current ETag: no body' })
  @ApiErrors(404, 503)
  async organizations(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const directory = await this.directory.territory(id);
    if (!directory) throw new DomainError(ErrorCode.NotFound, 'Территория не найдена');
    void reply.header('cache-control', CACHE_CONTROL).header('etag', directory.etag);
    if (req.headers['if-none-match'] === directory.etag) return reply.status(304).send();
    return reply.type('application/json; charset=utf-8').send(directory.json);
  }
}
