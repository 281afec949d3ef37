import { execFileSync } from 'node:child_process';

/** What a benchmark run measured: the checked-out commit, and whether the working tree differed. */
export interface Provenance {
  /** `git rev-parse HEAD`, or null outside a git checkout. */
  commit: string | null;
  /** `git status --porcelain` printed anything (uncommitted or untracked files), or null outside a checkout. */
  dirty: boolean | null;
}

/**
 * The git provenance of the tree at `cwd`. Taken when a run starts, so the figures belong to the
 * code that produced them; a tarball or a copy without `.git` gives nulls rather than failing the run.
 */
export function gitProvenance(cwd: string): Provenance {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    return { commit: git('rev-parse', 'HEAD').trim(), dirty: git('status', '--porcelain') !== '' };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** The provenance as the report prints it. */
export function describeProvenance(p: Partial<Provenance>): string {
  if (p.commit === undefined) return 'commit not recorded (the run predates provenance)';
  if (p.commit === null) return 'commit unknown (not run from a git checkout)';
  return `commit ${p.commit}${p.dirty ? ' with uncommitted changes' : ', working tree clean'}`;
}
