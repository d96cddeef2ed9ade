const W10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const W11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const W12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

const check = (digits: number[], weights: number[]) => (weights.reduce((s, w, i) => s + w * digits[i], 0) % 11) % 10;

/**
 * Whether a taxpayer number (ИНН) is well formed: 10 digits for an organization, 12 for a person (an individual
 * entrepreneur), with the Federal Tax Service's control digits.
 */
export function isValidInn(value: string): boolean {
  if (!/^\d{10}$|^\d{12}$/.test(value)) return false;
  const d = [...value].map(Number);
  if (d.length === 10) return check(d, W10) === d[9];
  return check(d, W11) === d[10] && check(d, W12) === d[11];
}
