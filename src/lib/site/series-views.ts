/** One series of the history as the site shows it: its measurements, its chart's options and its data file. */
import { chartedSeries, materialisedSeries } from '../analysis/materialised-baselines.ts';
import type { MetricStatus } from '../analysis/status.ts';
import { resolveThreshold } from '../analysis/thresholds.ts';
import type { ChartChange, SeriesChartOptions } from '../shared/chart-spec.ts';
import { encodeSeries, type SeriesData } from '../shared/series-data.ts';
import type { SeriesMeasurement } from '../shared/series-measurement.ts';
import { runsInOrder } from './run-index.ts';
import type { SiteModel } from './site-model.ts';

/** Every successful measurement of one metric on one platform, oldest first, with its baseline and status. */
export function metricSeries(model: SiteModel, platform: string, suite: string, metric: string): Promise<SeriesMeasurement[]> {
  return materialisedSeries(model.history, model.settings, { platform, suite, metric });
}

/** Every platform × metric with a successful measurement: each has a chart and a data file. */
export function allSeries(model: SiteModel): Promise<Array<{ platform: string; suite: string; metric: string }>> {
  return chartedSeries(model.history);
}

/** The chart of one series as a platform page draws it: the same options for the build's SVG and the interactive redraw. */
export function seriesChartOptions(
  model: SiteModel,
  status: Pick<MetricStatus, 'platform' | 'suite' | 'metric' | 'unit' | 'direction' | 'threshold'>,
): SeriesChartOptions {
  return {
    title: `${status.suite} / ${status.metric} on ${status.platform}`,
    unit: status.unit,
    direction: status.direction,
    threshold: status.threshold.value,
    changes: chartChanges(model, status.platform, status.suite, status.metric),
    outliers: chartOutliers(model, status.platform, status.suite, status.metric),
  };
}

/** The runs of one series that left its level and came straight back, as its chart rings them. */
export function chartOutliers(model: SiteModel, platform: string, suite: string, metric: string): string[] {
  return model.outliers
    .filter((outlier) => outlier.platform === platform && outlier.suite === suite && outlier.metric === metric)
    .map((outlier) => outlier.runId);
}

/** The change points of one series, as its chart draws them. */
export function chartChanges(model: SiteModel, platform: string, suite: string, metric: string): ChartChange[] {
  return model.changePoints
    .filter((change) => change.platform === platform && change.suite === suite && change.metric === metric)
    .map((change) => ({
      time: Date.parse(change.timestamp),
      meanBefore: change.meanBefore,
      meanAfter: change.meanAfter,
      worse: change.worse,
    }));
}

/** The data file of one series' interactive chart. */
export async function seriesData(model: SiteModel, platform: string, suite: string, metric: string): Promise<SeriesData> {
  return seriesDataOf(model, await metricSeries(model, platform, suite, metric), platform, suite, metric);
}

/** The data file of a series already read (metricSeries). */
export async function seriesDataOf(
  model: SiteModel,
  series: readonly SeriesMeasurement[],
  platform: string,
  suite: string,
  metric: string,
): Promise<SeriesData> {
  const latest = model.latest.find((status) => status.platform === platform && status.suite === suite && status.metric === metric);
  const info = model.metrics.find((candidate) => candidate.suite === suite && candidate.metric === metric);
  const threshold =
    latest?.threshold.value ?? resolveThreshold({ suite, metric, declared: null }, model.settings.config, model.settings.threshold).value;
  const { runs } = await runsInOrder(model);
  return encodeSeries(
    series,
    { unit: info?.unit ?? '', direction: info?.direction ?? 'lower', threshold },
    (runId) => runs.get(runId)?.info,
  );
}
