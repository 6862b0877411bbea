/**
 * npm run lint:workflows [-- FILE...]: checks GitHub Actions workflows against GitHub's own workflow schema
 * and expression syntax (@actions/workflow-parser, what GitHub's editor tooling uses), and against the
 * security rules of src/lib/github/workflow-audit.ts. Exits 1 on any finding.
 */
import { readdir, readFile } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { defineCommand, runAsProcess } from '../src/lib/cli.ts';
import { auditAction, auditWorkflow } from '../src/lib/github/workflow-audit.ts';
import { EXIT } from '../src/lib/shared/errors.ts';

// The parser imports its schema JSON without the import attribute Node requires; this hook adds it.
registerHooks({
  load: (url, context, nextLoad) => nextLoad(url, url.endsWith('.json') ? { ...context, importAttributes: { type: 'json' } } : context),
});
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');

const WORKFLOWS_DIR = '.github/workflows';
/** The composite actions: not workflows, so GitHub's workflow schema does not apply; the audit's rules do. */
const ACTION = 'action.yml';
const ACTIONS = [ACTION, path.join('comment', ACTION)];

export const command = defineCommand({
  usage: 'npm run lint:workflows [-- FILE...]',
  about: `Checks GitHub Actions workflows against GitHub's own workflow schema and expression syntax, and
against perfsite's security rules (src/lib/github/workflow-audit.ts). Exits 1 on any finding.`,
  options: {},
  positionals: { FILE: 'a workflow or action file (default: .github/workflows/*.yml, action.yml, comment/action.yml)' },
  async run({ positionals }) {
    const files =
      positionals.length > 0
        ? positionals
        : [
            ...(await readdir(WORKFLOWS_DIR)).filter((name) => /\.ya?ml$/.test(name)).map((name) => path.join(WORKFLOWS_DIR, name)),
            ...ACTIONS,
          ];
    let failures = 0;
    for (const file of files) {
      if (path.basename(file) === ACTION) {
        const findings = auditAction(file, await readFile(file, 'utf8'));
        for (const finding of findings) console.error(`${file}: ${finding.where} ${finding.rule}`);
        if (findings.length > 0) failures++;
        else console.log(`${file}: ok`);
        continue;
      }
      const parsed = parseWorkflow({ name: file, content: await readFile(file, 'utf8') }, new NoOperationTraceWriter());
      const errors = parsed.context.errors.getErrors().map((error) => error.message);
      if (parsed.value && errors.length === 0) {
        const template = await convertWorkflowTemplate(parsed.context, parsed.value);
        errors.push(...(template.errors ?? []).map((error) => error.Message));
      }
      const text = await readFile(file, 'utf8');
      if (errors.length === 0) errors.push(...auditWorkflow(file, text).map((finding) => `${finding.where} ${finding.rule}`));
      for (const error of errors) console.error(`${file}: ${error}`);
      if (errors.length > 0) failures++;
      else console.log(`${file}: ok`);
    }
    return failures > 0 ? EXIT.failed : EXIT.ok;
  },
});

if (import.meta.main) await runAsProcess(command);
