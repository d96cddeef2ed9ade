import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReportFormat, ReportKind, ReportStatus } from '../report-status';

export class ReportQueuedDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus', example: ReportStatus.Queued })
  status: ReportStatus;
}

export class ReportViewDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  campaignId: string;

  @ApiProperty({ enum: ReportKind, enumName: 'ReportKind' })
  kind: ReportKind;

  @ApiProperty({ enum: ReportFormat, enumName: 'ReportFormat' })
  format: ReportFormat;

  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus', example: ReportStatus.Ready })
  status: ReportStatus;

  @ApiPropertyOptional({ description: 'Percent done while rendering' })
  progress?: number;

  @ApiPropertyOptional({ description: 'Why it failed (for people)' })
  error?: string;

  @ApiPropertyOptional({ example: 'итоги-модельные-документы-2026.xlsx' })
  fileName?: string;

  @ApiPropertyOptional()
  size?: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  finishedAt?: string;
}

export class ReportListDto {
  @ApiProperty({ type: [ReportViewDto], description: 'Newest first' })
  items: ReportViewDto[];
}
