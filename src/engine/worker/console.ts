/**
 * A callback's console.log, console.info, console.debug, console.dir and
 * console.table written to stderr instead of stdout: for `tickd run-job --json`,
 * whose stdout is the recorded run as JSON alone. Set in the CLI's process and,
 * through CONSOLE_TO_STDERR in the environment, in every worker it starts.
 */
export const CONSOLE_TO_STDERR = "TICKD_CONSOLE_TO_STDERR";

export function consoleToStderr(): void {
  console.log = console.info = console.debug = console.dir = console.table = (...parts: unknown[]) => console.error(...parts);
}
