/**
 * API clients (issue 14): administrators create, list, rotate and revoke them; the token endpoint
 * checks a client's secret here. A secret is 256 random bits, shown once and kept only as its
 * SHA-256. A slow password hash (scrypt) exists to stretch guessable secrets; nobody guesses 256
 * random bits, and a deliberately slow check would make every token request a CPU cost an
 * unauthenticated caller could impose. The comparison is constant-time, and an unknown client is
 * compared against a stand-in hash, so a wrong secret and an unknown client look the same.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  type ApiClient,
  type ApiScope,
  canManageUsers,
  DomainError,
  forbidden,
  hasErrorCode,
  invalidField,
  isUuid,
  type User,
  unlessNotFound,
} from '../domain/index.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import type { Store } from '../store/store.js';

/** `lastUsedAt` is written at most this often per client: a busy client is not a write per request. */
export const LAST_USED_INTERVAL_MS = 60_000;
const SECRET_PREFIX = 'cps_';

export interface NewApiClient {
  name: string;
  scopes: ApiScope[];
  /** The CMS user the client acts as. */
  userId: string;
}

/** A client with the secret it was just given: the only time the secret is seen. */
export interface IssuedClient {
  client: ApiClient;
  clientSecret: string;
}

const hashOf = (secret: string) => `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
const newSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
/** What an unknown client's secret is compared against, so that costs what a known one does. */
const STAND_IN_HASH = hashOf(newSecret());

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ApiClientService {
  /** When this instance last wrote each client's `lastUsedAt` (ms). */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(admin: User, input: NewApiClient): Promise<IssuedClient> {
    assertAdmin(admin, 'create API clients');
    await this.assertCmsUser(input.userId);
    const clientSecret = newSecret();
    const client: ApiClient = {
      id: randomUUID(),
      name: input.name,
      scopes: [...new Set(input.scopes)],
      userId: input.userId,
      secretHash: hashOf(clientSecret),
      secretGeneration: 0,
      createdAt: isoNow(this.clock),
      createdBy: admin.id,
      revoked: false,
    };
    await this.store.createApiClient(client);
    return { client, clientSecret };
  }

  list(admin: User): Promise<ApiClient[]> {
    assertAdmin(admin, 'list API clients');
    return this.store.listApiClients();
  }

  /** A new secret; the old one, and every token issued under it, stop working. */
  async rotate(admin: User, id: string): Promise<IssuedClient> {
    assertAdmin(admin, 'rotate API client secrets');
    const before = await this.store.getApiClient(id);
    if (before.revoked)
      throw new DomainError('INVALID_TRANSITION', `API client ${id} is revoked: create a new one`);
    const clientSecret = newSecret();
    try {
      const client = await this.store.rotateApiClientSecret(id, hashOf(clientSecret), isoNow(this.clock));
      return { client, clientSecret };
    } catch (e) {
      if (hasErrorCode(e, 'VERSION_CONFLICT'))
        throw new DomainError('INVALID_TRANSITION', `API client ${id} was revoked meanwhile`);
      throw e;
    }
  }

  /** Revoked for good: its tokens stop working at once. */
  revoke(admin: User, id: string): Promise<ApiClient> {
    assertAdmin(admin, 'revoke API clients');
    return this.store.revokeApiClient(id, isoNow(this.clock));
  }

  /** The client these credentials prove, if any: unknown, wrong and revoked all answer null alike. */
  async authenticate(id: string, secret: string): Promise<ApiClient | null> {
    const client = isUuid(id) ? await this.clientOrNone(id) : undefined;
    const matches = sameHash(hashOf(secret), client?.secretHash ?? STAND_IN_HASH);
    return client && matches && !client.revoked ? client : null;
  }

  /** Records that the client was used, at most once a minute per client (and never backwards). */
  async markUsed(client: ApiClient): Promise<void> {
    const now = this.clock().getTime();
    const stored = client.lastUsedAt ? Date.parse(client.lastUsedAt) : 0;
    const last = Math.max(stored, this.touched.get(client.id) ?? 0);
    if (now - last < LAST_USED_INTERVAL_MS) return;
    if (this.touched.size >= 10_000) this.touched.clear();
    this.touched.set(client.id, now);
    await this.store.touchApiClient(client.id, new Date(now).toISOString());
  }

  private clientOrNone(id: string): Promise<ApiClient | undefined> {
    return unlessNotFound(this.store.getApiClient(id));
  }

  private async assertCmsUser(userId: string): Promise<void> {
    const user = await unlessNotFound(this.store.getUser(userId));
    if (user?.role !== 'CMS_USER') throw invalidField('userId', 'must name a CMS user');
  }
}

function assertAdmin(user: User, what: string) {
  if (!canManageUsers(user)) throw forbidden(`only administrators ${what}`);
}
