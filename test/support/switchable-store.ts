/**
 * A store in front of a real one that a test can take down: `down` refuses every call at
 * once (like a server refusing connections), `hang` never answers (like a locked table),
 * `up` passes calls through. `hold` keeps the next call of one method waiting until released.
 */
import type { MaintainedStore, Store, StoreMaintenance } from '../../src/store/store.js';

export type Availability = 'up' | 'down' | 'hang';

export interface SwitchableStore extends MaintainedStore {
  availability: Availability;
  /** The next call of `method` waits until `release()`, then goes through; `landed` ends with it. */
  hold(method: keyof Store | keyof StoreMaintenance): { release(): void; landed: Promise<unknown> };
}

const ANSWERED_HERE = new Set<PropertyKey>(['backend', 'close', 'degradation']);

export function switchable(real: MaintainedStore, availability: Availability = 'up'): SwitchableStore {
  const state = { availability };
  const held = new Map<PropertyKey, { gate: Promise<void>; land: (p: Promise<unknown>) => void }>();
  function hold(method: keyof Store | keyof StoreMaintenance) {
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
  /** `target`'s methods behind the switch (the store's own, and those of its maintenance). */
  const gated = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        if (prop === 'availability') return state.availability;
        if (prop === 'hold') return hold;
        const value = Reflect.get(t, prop);
        if (prop === 'maintenance' && value) return gated(value as object);
        if (ANSWERED_HERE.has(prop) || typeof value !== 'function') return value;
        return call(t, prop, value as (...args: unknown[]) => Promise<unknown>);
      },
      set(_target, prop, value) {
        if (prop !== 'availability') return false;
        state.availability = value as Availability;
        return true;
      },
    });
  const call =
    (target: object, prop: PropertyKey, value: (...args: unknown[]) => Promise<unknown>) =>
    (...args: unknown[]) => {
      const waiting = held.get(prop);
      if (waiting) {
        held.delete(prop);
        const called = waiting.gate.then(() => value.apply(target, args));
        waiting.land(called);
        return called;
      }
      if (state.availability === 'up') return value.apply(target, args);
      if (state.availability === 'hang') return new Promise(() => {});
      return Promise.reject(new Error('connect ECONNREFUSED (the test took the secondary down)'));
    };
  return gated(real as SwitchableStore);
}
