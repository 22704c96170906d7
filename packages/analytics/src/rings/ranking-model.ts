import type { RankingModel } from './ranking.js';

/**
 * The ranking model in force, fitted by `node packages/bench/dist/fit-ranking.js` on the
 * development worlds only (seeds 1, 2, 3 and 7: as told, with laundering, variants 1 and
 * 2; docs/analytics.md). Features, in order: log_mass_short_per_neighbour, log_mass_long_per_neighbour, path_risk, reported_neighbours, reported_share, reported.
 * The test worlds (seeds 101–110 and 201–210) were never used to fit or choose any of it.
 */
export const DEFAULT_RANKING_MODEL: RankingModel = {
  version: 'rank-1',
  restart: [0.5, 0.15],
  iterations: 8,
  mean: [-6.712178, -6.293166, 0.072766, 0.147204, 0.14099, 0],
  scale: [2.471089, 2.639221, 0.183115, 0.321447, 0.318464, 1],
  weights: [0, 0.039957, 2.083785, 0, 0, 0],
  intercept: -3.113274,
  calibration: {
    x: [
      0.017871, 0.017883, 0.018744, 0.018786, 0.034739, 0.039113, 0.039129, 0.039561, 0.03983,
      0.041312, 0.041382, 0.04177, 0.043212, 0.048751, 0.049234, 0.16926, 0.170026, 0.290384,
      0.30615, 0.306979, 0.330369, 0.338325, 0.484417, 0.713721, 0.722149, 0.72412, 0.810351,
      0.815697, 0.926169, 0.949079, 0.970351, 0.97508, 0.994485, 0.994937, 0.997892,
    ],
    y: [
      0.020758, 0.029559, 0.03501, 0.036716, 0.043982, 0.047619, 0.047841, 0.048319, 0.05911,
      0.065217, 0.077745, 0.103553, 0.109791, 0.114632, 0.127742, 0.3, 0.516957, 0.517588, 0.571429,
      0.623894, 0.740741, 0.77529, 0.811961, 0.865385, 0.9, 0.904429, 0.936508, 0.953333, 0.976159,
      0.979413, 0.980651, 0.988137, 0.995074, 0.996711, 1,
    ],
  },
};
