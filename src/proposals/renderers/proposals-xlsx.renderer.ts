import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { neutralizeCell, neutralizeRow } from '../../reports/cell-safety';
import { decisionLabel } from '../proposal-decision';
import type { ProposalRow } from '../proposals.repository';
import type { ProposalsSummary } from '../proposal-decision';
import { figuresOf, GENERAL_TITLE, ProposalsFileData } from '../proposals-summary.service';

/**
 * Columns of a sheet of proposals, here and in the final report's «Сводка предложений» sheet: Russian header, width
 * in characters, wrapped or not, the kind the report's tables write it as (src/reports/renderers/xlsx-table.ts).
 */
export const PROPOSAL_COLUMNS: {
  header: string;
  width: number;
  wrap?: boolean;
  kind: 'text' | 'longText' | 'integer' | 'date';
  value: (r: ProposalRow) => string | Date | null;
}[] = [
  { header: '№', width: 6, kind: 'integer', value: () => null },
  { header: 'Документ', width: 28, wrap: true, kind: 'text', value: (r) => r.document_title ?? GENERAL_TITLE },
  { header: 'Вопрос', width: 28, wrap: true, kind: 'longText', value: (r) => r.question_text },
  { header: 'Предложение', width: 60, wrap: true, kind: 'longText', value: (r) => r.text },
  { header: 'Территория', width: 24, wrap: true, kind: 'text', value: (r) => r.territory_name },
  { header: 'Должность', width: 22, wrap: true, kind: 'text', value: (r) => r.position_name ?? r.position },
  { header: 'Тип организации', width: 22, wrap: true, kind: 'text', value: (r) => r.organization_type_name ?? r.organization_type },
  { header: 'Решение', width: 18, wrap: true, kind: 'text', value: (r) => decisionLabel(r.decision) },
  { header: 'Обоснование', width: 50, wrap: true, kind: 'longText', value: (r) => r.justification ?? '' },
  { header: 'Дата решения', width: 14, kind: 'date', value: (r) => (r.decided_at ? new Date(r.decided_at) : null) },
];

/** One proposal as a row of PROPOSAL_COLUMNS (`seq` its number in the list), values not yet neutralised. */
export function proposalCells(r: ProposalRow, seq: number): (string | number | Date | null)[] {
  return PROPOSAL_COLUMNS.map((c, j) => (j === 0 ? seq : c.value(r)));
}

/**
 * «Сводка предложений» as XLSX: a sheet of figures per document and a sheet with every proposal (frozen header,
 * auto-filter, column widths, wrapped text; every text cell formula-safe). A few thousand rows: an in-memory
 * workbook is enough.
 */
@Injectable()
export class ProposalsXlsxRenderer {
  async render(campaignTitle: string, { summary, titles, rows }: ProposalsFileData): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'Платформа обсуждения документов';
    this.figuresSheet(wb, campaignTitle, summary, titles);
    const ws = wb.addWorksheet('Предложения', { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = PROPOSAL_COLUMNS.map((c) => ({ width: c.width }));
    const header = ws.addRow(neutralizeRow(PROPOSAL_COLUMNS.map((c) => c.header)));
    header.font = { bold: true };
    rows.forEach((r, i) => {
      const row = ws.addRow(neutralizeRow(proposalCells(r, i + 1)));
      row.alignment = { vertical: 'top' };
    });
    PROPOSAL_COLUMNS.forEach((c, j) => {
      if (c.wrap) ws.getColumn(j + 1).alignment = { wrapText: true, vertical: 'top' };
    });
    ws.getColumn(PROPOSAL_COLUMNS.length).numFmt = 'dd.mm.yyyy';
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: PROPOSAL_COLUMNS.length } };
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  private figuresSheet(wb: ExcelJS.Workbook, campaignTitle: string, summary: ProposalsSummary, titles: Map<string, string>) {
    const ws = wb.addWorksheet('Итоги', { views: [{ state: 'frozen', ySplit: 3 }] });
    const labels = figuresOf(summary).map((f) => f.label);
    ws.columns = [{ width: 40 }, { width: 12 }, ...labels.map(() => ({ width: 16 }))];
    ws.addRow(neutralizeRow(['Сводка предложений', campaignTitle])).font = { bold: true };
    ws.addRow([]);
    const header = ws.addRow(neutralizeRow(['Документ', 'Предложений', ...labels]));
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'top' };
    const line = (title: string, s: Parameters<typeof figuresOf>[0] & { total: number }) =>
      ws.addRow([neutralizeCell(title), s.total, ...figuresOf(s).map((f) => f.count)]);
    for (const d of summary.documents) line(d.documentId ? (titles.get(d.documentId) ?? '') : GENERAL_TITLE, d);
    line('Всего', summary).font = { bold: true };
    ws.autoFilter = { from: { row: 3, column: 1 }, to: { row: 3 + summary.documents.length, column: 2 + labels.length } };
  }
}
