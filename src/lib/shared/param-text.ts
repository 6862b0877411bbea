/** A combination's parameters as people read them, on every page and in every report. Runs in the browser too. */

/** One parameter of a parameterised benchmark's combination, as a run record holds it. */
export interface Param {
  name: string;
  value: string;
}

/** A parameter's value as people read it: quotes that Python and Java print around strings left out. */
export function paramValue(value: string): string {
  return /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
}

export function describeParams(params: readonly Param[] | null | undefined): string {
  return (params ?? []).map((param) => `${param.name}=${paramValue(param.value)}`).join(', ');
}

/** One parameter's value, as people read it ("" when the combination has no such parameter). */
export function paramOf(params: readonly Param[] | null | undefined, name: string): string {
  return paramValue(params?.find((param) => param.name === name)?.value ?? '');
}
