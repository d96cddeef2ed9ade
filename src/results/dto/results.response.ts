import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
}

export class QueuedStatusDto {
  @ApiProperty({ enum: ['queued'], example: 'queued' }) status: 'queued';
}
