import { renderRunPageBody } from '../src/lib/run-page-html.ts';
import { allRunIds, loadSiteModel, metricSeries, runPage } from '../src/lib/site-model.ts';

const rss = () => (process.memoryUsage().rss / 2 ** 30).toFixed(2) + ' GB';
let t = performance.now();
const model = await loadSiteModel();
console.log('load', ((performance.now() - t) / 1000).toFixed(1), 's', rss());
t = performance.now();
for (const p of model.platforms) for (const m of model.metrics) await metricSeries(model, p, m.suite, m.metric);
console.log('series', ((performance.now() - t) / 1000).toFixed(1), 's', rss());
t = performance.now();
const ids = await allRunIds(model);
console.log('ids', ids.length, ((performance.now() - t) / 1000).toFixed(1), 's', rss());
t = performance.now();
let bytes = 0;
const links = { platform: (p: string) => `/platforms/${p}/`, run: (r: string) => `/runs/${r}/` };
for (const id of ids.slice(0, 20000)) {
  const page = await runPage(model, id);
  bytes += renderRunPageBody(page!, links).length;
}
console.log('20k run pages', ((performance.now() - t) / 1000).toFixed(1), 's', rss(), (bytes / 2 ** 20).toFixed(0), 'MB');
console.log('maxrss', (process.resourceUsage().maxRSS / 2 ** 20).toFixed(2), 'GB');
