/**
 * Geometry of the horizontal bar charts of the PDF report. Pure: the template draws the SVG from this model with
 * ordinary (escaping) Handlebars expressions, so no label ever reaches the page as markup.
 */
export interface BarInput {
  label: string;
  value: number;
  /** shown after the bar, e.g. "42 (12,5 %)" */
  caption: string;
}

export interface Bar extends BarInput {
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

export function barChart(items: readonly BarInput[], width = 640, labelWidth = 260): BarChart {
  const max = Math.max(0, ...items.map((i) => i.value));
  const area = width - labelWidth - 110;
  return {
    width,
    height: Math.max(ROW, items.length * ROW),
    labelWidth,
    barX: labelWidth + 6,
    barHeight: BAR,
    bars: items.map((item, i) => ({
      ...item,
      label: item.label.length > 48 ? `${item.label.slice(0, 47)}…` : item.label,
      y: i * ROW + (ROW - BAR) / 2,
      textY: i * ROW + ROW / 2 + 4,
      width: max > 0 ? Math.round((item.value / max) * area * 10) / 10 : 0,
    })),
  };
}
