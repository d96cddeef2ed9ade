import { ApiProperty } from '@nestjs/swagger';
import { QuestionKind } from '../entities/question.entity';
import { CampaignStatus } from '../campaign-status';

/** Response shapes of the campaign API (OpenAPI only: the services return plain objects of these shapes). */

export class StagePeriodDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-01T04:00:00.000Z' })
  opensAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2026-03-31T18:59:59.000Z' })
  closesAt: string | null;
}

export class ScaleLabelDto {
  @ApiProperty({ example: 2 })
  score: number;

  @ApiProperty({ example: 'соответствует' })
  label: string;
}

export class CampaignDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'modelnye-dokumenty-2026', description: 'The public address: /c/{slug}' })
  slug: string;

  @ApiProperty({ example: 'Модельные документы 2026' })
  title: string;

  @ApiProperty({ example: 'Обсуждение модельных программ воспитания' })
  description: string;

  @ApiProperty({ enum: CampaignStatus, enumName: 'CampaignStatus', example: CampaignStatus.Draft })
  status: CampaignStatus;

  @ApiProperty({ example: 'Черновик', description: 'The stage as people read it' })
  statusLabel: string;

  @ApiProperty({ type: StagePeriodDto })
  discussion: StagePeriodDto;

  @ApiProperty({ type: StagePeriodDto })
  expertise: StagePeriodDto;

  @ApiProperty({ type: [ScaleLabelDto], description: 'The scale experts score each criterion on' })
  criterionScale: ScaleLabelDto[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the documents were frozen for the expertise' })
  frozenAt: string | null;

  @ApiProperty()
  resultsPublished: boolean;

  @ApiProperty({ type: [String], description: 'Addresses the final reports are emailed to' })
  reportRecipients: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  statusChangedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: string;
}

export class CampaignFiguresDto {
  @ApiProperty({ example: 6, description: 'Stored responses' })
  responses: number;

  @ApiProperty({ example: 3 })
  territoriesCovered: number;

  @ApiProperty({ example: 43 })
  territoriesTotal: number;

  @ApiProperty({ example: 0 })
  reviewsSubmitted: number;

  @ApiProperty({ example: 0 })
  assignments: number;
}

export class TransitionOptionDto {
  @ApiProperty({ enum: CampaignStatus, enumName: 'CampaignStatus' })
  to: CampaignStatus;

  @ApiProperty({ example: 'Обсуждение' })
  label: string;

  @ApiProperty({ type: [String], description: 'What must be done first; empty when the move is possible now' })
  missing: string[];
}

export class CriterionViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Соответствие требованиям ФГОС' })
  text: string;

  @ApiProperty({ example: '' })
  description: string;

  @ApiProperty({ example: 1 })
  sortOrder: number;
}

export class DocumentVersionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 1 })
  number: number;

  @ApiProperty({ example: 'программа.pdf' })
  fileName: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty({ example: 48213 })
  size: number;

  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  sha256: string;

  @ApiProperty({ example: '' })
  notes: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class DocumentViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  campaignId: string;

  @ApiProperty({ example: 'Модельная программа воспитания' })
  title: string;

  @ApiProperty({ example: '' })
  description: string;

  @ApiProperty({ type: String, nullable: true, example: 'knowledge', description: 'Direction code (reference list)' })
  direction: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  authorOrganizationId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  authorTerritoryId: string | null;

  @ApiProperty({ example: 1 })
  sortOrder: number;

  @ApiProperty({ type: DocumentVersionDto, nullable: true })
  currentVersion: DocumentVersionDto | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The version experts review, once frozen' })
  frozenVersionNumber: number | null;

  @ApiProperty({ type: [DocumentVersionDto], required: false, description: 'Every version, oldest first (reads only)' })
  versions?: DocumentVersionDto[];
}

export class QuestionOptionViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Да' })
  text: string;

  @ApiProperty({ description: 'Chosen alone: clears the other options of a multiple choice' })
  exclusive: boolean;
}

export class QuestionScaleViewDto {
  @ApiProperty({ example: 1 })
  min: number;

  @ApiProperty({ example: 5 })
  max: number;

  @ApiProperty({ type: String, nullable: true, required: false, example: 'совсем нет' })
  minLabel?: string | null;

  @ApiProperty({ type: String, nullable: true, required: false, example: 'полностью' })
  maxLabel?: string | null;
}

export class QuestionViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: a general question' })
  documentId: string | null;

  @ApiProperty({ enum: QuestionKind, enumName: 'QuestionKind' })
  kind: QuestionKind;

  @ApiProperty({ example: 'Понятен ли документ?' })
  text: string;

  @ApiProperty()
  required: boolean;

  @ApiProperty({ example: 1 })
  sortOrder: number;

  @ApiProperty({ type: [QuestionOptionViewDto] })
  options: QuestionOptionViewDto[];

  @ApiProperty({ type: QuestionScaleViewDto, nullable: true })
  scale: QuestionScaleViewDto | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Longest free-text answer' })
  maxLength: number | null;
}
