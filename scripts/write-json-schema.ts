/** npm run schema: regenerate public/schema/run-record.v1.json from the zod schema (a test keeps them equal). */
import { writeFile } from 'node:fs/promises';
import { RUN_RECORD_SCHEMA_FILE, runRecordJsonSchema } from '../src/lib/store/json-schema.ts';

await writeFile(RUN_RECORD_SCHEMA_FILE, `${JSON.stringify(runRecordJsonSchema(), null, 2)}\n`);
console.log(`wrote ${RUN_RECORD_SCHEMA_FILE}`);
