import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { StorageModule } from '../storage/storage.module';
import { MailTransportService } from './mail-transport.service';
import { MailRepository } from './mail.repository';
import { MailService } from './mail.service';

@Module({
  imports: [QueueModule, StorageModule],
  providers: [MailTransportService, MailService, MailRepository],
  exports: [MailService, MailTransportService],
})
export class MailModule {}
