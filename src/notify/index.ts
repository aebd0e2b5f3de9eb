export * from './event.js';
export * from './failure-log.js';
export * from './logger.js';
export * from './messages.js';
export * from './notifier.js';
export * from './question-messages.js';
export * from './recipients.js';
export * from './transports.js';
