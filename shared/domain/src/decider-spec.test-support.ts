import { expect } from 'vitest';
import type { Decider } from './decider.ts';
import { fold } from './decider.ts';
import type { RefusalCode } from './errors.ts';

/** given(events).when(command).thenEmits(events) | thenThrows(ErrorClass, code) — no I/O. */
export const deciderSpec =
  <C, E, S>(decider: Decider<C, E, S>) =>
  (given: E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, fold(decider, given));
      return {
        thenEmits: (expected: E[]) => expect(run()).toEqual(expected),
        thenThrows: (errorClass: new (...args: never[]) => Error, code?: RefusalCode) => {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(errorClass);
          if (code !== undefined) expect((thrown as { code?: string }).code).toBe(code);
        },
      };
    },
  });
