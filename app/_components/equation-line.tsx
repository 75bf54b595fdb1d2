import type { EquationLine } from "./equation-model";

/** One equation: symbols, then "= numbers", then "= result", wrapping on narrow screens. */
export function EquationRow({ line, testId }: { line: EquationLine; testId?: string }) {
  return (
    <div className="math leading-relaxed" data-testid={testId}>
      <span>{line.symbolic}</span>
      {line.numeric ? <span className="text-muted"> = {line.numeric}</span> : null}
      {line.result !== "" ? (
        <>
          {" = "}
          <b className="num" data-testid={testId ? `${testId}-result` : undefined}>
            {line.result}
          </b>
        </>
      ) : null}
    </div>
  );
}
