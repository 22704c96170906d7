import { describeHostileInputs } from './hostile-inputs.js';

describeHostileInputs('SQLite', async () => undefined);
