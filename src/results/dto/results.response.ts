import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CampaignStatus } from '../../campaigns/campaign-status';
import { QuestionKind } from '../../campaigns/entities/question.entity';
import { ProposalsSummaryDto } from '../../proposals/dto/proposals.response';
import { BreakdownDimension } from '../breakdown.repository';

/** The results snapshot as the API returns it (src/results/results-snapshot.types.ts; docs/api.md). */

export class TerritoryFigureDto {
  @ApiProperty({ format: 'uuid' }) territoryId: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'urban_okrug' }) kind: string;
  @ApiProperty() respondents: number;
  @ApiProperty({ description: 'Share of all respondents, rounded to one decimal', example: 16.7 }) percent: number;
}

export class CodeFigureDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() respondents: number;
}

export class KindFigureDto {
  @ApiProperty() kind: string;
  @ApiProperty() respondents: number;
}

export class DiscussionTerritoriesDto {
  @ApiProperty() covered: number;
  @ApiProperty({ description: 'Active territories' }) total: number;
  @ApiProperty() percent: number;
  @ApiProperty({ type: [TerritoryFigureDto] }) byTerritory: TerritoryFigureDto[];
}

export class OptionFigureDto {
  @ApiProperty({ format: 'uuid' }) optionId: string;
  @ApiProperty() text: string;
  @ApiProperty() count: number;
  @ApiProperty({ description: 'Percent of those who answered the question' }) percent: number;
}

export class ValueCountDto {
  @ApiProperty() value: number;
  @ApiProperty() count: number;
}

export class ScaleFiguresDto {
  @ApiProperty({ type: Number, nullable: true }) min: number | null;
  @ApiProperty({ type: Number, nullable: true }) max: number | null;
  @ApiProperty({ type: [ValueCountDto] }) distribution: ValueCountDto[];
  @ApiProperty({ type: Number, nullable: true }) mean: number | null;
  @ApiProperty({ type: Number, nullable: true }) median: number | null;
}

export class TextFiguresDto {
  @ApiProperty() count: number;
}

export class QuestionFiguresDto {
  @ApiProperty({ format: 'uuid' }) questionId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) documentId: string | null;
  @ApiProperty({ example: 'single' }) kind: string;
  @ApiProperty() text: string;
  @ApiProperty({ description: 'Respondents who answered it' }) answered: number;
  @ApiPropertyOptional({ type: [OptionFigureDto] }) options?: OptionFigureDto[];
  @ApiPropertyOptional({ type: ScaleFiguresDto }) scale?: ScaleFiguresDto;
  @ApiPropertyOptional({ type: TextFiguresDto }) texts?: TextFiguresDto;
}

export class DiscussionFiguresDto {
  @ApiProperty({ description: 'Stored, not excluded responses' }) respondents: number;
  @ApiProperty({ type: DiscussionTerritoriesDto }) territories: DiscussionTerritoriesDto;
  @ApiProperty({ type: [KindFigureDto] }) byTerritoryKind: KindFigureDto[];
  @ApiProperty({ type: [CodeFigureDto] }) byOrganizationType: CodeFigureDto[];
  @ApiProperty({ type: [CodeFigureDto] }) byPosition: CodeFigureDto[];
  @ApiProperty({ type: [QuestionFiguresDto] }) questions: QuestionFiguresDto[];
}

export class ScoreCountDto {
  @ApiProperty() score: number;
  @ApiProperty() count: number;
}

export class CriterionFiguresDto {
  @ApiProperty({ format: 'uuid' }) criterionId: string;
  @ApiProperty() text: string;
  @ApiProperty({ type: Number, nullable: true }) mean: number | null;
  @ApiProperty({ description: 'Percent of reviews giving the top score' }) fullyPercent: number;
  @ApiProperty({ type: [ScoreCountDto] }) distribution: ScoreCountDto[];
}

export class RecommendationCountDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty() count: number;
}

export class FarExpertDto {
  @ApiProperty({ format: 'uuid' }) expertId: string;
  @ApiProperty() fullName: string;
  @ApiProperty() deviation: number;
}

export class DocumentExpertiseDto {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Submitted reviews' }) reviews: number;
  @ApiProperty({ type: Number, nullable: true, description: "Krippendorff's alpha (ordinal); null when undefined" }) alpha: number | null;
  @ApiProperty({ type: [CriterionFiguresDto] }) criteria: CriterionFiguresDto[];
  @ApiProperty({ type: [RecommendationCountDto] }) recommendations: RecommendationCountDto[];
  @ApiProperty() comments: number;
  @ApiProperty({ type: [FarExpertDto] }) farExperts: FarExpertDto[];
}

export class CoverageDto {
  @ApiProperty() covered: number;
  @ApiProperty() total: number;
  @ApiProperty() percent: number;
}

export class ExpertiseFiguresDto {
  @ApiProperty() experts: number;
  @ApiProperty({ type: CoverageDto }) territories: CoverageDto;
  @ApiProperty({ type: [DocumentExpertiseDto] }) documents: DocumentExpertiseDto[];
}

