import type { NotifyLogger } from '../../src/notify/index.js';

/** One line the notifier logged: its level, its structured details and its message. */
export type LoggedLine = { level: string; details: Record<string, unknown>; message: string };

/** A NotifyLogger that keeps every line, so a test can assert what was logged and at which level. */
export function recordingLogger() {
  const lines: LoggedLine[] = [];
  const at =
    (level: string) =>
    (details: object, message: string): void => {
      lines.push({ level, details: details as Record<string, unknown>, message });
    };
  const logger: NotifyLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}
