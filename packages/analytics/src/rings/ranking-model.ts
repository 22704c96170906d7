import type { RankingModel } from './ranking.js';

/**
 * The ranking model in force. PROVISIONAL until fitted: equal weights on the
 * standardized features, no calibration.
 */
export const DEFAULT_RANKING_MODEL: RankingModel = {
  version: 'rank-0',
  restart: [0.5, 0.15],
  iterations: 8,
  mean: [-6, -6, 0, 0, 0.5, 0],
  scale: [2, 2, 0.2, 0.5, 0.5, 1],
  weights: [1, 1, 1, 1, -0.5, 1],
  intercept: -3,
  calibration: { x: [], y: [] },
};
