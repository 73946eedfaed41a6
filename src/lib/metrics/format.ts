// Numbers as people read them, the same on screen and in exports.

/** 1234 → "1.23 s"; nothing measured → "–". */
export function seconds(ms: number | null | undefined): string {
  return ms == null ? '–' : `${(ms / 1000).toFixed(2)} s`;
}
