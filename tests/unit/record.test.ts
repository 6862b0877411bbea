import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { RUN_RECORD_SCHEMA_FILE, runRecordJsonSchema } from '../../src/lib/store/json-schema.ts';
import { parseRecordText, validateRecord } from '../../src/lib/store/record.ts';
import { describeTextFixes, newTextFixes } from '../../src/lib/store/record-text.ts';
import { appendRun } from '../../src/lib/store/store.ts';
import { HOSTILE_TEXT, makeRecord, PROJECT_ROOT, tempDir } from '../helpers.ts';

function problemsOf(data: unknown) {
  const result = validateRecord(data, 'data/runs/x.json');
  return 'problems' in result ? result.problems : [];
}

describe('run record v1', () => {
  it('accepts a complete record and fills defaults', () => {
    const result = validateRecord(makeRecord(), 'x.json');
    expect('record' in result && result.record.metrics[0]?.status).toBe('ok');
    expect('record' in result && result.record.synthetic).toBe(false);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s as a value, naming the field', (_label, value) => {
    const record = makeRecord();
    const first = record.metrics[0];
    if (first) first.value = value;
    const problems = problemsOf(record);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'data/runs/x.json', field: 'metrics[0].value' });
    expect(problems[0]?.reason).toMatch(/finite/);
  });

  it('refuses NaN among the samples', () => {
    const record = makeRecord();
    const first = record.metrics[0];
    if (first) first.samples = [1, Number.NaN];
    expect(problemsOf(record)[0]?.field).toBe('metrics[0].samples[1]');
  });

  it('allows null only for failed or skipped measurements', () => {
    const record = makeRecord();
    const first = record.metrics[0];
    if (first) first.value = null;
    expect(problemsOf(record)[0]?.reason).toMatch(/null but status is "ok"/);
    if (first) first.status = 'failed';
    expect(problemsOf(record)).toEqual([]);
  });

  it('refuses a record from a future schema version with a message to upgrade, not a list of field errors', () => {
    const problems = problemsOf({ ...makeRecord(), schemaVersion: 2, somethingNew: true });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('schemaVersion');
    expect(problems[0]?.reason).toMatch(/schema version 2.*reads version 1/);
    expect(problems[0]?.fix).toMatch(/Upgrade perfsite/);
  });

  it('refuses ids and platform ids that could escape data/ as paths', () => {
    expect(problemsOf(makeRecord({ id: '../../etc/passwd' }))[0]?.field).toBe('id');
    const record = makeRecord();
    record.platform.id = '../x';
    expect(problemsOf(record)[0]?.field).toBe('platform.id');
  });

  it('refuses the same metric twice in one suite', () => {
    const record = makeRecord();
    record.metrics.push({ suite: 'demo', name: 'latency', value: 1, unit: 's', direction: 'lower' });
    expect(problemsOf(record)[0]).toMatchObject({ field: 'metrics[2].name' });
  });

  it("keeps a parameterised benchmark's parameters in order, and refuses them without the benchmark or named twice", () => {
    const metric = { suite: 'demo', name: "gemv(800, 'c')", value: 1, unit: 's', direction: 'lower' as const };
    const params = [
      { name: 'n', value: '800' },
      { name: 'order', value: "'c'" },
    ];
    const record = makeRecord({ metrics: [{ ...metric, benchmark: 'gemv', params }] });
    const result = validateRecord(record, 'x.json');
    expect('record' in result && result.record.metrics[0]?.params).toEqual(params);
    expect(problemsOf(makeRecord({ metrics: [{ ...metric, params }] }))[0]).toMatchObject({ field: 'metrics[0].benchmark' });
    const twice = [...params, { name: 'n', value: '1' }];
    expect(problemsOf(makeRecord({ metrics: [{ ...metric, benchmark: 'gemv', params: twice }] }))[0]).toMatchObject({
      field: 'metrics[0].params',
      reason: expect.stringMatching(/names parameter "n" twice/),
    });
  });

  it('refuses control characters in names but keeps any printable text', () => {
    const record = makeRecord();
    record.metrics = [{ suite: 's', name: HOSTILE_TEXT, value: 1, unit: 's', direction: 'lower' }];
    expect(problemsOf(record)).toEqual([]);
    record.metrics = [{ suite: 's', name: 'line\nbreak', value: 1, unit: 's', direction: 'lower' }];
    expect(problemsOf(record)[0]?.field).toBe('metrics[0].name');
  });

  it('keeps a run whose tool name, spread kind or machine details hold control characters, with them shown as U+FFFD, and says so', async () => {
    const data = await tempDir();
    const sequences = '\u001b]52;c;cm0gLXJm\u0007\u001b[8m';
    const input = makeRecord();
    input.source = { tool: `tool${sequences}`, file: 'out.json' };
    input.platform = {
      ...input.platform,
      details: { ...input.platform.details, cpu: `EPYC${sequences}`, distro: `Debian${sequences}` },
    } as typeof input.platform;
    input.metrics = input.metrics.map((metric) => ({ ...metric, spread: { low: 0, high: 1, kind: `range${sequences}` } }));
    const fixes = newTextFixes();
    const { file } = await appendRun(data, input, { fixes });
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toMatch(/\\u001b|\\u0007/);
    const record = JSON.parse(stored);
    expect(record.source.tool).toBe('tool\uFFFD]52;c;cm0gLXJm\uFFFD[8m');
    expect(record.platform.details.cpu).toMatch(/^EPYC\uFFFD/);
    expect(record.metrics[0].spread.kind).toMatch(/^range\uFFFD/);
    expect(describeTextFixes(fixes)).toEqual(
      expect.arrayContaining(['1 × source tool control characters replaced', '2 × platform detail control characters replaced']),
    );
  });

  it('reports JSON syntax errors by file', () => {
    const result = parseRecordText('{"schemaVersion": 1, "id": ', 'data/runs/2026-11/broken.json');
    expect('problems' in result && result.problems[0]?.file).toBe('data/runs/2026-11/broken.json');
    expect('problems' in result && result.problems[0]?.reason).toMatch(/not valid JSON/);
  });
});

describe('the published JSON Schema', () => {
  const committed = JSON.parse(readFileSync(path.join(PROJECT_ROOT, RUN_RECORD_SCHEMA_FILE), 'utf8'));

  it('is the one generated from the zod schema (run `npm run schema` after changing src/lib/store/record.ts)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(runRecordJsonSchema())));
  });

  it('lets another tool validate records the same way', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(committed);
    expect(validate(makeRecord())).toBe(true);
    const bad = makeRecord({ runType: 'weekly' as 'manual' });
    expect(validate(bad)).toBe(false);
    expect(validate(makeRecord({ timestamp: 'yesterday' }))).toBe(false);
  });
});
