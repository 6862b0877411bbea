/** What moved a regression event: the code, the machine or its environment, or nothing tells (eventCause). */
export type CauseKind = 'code' | 'environment' | 'unknown';

export interface EventCause {
  kind: CauseKind;
  /** The evidence, in one sentence a reader can check. */
  evidence: string;
}

export const CAUSE_KINDS = ['code', 'environment', 'unknown'] as const satisfies readonly CauseKind[];

export const CAUSE_LABELS: Record<CauseKind, string> = {
  code: 'the code',
  environment: 'the machine or its environment',
  unknown: 'cannot tell code from machine',
};
