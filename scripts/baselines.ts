/**
 * npm run baselines: propose new pinned baselines from sustained improvements and, once approved,
 * write them to data/baselines.json with the commit, branch, time and runtime that produced them.
 */
import { createInterface } from 'node:readline/promises';
import { styleText } from 'node:util';
import Table from 'cli-table3';
import { isApplicable, proposeBaselines } from '../src/lib/analysis/baseline-update.ts';
import { writePinnedBaselines } from '../src/lib/analysis/baselines-file.ts';
import { defineCommand, printProblems, runAsProcess } from '../src/lib/cli.ts';
import { DATA_OPTION } from '../src/lib/command-options.ts';
import { loadSettings } from '../src/lib/reports/report-target.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { formatChange, formatValue } from '../src/lib/shared/format.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { readGitInfo } from '../src/lib/store/git.ts';
import { openHistory } from '../src/lib/store/history.ts';
import { displayPath, resolveDataDir } from '../src/lib/store/paths.ts';
import { assertPlatformId, detectPlatform } from '../src/lib/store/platform.ts';

async function ask(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  // End of input (no terminal, nothing piped) counts as "no".
  const answered = new Promise<string>((resolve) =>
    prompt.once('close', () => {
      process.stdout.write('\n');
      resolve('');
    }),
  );
  const answer = await Promise.race([prompt.question(question), answered]);
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

export const command = defineCommand({
  usage: 'npm run baselines [-- options]',
  about: `Proposes pinned baselines (data/baselines.json) from the median of the last runs on the default branch:
only when there are at least --min-runs of them, only when more than 5 % better than the pinned value,
never when worse or while the latest run is a regression. Asks before writing anything.`,
  options: {
    platform: {
      type: 'string',
      value: 'ID|all',
      description: "the platform to update (default: this machine's, or PERFORMANCE_PLATFORM)",
    },
    'min-runs': { type: 'string', value: 'N', default: '5', description: 'runs needed, and taken, for the median (default 5)' },
    'dry-run': { type: 'boolean', default: false, description: 'show the proposals, write nothing' },
    'auto-approve-improvements': { type: 'boolean', default: false, description: 'write the improvements without asking (for CI)' },
    'pin-new': { type: 'boolean', default: false, description: 'also pin metrics that have no pinned baseline yet' },
    branch: { type: 'string', value: 'NAME', description: 'the default branch (default: perfsite.config.json, else main)' },
    data: DATA_OPTION,
  },
  async run({ values }) {
    const minRuns = Number(values['min-runs']);
    if (!Number.isInteger(minRuns) || minRuns < 1)
      throw new UsageError(`--min-runs must be a positive whole number; got ${JSON.stringify(values['min-runs'])}`);
    const dataDir = resolveDataDir(values.data);
    const platform =
      values.platform === 'all'
        ? undefined
        : values.platform
          ? assertPlatformId(values.platform, '--platform')
          : (await detectPlatform()).id;

    const settings = await loadSettings(dataDir, { branch: values.branch });
    const history = await openHistory(dataDir);
    const proposals = await proposeBaselines(history, settings, { platforms: platform ? [platform] : undefined, minRuns });
    history.close();
    printProblems(history.problems);

    if (proposals.length === 0) {
      console.log(
        `No runs of ${platform ?? 'any platform'} on ${settings.config.defaultBranch} to take baselines from. Record some with \`${commandHint('bench')}\`.`,
      );
      return EXIT.ok;
    }
    const includeInitial = values['pin-new'];
    const table = new Table({
      head: ['platform', 'metric', 'current', 'proposed', 'change', 'runs', 'decision'],
      style: { head: [], border: [] },
    });
    for (const proposal of proposals) {
      const applicable = isApplicable(proposal, { includeInitial });
      const decision = proposal.decision === 'initial' && !includeInitial ? 'initial (add --pin-new)' : proposal.decision;
      table.push([
        proposal.platform,
        `${proposal.suite}/${proposal.metric}`,
        formatValue(proposal.current, proposal.unit),
        formatValue(proposal.proposed, proposal.unit),
        formatChange(proposal.change),
        String(proposal.runs),
        applicable ? styleText('green', decision) : decision,
      ]);
    }
    console.log(table.toString());

    const chosen = proposals.filter((proposal) => isApplicable(proposal, { includeInitial }));
    if (chosen.length === 0) {
      console.log('Nothing to update.');
      return EXIT.ok;
    }
    if (values['dry-run']) {
      console.log(`Dry run: ${plural(chosen.length, 'baseline')} would be updated; nothing was written.`);
      return EXIT.ok;
    }
    if (!values['auto-approve-improvements']) {
      if (!(await ask(`Apply these ${chosen.length} updates to ${displayPath(settings.pinned.file)}? (yes/no): `))) {
        console.log('Not applied; nothing was written.');
        return EXIT.ok;
      }
    }

    const { git } = await readGitInfo({ dataDir });
    let pinned = settings.pinned;
    for (const target of new Set(chosen.map((proposal) => proposal.platform))) {
      const values = Object.fromEntries(
        chosen
          .filter((proposal) => proposal.platform === target)
          .map((proposal) => [`${proposal.suite}/${proposal.metric}`, proposal.proposed as number]),
      );
      await writePinnedBaselines(dataDir, pinned, {
        platform: target,
        values,
        metadata: {
          last_updated: new Date().toISOString(),
          git_commit: git?.commit ?? null,
          branch: git?.branch ?? null,
          node_version: process.versions.node,
          min_runs: minRuns,
          updated_by: 'npm run baselines',
        },
      });
      pinned = (await loadSettings(dataDir)).pinned;
    }
    console.log(
      `Updated ${plural(chosen.length, 'baseline')} in ${displayPath(settings.pinned.file)}. Review with \`git diff\` and commit it.`,
    );
    return EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
