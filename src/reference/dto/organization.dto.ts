import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

export class CreateOrganizationDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name: string;

  @ApiProperty()
  @IsUUID()
  territoryId: string;

  @ApiProperty({ example: 'school' })
  @IsString()
  @MaxLength(100)
  typeCode: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  baseSite?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  innovationSite?: boolean;
}

export class UpdateOrganizationDto extends PartialType(CreateOrganizationDto) {}
