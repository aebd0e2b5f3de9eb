/**
 * A store in front of a real one that a test can take down: `down` refuses every call at
 * once (like a server refusing connections), `hang` never answers (like a locked table),
 * `up` passes calls through.
 */
import type { Store } from '../../src/store/store.js';

export type Availability = 'up' | 'down' | 'hang';

export interface SwitchableStore extends Store {
  availability: Availability;
  /** Calls refused or left hanging so far. */
  readonly blocked: number;
}

const ANSWERED_HERE = new Set<PropertyKey>(['backend', 'close', 'degradation', 'availability', 'blocked']);

export function switchable(real: Store, availability: Availability = 'up'): SwitchableStore {
  const state = { availability, blocked: 0 };
  return new Proxy(real as SwitchableStore, {
    get(target, prop) {
      if (prop === 'availability') return state.availability;
      if (prop === 'blocked') return state.blocked;
      const value = Reflect.get(target, prop);
      if (ANSWERED_HERE.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (state.availability === 'up') return value.apply(target, args);
        state.blocked++;
        if (state.availability === 'hang') return new Promise(() => {});
        return Promise.reject(new Error('connect ECONNREFUSED (the test took the secondary down)'));
      };
    },
    set(_target, prop, value) {
      if (prop !== 'availability') return false;
      state.availability = value as Availability;
      return true;
    },
  });
}
