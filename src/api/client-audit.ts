/**
 * Audit events name the API client a change came through (`actor.clientId`). The services and
 * plans know users, not how a user signed in; so the API runs each API-client request inside
 * `actingThrough(...)`, and the store the services use (`withClientActors`) stamps the client on
 * every audit event that request writes as its user. Only audit events: the records of a
 * decision (`by` of a review action, a question, a rate withdrawal) keep naming the user.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Actor,
  type GraphChange,
  type GraphNeeds,
  isGraphNeeds,
  type PackageChange,
} from '../domain/index.js';
import type { Store } from '../store/store.js';

interface Acting {
  clientId: string;
  userId: string;
}

const acting = new AsyncLocalStorage<Acting>();

/** Runs `work` (and everything it starts) as the API client `clientId` acting as `userId`. */
export function actingThrough<T>(clientId: string, userId: string, work: () => T): T {
  return acting.run({ clientId, userId }, work);
}

function stamp(actor: Actor): Actor {
  const now = acting.getStore();
  return now && actor.id === now.userId ? { ...actor, clientId: now.clientId } : actor;
}

function stampGraph(change: GraphChange): GraphChange {
  const { withRateNumbers } = change;
  return {
    ...change,
    events: change.events.map((e) => ({ ...e, actor: stamp(e.actor) })),
    ...(withRateNumbers
      ? { withRateNumbers: (numbers) => stampGraph(withRateNumbers.call(change, numbers)) }
      : {}),
  };
}

export function withClientActors(store: Store): Store {
  const overrides: Partial<Store> = {
    changePackage(id, plan) {
      return store.changePackage(id, (before) => {
        const change = plan(before);
        return { ...change, event: { ...change.event, actor: stamp(change.event.actor) } } as typeof change &
          PackageChange;
      });
    },
    changeGraph(read, plan) {
      return store.changeGraph(read, (graph): GraphChange | GraphNeeds => {
        const result = plan(graph);
        return isGraphNeeds(result) ? result : stampGraph(result);
      });
    },
    appendAudit(event) {
      return store.appendAudit({ ...event, actor: stamp(event.actor) });
    },
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop as keyof Store];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
