/**
 * perfsite dev, in a project that installed perfsite: Astro's dev server on perfsite's pages and the
 * project's history (this repository's `npm run dev` is `astro dev` itself).
 */
import { spawn } from 'node:child_process';
import { astroCommand } from '../src/render/astro-root.ts';

const { argv, env } = astroCommand('dev', process.cwd(), process.argv.slice(2));
const child = spawn(process.execPath, argv, { env, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
