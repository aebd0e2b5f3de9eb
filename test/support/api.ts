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

export interface TestApi {
  app: FastifyInstance;
  store: Store;
  /** Signs in through the development login and returns the session cookie header. */
  login(user: User): Promise<string>;
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
      const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
      if (!cookie) throw new Error('no session cookie');
      return `${SESSION_COOKIE}=${cookie.value}`;
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

export const json = <T = Record<string, unknown>>(res: LightMyRequestResponse) => res.json() as T;
