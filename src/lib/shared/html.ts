/**
 * HTML written as a tagged template that escapes every value (escape.ts) unless it is itself `html`:
 * markup is only ever what the template's own text says. Arrays are joined, and null, undefined and false
 * write nothing, so conditions and lists read as they do in a component. Runs in the browser too.
 */
import { escapeHtml } from './escape.ts';

export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

function render(value: Value): string {
  // Most values are strings: tested first, as 100,000 run pages render some 10 million of them.
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly Value[]): Html {
  let text = strings[0] ?? '';
  for (let index = 0; index < values.length; index++) text += render(values[index] as Value) + (strings[index + 1] ?? '');
  return new Html(text);
}

/**
 * A name that may be wider than a phone (Linux_x86_64_2C_24GB, a dotted benchmark path), escaped, with a
 * line-break opportunity after each separator: a heading then wraps between its parts, never inside one.
 */
export function breakable(name: string): Html {
  return new Html(
    name
      .split(/(?<=[_./-])/)
      .map(escapeHtml)
      .join('<wbr>'),
  );
}
