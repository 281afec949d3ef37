/**
 * The CLI's one kind of failure: a problem with a named file (or the command line), printed
 * as one line `kldiv: <where>: <problem>` with exit code 2.
 */
export class CliError extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The line printed for any error the CLI catches. */
export function errorLine(e: unknown): string {
  if (e instanceof CliError) return `kldiv: ${e.where}: ${e.message}`;
  const err = e as { code?: string; message?: string };
  return `kldiv: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}`;
}
