import { describeCases } from './cases.js';

describeCases('SQLite', async () => undefined);
