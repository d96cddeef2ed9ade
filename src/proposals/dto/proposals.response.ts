import { ApiProperty } from '@nestjs/swagger';
import { DECISIONS, type Decision } from '../proposal-decision';

/** The proposals API as it answers (src/proposals/proposals.service.ts, proposal-decision.ts; docs/api.md «Proposals»). */

export class ProposalTerritoryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Челябинский городской округ' }) name: string;
}

export class ProposalDto {
  @ApiProperty({ description: "The free-text answer's id (a bigint as text)", example: '1042' }) id: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for a general question' })
  documentId: string | null;
  @ApiProperty({ format: 'uuid' }) questionId: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: ProposalTerritoryDto }) territory: ProposalTerritoryDto;
  @ApiProperty({ description: 'Position code of the respondent', example: 'teacher' }) position: string;
  @ApiProperty({ description: 'Organization-type code of the respondent', example: 'school' }) organizationType: string;
  @ApiProperty({ enum: DECISIONS, enumName: 'ProposalDecision', nullable: true, description: 'null while undecided' })
  decision: Decision | null;
  @ApiProperty({ type: String, nullable: true }) justification: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt: string | null;
}

export class ProposalPageDto {
  @ApiProperty({ description: 'Proposals matching the filters, all pages together' }) total: number;
  @ApiProperty({ type: [ProposalDto] }) items: ProposalDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor: string | null;
}

export class ByDecisionDto {
  @ApiProperty() accepted: number;
  @ApiProperty() partially: number;
  @ApiProperty() rejected: number;
  @ApiProperty() not_applicable: number;
}

export class DocumentProposalsSummaryDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: proposals to general questions (last)' })
  documentId: string | null;
  @ApiProperty() total: number;
  @ApiProperty() decided: number;
  @ApiProperty({ type: ByDecisionDto }) byDecision: ByDecisionDto;
}

export class ProposalsSummaryDto {
  @ApiProperty() total: number;
  @ApiProperty() decided: number;
  @ApiProperty({ type: ByDecisionDto }) byDecision: ByDecisionDto;
  @ApiProperty({ type: [DocumentProposalsSummaryDto], description: 'Documents in campaign order' })
  documents: DocumentProposalsSummaryDto[];
}

export class DecisionsUpdatedDto {
  @ApiProperty({ description: 'Proposals decided (the distinct ids sent)' }) updated: number;
}
