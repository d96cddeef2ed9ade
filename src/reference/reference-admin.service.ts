import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { REDIS, RedisClient, redisKey } from '../common/redis.module';
import { ConflictError, NotFoundError, ValidationError } from '../common/domain-error';
import { isUuid } from '../common/uuid';
import { AppConfig } from '../config/app.config';
import { TerritoryKind } from './entities/territory.entity';
import { isValidInn } from './inn';
import { ImportContext, ImportFileError, ImportProblem, ImportRow, readTable, validateImport } from './organization-import';
import { OrganizationWrite, ReferenceAdminRepository, TerritoryWrite } from './reference-admin.repository';
import { ReferenceService } from './reference.service';

/** A checked import waits this long for the administrator to confirm it. */
const PREVIEW_TTL_SECONDS = 30 * 60;

export interface ImportPreview {
  token: string | null;
  rows: ImportRow[];
  problems: ImportProblem[];
  fileProblem?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const checked = (v: unknown) => v === true || v === 'on' || v === 'true' || v === '1';

/** Editing territories and organizations, and importing organizations from a spreadsheet (all or nothing). */
@Injectable()
export class ReferenceAdminService {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: AppConfig,
    private readonly repo: ReferenceAdminRepository,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
  ) {}

  private parseTerritory(input: Record<string, unknown>): TerritoryWrite {
    const fields: Record<string, string> = {};
    const name = str(input.name).replace(/\s+/g, ' ');
    if (!name || name.length > 200) fields.name = 'укажите название (до 200 символов)';
    const kind = str(input.kind) as TerritoryKind;
    if (!Object.values(TerritoryKind).includes(kind)) fields.kind = 'выберите вид территории';
    const order = str(input.sortOrder) === '' ? 0 : Number(str(input.sortOrder));
    if (!Number.isInteger(order) || order < 0 || order > 100_000) fields.sortOrder = 'укажите целое число от 0 до 100000';
    if (Object.keys(fields).length) throw new ValidationError(Object.values(fields), fields);
    return { name, kind, active: checked(input.active), sortOrder: order };
  }

  async saveTerritory(actorId: string, id: string | null, input: Record<string, unknown>): Promise<string> {
    const t = this.parseTerritory(input);
    return this.repo.transaction(async (m) => {
      const before = id ? await this.repo.territory(id, m) : null;
      if (id && !before) throw new NotFoundError('Территория');
      if (await this.repo.territoryExists(m, t.name, t.kind, id ?? undefined)) {
        throw new ValidationError('name: такая территория уже есть', { name: 'территория с таким названием и видом уже есть' });
      }
      const view = { name: t.name, kind: t.kind, active: t.active, sortOrder: t.sortOrder };
      if (!id) {
        const newId = await this.repo.insertTerritory(m, t);
        await this.audit.record(m, { actorId, action: AuditAction.TerritoryCreate, entityType: 'territory', entityId: newId, after: view });
        return newId;
      }
      await this.repo.updateTerritory(m, id, t);
      const old = { name: before!.name, kind: before!.kind, active: before!.active, sortOrder: before!.sort_order };
      await this.audit.record(m, {
        actorId,
        action: AuditAction.TerritoryUpdate,
        entityType: 'territory',
        entityId: id,
        before: old,
        after: view,
      });
      return id;
    });
  }

  private async parseOrganization(input: Record<string, unknown>): Promise<OrganizationWrite> {
    const fields: Record<string, string> = {};
    const name = str(input.name).replace(/\s+/g, ' ');
    if (!name || name.length > 300) fields.name = 'укажите название (до 300 символов)';
    const territoryId = str(input.territoryId);
    const ctx = await this.importContext();
    if (!isUuid(territoryId) || !ctx.territories.some((t) => t.id === territoryId)) fields.territoryId = 'выберите территорию';
    const typeCode = str(input.typeCode);
    if (!ctx.types.some((t) => t.code === typeCode)) fields.typeCode = 'выберите тип организации';
    const inn = str(input.inn).replace(/\s/g, '');
    if (inn && !isValidInn(inn)) fields.inn = 'ИНН неверен: нужно 10 или 12 цифр с верной контрольной цифрой';
    const directions = ([] as unknown[]).concat(input.directions ?? []).map(str);
    if (directions.some((d) => !ctx.directions.some((x) => x.code === d))) fields.directions = 'выберите направления из списка';
    if (Object.keys(fields).length) throw new ValidationError(Object.values(fields), fields);
    return {
      name,
      territoryId,
      typeCode,
      baseSite: checked(input.baseSite),
      innovationSite: checked(input.innovationSite),
      inn: inn || null,
      directions: [...new Set(directions)],
    };
  }

