import { Module } from '@nestjs/common';
import { DevMailPagesController } from './dev-mail.pages.controller';
import { DevMailService } from './dev-mail.service';

/** /dev/mail, the demo's caught emails (development only). */
@Module({ controllers: [DevMailPagesController], providers: [DevMailService] })
export class DevMailModule {}
