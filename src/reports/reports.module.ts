import { Global, Module } from '@nestjs/common';
import { ResultsModule } from '../results/results.module';
import { FinalReportsService } from './final-reports.service';
import { ReportDataService } from './report-data.service';
import { ReportsController } from './reports.controller';
import { ReportsPagesController } from './reports.pages.controller';

import { ReportsService } from './reports.service';
import { CsvRenderer } from './renderers/csv.renderer';
import { PdfBrowserService } from './renderers/pdf-browser.service';
import { PdfRenderer } from './renderers/pdf.renderer';
import { XlsxRenderer } from './renderers/xlsx.renderer';

/** Global: the worker's processors use these services. */
@Global()
@Module({
  imports: [ResultsModule],
  controllers: [ReportsController, ReportsPagesController],
  providers: [ReportsService, FinalReportsService, ReportDataService, XlsxRenderer, CsvRenderer, PdfRenderer, PdfBrowserService],
  exports: [ReportsService, FinalReportsService, ReportDataService],
})
export class ReportsModule {}
