/**
 * How the projector lays out many equal boxes in a fixed area without scrolling: the column count
 * that gives the largest box of a wanted shape, and a type size that fits it.
 *
 * @example fitGrid({ count: 30, width: 1400, height: 860, gap: 16, aspect: 2 })
 */
export interface GridFit {
  columns: number;
  rows: number;
  width: number;
  height: number;
}

export interface GridRequest {
  count: number;
  width: number;
  height: number;
  gap: number;
  /** Width over height of the box one would like; the fit keeps the box at least this wide. */
  aspect: number;
}

export function fitGrid({ count, width, height, gap, aspect }: GridRequest): GridFit {
  let best: GridFit = { columns: 1, rows: Math.max(1, count), width, height: height / Math.max(1, count) };
  let bestScore = -1;
  for (let columns = 1; columns <= Math.max(1, count); columns++) {
    const rows = Math.ceil(Math.max(1, count) / columns);
    const boxWidth = (width - (columns - 1) * gap) / columns;
    const boxHeight = (height - (rows - 1) * gap) / rows;
    if (boxWidth <= 0 || boxHeight <= 0) continue;
    // The largest box of the wanted shape that fits in the cell.
    const score = Math.min(boxWidth / aspect, boxHeight);
    if (score > bestScore) {
      bestScore = score;
      best = { columns, rows, width: boxWidth, height: boxHeight };
    }
  }
  return best;
}
