/**
 * A store in front of a real one that a test can take down: `down` refuses every call at
 * once (like a server refusing connections), `hang` never answers (like a locked table),
 * `up` passes calls through. `hold` keeps the next call of one method waiting until released.
 */
import type { Store } from '../../src/store/store.js';

export type Availability = 'up' | 'down' | 'hang';

export interface SwitchableStore extends Store {
  availability: Availability;
  /** The next call of `method` waits until `release()`, then goes through; `landed` ends with it. */
  hold(method: keyof Store): { release(): void; landed: Promise<unknown> };
}

const ANSWERED_HERE = new Set<PropertyKey>(['backend', 'close', 'degradation']);

export function switchable(real: Store, availability: Availability = 'up'): SwitchableStore {
  const state = { availability };
  const held = new Map<PropertyKey, { gate: Promise<void>; land: (p: Promise<unknown>) => void }>();
  function hold(method: keyof Store) {
    let release!: () => void;
    let land!: (p: Promise<unknown>) => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const landed = new Promise<unknown>((resolve) => {
      land = (p) => resolve(p.then(undefined, (e: unknown) => e));
    });
    held.set(method, { gate, land });
    return { release: () => release(), landed };
  }
  return new Proxy(real as SwitchableStore, {
    get(target, prop) {
      if (prop === 'availability') return state.availability;
      if (prop === 'hold') return hold;
      const value = Reflect.get(target, prop);
      if (ANSWERED_HERE.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const waiting = held.get(prop);
        if (waiting) {
          held.delete(prop);
          const call = waiting.gate.then(() => value.apply(target, args) as Promise<unknown>);
          waiting.land(call);
          return call;
        }
        if (state.availability === 'up') return value.apply(target, args);
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
