/** The history exported in long form (one row per run × metric), as JSON, CSV or Parquet. */
import { queryRows, sqlString } from './duckdb.ts';
import type { History } from './history.ts';
import { METRIC_COLUMN_NAMES, neutralisedColumn, TEXT_COLUMN_NAMES } from './metric-table.ts';

export const EXPORT_FORMATS = ['json', 'csv', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const OPTIONS: Record<ExportFormat, string> = {
  json: 'FORMAT json, ARRAY true',
  csv: 'FORMAT csv, HEADER true',
  parquet: 'FORMAT parquet, COMPRESSION zstd',
};

export async function exportHistory(
  history: History,
  options: { format: ExportFormat; platform?: string | undefined; output: string },
): Promise<number> {
  const [count] = await queryRows<{ n: number }>(
    history.connection,
    'SELECT count(*)::INTEGER AS n FROM metrics WHERE $platform IS NULL OR platform = $platform',
    {
      platform: options.platform ?? null,
    },
  );
  // COPY takes no parameters: the platform is checked against the safe-id pattern by the caller and quoted here.
  const where = options.platform ? `WHERE platform = ${sqlString(options.platform)}` : '';
  const columns = METRIC_COLUMN_NAMES.map((name) =>
    name === 'timestamp' || name === 'git_commit_time'
      ? `strftime(${name}, '%Y-%m-%dT%H:%M:%S.%gZ') AS ${name}`
      : TEXT_COLUMN_NAMES.includes(name)
        ? `${neutralisedColumn(name)} AS ${name}`
        : name,
  );
  const select = options.format === 'parquet' ? '*' : columns.join(', ');
  await history.connection.run(
    `COPY (SELECT ${select} FROM metrics ${where} ORDER BY timestamp, run_id, suite, metric) TO ${sqlString(options.output)} (${OPTIONS[options.format]})`,
  );
  return count?.n ?? 0;
}
