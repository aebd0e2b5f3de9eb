import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { SESSION_COOKIE } from '../../src/api/session.js';
import type { User } from '../../src/domain/index.js';
import { DEMO_USERS, seedStore } from '../../src/seed/seed.js';
import type { Store } from '../../src/store/store.js';
import { freshDynamoStore } from './dynamo.js';

export const demo = (role: User['role'], stateCode?: string): User => {
  const user = DEMO_USERS.find(
    (u) => u.role === role && (!stateCode || ('stateCode' in u && u.stateCode === stateCode)),
  );
  if (!user) throw new Error(`no demo user ${role} ${stateCode ?? ''}`);
  return user;
};

/** What an authenticated browser sends: its cookies and the CSRF token. */
export type AuthHeaders = { cookie: string; 'x-csrf-token': string };

export interface TestApi {
  app: FastifyInstance;
  store: Store;
  /** Signs in through the development login; the headers an authenticated client sends. */
  login(user: User): Promise<AuthHeaders>;
  close(): Promise<void>;
}

export async function testApi(options: { devLogin?: boolean } = {}): Promise<TestApi> {
  const { store } = await freshDynamoStore('carepack-api');
  await seedStore(store, { demoUsers: true });
  const app = await buildApp({
    store,
    sessionSecret: 'test-secret-test-secret-test-secret-0123',
    devLogin: options.devLogin ?? true,
    logger: false,
  });
  return {
    app,
    store,
    async login(user) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/dev-login',
        payload: { userId: user.id },
      });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      const session = res.cookies.find((c) => c.name === SESSION_COOKIE);
      const secret = res.cookies.find((c) => c.name === '_csrf');
      const token = res.headers['x-csrf-token'];
      if (!session || !secret || typeof token !== 'string')
        throw new Error('login gave no session, CSRF secret or token');
      return { cookie: `${SESSION_COOKIE}=${session.value}; _csrf=${secret.value}`, 'x-csrf-token': token };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;
