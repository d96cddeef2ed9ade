import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CsvDialect, ReportFormat, ReportKind } from '../report-status';

export class CreateReportDto {
  @ApiProperty({ enum: ReportKind })
  @IsIn(Object.values(ReportKind), { message: 'ожидается discussion, expertise или full' })
  kind: ReportKind;

  @ApiProperty({ enum: ReportFormat })
  @IsIn(Object.values(ReportFormat), { message: 'ожидается xlsx, pdf или csv' })
  format: ReportFormat;

  @ApiPropertyOptional({
    enum: CsvDialect,
    default: CsvDialect.ExcelRu,
    description:
      'CSV only (ignored for other formats). `excel-ru`: opens in Russian-locale Excel by double click — UTF-8 with BOM, ' +
      '`;` between fields, decimal comma, local times `ДД.ММ.ГГГГ ЧЧ:ММ` (DISPLAY_TIME_ZONE). `rfc4180`: for tools — ' +
      'UTF-8 without BOM, `,` between fields, decimal point, ISO 8601 times in UTC.',
  })
  @IsOptional()
  @IsIn(Object.values(CsvDialect), { message: 'ожидается excel-ru или rfc4180' })
  csvDialect?: CsvDialect;
}
