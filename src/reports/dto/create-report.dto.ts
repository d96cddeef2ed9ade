import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ReportFormat, ReportKind } from '../report-status';

export class CreateReportDto {
  @ApiProperty({ enum: ReportKind })
  @IsIn(Object.values(ReportKind), { message: 'ожидается discussion, expertise или full' })
  kind: ReportKind;

  @ApiProperty({ enum: ReportFormat })
  @IsIn(Object.values(ReportFormat), { message: 'ожидается xlsx, pdf или csv' })
  format: ReportFormat;
}