export class DocumentTitleDto {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty() title: string;
}

export class ResultsSnapshotDto {
  @ApiProperty({ type: String, format: 'date-time' }) computedAt: string;
  @ApiProperty({ example: 'discussion', description: 'The campaign stage when it was computed' }) stage: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: [DocumentTitleDto] }) documents: DocumentTitleDto[];
  @ApiProperty({ type: DiscussionFiguresDto }) discussion: DiscussionFiguresDto;
  @ApiProperty({ type: ExpertiseFiguresDto }) expertise: ExpertiseFiguresDto;
  @ApiPropertyOptional({ type: ProposalsSummaryDto, description: 'Decisions on proposals, once any decision exists' })
  proposals?: ProposalsSummaryDto;
}

export class QueuedStatusDto {
  @ApiProperty({ enum: ['queued'], example: 'queued' }) status: 'queued';
}

/** GET …/results/breakdown (src/results/breakdown.service.ts `Breakdown`; docs/results.md «Breakdowns»). */

export class BreakdownColumnDto {
  @ApiProperty({ description: 'The option id (single, multi) or the scale value as text (scale)' }) key: string;
  @ApiProperty({ description: 'The option text or the scale value' }) label: string;
}

export class BreakdownCellDto {
  @ApiProperty({ description: "Distinct respondents of the group who chose this column's option or value" }) count: number;
  @ApiProperty({ description: "Percent of the group's answerers, one decimal", example: 42.9 }) percent: number;
}

export class BreakdownTotalDto {
  @ApiProperty({ description: 'Respondents who answered the question' }) answered: number;
  @ApiProperty({ type: [BreakdownCellDto], description: 'One per column, in column order' }) cells: BreakdownCellDto[];
  @ApiProperty({ type: Number, nullable: true, description: 'Scale questions: the mean, two decimals; else null' })
  mean: number | null;
}

export class BreakdownGroupDto extends BreakdownTotalDto {
  @ApiProperty({ description: 'The territory kind code, territory id, position code or organization-type code' }) key: string;
  @ApiProperty({ example: 'Троицкий городской округ (городской округ)' }) name: string;
}

export class BreakdownDto {
  @ApiProperty({ format: 'uuid' }) questionId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) documentId: string | null;
  @ApiProperty() questionText: string;
  @ApiProperty({ enum: QuestionKind, enumName: 'QuestionKind' }) kind: QuestionKind;
  @ApiProperty({ enum: BreakdownDimension, enumName: 'BreakdownDimension' }) by: BreakdownDimension;
  @ApiProperty({ example: 'Тип территории' }) byLabel: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Counted live at the request' }) computedAt: string;
  @ApiProperty({ type: [BreakdownColumnDto], description: 'Options or scale values; none for free text' })
  columns: BreakdownColumnDto[];
  @ApiProperty({ type: [BreakdownGroupDto], description: 'Groups with answerers, in reference order' }) groups: BreakdownGroupDto[];
  @ApiProperty({ type: BreakdownTotalDto, description: 'All groups together' }) total: BreakdownTotalDto;
}

/** GET /api/v1/results/rounds (src/results/rounds.service.ts `Round`; docs/results.md «Rounds compared»). */

export class RoundDocumentDto {
  @ApiProperty({ format: 'uuid' }) documentId: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'Submitted reviews' }) reviews: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean submitted criterion score; null without reviews' })
  meanScore: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "Against the previous round's document of the same title, when both have a mean",
  })
  change: number | null;
}

export class RoundChangeDto {
  @ApiProperty() respondents: number;
  @ApiProperty({ description: 'Territories covered' }) covered: number;
  @ApiProperty() experts: number;
  @ApiProperty() expertTerritories: number;
  @ApiProperty({ type: Number, nullable: true }) meanScore: number | null;
}

export class RoundDto {
  @ApiProperty({ format: 'uuid' }) campaignId: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: CampaignStatus, enumName: 'CampaignStatus', example: CampaignStatus.Completed }) status: CampaignStatus;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt: string;
  @ApiProperty() respondents: number;
  @ApiProperty({ type: CoverageDto }) territories: CoverageDto;
  @ApiProperty() experts: number;
  @ApiProperty({ description: 'Territories the experts come from' }) expertTerritories: number;
  @ApiProperty({ type: Number, nullable: true, description: "Mean of the documents' mean scores (documents with reviews)" })
  meanScore: number | null;
  @ApiProperty({ type: [RoundDocumentDto] }) documents: RoundDocumentDto[];
  @ApiProperty({ type: RoundChangeDto, nullable: true, description: 'This round minus the previous one; null for the first' })
  change: RoundChangeDto | null;
}

export class RoundsDto {
  @ApiProperty({ type: [RoundDto], description: 'Every campaign past its draft, oldest first' }) rounds: RoundDto[];
}
