/** The run record as JSON Schema, generated from the zod schema so other tools can write records. */
import { z } from 'zod';
import { runRecordSchema, SCHEMA_VERSION } from './record.ts';

export const RUN_RECORD_SCHEMA_FILE = `public/schema/run-record.v${SCHEMA_VERSION}.json`;

export function runRecordJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(runRecordSchema, { io: 'input', target: 'draft-2020-12' }),
    title: `perfsite run record, format v${SCHEMA_VERSION}`,
  };
}
