import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { DECISIONS, JUSTIFICATION_MAX } from '../proposal-decision';
import { BULK_MAX } from '../proposals.service';

const DECISION_MESSAGE = `ожидается ${DECISIONS.join(', ')}`;
const JUSTIFICATION_DESCRIPTION = `1–${JUSTIFICATION_MAX} characters; required for partially and rejected (checked by the service, so the 400 names it)`;

export class DecisionDto {
  @ApiProperty({ enum: DECISIONS })
  @IsIn(DECISIONS, { message: DECISION_MESSAGE })
  decision: string;

  @ApiPropertyOptional({ description: JUSTIFICATION_DESCRIPTION, maxLength: JUSTIFICATION_MAX })
  @IsOptional()
  @IsString({ message: 'ожидается строка' })
  justification?: string;
}

export class BulkDecisionDto extends DecisionDto {
  @ApiProperty({ type: [String], description: `Proposal ids (1–${BULK_MAX}); all must be of this campaign, or nothing is stored` })
  @IsArray({ message: 'ожидается список идентификаторов' })
  @ArrayMinSize(1, { message: 'нужен хотя бы один идентификатор' })
  @ArrayMaxSize(BULK_MAX, { message: `не больше ${BULK_MAX} идентификаторов за раз` })
  @IsString({ each: true, message: 'каждый идентификатор — строка' })
  ids: string[];
}
