/**
 * npm run github -- comment --pr N --body-file report.md   upsert the PR's one report comment
 * npm run github -- issues --report report.json --run-url URL   open or update regression issues
 *
 * The repository comes from GITHUB_REPOSITORY and the token from GITHUB_TOKEN, as Actions sets them.
 */

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { createGitHubApi, repositorySchema } from '../src/lib/github/github-api.ts';
import { assertPullRequestHead, commentOnCommit, upsertReportComment } from '../src/lib/github/pr-comment.ts';
import { MAX_NEW_ISSUES_A_NIGHT, reportForIssuesSchema, reportRegressionIssues } from '../src/lib/github/regression-issues.ts';
import { commandHint } from '../src/lib/shared/command-hint.ts';
import { EXIT, UsageError } from '../src/lib/shared/errors.ts';
import { plural } from '../src/lib/shared/plural.ts';
import { describeZodError } from '../src/lib/shared/zod-issues.ts';

export const command = defineCommand({
  usage: [
    'npm run github -- comment --pr N|--pr-file FILE --body-file FILE [--head-sha SHA --head-repo OWNER/NAME --head-branch B]',
    'npm run github -- commit-comment --sha SHA --body-file FILE [--cc "@user,@other"]',
    'npm run github -- issues --report FILE [--site-url URL]',
  ],
  about: `comment: create or update the pull request's perfsite comment (only ever one this token wrote); with
  --head-sha (and --head-repo, --head-branch), only if the pull request's head is that commit of that
  repository and branch: for a privileged workflow posting what an untrusted job produced.
commit-comment: comment the report on a commit (what github-action-benchmark's comment-on-alert does).
issues: open an issue per new regression event (and per regressed series no event explains yet), comment on
  the open one for a known one; runs and events are linked on the published site.`,
  options: {
    pr: { type: 'string', value: 'N', description: 'the pull request number (wins unless empty)' },
    'pr-file': { type: 'string', value: 'FILE', description: 'a file holding the pull request number, for an empty --pr' },
    'body-file': { type: 'string', value: 'FILE', description: 'the Markdown report to post' },
    'head-sha': { type: 'string', value: 'SHA', description: "post only if this is the pull request's head commit" },
    'head-repo': { type: 'string', value: 'OWNER/NAME', description: 'and the head is in this repository' },
    'head-branch': { type: 'string', value: 'B', description: 'and on this branch' },
    sha: { type: 'string', value: 'SHA', description: 'the commit to comment on' },
    cc: { type: 'string', value: '"@user,@other"', description: 'people to mention in the commit comment' },
    report: { type: 'string', value: 'FILE', description: 'a JSON report (npm run report -- --format json)' },
    'site-url': { type: 'string', value: 'URL', description: 'the published site (default https://<owner>.github.io/<repo>/)' },
  },
  positionals: { 'comment|commit-comment|issues': 'what to do' },
  more: 'Environment: GITHUB_REPOSITORY (owner/name), GITHUB_TOKEN, GITHUB_API_URL (optional).',
  async run({ values, positionals }) {
    const repository = repositorySchema.safeParse(process.env.GITHUB_REPOSITORY ?? '');
    if (!repository.success) throw new UsageError(`GITHUB_REPOSITORY ${describeZodError(repository.error)}`);
    const [command] = positionals;
    if (command === 'comment') {
      // The number GitHub gives for the run wins; an empty --pr (a fork's pull request, which the event
      // does not name) falls back to the file the artifact holds, checked against the head below.
      const given = values.pr?.trim() ? values.pr : values['pr-file'] ? (await readFile(values['pr-file'], 'utf8')).trim() : values.pr;
      const pr = z.coerce.number().int().positive().safeParse(given);
      if (!pr.success) throw new UsageError('--pr (or the file --pr-file names) must hold the pull request number');
      if (!values['body-file']) throw new UsageError('--body-file is required: the Markdown report to post');
      const api = createGitHubApi();
      if (values['head-sha'] !== undefined) {
        if (!/^[0-9a-f]{40}$/.test(values['head-sha'])) throw new UsageError('--head-sha must be a full commit hash');
        if (values['head-repo'] !== undefined && !repositorySchema.safeParse(values['head-repo']).success)
          throw new UsageError('--head-repo must be owner/name');
        await assertPullRequestHead(api, repository.data, pr.data, {
          sha: values['head-sha'],
          repository: values['head-repo'],
          branch: values['head-branch'],
        });
      } else if (values['head-repo'] !== undefined || values['head-branch'] !== undefined) {
        throw new UsageError('--head-repo and --head-branch go with --head-sha');
      }
      const body = await readFile(values['body-file'], 'utf8');
      const outcome = await upsertReportComment(api, repository.data, pr.data, body);
      console.log(`${outcome.action} ${outcome.url}`);
      return EXIT.ok;
    }
    if (command === 'commit-comment') {
      if (!values.sha || !/^[0-9a-f]{40}$/.test(values.sha)) throw new UsageError('--sha must be a full commit hash');
      if (!values['body-file']) throw new UsageError('--body-file is required: the Markdown report to post');
      const body = await readFile(values['body-file'], 'utf8');
      console.log(`created ${await commentOnCommit(createGitHubApi(), repository.data, values.sha, body, values.cc ?? '')}`);
      return EXIT.ok;
    }
    if (command === 'issues') {
      if (!values.report) throw new UsageError(`--report FILE is required: a JSON report (${commandHint('report', '--format json')})`);
      const parsed = reportForIssuesSchema.safeParse(JSON.parse(await readFile(values.report, 'utf8')));
      if (!parsed.success) {
        throw new UsageError(
          `${values.report} is not a perfsite JSON report (${commandHint('report', '--format json')}): ${describeZodError(parsed.error)}`,
        );
      }
      const [owner, name] = repository.data.split('/');
      const site = (values['site-url'] ?? `https://${owner}.github.io/${name}/`).replace(/\/?$/, '/');
      const runUrl = `${site}runs/${encodeURIComponent(parsed.data.run.runId)}/`;
      const outcomes = await reportRegressionIssues(createGitHubApi(), repository.data, parsed.data, {
        run: runUrl,
        event: (id) => `${site}events/${encodeURIComponent(id)}/`,
      });
      for (const outcome of outcomes) console.log(`${outcome.action} ${outcome.url}  ${outcome.series}`);
      const leftOut = outcomes.filter((outcome) => outcome.action === 'left out').length;
      if (leftOut > 0)
        console.log(
          `${plural(leftOut, 'regression')} left out: one night opens at most ${MAX_NEW_ISSUES_A_NIGHT} issues; the site lists them all, and the next night opens those that last`,
        );
      if (outcomes.length === 0) console.log('no regression: no issue opened');
      return EXIT.ok;
    }
    throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}: use comment, commit-comment or issues`);
  },
});

if (import.meta.main) await runAsProcess(command);
