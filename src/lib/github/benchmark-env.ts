/**
 * The environment benchmark code runs with in the action: what a benchmark may need to know where and on
 * what it runs, and nothing that could act for the repository. An allow-list, not a deny-list: a suite, and
 * every package it loads, is code the action does not control, and Actions adds secrets under names no list
 * of known ones keeps up with (INPUT_GITHUB_TOKEN, ACTIONS_RUNTIME_TOKEN, ACTIONS_ID_TOKEN_REQUEST_TOKEN…).
 */

/** Names passed as they are: the shell's, the locale's, and the CI facts the recorded run needs. */
const ALLOWED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TEMP',
  'TMP',
  'NO_COLOR',
  'FORCE_COLOR',
  'NODE_OPTIONS',
  'CI',
  'GITHUB_ACTIONS',
  'GITHUB_SHA',
  'GITHUB_REF',
  'GITHUB_REF_NAME',
  'GITHUB_HEAD_REF',
  'GITHUB_BASE_REF',
  'GITHUB_REPOSITORY',
  'GITHUB_EVENT_NAME',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_NUMBER',
  'GITHUB_WORKSPACE',
  'GITHUB_SERVER_URL',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'RUNNER_NAME',
  'RUNNER_TEMP',
  'RUNNER_ENVIRONMENT',
  'ImageOS',
  'ImageVersion',
  'GITLAB_CI',
  'BUILDKITE',
  'CIRCLECI',
  'RUNPOD_POD_ID',
  'CUDA_VISIBLE_DEVICES',
]);

/** Families of names a benchmark run reads: the locale's, perfsite's own settings, the run's mode and platform. */
const ALLOWED_PREFIXES = ['LC_', 'BENCHMARK_', 'PERFORMANCE_', 'PERFSITE_'];

/** Whatever its family, a name that says it holds a credential is never passed. */
const SECRET = /TOKEN|SECRET|PASSWORD|PASSPHRASE|CREDENTIAL|PRIVATE|(^|_)KEY($|_)|AUTH/i;

export function benchmarkEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET.test(name)) continue;
    if (ALLOWED.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix))) kept[name] = value;
  }
  return kept;
}
