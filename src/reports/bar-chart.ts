/**
 * Geometry of the horizontal bar charts of the PDF report. Pure: the template draws the SVG from this model with
 * ordinary (escaping) Handlebars expressions, so no label ever reaches the page as markup. Labels are never cut:
 * a long one wraps onto as many lines as it needs, between words, and its row grows to hold them.
 */
export interface BarInput {
  label: string;
  value: number;
  /** shown after the bar, e.g. "42 (12,5 %)" */
  caption: string;
}

export interface Bar extends BarInput {
  /** the label's lines, each with its baseline */
  lines: { text: string; y: number }[];
  y: number;
  textY: number;
  width: number;
}

export interface BarChart {
  width: number;
  height: number;
  labelWidth: number;
  barX: number;
  barHeight: number;
  bars: Bar[];
}

const ROW = 22;
const BAR = 14;
const LINE = 13;
/**
 * Advance of an 11 px DejaVu Sans character (the template's chart font) to plan lines with: Cyrillic lower case is
 * ~6.4–7.1 px and capitals ~7.7 px wide, so a line of labelWidth / CHAR_PX characters never runs past the label column.
 */
export const CHAR_PX = 7.8;
/** Room after the bar for its caption ("1 234 (100 %)"). */
const CAPTION_PX = 110;

/** Splits a label into lines of at most `max` characters, between words; a longer word is split where it must be. */
export function wrapLabel(label: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    let rest = word;
    while (rest.length > max) {
      if (line) lines.push(line);
      line = '';
      lines.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= max) line = `${line} ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || !lines.length) lines.push(line);
  return lines;
}

export function barChart(items: readonly BarInput[], width = 700, labelWidth = 320): BarChart {
  const max = Math.max(0, ...items.map((i) => i.value));
  const area = width - labelWidth - CAPTION_PX;
  const perLine = Math.floor(labelWidth / CHAR_PX);
  let top = 0;
  const bars = items.map((item) => {
    const wrapped = wrapLabel(item.label, perLine);
    const height = Math.max(ROW, wrapped.length * LINE + 8);
    const middle = top + height / 2;
    const firstBaseline = middle - ((wrapped.length - 1) * LINE) / 2 + 3;
    const bar: Bar = {
      ...item,
      lines: wrapped.map((text, i) => ({ text, y: firstBaseline + i * LINE })),
      y: middle - BAR / 2,
      textY: middle + 4,
      width: max > 0 ? Math.round((item.value / max) * area * 10) / 10 : 0,
    };
    top += height;
    return bar;
  });
  return { width, height: Math.max(ROW, top), labelWidth, barX: labelWidth + 8, barHeight: BAR, bars };
}
