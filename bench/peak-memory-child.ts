/** Child side of measurePeakMemoryGb: node peak-memory-child.ts <module URL> <export name>. */
const [moduleUrl, exportName] = process.argv.slice(2);
if (!moduleUrl || !exportName) throw new Error('usage: peak-memory-child.ts <module URL> <export name>');
const workload = (await import(moduleUrl))[exportName] as () => Promise<void>;
await workload();
process.stdout.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);

// Top-level await needs this file to be a module.
export {};
