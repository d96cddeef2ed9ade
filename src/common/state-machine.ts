/**
 * The one shape of a lifecycle (docs/lifecycle.md, «State machines»): a status enum, an action enum and ONE table of
 * moves `from + action → to`, each naming the side effects it carries. The machine's single changing method looks
 * the move up here under a row lock and applies the named effects in the same transaction; nothing else writes the
 * status. Effects are names, not callbacks, so the table stays data that docs, pages and tests can read.
 */
export interface Transition<S extends string, A extends string, E extends string> {
  readonly from: S;
  readonly action: A;
  readonly to: S;
  readonly effects: readonly E[];
}

/** One line of a table: an action allowed from several statuses, with the same target and effects. */
export interface TransitionDeclaration<S extends string, A extends string, E extends string> {
  readonly action: A;
  readonly from: readonly S[];
  readonly to: S;
  readonly effects?: readonly E[];
}

export class TransitionTable<S extends string, A extends string, E extends string = never> {
  readonly moves: readonly Transition<S, A, E>[];

  constructor(declarations: readonly TransitionDeclaration<S, A, E>[]) {
    this.moves = declarations.flatMap((d) => d.from.map((from) => ({ from, action: d.action, to: d.to, effects: d.effects ?? [] })));
    const keys = new Set(this.moves.map((t) => `${t.from}:${t.action}`));
    // a table with two moves for one (from, action) would make the machine's answer depend on declaration order
    if (keys.size !== this.moves.length) throw new Error('transition table: (from, action) must be unique');
    // an action means one thing: callers and logs may name the target by the action alone
    for (const t of this.moves) if (this.target(t.action) !== t.to) throw new Error(`transition table: ${t.action} has two targets`);
  }

  /** The move `action` makes from `from`; null when the table does not allow it. */
  find(from: S, action: A): Transition<S, A, E> | null {
    return this.moves.find((t) => t.from === from && t.action === action) ?? null;
  }

  /** The move from `from` to `to`, for machines whose callers name the target (the campaign API's `{to}`). */
  toward(from: S, to: S): Transition<S, A, E> | null {
    return this.moves.find((t) => t.from === from && t.to === to) ?? null;
  }

  /** Every move out of `from`, in table order. */
  outOf(from: S): Transition<S, A, E>[] {
    return this.moves.filter((t) => t.from === from);
  }

  /**
   * `action` from any of its sources, for a machine that applies a move as one conditional UPDATE (the sources are
   * its WHERE). Only for actions whose effects do not depend on the source.
   */
  anySource(action: A): TransitionDeclaration<S, A, E> & { readonly effects: readonly E[] } {
    const moves = this.moves.filter((t) => t.action === action);
    if (!moves.length) throw new Error(`transition table: no action ${action}`);
    const effects = moves[0].effects;
    if (moves.some((t) => t.effects.join() !== effects.join())) throw new Error(`transition table: ${action} has effects by source`);
    return { action, from: moves.map((t) => t.from), to: moves[0].to, effects };
  }

  /** Where `action` leads (the same target from every source: one action, one meaning). */
  target(action: A): S {
    const move = this.moves.find((t) => t.action === action);
    if (!move) throw new Error(`transition table: no action ${action}`);
    return move.to;
  }
}
