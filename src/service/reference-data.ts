import type { Program, State, StateCode } from '../domain/index.js';
import type { Store } from '../store/store.js';

/**
 * States and programs change rarely (seeding, an admin edit), but every package view needs
 * them for its name. Keep them in memory and reread at most every `ttlMs`.
 */
export class ReferenceData {
  private states = new Map<StateCode, State>();
  private programs = new Map<string, Program>();
  private programStates = new Map<string, StateCode>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 60_000,
  ) {}

  /**
   * Rereads after `ttlMs`; `force` (an unknown code or id) rereads sooner, but at most once a
   * second, so a package naming a since-removed program does not cost a read per request.
   */
  private async refresh(force = false): Promise<void> {
    const age = Date.now() - this.loadedAt;
    if (age < (force ? Math.min(1000, this.ttlMs) : this.ttlMs)) return;
    this.loading ??= this.store.listStates().then((states) => {
      this.states = new Map(states.map((s) => [s.code, s]));
      this.programs = new Map(states.flatMap((s) => s.programs.map((p) => [p.id, p] as const)));
      this.programStates = new Map(states.flatMap((s) => s.programs.map((p) => [p.id, s.code] as const)));
      this.loadedAt = Date.now();
    });
    try {
      await this.loading;
    } finally {
      this.loading = undefined;
    }
  }

  async listStates(): Promise<State[]> {
    await this.refresh();
    return [...this.states.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  async state(code: StateCode): Promise<State | undefined> {
    await this.refresh();
    if (!this.states.has(code)) await this.refresh(true);
    return this.states.get(code);
  }

  /** The state a program belongs to; undefined for an unknown (or since removed) program. */
  async stateOfProgram(id: string): Promise<StateCode | undefined> {
    await this.refresh();
    if (!this.programStates.has(id)) await this.refresh(true);
    return this.programStates.get(id);
  }

  /** Programs by id, for naming; unknown ids are skipped. */
  async programsByIds(ids: readonly string[]): Promise<Program[]> {
    await this.refresh();
    if (ids.some((id) => !this.programs.has(id))) await this.refresh(true);
    return ids.flatMap((id) => this.programs.get(id) ?? []);
  }
}
