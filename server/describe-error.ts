/** One line for any thrown value: its message, else its code, else its first inner error's. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && !error.message && error.errors.length > 0) {
    return describeError(error.errors[0]);
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message || code || error.name;
    return message.split("\n")[0].trim();
  }
  return String(error);
}
