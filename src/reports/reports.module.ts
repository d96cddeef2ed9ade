import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { QueueModule } from '../queue/queue.module';
import { ProposalsModule } from '../proposals/proposals.module';
import { ResultsModule } from '../results/results.module';
import { StorageModule } from '../storage/storage.module';
import { FinalReportsService } from './final-reports.service';
import { ReportDataQueries } from './report-data.queries';
import { ReportDataService } from './report-data.service';
import { ReportsController } from './reports.controller';
import { ReportsPagesController } from './reports.pages.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';
import { CsvRenderer } from './renderers/csv.renderer';
import { PdfBrowserService } from './renderers/pdf-browser.service';
import { PdfRenderer } from './renderers/pdf.renderer';
import { XlsxRenderer } from './renderers/xlsx.renderer';

/** Reports rendered from results snapshots; the worker's processors render them and send the final ones. */
@Module({
  imports: [MailModule, QueueModule, ResultsModule, StorageModule, ProposalsModule],
  controllers: [ReportsController, ReportsPagesController],
  providers: [
    ReportsService,
    ReportsRepository,
    FinalReportsService,
    ReportDataService,
    ReportDataQueries,
    XlsxRenderer,
    CsvRenderer,
    PdfRenderer,
    PdfBrowserService,
  ],
  exports: [ReportsService, FinalReportsService, ReportDataService],
})
export class ReportsModule {}
