import { ApiProperty } from '@nestjs/swagger';
import { CampaignStatus } from '../../campaigns/campaign-status';
import { ScaleLabelDto } from '../../campaigns/dto/campaign.response';
import { CodeNameDto } from '../../reference/dto/reference.response';
import { AssignmentStatus } from '../assignment-status';
import { ExpertStatus } from '../expert-status';

export class ApplicationCreatedDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ExpertStatus, enumName: 'ExpertStatus', example: ExpertStatus.Applied })
  status: ExpertStatus;
}

export class ExpertTerritoryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Миасский городской округ' })
  name: string;

  @ApiProperty({ example: 'urban_okrug' })
  kind: string;
}

export class ExpertViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'expert@demo.local' })
  email: string;

  @ApiProperty({ example: 'Иванова Мария Петровна' })
  fullName: string;

  @ApiProperty({ enum: ExpertStatus, enumName: 'ExpertStatus' })
  status: ExpertStatus;

  @ApiProperty()
  emailConfirmed: boolean;

  @ApiProperty({ type: ExpertTerritoryDto })
  territory: ExpertTerritoryDto;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organizationId: string | null;

  @ApiProperty({ example: 'МАОУ «СОШ № 1»' })
  organizationName: string;

  @ApiProperty({ example: 'Заместитель директора' })
  position: string;

  @ApiProperty({ type: [String], example: ['knowledge'], description: 'Direction codes' })
  competences: string[];

  @ApiProperty({ example: '' })
  about: string;

  @ApiProperty({ type: String, nullable: true })
  statusReason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class AssignmentExpertDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  fullName: string;

  @ApiProperty()
  email: string;

  @ApiProperty({ format: 'uuid' })
  territoryId: string;

  @ApiProperty()
  organizationName: string;
}

export class AssignmentDocumentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;
}

export class AssignmentViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  campaignId: string;

  @ApiProperty({ type: AssignmentExpertDto })
  expert: AssignmentExpertDto;

  @ApiProperty({ type: AssignmentDocumentDto })
  document: AssignmentDocumentDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt: string | null;

  @ApiProperty({ enum: AssignmentStatus, enumName: 'AssignmentStatus' })
  status: AssignmentStatus;

  @ApiProperty({ description: 'Past its due time and not submitted' })
  late: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  invitedAt: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why a conflict of interest was overridden' })
  conflictOverrideReason: string | null;

  @ApiProperty({ type: String, nullable: true })
  reopenedReason: string | null;
}

export class SkippedConflictDto {
  @ApiProperty({ format: 'uuid' })
  expertId: string;

  @ApiProperty({ format: 'uuid' })
  documentId: string;

  @ApiProperty({ example: 'эксперт работает в организации — авторе документа' })
  reason: string;
}

export class BulkAssignmentsResultDto {
  @ApiProperty({ type: [AssignmentViewDto] })
  created: AssignmentViewDto[];

  @ApiProperty({ type: [SkippedConflictDto] })
  skippedConflicts: SkippedConflictDto[];
}

export class QueuedFlagDto {
  @ApiProperty({ example: true })
  queued: boolean;
}

export class MyCampaignDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: CampaignStatus, enumName: 'CampaignStatus' })
  status: CampaignStatus;
}

export class MyDocumentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ description: 'Download of the frozen version' })
  fileUrl: string;
}

export class MyAssignmentSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: MyCampaignDto })
  campaign: MyCampaignDto;

  @ApiProperty({ type: MyDocumentDto })
  document: MyDocumentDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueAt: string | null;

  @ApiProperty({ enum: AssignmentStatus, enumName: 'AssignmentStatus' })
  status: AssignmentStatus;

  @ApiProperty()
  late: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt: string | null;
}

export class ReviewCriterionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  text: string;

  @ApiProperty()
  description: string;
}

export class ReviewScoreViewDto {
  @ApiProperty({ format: 'uuid' })
  criterionId: string;

  @ApiProperty({ example: 2 })
  score: number;

  @ApiProperty({ example: '' })
  comment: string;
}

export class MyAssignmentDetailDto extends MyAssignmentSummaryDto {
  @ApiProperty({ type: [ReviewCriterionDto] })
  criteria: ReviewCriterionDto[];

  @ApiProperty({ type: [ScaleLabelDto] })
  scale: ScaleLabelDto[];

  @ApiProperty({ type: [ReviewScoreViewDto] })
  scores: ReviewScoreViewDto[];

  @ApiProperty({ type: String, nullable: true, example: 'approve' })
  recommendation: string | null;

  @ApiProperty({ example: '' })
  comment: string;

  @ApiProperty({ type: [CodeNameDto], description: 'The recommendations to choose from' })
  recommendations: CodeNameDto[];

  @ApiProperty({ type: String, nullable: true })
  reopenedReason: string | null;

  @ApiProperty({ description: 'The review can still be changed (not submitted, expertise open)' })
  editable: boolean;
}
