/** The loss as the projector's header shows it: four significant digits, or a dash before the first step. */
export function formatLoss(loss: number | null): string {
  if (loss === null || !Number.isFinite(loss)) return "—";
  return loss >= 0.001 ? loss.toFixed(4) : loss.toExponential(2);
}
