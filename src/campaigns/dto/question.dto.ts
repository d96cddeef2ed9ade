import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { OptionalInt, OptionalNested, OptionalNestedList } from '../../common/dto-decorators';
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

  @OptionalNestedList(QuestionOptionDto, 50)
  options?: QuestionOptionDto[];

  @OptionalNested(QuestionScaleDto)
  scale?: QuestionScaleDto;

  @OptionalInt(1, 20_000)
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

  @OptionalNestedList(QuestionOptionDto, 50, { description: 'replaces the options' })
  options?: QuestionOptionDto[];

  @OptionalNested(QuestionScaleDto)
  scale?: QuestionScaleDto;

  @OptionalInt(1, 20_000)
  maxLength?: number;

  @ApiPropertyOptional({ description: 'new position (0-based) in the questionnaire' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number;
}
