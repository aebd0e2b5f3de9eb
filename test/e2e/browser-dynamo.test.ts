/** The browser walk (browser-walk.ts) on `npm start`'s embedded DynamoDB and S3. */
import { walkThePortal } from './browser-walk.js';

walkThePortal({
  name: 'DynamoDB',
  available: true,
  checksPages: true,
  env: async () => ({ env: {}, cleanup: async () => {} }),
});