  async saveOrganization(actorId: string, id: string | null, input: Record<string, unknown>): Promise<string> {
    const o = await this.parseOrganization(input);
    return this.repo.transaction(async (m) => {
      const before = id ? await this.repo.organization(id, m) : null;
      if (id && !before) throw new NotFoundError('Организация');
      if (await this.repo.organizationExists(m, o.name, o.territoryId, id ?? undefined)) {
        throw new ValidationError('name: такая организация уже есть', { name: 'в этой территории уже есть организация с таким названием' });
      }
      if (!id) {
        const newId = await this.repo.insertOrganization(m, o);
        await this.audit.record(m, {
          actorId,
          action: AuditAction.OrganizationCreate,
          entityType: 'organization',
          entityId: newId,
          after: { ...o },
        });
        return newId;
      }
      await this.repo.updateOrganization(m, id, o);
      const old: OrganizationWrite = {
        name: before!.name,
        territoryId: before!.territory_id,
        typeCode: before!.type_code,
        baseSite: before!.base_site,
        innovationSite: before!.innovation_site,
        inn: before!.inn,
        directions: before!.directions,
      };
      await this.audit.record(m, {
        actorId,
        action: AuditAction.OrganizationUpdate,
        entityType: 'organization',
        entityId: id,
        before: { ...old },
        after: { ...o },
      });
      return id;
    });
  }

  async deleteOrganization(actorId: string, id: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      const before = await this.repo.organization(id, m);
      if (!before) throw new NotFoundError('Организация');
      if (await this.repo.organizationInUse(m, id)) {
        throw new ConflictError('Организацию нельзя удалить: на неё ссылаются ответы, эксперты или документы');
      }
      await this.repo.deleteOrganization(m, id);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.OrganizationDelete,
        entityType: 'organization',
        entityId: id,
        before: { name: before.name, territoryId: before.territory_id },
      });
    });
  }

  async importContext(): Promise<ImportContext> {
    const [territories, lists] = await Promise.all([this.reference.territories(), this.reference.codeLists()]);
    return { territories, types: lists.organizationTypes, directions: lists.directions };
  }

  /** Checks a file; without problems its rows wait (in Redis, PREVIEW_TTL_SECONDS) for the confirmation. Saves nothing. */
  async preview(data: Buffer): Promise<ImportPreview> {
    let table: string[][];
    try {
      table = await readTable(data);
    } catch (err) {
      if (err instanceof ImportFileError) return { token: null, rows: [], problems: [], fileProblem: err.message };
      throw err;
    }
    const { rows, problems } = validateImport(table, await this.importContext());
    if (problems.length) return { token: null, rows, problems };
    const token = randomBytes(18).toString('base64url');
    await this.redis.set(redisKey(this.config, 'org-import', token), JSON.stringify(rows), 'EX', PREVIEW_TTL_SECONDS);
    return { token, rows, problems };
  }

  /** Saves a checked file: every row or none, by (name, territory), so the same file twice changes nothing. */
  async apply(actorId: string, token: unknown): Promise<{ created: number; updated: number; unchanged: number }> {
    const key = redisKey(this.config, 'org-import', typeof token === 'string' && /^[\w-]{1,40}$/.test(token) ? token : 'none');
    const raw = await this.redis.get(key);
    if (!raw) throw new ValidationError('Проверенный файл не найден или устарел: загрузите его ещё раз');
    const rows = JSON.parse(raw) as ImportRow[];
    const counts = await this.repo.transaction(async (m) => {
      const c = { created: 0, updated: 0, unchanged: 0 };
      for (const r of rows) {
        const outcome = await this.repo.upsertOrganization(m, r);
        c[outcome === 'same' ? 'unchanged' : outcome]++;
      }
      await this.audit.record(m, {
        actorId,
        action: AuditAction.OrganizationImport,
        entityType: 'organization',
        after: { ...c, rows: rows.length },
      });
      return c;
    });
    await this.redis.del(key);
    return counts;
  }
}
