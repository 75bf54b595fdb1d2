/** Calls `run` once on the next animation frame however often it is asked (a timer where there is no rAF). */
export function createFrameScheduler(run: () => void): { request(): void; cancel(): void } {
  let handle: number | ReturnType<typeof setTimeout> | null = null;
  const hasRaf = typeof requestAnimationFrame === "function";
  const fire = () => {
    handle = null;
    run();
  };
  return {
    request() {
      if (handle !== null) return;
      handle = hasRaf ? requestAnimationFrame(fire) : setTimeout(fire, 16);
    },
    cancel() {
      if (handle === null) return;
      if (hasRaf) cancelAnimationFrame(handle as number);
      else clearTimeout(handle as ReturnType<typeof setTimeout>);
      handle = null;
    },
  };
}
