import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/*
 * Request bodies of the expertise API. Properties are only declared here (unknown ones are refused with 400 by the
 * global pipe); the services check values themselves, so the API and the pages give the same Russian messages.
 */

export class ExpertApplicationDto {
  @ApiProperty({ example: 'ivanova@school.example' }) @Allow() email: string;
  @ApiProperty({ minLength: 10 }) @Allow() password: string;
  @ApiProperty({ example: 'Иванова Мария Петровна' }) @Allow() fullName: string;
  @ApiProperty({ format: 'uuid' }) @Allow() territoryId: string;
  @ApiProperty({ example: 'МАОУ «СОШ № 1»' }) @Allow() organizationName: string;
  @ApiProperty({ example: 'Заместитель директора' }) @Allow() position: string;
  @ApiProperty({ type: [String], example: ['knowledge'] }) @Allow() competences: string[];
  @ApiPropertyOptional({ maxLength: 2000 }) @Allow() about?: string;
  @ApiProperty({ description: 'Consent to personal-data processing (152-FZ), must be true', example: true }) @Allow() consent: boolean;
}

export class ReasonDto {
  @ApiPropertyOptional({ description: 'Required for suspend and reopen' }) @Allow() reason?: string;
}

export class CreateAssignmentsDto {
  @ApiProperty({ type: [String], format: 'uuid' }) @Allow() expertIds: string[];
  @ApiProperty({ type: [String], format: 'uuid' }) @Allow() documentIds: string[];
  @ApiPropertyOptional({ format: 'date-time' }) @Allow() dueAt?: string;
  @ApiPropertyOptional({ description: 'Assign despite a conflict of interest; stored and audit-logged' }) @Allow() overrideReason?: string;
}

export class BulkAssignmentsDto {
  @ApiProperty({ enum: ['direction', 'balanced'] }) @Allow() mode: 'direction' | 'balanced';
  @ApiPropertyOptional({ description: 'mode=direction: direction code' }) @Allow() direction?: string;
  @ApiPropertyOptional({ description: 'mode=balanced: experts per document', minimum: 1, maximum: 50 }) @Allow() perDocument?: number;
  @ApiPropertyOptional({ format: 'date-time' }) @Allow() dueAt?: string;
}

export class ReviewScoreDto {
  @ApiProperty({ format: 'uuid' }) criterionId: string;
  @ApiProperty({ minimum: 0, maximum: 2 }) score: number;
  @ApiPropertyOptional({ description: 'Required for a score of 0 when submitting' }) comment?: string;
}

export class ReviewDto {
  @ApiProperty({ type: [ReviewScoreDto] }) @Allow() scores: ReviewScoreDto[];
  @ApiPropertyOptional({ example: 'approve', description: 'A code of GET /api/v1/reference recommendations; required to submit' })
  @Allow()
  recommendation?: string;
  @ApiPropertyOptional() @Allow() comment?: string;
  @ApiProperty({ description: 'true: check completeness and lock' }) @Allow() submit: boolean;
}
