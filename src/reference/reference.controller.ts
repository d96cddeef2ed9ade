import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { OrganizerOnly, Public } from '../accounts/current-user';
import { CreateOrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { ReferenceService } from './reference.service';

@ApiTags('reference')
@Controller('api/v1')
export class ReferenceController {
  constructor(private readonly reference: ReferenceService) {}

  @Public()
  @Get('territories')
  async territories() {
    return (await this.reference.territories()).map(({ id, name, kind, active }) => ({ id, name, kind, active }));
  }

  @Public()
  @Get('reference')
  reference_() {
    return this.reference.codeLists();
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Get('organizations')
  organizations(@Query('territoryId') territoryId?: string) {
    return this.reference.organizations(territoryId && /^[0-9a-f-]{36}$/i.test(territoryId) ? territoryId : undefined);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Post('organizations')
  createOrganization(@Body() dto: CreateOrganizationDto) {
    return this.reference.createOrganization(dto);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Patch('organizations/:id')
  updateOrganization(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateOrganizationDto) {
    return this.reference.updateOrganization(id, dto);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Delete('organizations/:id')
  @HttpCode(204)
  async deleteOrganization(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.reference.deleteOrganization(id);
  }
}
