/** `kldiv loss`: F.kl_div on two files, printed as PyTorch prints the result. */
import { klDiv, type Reduction, tensor } from 'kldiv';
import { CliError } from '../errors.js';
import { readArray } from '../read.js';
import { print } from './print.js';

/** The options of `kldiv loss`, as commander parses them. */
export interface LossOptions {
  reduction: Reduction;
  logTarget: boolean;
  dtype: 'float32' | 'float64';
  json: boolean;
}

/** Runs `kldiv loss <inputPath> <targetPath>`. */
export function loss(inputPath: string, targetPath: string, o: LossOptions): void {
  const input = readArray(inputPath);
  const target = readArray(targetPath);
  let result: ReturnType<typeof klDiv>;
  try {
    result = klDiv(
      tensor(input.data, { shape: input.shape, dtype: o.dtype }),
      tensor(target.data, { shape: target.shape, dtype: o.dtype }),
      { reduction: o.reduction, logTarget: o.logTarget },
    );
  } catch (e) {
    throw new CliError(`${inputPath} and ${targetPath}`, (e as Error).message);
  }
  print({ shape: result.shape, dtype: result.dtype, data: result.tolist() }, o.json, () =>
    result.toString(),
  );
}
