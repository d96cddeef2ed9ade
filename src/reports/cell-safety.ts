/**
 * Text a respondent or an expert wrote is data, never a formula: a spreadsheet cell starting with = + - @, a tab or
 * a carriage return gets a leading apostrophe (OWASP "CSV injection"). Applied to every string cell, headers included.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCell<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}

export function neutralizeRow(values: readonly unknown[]): unknown[] {
  return values.map((v) => neutralizeCell(v));
}
