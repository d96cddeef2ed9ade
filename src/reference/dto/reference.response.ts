import { ApiProperty } from '@nestjs/swagger';

export class TerritoryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Челябинский городской округ' })
  name: string;

  @ApiProperty({ enum: ['urban_okrug', 'municipal_district', 'municipal_okrug'], example: 'urban_okrug' })
  kind: string;

  @ApiProperty()
  active: boolean;
}

export class CodeNameDto {
  @ApiProperty({ example: 'school' })
  code: string;

  @ApiProperty({ example: 'Общеобразовательная организация' })
  name: string;
}

export class CodeListsDto {
  @ApiProperty({ type: [CodeNameDto] })
  organizationTypes: CodeNameDto[];

  @ApiProperty({ type: [CodeNameDto] })
  positions: CodeNameDto[];

  @ApiProperty({ type: [CodeNameDto] })
  directions: CodeNameDto[];

  @ApiProperty({ type: [CodeNameDto] })
  recommendations: CodeNameDto[];
}

export class OrganizationViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'МАОУ «СОШ № 1»' })
  name: string;

  @ApiProperty({ format: 'uuid' })
  territoryId: string;

  @ApiProperty({ example: 'school' })
  typeCode: string;

  @ApiProperty()
  baseSite: boolean;

  @ApiProperty()
  innovationSite: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

/** One registry entry as the public questionnaire's picker receives it. */
export class OrganizationChoiceDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'МАОУ «СОШ № 1»' })
  name: string;
}

/** GET /api/v1/public/territories/:id/organizations (src/reference/organization-directory.service.ts). */
export class TerritoryOrganizationsDto {
  @ApiProperty({ format: 'uuid' })
  territoryId: string;

  @ApiProperty({ type: [OrganizationChoiceDto], description: 'Sorted by name' })
  organizations: OrganizationChoiceDto[];
}
