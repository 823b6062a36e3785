// Medians and table cells shared by run.mjs and scaleout.mjs.

// median/min/max over the finite numbers of `values` (null when there are none).
export function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

// obj.a.b.c for 'a.b.c', undefined where a step is missing.
export const pick = (obj, dotted) => dotted.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);

export function fmt(x, digits = 0) {
  if (x == null || !Number.isFinite(x)) return 'n/a';
  if (Math.abs(x) >= 1000 && digits === 0) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

// "median (min–max)" of a stats() result.
export const cell = (s, digits) => (s ? `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : 'n/a');
