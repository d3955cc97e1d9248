// Outputs → label scores, as the server's Pipelines/Scores.cs: softmax and sigmoid in double precision,
// rounded to float32; ranked highest first, equal scores keeping the model's label order.
import type { LabelScore } from './classifier';

export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i] - max) / sum;
  return out;
}

export function sigmoid(logits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]));
  return out;
}

/** True when a row already is a probability distribution (a softmax inside the graph, as SqueezeNet's). */
export function isDistribution(row: ArrayLike<number>): boolean {
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] < 0 || Number.isNaN(row[i])) return false;
    sum += row[i];
  }
  return Math.abs(sum - 1) < 1e-3;
}

export function ranked(scores: ArrayLike<number>, labels: readonly string[], fallback = (i: number) => `LABEL_${i}`): LabelScore[] {
  return Array.from(scores, (score, i) => ({ label: labels[i] ?? fallback(i), score }))
    .sort((a, b) => b.score - a.score); // Array.prototype.sort is stable
}
