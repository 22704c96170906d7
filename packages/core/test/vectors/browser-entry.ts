import { runKnownAnswers } from './known-answers.js';

// The page's handle on the known answers (test/browser-vectors.test.ts).
(globalThis as { runKnownAnswers?: typeof runKnownAnswers }).runKnownAnswers = runKnownAnswers;
