import { Module } from '@nestjs/common';
import { DevMailController } from './dev-mail.controller';
import { DevMailService } from './dev-mail.service';

/** /dev/mail, the demo's caught emails (development only). */
@Module({ controllers: [DevMailController], providers: [DevMailService] })
export class DevMailModule {}
