import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { wallClockDate } from '../common/display-time-zone';
import { ReferenceService } from '../reference/reference.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ExpertFilter, ExpertRegistryService } from './expert-registry.service';
import { EXPERT_STATUS_LABELS } from './expert-status';

/** Text typed by applicants is data, never a formula: cells starting with = + - @ tab or CR get a leading quote. */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The registry as an XLSX workbook (with the same filters as the list). */
@Injectable()
export class RegistryExportService {
  constructor(
    private readonly registry: ExpertRegistryService,
    private readonly reference: ReferenceService,
  ) {}

  async exportXlsx(filter: ExpertFilter): Promise<Buffer> {
    const [experts, lists] = await Promise.all([this.registry.list(filter), this.reference.codeLists()]);
    const directionName = new Map(lists.directions.map((d) => [d.code, d.name]));
    const wb = new ExcelJS.Workbook();
    wb.creator = 'Платформа обсуждений';
    const ws = wb.addWorksheet('Реестр экспертов');
    ws.columns = [
      { header: 'ФИО', key: 'fullName', width: 32 },
      { header: 'Электронная почта', key: 'email', width: 28 },
      { header: 'Статус', key: 'status', width: 16 },
      { header: 'Почта подтверждена', key: 'confirmed', width: 12 },
      { header: 'Территория', key: 'territory', width: 28 },
      { header: 'Организация', key: 'organization', width: 36 },
      { header: 'Должность', key: 'position', width: 24 },
      { header: 'Компетенции', key: 'competences', width: 40 },
      { header: 'О себе', key: 'about', width: 40 },
      { header: 'Причина решения', key: 'reason', width: 30 },
      { header: 'Дата заявки', key: 'createdAt', width: 17, style: { numFmt: 'dd.mm.yyyy hh:mm' } },
    ];
    ws.getRow(1).font = { bold: true };
    for (const e of experts) {
      const row = {
        fullName: e.fullName,
        email: e.email,
        status: EXPERT_STATUS_LABELS[e.status],
        confirmed: e.emailConfirmed ? 'да' : 'нет',
        territory: `${e.territory.name} (${TERRITORY_KIND_LABELS[e.territory.kind] ?? e.territory.kind})`,
        organization: e.organizationName,
        position: e.position,
        competences: e.competences.map((c) => directionName.get(c) ?? c).join('; '),
        about: e.about,
        reason: e.statusReason ?? '',
        // a date cell holding the region's wall clock (DISPLAY_TIME_ZONE), as the reports write times
        createdAt: wallClockDate(Date.parse(e.createdAt)),
      };
      ws.addRow(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? neutralizeCell(v) : v])));
    }
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}
