/**
 * The example that started the project, line for line: PyTorch's
 *
 *   kl_loss = nn.KLDivLoss()                       # default reduction 'mean'
 *   loss = kl_loss(input, target)
 *   print("default loss:", loss)
 *   output = target * (target.log() - input)       # the formula by hand
 *   print("validate loss:", output.mean())
 *   ... reduction="batchmean" / "mean" / "none"
 *
 * printing exactly what PyTorch printed: `kldiv` with no arguments, and `npm start`.
 */
import { KLDivLoss, tensor } from 'kldiv';

/** Prints the example; the 'mean' UserWarning goes to stderr once, as in Python. */
export function blogExample(log: (line: string) => void = console.log): void {
  const input = tensor([
    [-2, -6, -8],
    [-7, -1, -2],
    [-1, -9, -2.3],
    [-1.9, -2.8, -5.4],
  ]);
  const target = tensor([
    [0.8, 0.1, 0.1],
    [0.1, 0.7, 0.2],
    [0.5, 0.2, 0.3],
    [0.4, 0.3, 0.3],
  ]);
  log(`default loss: ${new KLDivLoss().forward(input, target)}`);
  // The definition by hand, p * (log p - log q), averaged over all elements: no library call.
  const byHand = Array.from(target.data, (p, i) => p * (Math.log(p) - input.data[i]));
  log(`validate loss: ${tensor(byHand.reduce((a, b) => a + b, 0) / byHand.length)}`);
  for (const reduction of ['batchmean', 'mean', 'none'] as const) {
    log(`${reduction} loss: ${new KLDivLoss({ reduction }).forward(input, target)}`);
  }
}
