export * from './access.js';
export * from './document.js';
export * from './form-data.js';
export * from './naming.js';
export * from './package.js';
export * from './reference.js';
export * from './text.js';
export * from './validate-submit.js';
