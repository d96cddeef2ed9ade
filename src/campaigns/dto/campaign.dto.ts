import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { OptionalNested } from '../../common/dto-decorators';
import { CampaignStatus } from '../campaign-status';

export class StageScheduleDto {
  @ApiPropertyOptional({ nullable: true, example: '2026-03-01T06:00:00Z' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsISO8601({ strict: true })
  opensAt?: string | null;

  @ApiPropertyOptional({ nullable: true, example: '2026-03-15T18:00:00Z' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsISO8601({ strict: true })
  closesAt?: string | null;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'Модельные документы 2026' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @OptionalNested(StageScheduleDto)
  discussion?: StageScheduleDto;

  @OptionalNested(StageScheduleDto)
  expertise?: StageScheduleDto;
}

export class UpdateCampaignDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ description: 'Latin letters, digits, hyphens; only in draft' })
  @IsOptional()
  @IsString()
  slug?: string;

  @OptionalNested(StageScheduleDto)
  discussion?: StageScheduleDto;

  @OptionalNested(StageScheduleDto)
  expertise?: StageScheduleDto;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsEmail({}, { each: true })
  reportRecipients?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  resultsPublished?: boolean;
}

export class TransitionDto {
  // every status is accepted here so that a move the table forbids (even back to draft) is a 409 with its reason
  @ApiProperty({ enum: CampaignStatus })
  @IsIn(Object.values(CampaignStatus))
  to: CampaignStatus;

  @ApiPropertyOptional({ description: 'Why (audited); required to open the expertise while proposals are undecided', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  reason?: string;
}

export class CriterionDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  text: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;
}
