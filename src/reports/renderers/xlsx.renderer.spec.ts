import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipInput } from './xlsx.renderer';

/** The XLSX renderer's backpressure reads a stream internal to exceljs: an upgrade that moves it must fail here. */
describe('zipInput (exceljs internals the XLSX backpressure relies on)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlsx-zip-input-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the stream a sheet's XML is handed to, and its backlog grows with uncompressed rows", async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: join(dir, 'a.xlsx'), useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet('Ответы');
    ws.addRow(['Квитанция', 'Текст']).commit();
    const input = zipInput(ws);
    expect(input).toBeDefined();
    const before = input!._writableState!.length;
    // synchronously, so deflate cannot take any of it meanwhile: ~1 MB of XML waits in the stream's buffer
    for (let i = 0; i < 2_000; i++) ws.addRow([`R${i}`, 'x'.repeat(500)]).commit();
    expect(input!._writableState!.length).toBeGreaterThan(before + 500_000);
    ws.commit();
    await wb.commit();
  });
});
