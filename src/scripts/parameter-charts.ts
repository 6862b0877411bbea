/**
 * The parameter chart beside another earlier run: the reader picks the baseline or a recent run, and the
 * chart is redrawn from the same spec the build drew, with that run's values dashed.
 */
import { type EarlierChoices, pointsBeside } from '../lib/shared/parameter-points.ts';

/** Observable Plot is fetched with the first choice someone makes, not with the page. */
const plotting = () => import('../lib/shared/chart-spec.ts');

for (const figure of document.querySelectorAll<HTMLElement>('[data-parameter-chart]')) {
  const select = figure.querySelector<HTMLSelectElement>('[data-parameter-earlier]');
  const json = figure.querySelector('[data-parameter-data]')?.textContent;
  if (!select || !json) continue;
  const data = JSON.parse(json) as EarlierChoices;
  select.addEventListener('change', async () => {
    const choice = Number(select.value);
    const label = data.choices[choice]?.label ?? '';
    const title = `${data.titleStem}${label} (dashed)`;
    const { parameterChart } = await plotting();
    const svg = parameterChart(pointsBeside(data, choice), { ...data.options, title }, { document });
    figure.querySelector('.parameter-svg')?.replaceChildren(svg);
    const caption = figure.querySelector('.parameter-title');
    if (caption) caption.textContent = title;
  });
}
