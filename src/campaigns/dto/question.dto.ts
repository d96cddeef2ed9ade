import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { QuestionKind } from '../entities/question.entity';

export class QuestionOptionDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  text: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  exclusive?: boolean;
}

export class QuestionScaleDto {
  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(100)
  min: number;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(100)
  max: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  minLabel?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  maxLabel?: string;
}

export class CreateQuestionDto {
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsUUID()
  documentId?: string | null;

  @ApiProperty({ enum: QuestionKind })
  @IsIn(Object.values(QuestionKind))
  kind: QuestionKind;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  text: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ type: [QuestionOptionDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => QuestionOptionDto)
  options?: QuestionOptionDto[];

  @ApiPropertyOptional({ type: QuestionScaleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuestionScaleDto)
  scale?: QuestionScaleDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20_000)
  maxLength?: number;
}

export class UpdateQuestionDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  text?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ type: [QuestionOptionDto], description: 'replaces the options' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => QuestionOptionDto)
  options?: QuestionOptionDto[];

  @ApiPropertyOptional({ type: QuestionScaleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuestionScaleDto)
  scale?: QuestionScaleDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20_000)
  maxLength?: number;

  @ApiPropertyOptional({ description: 'new position (0-based) in the questionnaire' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;
}
