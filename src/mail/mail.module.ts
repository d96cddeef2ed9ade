import { Global, Module } from '@nestjs/common';
import { MailTransportService } from './mail-transport.service';
import { MailService } from './mail.service';

@Global()
@Module({ providers: [MailTransportService, MailService], exports: [MailService, MailTransportService] })
export class MailModule {}
