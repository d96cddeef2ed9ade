import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { OrganizerOnly, Public } from '../accounts/current-user';
import { CreateOrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { ReferenceService } from './reference.service';
import { CodeListsDto, OrganizationViewDto, TerritoryDto } from './dto/reference.response';
import { ApiErrors, ApiSignedInErrors } from '../common/api-docs';
import { isUuid } from '../common/uuid';

@ApiTags('reference')
@Controller('api/v1')
export class ReferenceController {
  constructor(private readonly reference: ReferenceService) {}

  @Public()
  @Get('territories')
  @ApiOkResponse({ type: [TerritoryDto] })
  @ApiErrors(503)
  async territories() {
    return (await this.reference.territories()).map(({ id, name, kind, active }) => ({ id, name, kind, active }));
  }

  @Public()
  @Get('reference')
  @ApiOkResponse({ type: CodeListsDto })
  @ApiErrors(503)
  reference_() {
    return this.reference.codeLists();
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Get('organizations')
  @ApiOkResponse({ type: [OrganizationViewDto] })
  @ApiQuery({ name: 'territoryId', required: false, description: 'Only the organizations of this territory' })
  @ApiSignedInErrors()
  organizations(@Query('territoryId') territoryId?: string) {
    return this.reference.organizations(isUuid(territoryId) ? territoryId : undefined);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Post('organizations')
  @ApiCreatedResponse({ type: OrganizationViewDto })
  @ApiSignedInErrors()
  @ApiErrors(409)
  createOrganization(@Body() dto: CreateOrganizationDto) {
    return this.reference.createOrganization(dto);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Patch('organizations/:id')
  @ApiOkResponse({ type: OrganizationViewDto })
  @ApiSignedInErrors()
  @ApiErrors(409)
  updateOrganization(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateOrganizationDto) {
    return this.reference.updateOrganization(id, dto);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Delete('organizations/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiSignedInErrors()
  @ApiErrors(409)
  async deleteOrganization(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.reference.deleteOrganization(id);
  }
}
