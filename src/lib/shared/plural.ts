/** "1 run", "2 runs", "1,832 runs": a count with its noun, in every output. Runs in the browser too. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
}
