import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, REGISTER } from '../src/program.js';

/**
 * The command line loads a command's module only when that command runs, and lists the
 * top-level commands from a table: the table must be what the modules register.
 */
describe('the table of top-level commands', () => {
  it('names every command each module registers, with its own description, and no other', async () => {
    const registered: [string, string, string][] = [];
    for (const [module, load] of Object.entries(REGISTER)) {
      const program = new Command('credence');
      (await load())(program);
      for (const c of program.commands) registered.push([c.name(), module, c.description()]);
    }
    const sort = (rows: readonly (readonly string[])[]) =>
      [...rows].map((r) => r.join('\t')).sort();
    expect(sort(COMMANDS)).toEqual(sort(registered));
  });
});
