/** What an analysis runs with: the project's config, its pinned baselines and the global threshold. */
import type { PinnedBaselines } from './baselines-file.ts';
import { type Config, configSchema } from './config.ts';
import { DEFAULT_THRESHOLD, type Threshold } from './thresholds.ts';

export interface AnalysisSettings {
  config: Config;
  pinned: PinnedBaselines;
  threshold: Threshold;
}

/** Settings with nothing configured: rolling baselines on main, 20 %, no pinned values. */
export function defaultSettings(): AnalysisSettings {
  return {
    config: configSchema.parse({}),
    pinned: { file: '', document: {}, values: new Map() },
    threshold: { value: DEFAULT_THRESHOLD, source: 'default' },
  };
}
