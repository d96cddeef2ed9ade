import { Module } from '@nestjs/common';
import { StorageService } from './storage.service';

/** Files of document versions and reports; imported by the modules that read or write them. */
@Module({ providers: [StorageService], exports: [StorageService] })
export class StorageModule {}
