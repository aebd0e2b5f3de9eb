/** The slice of a pino logger the notifier uses (pino's `logger` fits as is). */
export interface NotifyLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const consoleNotifyLogger: NotifyLogger = {
  info: (d, m) => console.info(m, d),
  warn: (d, m) => console.warn(m, d),
  error: (d, m) => console.error(m, d),
};
