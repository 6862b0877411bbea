/** A commit as every output abbreviates it: 10 hexadecimal digits, unique in any repository people meet. Runs in the browser too. */
export function shortCommit(sha: string): string {
  return sha.slice(0, 10);
}
