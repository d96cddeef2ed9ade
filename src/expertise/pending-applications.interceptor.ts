import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import { PAGE_EXTRAS } from '../common/page-context';
import { RegistryUpkeepService } from './registry-upkeep.service';

/**
 * The organizer's menu shows how many expert applications wait for a decision: counted once per page request of an
 * organizer or admin (one indexed count), never for the API or other users. A failing count leaves the menu without it.
 */
@Injectable()
export class PendingApplicationsInterceptor implements NestInterceptor {
  constructor(private readonly upkeep: RegistryUpkeepService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const role = req.user?.role;
    if ((role !== 'organizer' && role !== 'admin') || req.url.startsWith('/api/')) return next.handle();
    return from(
      this.upkeep.pendingCount().then(
        (n) => PAGE_EXTRAS.set(req, { pendingApplications: n }),
        () => undefined,
      ),
    ).pipe(switchMap(() => next.handle()));
  }
}
