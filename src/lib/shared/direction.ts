/** Which way is better for a metric: the one fact about it every judgement and every chart needs. */
export const DIRECTIONS = ['higher', 'lower'] as const;

export type Direction = (typeof DIRECTIONS)[number];
