/** A command's result on stdout: JSON with `--json`, else its text form. */
export function print(value: unknown, json: boolean, text: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(value) : text()}\n`);
}
