import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ProposalsController } from './proposals.controller';
import { ProposalsPagesController } from './proposals.pages.controller';
import { ProposalsRepository } from './proposals.repository';
import { ProposalsService } from './proposals.service';
import { ProposalsSummaryService } from './proposals-summary.service';
import { ProposalsPdfRenderer } from './renderers/proposals-pdf.renderer';
import { ProposalsXlsxRenderer } from './renderers/proposals-xlsx.renderer';
import { PublishedProposalsRepository } from './published-proposals.repository';
import { PublishedProposalsService } from './published-proposals.service';

/**
 * The revision stage (docs/revision.md): proposals, decisions, the summary and its files. The modules that show
 * proposals (campaigns, results, reports, expertise) import it.
 */
@Module({
  imports: [AuditModule, QueueModule],
  controllers: [ProposalsController, ProposalsPagesController],
  providers: [
    ProposalsRepository,
    ProposalsService,
    ProposalsSummaryService,
    PublishedProposalsRepository,
    PublishedProposalsService,
    ProposalsPdfRenderer,
    ProposalsXlsxRenderer,
  ],
  exports: [ProposalsService, ProposalsSummaryService, PublishedProposalsService],
})
export class ProposalsModule {}
